"""What the network page asks the API for, through FastAPI's TestClient on the national
build: the fixed palette, and the evidence of one link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.network.palette import COLOURS, OTHER
from nhskg.graph.settings import Settings


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national)) as test_client:
        yield test_client


def test_palette_served_is_the_one_the_pictures_use(client: TestClient) -> None:
    served = client.get("/api/network/palette").json()
    assert {t["key"]: t["colour"] for t in served["types"]} == COLOURS
    assert served["other"] == OTHER


def test_every_type_in_the_network_has_its_fixed_colour_and_trusts_show_what_they_do(
    client: TestClient,
) -> None:
    nodes = client.get("/api/network", params={"evidence": "false"}).json()["nodes"]
    types = {n["code"]: n["type"] for n in nodes}
    # Bedford Hospital and Luton and Dunstable: foundation trusts that are acute trusts
    assert types["RC1"] == types["RC9"] == "acute-trust"


def test_a_link_lists_each_shared_body_with_each_ends_tie_and_quotes_linked_to_passages(
    client: TestClient,
) -> None:
    answer = client.get(
        "/api/network/link", params={"source": "RC1", "target": "RD8", "partnership": "QHG"}
    ).json()
    assert answer["source"]["label"] == "Bedford Hospital NHS Trust"
    assert answer["target"]["href"] == "/organisations/RD8"
    bodies = {body["id"]: body for body in answer["shared"]}
    assert "QHG" in bodies and answer["weight"] == len(bodies)
    ties = bodies["QHG"]["ties"]
    assert [t["org"] for t in ties] == ["RC1", "RD8"]
    quotes = [p for t in ties for p in t["evidence"] if p["kind"] == "quote"]
    assert quotes and all(
        p["href"].startswith("/documents/") and "#q-" in p["href"] for p in quotes
    )
    assert all(p["title"] and not p["title"].endswith(".txt") for p in quotes)
    assert any("16 BLMK partners" in p["quote"] for p in quotes)


def test_a_link_outside_the_view_is_not_found(client: TestClient) -> None:
    apart = client.get(
        "/api/network/link",
        params={"source": "RC1", "target": "RD8", "partnership": "QHG", "type": "ccg"},
    )
    assert apart.status_code == 404
    assert "not an organisation of this view" in apart.json()["error"]["detail"]


def test_stated_groups_and_lone_organisations_are_left_out_when_asked_and_counted(
    client: TestClient,
) -> None:
    params = {"partnership": "QHG", "evidence": "false"}
    every = client.get("/api/network", params=params).json()
    fewer = client.get(
        "/api/network", params={**params, "groups": "false", "isolates": "false"}
    ).json()
    assert any(n["type"] == "stated-group" for n in every["nodes"])
    assert not any(n["type"] == "stated-group" for n in fewer["nodes"])
    linked = {end for link in fewer["links"] for end in (link["source"], link["target"])}
    assert {n["id"] for n in fewer["nodes"]} == linked
    hidden = fewer["graph"]["hidden"]
    assert hidden["groups"] >= 1 and hidden["isolates"] >= 1
    assert fewer["graph"]["named"]["partnership"]["id"] == "QHG"


def test_positions_are_the_same_on_every_request(client: TestClient) -> None:
    params = {"partnership": "QHG", "evidence": "false", "positions": "true"}
    first = client.get("/api/network", params=params).json()["nodes"]
    again = client.get("/api/network", params=params).json()["nodes"]
    assert [(n["id"], n["x"], n["y"]) for n in first] == [(n["id"], n["x"], n["y"]) for n in again]
    assert len({(n["x"], n["y"]) for n in first}) == len(first)


def test_a_partnerships_view_brings_in_its_members_mergers_and_contracts_when_asked(
    client: TestClient,
) -> None:
    params = {"partnership": "QHG", "evidence": "false", "groups": "false"}
    plain = client.get("/api/network", params=params).json()
    wider = client.get("/api/network", params={**params, "changes": "true", "contracts": "true"})
    links = {(link["source"], link["target"]): link for link in wider.json()["links"]}
    assert not any("predecessor" in link["relationship"] for link in plain["links"])
    # Bedford Hospital's succession into the L&D (2020) and the BLMK CCGs' merger (2021)
    assert "predecessor" in links[("RC1", "RC9")]["relationship"]
    assert "predecessor" in links[("04F", "06F")]["relationship"]
    assert "provider" in links[("06F", "RWK")]["relationship"], "ELFT's contract"
    merger = client.get(
        "/api/network/link", params={**params, "changes": "true", "source": "RC1", "target": "RC9"}
    ).json()
    change = next(b for b in merger["shared"] if b["id"].startswith("change/"))
    assert change["href"] == "/id/" + change["id"]
    assert {t["relationship"] for t in change["ties"]} == {"predecessor", "successor"}
    assert any(p["kind"] == "dataset" for t in change["ties"] for p in t["evidence"])
