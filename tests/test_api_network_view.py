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
