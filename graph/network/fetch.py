"""Read what the partnership networks are made of out of the published graph.

Everything comes through SPARQL (the ``queries/internal/network-*.rq`` files), never
from the curated files: ties between organisations and the bodies they take part in,
what each node is called and what type it is, regions, which body is part of which
partnership, and the evidence of every tie. :class:`NetworkData` holds it in plain
Python so that views and analyses need no store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

from nhskg.graph.named_queries import load_query_file
from nhskg.graph.namespaces import BASE
from nhskg.graph.results import python_value
from nhskg.graph.store import GraphStore, SelectResult

ID_BASE = BASE + "id/"


def short_id(iri: str) -> str:
    """A readable node id: RC1 for .../id/org/RC1, contract/... for a contract node."""
    tail = iri.removeprefix(ID_BASE)
    return tail.removeprefix("org/")


@dataclass(frozen=True)
class Tie:
    """One organisation (or stated group) takes part in one body, per one statement."""

    org: str
    body: str
    relationship: str
    basis: str
    start: date
    end: date | None
    statement: str

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and (self.end is None or first <= self.end)


@dataclass(frozen=True)
class Period:
    """A value that holds from ``start`` to ``end`` (open when None)."""

    key: str
    label: str
    start: date
    end: date | None
    rank: int = 0

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class NodeInfo:
    label: str
    code: str
    class_key: str
    class_label: str


@dataclass
class NetworkData:
    ties: list[Tie]
    nodes: dict[str, NodeInfo]
    types: dict[str, list[Period]] = field(default_factory=dict)
    regions: dict[str, list[Period]] = field(default_factory=dict)
    parts: dict[str, set[str]] = field(default_factory=dict)
    evidence: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def wholes(self, iri: str) -> set[str]:
        """Everything ``iri`` is part of, directly or through other parts."""
        seen: set[str] = set()
        todo = [iri]
        while todo:
            for whole in self.parts.get(todo.pop(), ()):
                if whole not in seen:
                    seen.add(whole)
                    todo.append(whole)
        return seen


def _rows(store: GraphStore, queries_dir: Path, name: str) -> list[dict[str, object]]:
    query = load_query_file(queries_dir / "internal" / f"{name}.rq")
    result = store.query(query.text)
    assert isinstance(result, SelectResult), f"{name} must be a SELECT query"
    return [{k: python_value(v) for k, v in row.items()} for row in result.dicts()]


def _iri(value: object) -> str:
    return str(value)


def _class_key(class_iri: str) -> str:
    """nhskg:MergerProposal -> merger-proposal."""
    local = class_iri.rsplit("#", 1)[-1]
    out = [local[0].lower()]
    for before, char in pairwise(local):
        if char.isupper() and before.islower():
            out.append("-")
        out.append(char.lower())
    return "".join(out)


def load_network_data(store: GraphStore, queries_dir: Path) -> NetworkData:
    """Everything the network views need, in five queries of the published graph."""
    ties = [
        Tie(
            org=_iri(r["org"]),
            body=_iri(r["body"]),
            relationship=str(r["relationship"]),
            basis=str(r["basis"]),
            start=_day(r["from"]),
            end=_day(r["until"]) if r["until"] is not None else None,
            statement=_iri(r["statement"]),
        )
        for r in _rows(store, queries_dir, "network-ties")
    ]
    nodes: dict[str, NodeInfo] = {}
    for r in _rows(store, queries_dir, "network-nodes"):
        iri = _iri(r["node"])
        cls = str(r["class"]) if r["class"] is not None else ""
        class_label = str(r["classLabel"]) if r["classLabel"] is not None else ""
        info = NodeInfo(
            label=str(r["label"]) if r["label"] is not None else class_label or short_id(iri),
            code=str(r["ods"]) if r["ods"] is not None else short_id(iri),
            class_key=_class_key(cls) if cls else "",
            class_label=class_label,
        )
        held = nodes.get(iri)
        if held is None or (info.class_key and info.class_key < held.class_key):
            nodes[iri] = info  # several most specific classes: keep one, repeatably
    types: dict[str, list[Period]] = defaultdict(list)
    for r in _rows(store, queries_dir, "network-types"):
        types[_iri(r["org"])].append(
            Period(
                str(r["type"]),
                str(r["typeLabel"]),
                _day(r["from"]),
                _day(r["until"]) if r["until"] is not None else None,
                rank=int(str(r["depth"])),
            )
        )
    regions: dict[str, list[Period]] = defaultdict(list)
    for r in _rows(store, queries_dir, "network-regions"):
        regions[_iri(r["org"])].append(
            Period(
                _iri(r["region"]),
                str(r["regionLabel"]),
                _day(r["from"]),
                _day(r["until"]) if r["until"] is not None else None,
            )
        )
    parts: dict[str, set[str]] = defaultdict(set)
    for r in _rows(store, queries_dir, "network-parts"):
        parts[_iri(r["part"])].add(_iri(r["whole"]))
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _rows(store, queries_dir, "network-evidence"):
        evidence[_iri(r["statement"])].append((str(r["source"]), str(r["quote"])))
    for quotes in evidence.values():
        quotes.sort()
    return NetworkData(ties, nodes, dict(types), dict(regions), dict(parts), dict(evidence))


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
