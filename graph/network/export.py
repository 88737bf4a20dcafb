"""Write partnership networks to files that other tools open.

GraphML and GEXF for Gephi (list and dict values become JSON strings, None
becomes ""), node-link JSON for d3 and Cytoscape (lists stay lists), and a pair
of CSV files (nodes, edges) for pandas and spreadsheets. Nodes, edges and
attributes are written in sorted order, so the same network always gives the
same bytes and exports diff cleanly.

Every edge carries its period: ``from``, ``until`` (the last day it is taken to
hold, presumed part included; "" open), ``last_evidenced``, ``presumed_from``,
``presumed_until``, ``presumption_ended_by`` and ``presumed`` (true where the view's
day or range holds it only by presumption); a node, ``presumed`` and
``last_evidenced`` for a curated body kept only by presumption. Beside an edge's
full ``evidence`` (every source and quote, as JSON) the CSV has a summary an analyst
reads without parsing it: ``evidence_count``, ``evidence_document_count``,
``evidence_documents`` (titles, " | ") and ``evidence_first_quote``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from nhskg.graph.network.evidence import SUMMARY_COLUMNS, summary

FORMATS = ("graphml", "gexf", "json", "csv")

NODE_COLUMNS = (
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
    "presumed",
    "last_evidenced",
)
EDGE_COLUMNS = (
    "source",
    "target",
    "weight",
    "relationship",
    "basis",
    "from",
    "until",
    "sources",
    "shared",
    *SUMMARY_COLUMNS,
    "evidence",
    "presumed",
    "last_evidenced",
    "presumed_from",
    "presumed_until",
    "presumption_ended_by",
)
SHARED_SEPARATOR = " | "

_SUFFIXES = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json"}


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _flat(value: Any) -> Any:
    """A value Gephi's formats can hold: str, int, float or bool."""
    if value is None:
        return ""
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple | dict):
        return _json_text(value)
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool | int | float)


def _sorted_copy(graph: nx.Graph, convert: Callable[[Any], Any] = lambda v: v) -> nx.Graph:
    """The same network with nodes, edges and attribute names in sorted order."""
    ordered = nx.DiGraph() if graph.is_directed() else nx.Graph()
    ordered.graph.update({key: convert(graph.graph[key]) for key in sorted(graph.graph)})
    for node in sorted(graph.nodes, key=str):
        data = graph.nodes[node]
        ordered.add_node(node, **{key: convert(data[key]) for key in sorted(data)})
    for u, v in sorted(_edge_ends(graph), key=_edge_key):
        data = graph.edges[u, v]
        ordered.add_edge(u, v, **{key: convert(data[key]) for key in sorted(data)})
    return ordered


def _edge_ends(graph: nx.Graph) -> list[tuple[Any, Any]]:
    """Edge ends, the smaller id first when the graph is undirected."""
    if graph.is_directed():
        return list(graph.edges)
    return [(u, v) if str(u) <= str(v) else (v, u) for u, v in graph.edges]


def _edge_key(edge: tuple[Any, Any]) -> tuple[str, str]:
    return (str(edge[0]), str(edge[1]))


def _ensure_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write GraphML (Gephi reads the `label` attribute as each node's label)."""
    target = _ensure_parent(Path(path))
    nx.write_graphml(_sorted_copy(graph, _flat), target, infer_numeric_types=True)
    return target


GEXF_VERSION = "1.3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _timed(flat: nx.Graph, graph: nx.Graph) -> None:
    """Give each edge of ``flat`` a ``start`` (its ``from``) and ``end`` (its ``until``;
    none when open) and each node the span of its edges, for Gephi's timeline."""
    starts: dict[Any, list[str]] = {node: [] for node in flat}
    ends: dict[Any, list[str]] = {node: [] for node in flat}
    for u, v, data in flat.edges(data=True):
        period = {"start": graph.edges[u, v].get("from"), "end": graph.edges[u, v].get("until")}
        data.update({key: str(day) for key, day in period.items() if day})
        for node in (u, v):
            starts[node].append(str(period["start"] or ""))
            ends[node].append(str(period["end"] or ""))
    for node in flat:
        if starts[node] and all(starts[node]):
            flat.nodes[node]["start"] = min(starts[node])
        if ends[node] and all(ends[node]):
            flat.nodes[node]["end"] = max(ends[node])


def write_gexf(graph: nx.Graph, path: str | Path) -> Path:
    """Write dynamic GEXF 1.3 for Gephi: node label from `label`, edge weight from
    `weight`, and a time interval (``start``, ``end``, dates) on every node and edge
    from the periods of its ties, so Gephi's timeline plays the network's history.
    An edge runs from its ``from`` to its ``until`` (no end when open), a node from
    its first edge's start to its last edge's end."""
    target = _ensure_parent(Path(path))
    flat = _sorted_copy(graph, _flat)
    flat.graph["name"] = str(graph.graph.get("title", ""))
    _timed(flat, graph)
    flat.graph["mode"] = "dynamic"
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version=GEXF_VERSION)
    writer.xml.set("xmlns:xsi", XSI)  # networkx writes the 1.3 one without "www."
    writer.add_graph(flat)
    graph_element = writer.xml.find("graph")
    if graph_element is not None:
        graph_element.set("timeformat", "date")
        graph_element.set("timerepresentation", "interval")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)  # today's date would break clean diffs
        description = "; ".join(
            str(graph.graph[key]) for key in ("title", "view", "filters") if graph.graph.get(key)
        )
        if description:
            SubElement(meta, "description").text = description
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def write_node_link_json(graph: nx.Graph, path: str | Path) -> Path:
    """Write node-link JSON (`nodes`, `links`, `graph`) for d3 and Cytoscape."""
    target = _ensure_parent(Path(path))
    data = nx.node_link_data(_sorted_copy(graph), edges="links")
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def _json_default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return _json_text(value)
    return value


def _extra_columns(records: Sequence[Mapping[str, Any]], known: tuple[str, ...]) -> list[str]:
    """Attribute names beyond `known` whose values are all scalars (e.g. centralities)."""
    names = {name for record in records for name in record if name not in known}
    return sorted(name for name in names if all(_is_scalar(record.get(name)) for record in records))


def _write_rows(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with _ensure_parent(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_csv(graph: nx.Graph, nodes_path: str | Path, edges_path: str | Path) -> list[Path]:
    """Write a nodes CSV and an edges CSV (UTF-8, header row); return both paths."""
    ordered = _sorted_copy(graph)
    node_records = [dict(data) for _, data in ordered.nodes(data=True)]
    node_columns = list(NODE_COLUMNS) + _extra_columns(node_records, NODE_COLUMNS)
    node_rows = [
        {**{key: _cell(value) for key, value in data.items()}, "id": node}
        for node, data in ordered.nodes(data=True)
    ]
    edge_records = [dict(data) for _, _, data in ordered.edges(data=True)]
    edge_columns = list(EDGE_COLUMNS) + _extra_columns(edge_records, EDGE_COLUMNS)
    edge_rows = []
    for u, v, data in ordered.edges(data=True):
        row = {key: _cell(value) for key, value in data.items()}
        shared = data.get("shared")
        if isinstance(shared, list | tuple):
            row["shared"] = SHARED_SEPARATOR.join(str(item) for item in shared)
        evidence = data.get("evidence")
        if isinstance(evidence, list | tuple):
            row.update(summary(evidence))
        row.update(source=u, target=v)
        edge_rows.append(row)
    nodes_file, edges_file = Path(nodes_path), Path(edges_path)
    _write_rows(nodes_file, node_columns, node_rows)
    _write_rows(edges_file, edge_columns, edge_rows)
    return [nodes_file, edges_file]


def csv_paths(path: str | Path) -> tuple[Path, Path]:
    """`<stem>-nodes.csv` and `<stem>-edges.csv` for a stem or a path ending `.csv`."""
    stem = Path(path)
    if stem.suffix.lower() == ".csv":
        stem = stem.with_suffix("")
    return (
        stem.with_name(f"{stem.name}-nodes.csv"),
        stem.with_name(f"{stem.name}-edges.csv"),
    )


def export(graph: nx.Graph, fmt: str, path: str | Path) -> list[Path]:
    """Write `graph` in format `fmt` (one of FORMATS) at `path`; return the files written.

    For graphml, gexf and json a path without a suffix gets the format's suffix;
    for csv, `path` is a stem (or a file ending .csv) for the two files.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown network format {fmt!r}; known formats: {', '.join(FORMATS)}")
    if fmt == "csv":
        nodes_path, edges_path = csv_paths(path)
        return write_csv(graph, nodes_path, edges_path)
    target = Path(path)
    if not target.suffix:
        target = target.with_name(target.name + _SUFFIXES[fmt])
    writers = {"graphml": write_graphml, "gexf": write_gexf, "json": write_node_link_json}
    return [writers[fmt](graph, target)]
