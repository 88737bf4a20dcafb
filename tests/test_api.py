"""The lookup API, through FastAPI's TestClient on the national build."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings

BLMK_DOC = "003_f7ec335ea921a4a0.txt"


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national)) as test_client:
        yield test_client


def test_search_forgives_case_punctuation_and_typos(client: TestClient) -> None:
    for q in ("luton and dunstable", "L&D", "LUTON & DUNSTABLE", "Lutn Dunstable"):
        body = client.get("/api/organisations", params={"q": q}).json()
        assert body["items"][0]["code"] == "RC9", q
    by_code = client.get("/api/organisations", params={"q": "rc1"}).json()
    assert by_code["items"][0]["code"] == "RC1" and by_code["items"][0]["score"] == 1.0


def test_listing_by_type_and_date_pages(client: TestClient) -> None:
    first = client.get(
        "/api/organisations", params={"type": "ccg", "as_of": "2019-04-01", "limit": 50}
    ).json()
    assert first["total"] == 191
    second = client.get(
        "/api/organisations",
        params={"type": "ccg", "as_of": "2019-04-01", "limit": 50, "offset": 50},
    ).json()
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}


def test_organisation_page_has_names_places_memberships_and_evidence(client: TestClient) -> None:
    body = client.get("/api/organisations/RC1").json()
    assert body["name"] == "Bedford Hospital NHS Trust"
    assert "Bedford Hospital" in body["aliases"]
    assert any(p["withinCode"] == "QHG" for p in body["placements"])
    assert all(m["documents"] and m["quotes"] for m in body["memberships"])
    assert any(c["kind"] == "succession" for c in body["changes"])
    assert {n["dataset"] for n in body["names"]} >= {"ods-etr-2020"}


def test_unknown_code_is_404_with_suggestions_in_the_one_error_shape(client: TestClient) -> None:
    response = client.get("/api/organisations/Bedfrd Hosptal")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404 and error["parameter"] == "code"
    assert "Bedford Hospital NHS Trust (RC1)" in error["suggestions"]


def test_bad_parameters_name_the_parameter(client: TestClient) -> None:
    response = client.get("/api/organisations", params={"as_of": "yesterday"})
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "as_of"
    response = client.get("/api/queries/stp-footprint", params={"stp": "QHG", "as_of": "x"})
    assert response.status_code == 400 and "as_of" in response.json()["error"]["detail"]


def test_partners_say_through_what_with_evidence(client: TestClient) -> None:
    body = client.get("/api/organisations/L&D/partners").json()
    through = {(r["code"], r["throughName"]) for r in body["rows"]}
    assert (
        "RC1",
        "Proposed merger of Bedford Hospital and Luton & Dunstable University Hospital",
    ) in (through)


def test_partnership_lists_stated_and_resolved_members(client: TestClient) -> None:
    listing = client.get("/api/partnerships").json()
    assert {"QK1", "QHG", "healthier-together"} <= {p["code"] for p in listing}
    body = client.get("/api/partnerships/Better Care Together").json()
    bases = {(m["code"], m["basis"]) for m in body["members"] if "code" in m}
    assert ("RWE", "resolved") in bases
    assert any(c["consultationName"] for c in body["consultations"])


def test_canned_queries_as_json_and_csv(client: TestClient) -> None:
    library = client.get("/api/queries").json()
    assert any(q["name"] == "stp-footprint" and q["params"] for q in library)
    body = client.get("/api/queries/stp-footprint", params={"stp": "QHG", "as_of": "2019-04-01"})
    assert {r["code"] for r in body.json()["rows"]} == {"04F", "06F", "06P"}
    csv_text = client.get("/api/queries/stp-footprint.csv", params={"stp": "QHG"}).text
    assert csv_text.splitlines()[0].startswith("code,name,currentName,from,until")


def test_network_json_graphml_and_paths(client: TestClient) -> None:
    data = client.get("/api/network", params={"focus": "RC1", "hops": 1}).json()
    ids = {n["id"] for n in data["nodes"]}
    assert {"RC1", "RC9", "06F"} <= ids
    graphml = client.get("/api/network.graphml", params={"partnership": "BLMK"})
    assert graphml.status_code == 200 and b"<graphml" in graphml.content
    ends = {"from": "L&D", "to": "ELFT"}
    path = client.get("/api/paths", params={**ends, "view": "one-mode"}).json()
    assert path["connected"] and path["hops"] == 2
    assert all(hop["evidence"] for hop in path["paths"][0])
    two = client.get("/api/paths", params=ends).json()
    assert two["view"] == "two-mode" and two["hops"] == 4, "a hop per tie, through two bodies"
    kinds = [hop["to_kind"] for hop in two["paths"][0]]
    assert kinds == ["body", "organisation", "body", "organisation"]
    assert all(hop["evidence"] and hop["relationship"] for hop in two["paths"][0])


def test_paths_cross_partnerships_through_a_national_body_and_start_at_a_partnership(
    client: TestClient,
) -> None:
    found = client.get("/api/paths", params={"from": "02P", "to": "bct-partnership-board"})
    hops = found.json()["paths"][0]
    assert [h["to_name"] for h in hops[:2]] == ["Commissioners Working Together", "NHS England"]
    assert all(e["quote"] for h in hops for e in h["evidence"])
    partnership = client.get(
        "/api/paths", params={"from": "Commissioners Working Together", "to": "02X"}
    ).json()
    assert partnership["from"] == "commissioners-working-together" and partnership["hops"] == 1


def test_paths_without_a_connection_say_what_was_searched(client: TestClient) -> None:
    answer = client.get(
        "/api/paths", params={"from": "03V", "to": "02P", "as_of": "2015-01-01"}
    ).json()
    assert not answer["connected"] and answer["paths"] == []
    searched = answer["searched"]
    assert "two-mode network" in searched and "as of 2015-01-01" in searched
    assert "03V is in a component of" in searched and "02P is in a component of" in searched
    assert answer["summary"].endswith(searched)


def test_network_links_carry_evidence_unless_asked_not_to(client: TestClient) -> None:
    params = {"focus": "RC1", "hops": 1}
    full = client.get("/api/network", params=params).json()
    light = client.get("/api/network", params={**params, "evidence": "false"}).json()
    assert all(link["evidence"] and link["sources"] for link in full["links"])
    assert not any("evidence" in link or "sources" in link for link in light["links"])
    ends = {(link["source"], link["target"]) for link in full["links"]}
    assert ends == {(link["source"], link["target"]) for link in light["links"]}


def test_network_on_a_day_marks_presumed_links_and_evidenced_only_leaves_them_out(
    client: TestClient,
) -> None:
    params = {"as_of": "2018-06-01", "partnership": "BLMK", "view": "two-mode"}
    data = client.get("/api/network", params=params).json()
    members = {
        link["source"] if link["target"] == "body:QHG" else link["target"]: link
        for link in data["links"]
        if "body:QHG" in (link["source"], link["target"])
    }
    assert {"06F", "06P", "04F", "RC1", "RC9", "RD8"} <= set(members)
    for link in members.values():
        assert link["presumed"] is True and link["last_evidenced"] == "2018-01-31"
    assert members["RC1"]["presumed_until"] == "2020-03-31"
    assert members["RC1"]["presumption_ended_by"] == "change/2020-04-01/RC9"
    gexf = client.get("/api/network.gexf", params=params).text
    assert 'title="presumed"' in gexf and 'value="2018-01-31"' in gexf
    evidenced = client.get("/api/network", params={**params, "evidenced_only": "true"}).json()
    assert not any("body:QHG" in (link["source"], link["target"]) for link in evidenced["links"])
    on_the_day = client.get("/api/network", params={**params, "as_of": "2018-01-15"}).json()
    assert not any(link["presumed"] for link in on_the_day["links"])


def test_network_paths_mark_each_hop_presumed_or_evidenced(client: TestClient) -> None:
    params = {"from": "RC1", "to": "RD8", "as_of": "2018-06-01"}
    path = client.get("/api/paths", params={**params, "view": "one-mode"}).json()
    assert path["connected"] and path["hops"] == 1
    (hop,) = path["paths"][0]
    assert hop["presumed"] is True and hop["last_evidenced"] == "2018-01-31"
    two = client.get("/api/paths", params=params).json()
    assert two["hops"] == 2
    assert two["paths"][0][-1]["presumed"] is True, "RD8's tie is presumed after 2018-01-31"
    evidenced = client.get("/api/paths", params={**params, "evidenced_only": "true"})
    assert evidenced.status_code == 404, "Milton Keynes takes part in nothing evidenced then"
    assert "RD8 takes part in nothing" in evidenced.json()["error"]["detail"]


def test_etag_answers_304_when_nothing_changed(client: TestClient) -> None:
    first = client.get("/api/organisations/RC1")
    tag = first.headers["etag"]
    again = client.get("/api/organisations/RC1", headers={"If-None-Match": tag})
    assert again.status_code == 304


def test_openapi_documents_every_resource(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/organisations",
        "/api/organisations/{code}",
        "/api/organisations/{code}/partners",
        "/api/partnerships",
        "/api/partnerships/{id}",
        "/api/queries",
        "/api/queries/{name}",
        "/api/network",
        "/api/network.graphml",
        "/api/network.gexf",
        "/api/paths",
        "/sparql",
    ):
        assert path in paths, path
