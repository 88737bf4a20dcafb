"""Exports of partnership networks (GraphML, GEXF, node-link JSON, CSV) read back intact."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from nhskg.graph.network.evidence import summary
from nhskg.graph.network.export import FORMATS, export, write_csv, write_gexf, write_graphml

ORGANISATIONS = {
    "RC1": ("Bedford Hospital NHS Trust", "nhs-trust", "NHS trust", "East of England"),
    "06F": ("NHS Bedfordshire CCG", "ccg", "Clinical commissioning group", "East of England"),
    "RD8": ("Milton Keynes University Hospital", "foundation-trust", "Foundation trust", ""),
}
BODIES = {
    "healthier-together": ("Healthier Together", "partnership", "Partnership"),
    "body:QHG": ("BLMK STP", "stp", "Sustainability and transformation partnership"),
}
QUOTE = "The “Healthier Together” programme brings partners together."


def _evidence(source: str, body: str) -> list[dict[str, str]]:
    return [{"source": source, "quote": QUOTE, "body": body}]


def _edge(body: str, *, basis: str = "stated", until: str = "") -> dict[str, Any]:
    return {
        "relationship": "member; leads" if body == "healthier-together" else "member",
        "basis": basis,
        "from": "2013-03-01",
        "until": until,
        "sources": "000_abc.txt; ods-etr-2020",
        "evidence": _evidence("000_abc.txt", body),
    }


def two_mode_graph(*, reverse: bool = False) -> nx.Graph:
    """Three organisations, two bodies; `reverse` adds everything in the opposite order."""
    graph = nx.Graph(view="two-mode", title="BLMK partnerships", filters="as of 2018-01-01")
    nodes: list[tuple[str, dict[str, Any]]] = []
    for code, (label, type_, type_label, region) in ORGANISATIONS.items():
        nodes.append(
            (
                code,
                {
                    "label": label,
                    "code": code,
                    "type": type_,
                    "type_label": type_label,
                    "region": region,
                    "iri": f"https://example.org/id/org/{code}",
                    "kind": "organisation",
                    "bipartite": 0,
                },
            )
        )
    for key, (label, type_, type_label) in BODIES.items():
        nodes.append(
            (
                key,
                {
                    "label": label,
                    "code": key.removeprefix("body:"),
                    "type": type_,
                    "type_label": type_label,
                    "region": "",
                    "iri": f"https://example.org/id/{key}",
                    "kind": "body",
                    "bipartite": 1,
                },
            )
        )
    edges = [
        ("RC1", "healthier-together", _edge("healthier-together")),
        ("06F", "healthier-together", _edge("healthier-together", until="2016-03-31")),
        ("RC1", "body:QHG", _edge("body:QHG", basis="stated; resolved")),
        ("06F", "body:QHG", _edge("body:QHG", basis="reference")),
        ("RD8", "body:QHG", _edge("body:QHG")),
    ]
    if reverse:
        nodes.reverse()
        edges = [(v, u, data) for u, v, data in reversed(edges)]
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def one_mode_graph() -> nx.Graph:
    two_mode = two_mode_graph()
    graph = nx.Graph(view="one-mode", title="BLMK partners", filters="as of 2018-01-01")
    graph.add_nodes_from(
        (node, data) for node, data in two_mode.nodes(data=True) if data["kind"] == "organisation"
    )
    graph.add_edge(
        "RC1",
        "06F",
        weight=2,
        shared=["BLMK STP", "Healthier Together"],
        relationship="member; leads",
        basis="stated; reference",
        **{"from": "2013-03-01", "until": ""},
        sources="000_abc.txt; ods-etr-2020",
        evidence=_evidence("000_abc.txt", "healthier-together")
        + _evidence("ods-etr-2020", "body:QHG"),
    )
    graph.add_edge(
        "RC1",
        "RD8",
        weight=1,
        shared=["BLMK STP"],
        relationship="member",
        basis="stated",
        **{"from": "", "until": ""},
        sources="003_def.txt",
        evidence=[{"source": "003_def.txt", "quote": QUOTE, "statement": "s-12"}],
    )
    return graph


def _edge_data(graph: nx.Graph, u: str, v: str) -> dict[str, Any]:
    return dict(graph.edges[u, v])


@pytest.mark.parametrize("make_graph", [two_mode_graph, one_mode_graph])
def test_graphml_round_trips_nodes_edges_and_attributes(tmp_path: Path, make_graph: Any) -> None:
    graph = make_graph()
    path = write_graphml(graph, tmp_path / "out" / "network.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(edge) for edge in back.edges} == {frozenset(edge) for edge in graph.edges}
    for node, data in graph.nodes(data=True):
        for key in ("label", "code", "type", "type_label", "region", "kind"):
            assert back.nodes[node][key] == data[key]
        assert back.nodes[node]["bipartite"] == data["bipartite"]
    for u, v, data in graph.edges(data=True):
        read = _edge_data(back, u, v)
        for key in ("relationship", "sources", "basis", "from", "until"):
            assert read[key] == data[key]
        assert json.loads(read["evidence"]) == data["evidence"]
        if "weight" in data:
            assert read["weight"] == data["weight"]
            assert json.loads(read["shared"]) == data["shared"]
    assert back.graph["title"] == graph.graph["title"]
    assert back.graph["view"] == graph.graph["view"]


def test_graphml_writes_none_as_empty_text(tmp_path: Path) -> None:
    graph = two_mode_graph()
    graph.nodes["RD8"]["region"] = None
    back = nx.read_graphml(write_graphml(graph, tmp_path / "network.graphml"))
    assert back.nodes["RD8"]["region"] == ""


@pytest.mark.parametrize("make_graph", [two_mode_graph, one_mode_graph])
def test_gexf_gives_gephi_node_labels_weights_and_attributes(
    tmp_path: Path, make_graph: Any
) -> None:
    graph = make_graph()
    path = write_gexf(graph, tmp_path / "network.gexf")
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(edge) for edge in back.edges} == {frozenset(edge) for edge in graph.edges}
    for node, data in graph.nodes(data=True):
        for key in ("label", "code", "type", "region"):
            assert back.nodes[node][key] == data[key]
    for u, v, data in graph.edges(data=True):
        read = _edge_data(back, u, v)
        for key in ("relationship", "sources", "basis", "from", "until"):
            assert read[key] == data[key]
        assert json.loads(read["evidence"]) == data["evidence"]
        if "weight" in data:
            assert read["weight"] == pytest.approx(data["weight"])
    assert 'label="Bedford Hospital NHS Trust"' in path.read_text(encoding="utf-8")


def test_gexf_carries_no_date_of_writing(tmp_path: Path) -> None:
    text = write_gexf(two_mode_graph(), tmp_path / "network.gexf").read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text
    assert "<description>BLMK partnerships; two-mode; as of 2018-01-01</description>" in text


@pytest.mark.parametrize("make_graph", [two_mode_graph, one_mode_graph])
def test_node_link_json_keeps_lists_and_graph_attributes(tmp_path: Path, make_graph: Any) -> None:
    graph = make_graph()
    [path] = export(graph, "json", tmp_path / "network.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["graph"] == graph.graph
    assert "links" in data
    back = nx.node_link_graph(data, edges="links")
    assert set(back.nodes) == set(graph.nodes)
    for node, node_data in graph.nodes(data=True):
        assert back.nodes[node] == node_data
    for u, v, edge_data in graph.edges(data=True):
        assert _edge_data(back, u, v) == edge_data
        assert isinstance(back.edges[u, v]["evidence"], list)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_csv_writes_nodes_and_edges_with_headers(tmp_path: Path) -> None:
    graph = one_mode_graph()
    nodes_path, edges_path = write_csv(graph, tmp_path / "n.csv", tmp_path / "e.csv")
    node_columns, nodes = _read_csv(nodes_path)
    assert node_columns[:10] == [
        "id",
        "label",
        "current_label",
        "code",
        "type",
        "type_label",
        "region",
        "region_code",
        "region_basis",
        "kind",
    ]
    by_id = {row["id"]: row for row in nodes}
    assert set(by_id) == set(graph.nodes)
    for node, data in graph.nodes(data=True):
        for key in ("label", "code", "type", "type_label", "region", "kind"):
            assert by_id[node][key] == data[key]
    edge_columns, edges = _read_csv(edges_path)
    assert edge_columns[:14] == [
        "source",
        "target",
        "weight",
        "relationship",
        "basis",
        "from",
        "until",
        "sources",
        "shared",
        "evidence_count",
        "evidence_document_count",
        "evidence_documents",
        "evidence_first_quote",
        "evidence",
    ]
    by_pair = {frozenset((row["source"], row["target"])): row for row in edges}
    assert set(by_pair) == {frozenset(edge) for edge in graph.edges}
    row = by_pair[frozenset(("RC1", "06F"))]
    assert row["weight"] == "2"
    assert row["relationship"] == "member; leads"
    assert row["sources"] == "000_abc.txt; ods-etr-2020"
    assert row["shared"] == "BLMK STP | Healthier Together"
    assert json.loads(row["evidence"]) == graph.edges["RC1", "06F"]["evidence"]


def test_csv_adds_extra_scalar_node_columns_such_as_centrality(tmp_path: Path) -> None:
    graph = one_mode_graph()
    nx.set_node_attributes(graph, nx.degree_centrality(graph), "degree_centrality")
    nodes_path, _ = write_csv(graph, tmp_path / "n.csv", tmp_path / "e.csv")
    columns, nodes = _read_csv(nodes_path)
    assert "degree_centrality" in columns
    assert {row["id"]: float(row["degree_centrality"]) for row in nodes} == pytest.approx(
        nx.degree_centrality(graph)
    )


def test_csv_leaves_weight_and_shared_empty_in_two_mode_view(tmp_path: Path) -> None:
    paths = export(two_mode_graph(), "csv", tmp_path / "two-mode")
    _, edges = _read_csv(paths[1])
    assert {row["weight"] for row in edges} == {""}
    assert {row["shared"] for row in edges} == {""}


def test_export_csv_takes_a_stem_or_a_csv_file_name(tmp_path: Path) -> None:
    expected = [tmp_path / "sub" / "net-nodes.csv", tmp_path / "sub" / "net-edges.csv"]
    assert export(one_mode_graph(), "csv", tmp_path / "sub" / "net") == expected
    assert export(one_mode_graph(), "csv", tmp_path / "sub" / "net.csv") == expected
    assert all(path.is_file() for path in expected)


@pytest.mark.parametrize(("fmt", "suffix"), [("graphml", ".graphml"), ("gexf", ".gexf")])
def test_export_adds_the_format_suffix_and_creates_folders(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    [path] = export(two_mode_graph(), fmt, tmp_path / "a" / "b" / "network")
    assert path == tmp_path / "a" / "b" / f"network{suffix}"
    assert path.is_file()


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_the_same_bytes_whatever_the_insertion_order(tmp_path: Path, fmt: str) -> None:
    first = export(two_mode_graph(), fmt, tmp_path / "first" / "network")
    second = export(two_mode_graph(reverse=True), fmt, tmp_path / "second" / "network")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_unknown_format_error_names_the_format_and_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'pajek'") as raised:
        export(two_mode_graph(), "pajek", tmp_path / "network")
    for fmt in FORMATS:
        assert fmt in str(raised.value)
    assert not any(tmp_path.iterdir())


GEXF = "{http://gexf.net/1.3}"
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI"}


def _check_gexf_13_structure(root: ET.Element) -> ET.Element:
    """The GEXF 1.3 schema's structure: root, meta, one graph with attribute classes,
    nodes and edges whose ids are unique, whose ends are nodes and whose intervals
    are ISO dates with start <= end. Returns the graph element."""
    assert root.tag == f"{GEXF}gexf"
    assert root.get("version") == "1.3"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == (
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    )
    assert [child.tag for child in root] == [f"{GEXF}meta", f"{GEXF}graph"]
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") in {"directed", "undirected", "mutual"}
    assert graph.get("mode") in {"static", "dynamic"}
    declared: dict[str, set[str]] = {"node": set(), "edge": set()}
    for attributes in graph.findall(f"{GEXF}attributes"):
        assert attributes.get("class") in declared
        for attribute in attributes.findall(f"{GEXF}attribute"):
            assert attribute.get("type") in GEXF_TYPES
            assert attribute.get("title")
            declared[str(attributes.get("class"))].add(str(attribute.get("id")))
    node_ids = [str(n.get("id")) for n in graph.iter(f"{GEXF}node")]
    assert len(node_ids) == len(set(node_ids))
    edge_ids = [str(e.get("id")) for e in graph.iter(f"{GEXF}edge")]
    assert len(edge_ids) == len(set(edge_ids))
    for kind in ("node", "edge"):
        for element in graph.iter(f"{GEXF}{kind}"):
            for value in element.iter(f"{GEXF}attvalue"):
                assert value.get("for") in declared[kind]
            start, end = element.get("start"), element.get("end")
            for day in (start, end):
                if day is not None:
                    date.fromisoformat(day)
            if start and end:
                assert start <= end
    for edge in graph.iter(f"{GEXF}edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids
    return graph


@pytest.mark.parametrize("make_graph", [two_mode_graph, one_mode_graph])
def test_gexf_is_dynamic_with_dates_from_the_tie_periods(tmp_path: Path, make_graph: Any) -> None:
    graph = make_graph()
    path = write_gexf(graph, tmp_path / "network.gexf")
    gexf = _check_gexf_13_structure(ET.parse(path).getroot())
    assert gexf.get("mode") == "dynamic"
    assert gexf.get("timeformat") == "date"
    back = nx.read_gexf(path)
    for u, v, data in graph.edges(data=True):
        read = back.edges[u, v]
        if data["from"]:
            assert read["start"] == data["from"]
        else:
            assert "start" not in read
        if data["until"]:
            assert read["end"] == data["until"]
        else:
            assert "end" not in read  # open: it still holds
    for node in graph:
        starts = [graph.edges[node, other]["from"] for other in graph[node]]
        if all(starts):
            assert back.nodes[node]["start"] == min(starts)
        else:
            assert "start" not in back.nodes[node]


def test_gexf_edge_that_ended_has_an_end_and_an_open_one_none(tmp_path: Path) -> None:
    back = nx.read_gexf(write_gexf(two_mode_graph(), tmp_path / "network.gexf"))
    assert back.edges["06F", "healthier-together"]["start"] == "2013-03-01"
    assert back.edges["06F", "healthier-together"]["end"] == "2016-03-31"
    assert "end" not in back.edges["RC1", "healthier-together"]
    # 06F's ties: one ended 2016-03-31, one open, so 06F runs on with no end
    assert back.nodes["06F"]["start"] == "2013-03-01"
    assert "end" not in back.nodes["06F"]


def test_csv_evidence_summary_agrees_with_the_full_evidence(tmp_path: Path) -> None:
    graph = one_mode_graph()
    graph.edges["RC1", "06F"]["evidence"][0]["title"] = "BLMK Central Brief"
    _, edges_path = write_csv(graph, tmp_path / "n.csv", tmp_path / "e.csv")
    _, edges = _read_csv(edges_path)
    for row in edges:
        evidence = json.loads(row["evidence"])
        assert int(row["evidence_count"]) == len(evidence)
        assert int(row["evidence_document_count"]) == len({e["source"] for e in evidence})
        assert row["evidence_first_quote"] == evidence[0]["quote"]
    by_pair = {frozenset((row["source"], row["target"])): row for row in edges}
    row = by_pair[frozenset(("RC1", "06F"))]
    assert row["evidence_documents"] == "BLMK Central Brief | ods-etr-2020"
    assert row["evidence_count"] == "2"
    assert row["evidence_document_count"] == "2"


def test_evidence_summary_puts_reasoning_after_documents() -> None:
    items = [
        {"source": "reasoning", "quote": "resolved from the ODS list"},
        {"source": "003_x.txt", "title": "BLMK Central Brief", "quote": "the 16 partners"},
        {"source": "003_x.txt", "title": "BLMK Central Brief", "quote": "and more"},
    ]
    assert summary(items) == {
        "evidence_count": 3,
        "evidence_document_count": 1,
        "evidence_documents": "BLMK Central Brief",
        "evidence_first_quote": "the 16 partners",
    }
    assert summary([])["evidence_first_quote"] == ""
    assert summary(items[:1])["evidence_first_quote"] == "resolved from the ODS list"
