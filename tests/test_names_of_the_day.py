"""Names of the day: an organisation is shown by the name it had on the answer's date,
with today's name beside it, and a former name still finds it.

The worked examples of docs/modelling.md ("Names of the day"): RC9 was Luton and
Dunstable University Hospital NHS Foundation Trust (ODS etr c2015, row 34) when the BLMK
partnership (QHG) named its partners in January 2018, and became Bedfordshire Hospitals
NHS Foundation Trust (ODS etr 2020-03); QHG was an STP in 2018, not an integrated care
board."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.network.export import export
from nhskg.graph.network.fetch import load_network_data
from nhskg.graph.network.views import NetworkFilters, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.reference.model import Name, Organisation
from nhskg.graph.reference.name_periods import name_on, name_periods
from nhskg.graph.reference.names import title_case
from nhskg.graph.reference.readers import Row
from nhskg.graph.settings import Settings

L_AND_D = "Luton and Dunstable University Hospital NHS Foundation Trust"
BEDFORDSHIRE_HOSPITALS = "Bedfordshire Hospitals NHS Foundation Trust"
HTML = {"Accept": "text/html"}


def _name(text: str, day: str, dataset: str, number: int = 2) -> Name:
    return Name(text, Row(dataset, number, (text,), text), dt.date.fromisoformat(day))


def _org(pref: str, *names: Name) -> Organisation:
    return Organisation("X1", ("NHSTrust",), names=list(names), pref_label=pref)


def _values(result: Any) -> list[dict[str, str]]:
    return [{k: (v.value if v is not None else "") for k, v in r.items()} for r in result.dicts()]


# --- the periods the build derives -------------------------------------------------


def test_a_name_holds_until_the_day_before_a_different_name_is_recorded() -> None:
    org = _org(
        BEDFORDSHIRE_HOSPITALS,
        _name(L_AND_D.upper(), "2015-09-30", "ods-etr-c2015"),
        _name(BEDFORDSHIRE_HOSPITALS.upper(), "2020-03-31", "ods-etr-2020"),
        _name(BEDFORDSHIRE_HOSPITALS.upper(), "2024-12-31", "ods-etr-2024"),
    )
    periods = [(p.name, p.start, p.end) for p in name_periods(org)]
    assert periods == [
        (L_AND_D, None, dt.date(2020, 3, 30)),
        (BEDFORDSHIRE_HOSPITALS, dt.date(2020, 3, 31), None),
    ]
    assert name_on(org, dt.date(2020, 3, 30)) == L_AND_D
    assert name_on(org, dt.date(2020, 3, 31)) == BEDFORDSHIRE_HOSPITALS


def test_before_any_record_the_earliest_recorded_name_is_used() -> None:
    org = _org("Later Name NHS Trust", _name("EARLY NAME NHS TRUST", "2015-09-30", "a"))
    org.names.append(_name("LATER NAME NHS TRUST", "2020-03-31", "b"))
    assert name_on(org, dt.date(1995, 1, 1)) == "Early Name NHS Trust"


def test_a_name_recorded_again_after_another_holds_again() -> None:
    org = _org(
        "NHS BLMK Integrated Care Board",
        _name("Bedfordshire, Luton and Milton Keynes", "2018-02-25", "hf"),
        _name("Milton Keynes, Bedfordshire and Luton", "2018-04-01", "su"),
        _name("Bedfordshire, Luton and Milton Keynes", "2019-04-01", "ons19"),
    )
    assert [(p.name, p.start) for p in name_periods(org)] == [
        ("Bedfordshire, Luton and Milton Keynes", None),
        ("Milton Keynes, Bedfordshire and Luton", dt.date(2018, 4, 1)),
        ("Bedfordshire, Luton and Milton Keynes", dt.date(2019, 4, 1)),
    ]


def test_spellings_that_differ_in_case_or_ampersand_are_one_name() -> None:
    org = _org(
        "NHS Bedfordshire, Luton and Milton Keynes CCG",
        _name("NHS BEDFORDSHIRE, LUTON & MILTON KEYNES CCG", "2019-04-01", "ods"),
        _name("NHS Bedfordshire, Luton and Milton Keynes CCG", "2020-04-01", "ons"),
    )
    (only,) = name_periods(org)
    assert (only.name, only.start, only.end) == (org.pref_label, None, None)


# --- named queries on the national graph --------------------------------------------


def _member(service: QueryService, code: str, **params: str) -> dict[str, str]:
    rows = _values(service.run("partnership-members", {"partnership": "QHG", **params}))
    (row,) = [r for r in rows if r["code"] == code]
    return row


@pytest.mark.parametrize("as_of", [None, "2018-01-15"])
def test_blmk_partners_name_rc9_as_it_was_in_2018(service: QueryService, as_of: str | None) -> None:
    params = {"as_of": as_of} if as_of else {}
    rc9 = _member(service, "RC9", **params)
    assert (rc9["name"], rc9["currentName"]) == (L_AND_D, BEDFORDSHIRE_HOSPITALS)
    names = [r["name"] for r in _values(service.run("partnership-members", {"partnership": "QHG"}))]
    assert BEDFORDSHIRE_HOSPITALS not in names  # the 2020 name is not in a 2018 list
    assert _member(service, "RC1", **params)["name"] == "Bedford Hospital NHS Trust"


def test_blmk_partners_on_2018_06_01_name_rc9_as_luton_and_dunstable(
    service: QueryService,
) -> None:
    rc9 = _member(service, "RC9", as_of="2018-06-01")
    assert (rc9["name"], rc9["currentName"]) == (L_AND_D, BEDFORDSHIRE_HOSPITALS)
    assert rc9["presumed"] == "true" and rc9["lastEvidenced"] == "2018-01-31"


def _recorded_name_on(service: QueryService, code: str, day: str) -> str:
    """The latest name a dataset records on or before ``day`` (before any, the earliest),
    read from the name records."""
    records = sorted(_values(service.run("names", {"code": code})), key=lambda r: r["observed"])
    before = [r for r in records if r["observed"] <= day]
    return title_case((before or records)[-1 if before else 0]["name"])


def test_qhg_in_2018_is_an_stp_under_the_name_its_records_give(service: QueryService) -> None:
    (qhg,) = _values(service.run("name-on", {"code": "QHG", "as_of": "2018-06-01"}))
    assert qhg["types"] == "sustainability and transformation partnership"
    assert qhg["name"] == _recorded_name_on(service, "QHG", "2018-06-01")
    assert "Integrated Care Board" not in qhg["name"]
    assert "Integrated Care Board" in qhg["currentName"]
    (later,) = _values(service.run("name-on", {"code": "QHG", "as_of": "2023-06-01"}))
    assert later["types"] == "integrated care board"


def test_stps_on_a_2018_day_are_listed_by_their_names_of_the_day(service: QueryService) -> None:
    rows = _values(service.run("organisations", {"type": "stp", "as_of": "2018-06-01"}))
    (qhg,) = [r for r in rows if r["code"] == "QHG"]
    assert qhg["name"] == _recorded_name_on(service, "QHG", "2018-06-01")
    assert qhg["currentName"] != qhg["name"]
    assert not [r for r in rows if "Integrated Care Board" in r["name"]]


def test_partners_and_what_ties_them_have_their_names_of_the_day(service: QueryService) -> None:
    rows = _values(service.run("partners", {"organisation": "RC1", "as_of": "2018-01-15"}))
    (rc9,) = [r for r in rows if r["code"] == "RC9" and r["through"].endswith("/QHG")]
    assert (rc9["name"], rc9["currentName"]) == (L_AND_D, BEDFORDSHIRE_HOSPITALS)
    assert rc9["throughName"] == _recorded_name_on(service, "QHG", "2018-01-15")
    assert "Integrated Care Board" in rc9["throughCurrentName"]


def test_merger_proposers_are_named_as_the_document_knew_them(service: QueryService) -> None:
    # one row for each paper of the proposal (the business case, the plans submitted)
    rows = [r for r in _values(service.run("merger-proposals", {})) if "(RC9)" in r["proposers"]]
    assert rows
    for proposal in rows:
        assert f"{L_AND_D} (RC9)" in proposal["proposers"].split("; ")
        assert f"{BEDFORDSHIRE_HOSPITALS} (RC9)" in proposal["proposersToday"].split("; ")


def test_a_former_name_resolves_to_the_organisation(service: QueryService) -> None:
    (row,) = _values(service.run("name-on", {"code": L_AND_D, "as_of": "2024-01-01"}))
    assert (row["code"], row["name"]) == ("RC9", BEDFORDSHIRE_HOSPITALS)


# --- API and pages ------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def test_api_search_by_a_former_name_finds_rc9_and_says_which_name(client: TestClient) -> None:
    found = client.get("/api/organisations", params={"q": L_AND_D}).json()
    first = found["items"][0]
    assert (first["code"], first["name"], first["currentName"]) == (
        "RC9",
        BEDFORDSHIRE_HOSPITALS,
        BEDFORDSHIRE_HOSPITALS,
    )
    assert first["matchedName"] == L_AND_D


def test_api_search_on_a_day_names_each_as_it_was(client: TestClient) -> None:
    found = client.get("/api/organisations", params={"q": "RC9", "as_of": "2018-06-01"}).json()
    (rc9,) = [i for i in found["items"] if i["code"] == "RC9"]
    assert (rc9["name"], rc9["currentName"]) == (L_AND_D, BEDFORDSHIRE_HOSPITALS)


def test_api_partnership_members_carry_both_names(client: TestClient) -> None:
    members = client.get("/api/partnerships/QHG").json()["members"]
    (rc9,) = [m for m in members if m["code"] == "RC9"]
    assert (rc9["name"], rc9["currentName"]) == (L_AND_D, BEDFORDSHIRE_HOSPITALS)


def test_api_organisation_on_a_day_gives_name_and_type_of_the_day(client: TestClient) -> None:
    qhg = client.get("/api/organisations/QHG", params={"as_of": "2018-06-01"}).json()
    assert qhg["onDay"]["types"] == "sustainability and transformation partnership"
    assert "Integrated Care Board" not in qhg["onDay"]["name"]
    assert qhg["onDay"]["currentName"] == qhg["name"]
    assert client.get("/api/organisations/QHG").json()["onDay"] is None


def test_partnership_page_shows_the_name_of_the_day_and_today_s_beside_it(
    client: TestClient,
) -> None:
    page = client.get("/partnerships/QHG", headers=HTML).text
    assert (
        f'<a href="/organisations/RC9">{L_AND_D} <span class="muted current-name">'
        f"(now {BEDFORDSHIRE_HOSPITALS})</span></a>"
    ) in page
    assert '<a href="/organisations/RC1">Bedford Hospital NHS Trust</a>' in page


def test_search_page_finds_by_a_former_name_and_says_so(client: TestClient) -> None:
    page = client.get("/organisations", params={"q": L_AND_D}, headers=HTML).text
    assert 'href="/organisations/RC9"' in page
    assert f"found by the name “{L_AND_D}”" in page


def test_organisation_page_on_a_day_says_its_name_and_type_then(client: TestClient) -> None:
    page = client.get("/organisations/QHG", params={"as_of": "2018-06-01"}, headers=HTML).text
    assert '<p class="on-day">On 2018-06-01: <strong>' in page
    assert "(sustainability and transformation partnership)</p>" in page
    rc1 = client.get("/organisations/RC1", params={"as_of": "2018-01-15"}, headers=HTML).text
    assert f"{L_AND_D} <span" in rc1 and f"(now {BEDFORDSHIRE_HOSPITALS})" in rc1


# --- networks -------------------------------------------------------------------------


def test_network_export_labels_each_organisation_by_its_name_on_the_view_s_day(
    service: QueryService, national: Settings, tmp_path: Path
) -> None:
    data = load_network_data(service.store, national.queries_dir)
    graph = two_mode(data, NetworkFilters(as_of=dt.date(2018, 1, 15)), evidence=False)
    nodes_file, _edges = export(graph, "csv", tmp_path / "blmk.csv")
    with nodes_file.open(encoding="utf-8", newline="") as f:
        nodes = {row["id"]: row for row in csv.DictReader(f)}
    assert (nodes["RC9"]["label"], nodes["RC9"]["current_label"]) == (
        L_AND_D,
        BEDFORDSHIRE_HOSPITALS,
    )
