"""The network downloads of the API on the national build: CSVs an analyst opens
without cleaning (regions with their basis, the evidence summary beside the full
evidence) and a dynamic GEXF that networkx reads back with its dates."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings

GEXF = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national)) as test_client:
        yield test_client


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_edges_csv_carries_an_evidence_summary_that_agrees_with_the_full_evidence(
    client: TestClient,
) -> None:
    response = client.get("/api/network-edges.csv", params={"as_of": "2019-06-01"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "network-edges.csv" in response.headers["content-disposition"]
    rows = _rows(response.text)
    assert rows
    for row in rows:
        evidence = json.loads(row["evidence"])
        documents = [e for e in evidence if e["source"] != "reasoning"]
        assert int(row["evidence_count"]) == len(evidence)
        assert int(row["evidence_document_count"]) == len({e["source"] for e in documents})
        titles = dict.fromkeys(e["title"] or e["source"] for e in documents)
        assert row["evidence_documents"] == " | ".join(titles)
        assert row["evidence_first_quote"] == (documents or evidence)[0]["quote"]
    # documents are named by title, not by file name
    assert any("Working Together" in row["evidence_documents"] for row in rows)
    assert not any(".txt" in row["evidence_documents"] for row in rows)


def test_nodes_csv_gives_every_ccg_a_region_on_a_2019_view(client: TestClient) -> None:
    rows = _rows(client.get("/api/network-nodes.csv", params={"as_of": "2019-06-01"}).text)
    ccgs = [row for row in rows if row["type"] == "ccg"]
    assert len(ccgs) >= 10
    assert [row["id"] for row in ccgs if not row["region"]] == []
    assert all(row["region_basis"].startswith("footprint STP ") for row in ccgs)


def test_two_mode_edges_csv_has_weights(client: TestClient) -> None:
    rows = _rows(client.get("/api/network-edges.csv", params={"view": "two-mode"}).text)
    assert rows
    assert all(int(row["weight"]) >= 1 for row in rows)


def test_gexf_download_is_dynamic_and_reads_back_with_dates(
    client: TestClient, tmp_path: Path
) -> None:
    text = client.get("/api/network.gexf", params={"partnership": "BLMK"}).text
    root = ET.fromstring(text)
    graph = root.find(f"{GEXF}graph")
    assert root.get("version") == "1.3"
    assert graph is not None
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    path = tmp_path / "network.gexf"
    path.write_text(text, encoding="utf-8")
    back = nx.read_gexf(path)
    assert back.number_of_edges()
    assert all("start" in data for *_, data in back.edges(data=True))
    assert all(data["start"] == data["from"] for *_, data in back.edges(data=True))
