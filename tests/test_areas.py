"""The area page's answer through the API: every tie among an area's organisations with
its evidence, members by year across a merger, the work they share, and CSV downloads
that say what the page says (the browser tests, test_browser_area.py, drive Chromium)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.network.area_tables import matrix_table, ties_table
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def blmk(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/areas/QHG")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _csv(client: TestClient, url: str) -> list[list[str]]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.text)))


def test_blmk_area_is_a_partnership_and_a_footprint_with_its_trusts_and_ccgs(
    blmk: dict[str, Any],
) -> None:
    assert set(blmk["kinds"]) == {"partnership", "footprint"}
    codes = {o["code"] for o in blmk["organisations"]}
    assert {"RC1", "RC9", "RD8", "06F", "06P", "04F"} <= codes
    assert [g["name"] for g in blmk["groups"]] == ["the 16 BLMK partners"]


def test_every_blmk_tie_is_among_its_organisations_and_carries_evidence(
    blmk: dict[str, Any],
) -> None:
    inside = {o["code"] for o in blmk["organisations"]} | {g["code"] for g in blmk["groups"]}
    assert blmk["ties"]
    for tie in blmk["ties"]:
        assert tie["organisationCode"] in inside, tie
        assert tie["evidence"], f"a tie with no evidence: {tie}"
    quoted = [t for t in blmk["ties"] if t["evidence"][0]["kind"] == "quote"]
    assert len(quoted) >= 10
    for tie in quoted:
        first = tie["evidence"][0]
        assert first["href"].startswith("/documents/") and "#q-" in first["href"]
        assert first["title"] and not first["title"].endswith(".txt")
    merger = [t for t in blmk["ties"] if t["relationship"] == "proposer"]
    assert {t["organisationCode"] for t in merger} == {"RC1", "RC9"}
    resolved = next(
        t for t in blmk["ties"] if t["organisationCode"] == "RC1" and t["basis"] == "resolved"
    )
    assert any(e["kind"] == "reasoning" for e in resolved["evidence"])


def test_members_by_year_follow_bedford_hospital_into_its_successor(
    blmk: dict[str, Any],
) -> None:
    matrix = blmk["matrix"]
    years = [p["label"] for p in matrix["periods"]]
    rows = {r["code"]: r for r in matrix["rows"]}
    rc1 = dict(zip(years, rows["RC1"]["cells"], strict=True))
    assert rc1["2017/18"]["state"] == "resolved"
    assert rc1["2018/19"]["state"] == "presumed"
    assert any("succession into RC9" in m for m in rc1["2020/21"]["marks"])
    assert all(not rc1[y]["marks"] for y in years[years.index("2021/22") :])
    rc9 = dict(zip(years, rows["RC9"]["cells"], strict=True))
    assert any("succession of RC1" in m for m in rc9["2020/21"]["marks"])
    assert rc9["2021/22"]["marks"], "the successor stays in the area"
    assert any(e["kind"] == "quote" for e in rows["RC1"]["evidence"])


def test_the_contract_and_the_merger_are_listed_with_their_parties_and_quotes(
    blmk: dict[str, Any],
) -> None:
    kinds = {w["kind"]: w for w in blmk["work"]}
    contract = kinds["contract"]
    assert "ELFT" in contract["label"]
    roles = {(r["code"], r["role"], r["inArea"]) for r in contract["roles"]}
    assert ("RWK", "provider", False) in roles and ("06F", "commissioner", True) in roles
    assert contract["evidence"] and contract["evidence"][0]["kind"] == "quote"
    assert "merger" in kinds["merger proposal"]["label"].lower()
    succession = next(c for c in blmk["changes"] if c["date"] == "2020-04-01")
    assert [n["code"] for n in succession["before"]] == ["RC1"]
    assert [n["code"] for n in succession["after"]] == ["RC9"]
    assert succession["evidence"][0]["kind"] == "dataset"


def test_ties_csv_has_the_pages_rows_in_the_pages_order(
    client: TestClient, blmk: dict[str, Any]
) -> None:
    table = _csv(client, "/api/areas/QHG/ties.csv")
    assert table == ties_table(blmk)
    header, rows = table[0], table[1:]
    assert len(rows) == len(blmk["ties"])
    first = dict(zip(header, rows[0], strict=True))
    tie = blmk["ties"][0]
    assert first["organisation_code"] == tie["organisationCode"]
    assert first["evidence"] == tie["evidence"][0]["quote"]
    assert int(first["evidence_count"]) == len(tie["evidence"])


def test_members_csv_has_the_matrix_cells(client: TestClient, blmk: dict[str, Any]) -> None:
    table = _csv(client, "/api/areas/QHG/members.csv")
    assert table == matrix_table(blmk)
    rc1 = next(r for r in table if r[0] == "RC1")
    cells = dict(zip(table[0], rc1, strict=True))
    assert "succession into RC9" in cells["2020/21"]
    assert cells["2018/19"] == "member, presumed"


def test_a_footprint_and_a_region_are_areas_too(client: TestClient) -> None:
    listed = client.get("/api/areas").json()
    footprint_only = next(
        f["code"]
        for f in listed["footprint"]
        if f["code"] not in {p["code"] for p in listed["partnership"]}
    )
    answer = client.get(f"/api/areas/{footprint_only}").json()
    assert answer["kinds"] == ["footprint"] and answer["organisations"]
    assert all(t["evidence"] for t in answer["ties"])
    region = client.get("/api/areas/Y61").json()
    assert region["name"] == "East of England" and region["kinds"] == ["region"]
    codes = {o["code"] for o in region["organisations"]}
    assert {"QHG", "RC9", "06F"} <= codes, "its ICBs, trusts and the CCGs in their footprints"
    assert all(t["evidence"] for t in region["ties"])


def test_an_unknown_area_is_a_404_page_that_says_why(client: TestClient) -> None:
    not_area = client.get("/areas/RWK", headers=HTML)
    assert not_area.status_code == 404
    assert "not a partnership" in not_area.text and "<html" in not_area.text
    unknown = client.get("/areas/NO-SUCH-AREA", headers=HTML)
    assert unknown.status_code == 404
    assert client.get("/api/areas/RWK").json()["error"]["title"] == "not an area"


def test_home_answers_the_blmk_question_in_one_click_and_picks_other_areas(
    client: TestClient,
) -> None:
    home = client.get("/").text
    assert 'href="/areas/QHG"' in home
    assert 'action="/areas"' in home and '<option value="Y61">' in home
    picked = client.get("/areas?id=East of England")
    assert picked.status_code == 303 and picked.headers["location"] == "/areas/Y61"
    assert 'href="/areas/QHG"' in client.get("/partnerships/QHG").text


def test_area_page_shows_the_quotes_the_matrix_and_the_downloads(client: TestClient) -> None:
    page = client.get("/areas/QHG")
    assert page.status_code == 200
    text = page.text
    assert "Who works with whom" in text
    assert text.count('<q class="quote">') >= 10
    assert 'href="/api/areas/QHG/ties.csv"' in text and 'href="/api/areas/QHG/members.csv"' in text
    assert "succession into RC9, 2020-04-01" in text


def test_pairs_say_who_works_with_whom_beyond_sharing_the_area(blmk: dict[str, Any]) -> None:
    found = {
        (p["organisation"]["code"], p["with"]["code"]): [b["name"] for b in p["bodies"]]
        for p in blmk["pairs"]
    }
    merger = found[("RC1", "RC9")]
    assert any("Proposed merger" in name for name in merger)
    assert all(len(bodies) >= 2 for bodies in found.values()), "more than the area itself"
    assert "BLMK" in blmk["aliases"]


def test_bodies_without_a_label_are_named_by_what_they_are_about(blmk: dict[str, Any]) -> None:
    bodies = {t["body"] for t in blmk["ties"]}
    assert "joint working" not in bodies and "submission" not in bodies
    assert any(b.startswith("joint working: to develop a shared vision") for b in bodies)
    assert any(b.startswith("submission: CCG out of hospital care strategies") for b in bodies)


def test_a_2018_tie_names_the_organisation_as_it_was_then_and_says_its_name_now(
    blmk: dict[str, Any],
) -> None:
    rc9 = [t for t in blmk["ties"] if t["organisationCode"] == "RC9" and t["from"] < "2019"]
    assert rc9, "BLMK's 2018 document ties the L&D (RC9) to the area"
    for tie in rc9:
        assert "Luton and Dunstable" in tie["organisation"], tie["organisation"]
        assert tie["organisationNow"] == "Bedfordshire Hospitals NHS Foundation Trust"
