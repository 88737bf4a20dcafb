"""Read what the partnership networks are made of out of the published graph.

Everything comes through SPARQL (the ``queries/internal/network-*.rq`` files), never
from the curated files: ties between organisations and the bodies they take part in,
what each node is called and what type it is, regions, which body is part of which
partnership, and the presumed part of each tie and curated body's type (after its
last evidence, until something ends it). :class:`NetworkData` holds them in plain
Python so that views and analyses need no store; the evidence of the ties (sources
and quotes) is read from the store only for the ties a view shows with evidence
(:mod:`.evidence`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from sys import intern

from nhskg.graph.namespaces import BASE
from nhskg.graph.network.evidence import Evidence
from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.query_answer import Formats
from nhskg.graph.query.query_worker import QueryTimeout
from nhskg.graph.query.store import GraphStore

ID_BASE = BASE + "id/"


# An organisation's part in a merger, succession or transfer of the reference data
CHANGE_RELATIONSHIPS = frozenset({"predecessor", "successor"})


def short_id(iri: str) -> str:
    """A readable node id: RC1 for .../id/org/RC1, contract/... for a contract node."""
    tail = iri.removeprefix(ID_BASE)
    return tail.removeprefix("org/")


class HeldTime:
    """When a tie or a period holds: evidenced from ``start`` to ``end`` (``end`` None
    when the evidence has no end, as for current reference data) and, for a standing
    tie or a curated body with no stated end, presumed after its evidence from
    ``presumed_from`` (the day after ``end``) to ``presumed_until`` (None: nothing known
    ends it). ``presumed=False`` in the methods asks about the evidenced period only."""

    start: date
    end: date | None
    presumed_from: date | None
    presumed_until: date | None

    @property
    def last_day(self) -> date | None:
        """The last day it is taken to hold, presumed part included (None: open)."""
        if self.end is None:
            return None
        if self.presumed_from is not None:
            return self.presumed_until
        return self.end

    def _last(self, presumed: bool) -> date | None:
        return self.last_day if presumed else self.end

    def holds_on(self, day: date, *, presumed: bool = True) -> bool:
        last = self._last(presumed)
        return self.start <= day and (last is None or day <= last)

    def presumed_on(self, day: date) -> bool:
        """Held on ``day`` only by presumption (after its last evidence)."""
        return self.holds_on(day) and self.end is not None and day > self.end

    def overlaps(self, first: date, last: date, *, presumed: bool = True) -> bool:
        end = self._last(presumed)
        return self.start <= last and (end is None or first <= end)

    def presumed_over(self, first: date, last: date) -> bool:
        """Held at some time from ``first`` to ``last``, but evidenced at none of it."""
        return self.overlaps(first, last) and not self.overlaps(first, last, presumed=False)


@dataclass(frozen=True)
class Tie(HeldTime):
    """One organisation (or stated group) takes part in one body, per one statement:
    its evidenced period ``start`` to ``end`` (``nhskg:knownFrom``/``knownUntil``), its
    presumed part (:class:`HeldTime`), and ``ended_by``, the IRI of what ends it."""

    org: str
    body: str
    relationship: str
    basis: str
    start: date
    end: date | None
    statement: str
    presumed_from: date | None = None
    presumed_until: date | None = None
    ended_by: str | None = None


@dataclass(frozen=True)
class Period(HeldTime):
    """A value that holds from ``start`` to ``end`` (open when None), evidenced to
    ``end`` and, for a curated body's, presumed after it as a tie is."""

    key: str
    label: str
    start: date
    end: date | None
    rank: int = 0
    presumed_from: date | None = None
    presumed_until: date | None = None


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
    evidence: Evidence = field(default_factory=lambda: Evidence.known({}))
    names: dict[str, list[Period]] = field(default_factory=dict)  # key and label: the name
    titles: dict[str, str] = field(default_factory=dict)  # source identifier -> title
    # the reference data's mergers, successions and transfers, apart from ``ties``: a view
    # takes them only when asked (NetworkFilters.changes)
    changes: list[Tie] = field(default_factory=list)
    _footprints: dict[str, list[Tie]] | None = field(default=None, init=False, repr=False)

    def footprints(self, iri: str, relationship: str = "in footprint") -> list[Tie]:
        """The reference placements of ``iri`` over time: the STP footprints a CCG is
        in (``in footprint``) or a trust's headquarters STP/ICB (``headquartered in``)."""
        if self._footprints is None:
            index: dict[str, list[Tie]] = defaultdict(list)
            for tie in self.ties:
                if tie.relationship in ("in footprint", "headquartered in"):
                    index[tie.relationship + " " + tie.org].append(tie)
            self._footprints = dict(index)
        return self._footprints.get(relationship + " " + iri, [])

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


def name_on(data: NetworkData, iri: str, day: date | None) -> str | None:
    """The organisation's name on ``day`` (None: no name period, or no day)."""
    if day is None:
        return None
    held = [p for p in data.names.get(iri, []) if p.holds_on(day)]
    return held[0].label if held else None


Rows = list[dict[str, str | None]]
Presumed = tuple[date | None, date | None, str | None]
CSV = Formats(results="csv", graph=None)
QUERIES = (  # what load_network_data reads
    "network-ties",
    "network-presumptions",
    "network-nodes",
    "network-classes",
    "network-types",
    "network-regions",
    "network-parts",
    "network-names",
    "network-sources",
)


def internal_rows(store: GraphStore, queries_dir: Path, name: str) -> Rows:
    """The rows of an internal query, each value as its text (IRI or lexical form).

    The store's query worker writes them as CSV and only the bytes cross its pipe:
    at ten million quads that takes half the time of passing the terms themselves
    (the ties: 12 s against 25 s). CSV has no unbound value, so an empty field reads
    as None; the internal queries bind no empty strings.
    """
    query = load_query_file(queries_dir / "internal" / f"{name}.rq")
    try:
        answer = store.answer(store.plan(query.text), CSV, guard=False)
    except QueryTimeout as stopped:
        raise QueryTimeout(
            f"reading the network ({name}, over the whole graph): {stopped}; on a large graph "
            "raise NHSKG_QUERY_TIMEOUT_S (about 30 s at ten million quads)"
        ) from None
    lines = csv.reader(io.StringIO(answer.body.decode("utf-8"), newline=""))
    names = next(lines)
    return [dict(zip(names, (value or None for value in line), strict=True)) for line in lines]


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


def _nodes(store: GraphStore, queries_dir: Path) -> dict[str, NodeInfo]:
    """Each node's label, code and most specific class of ours (of several, the first
    by key, so that the choice repeats)."""
    labels: dict[str, str] = {}
    broader: dict[str, set[str]] = defaultdict(set)
    for r in internal_rows(store, queries_dir, "network-classes"):
        if r["classLabel"] is not None:
            labels[_iri(r["class"])] = str(r["classLabel"])
        if r["broader"] is not None:
            broader[_iri(r["class"])].add(_iri(r["broader"]))
    nodes: dict[str, NodeInfo] = {}
    for r in internal_rows(store, queries_dir, "network-nodes"):
        iri = _iri(r["node"])
        classes = set(str(r["classes"] or "").split())
        narrowest = sorted(
            (_class_key(c), labels[c])
            for c in classes
            if c in labels and not any(c in broader[n] for n in classes if n != c)
        )
        class_key, class_label = narrowest[0] if narrowest else ("", "")
        nodes[iri] = NodeInfo(
            label=str(r["label"]) if r["label"] is not None else class_label or short_id(iri),
            code=str(r["ods"]) if r["ods"] is not None else short_id(iri),
            class_key=class_key,
            class_label=class_label,
        )
    return nodes


def _presumptions(store: GraphStore, queries_dir: Path) -> dict[str, Presumed]:
    """Each presumed statement's presumed part: from, until (None: open), ended by."""
    return {
        _iri(r["statement"]): (
            _day(r["presumedFrom"]),
            _optional_day(r["presumedUntil"]),
            _iri(r["endedBy"]) if r["endedBy"] is not None else None,
        )
        for r in internal_rows(store, queries_dir, "network-presumptions")
    }


UNPRESUMED: Presumed = (None, None, None)


def _tie(row: dict[str, str | None], presumed: dict[str, Presumed]) -> Tie:
    statement = _iri(row["statement"])
    end = _optional_day(row["until"])
    # presumed after its evidence only when that evidence has an end
    start_p, until_p, ended_by = presumed.get(statement, UNPRESUMED) if end else UNPRESUMED
    return Tie(  # the same organisation, body and words in every tie: one string each
        org=intern(_iri(row["org"])),
        body=intern(_iri(row["body"] if row["body"] is not None else row["statement"])),
        relationship=intern(str(row["relationship"])),
        basis=intern(str(row["basis"])),
        start=_day(row["from"]),
        end=end,
        statement=statement,
        presumed_from=start_p,
        presumed_until=until_p,
        ended_by=ended_by,
    )


def load_network_data(store: GraphStore, queries_dir: Path) -> NetworkData:
    """Everything the network views need, in nine queries of the published graph; the
    evidence is read when a view asks for it."""
    presumed = _presumptions(store, queries_dir)
    every = [_tie(r, presumed) for r in internal_rows(store, queries_dir, "network-ties")]
    ties = [t for t in every if t.relationship not in CHANGE_RELATIONSHIPS]
    changes = [t for t in every if t.relationship in CHANGE_RELATIONSHIPS]
    nodes = _nodes(store, queries_dir)
    types: dict[str, list[Period]] = defaultdict(list)
    for r in internal_rows(store, queries_dir, "network-types"):
        types[_iri(r["org"])].append(
            Period(
                str(r["type"]),
                str(r["typeLabel"]),
                _day(r["from"]),
                _optional_day(r["until"]),
                rank=int(str(r["depth"])),
                presumed_from=_optional_day(r["presumedFrom"]),
                presumed_until=_optional_day(r["presumedUntil"]),
            )
        )
    regions: dict[str, list[Period]] = defaultdict(list)
    for r in internal_rows(store, queries_dir, "network-regions"):
        regions[_iri(r["org"])].append(
            Period(
                _iri(r["region"]),
                str(r["regionLabel"]),
                _day(r["from"]),
                _optional_day(r["until"]),
            )
        )
    parts: dict[str, set[str]] = defaultdict(set)
    for r in internal_rows(store, queries_dir, "network-parts"):
        parts[_iri(r["part"])].add(_iri(r["whole"]))
    names: dict[str, list[Period]] = defaultdict(list)
    for r in internal_rows(store, queries_dir, "network-names"):
        names[_iri(r["org"])].append(
            Period(
                str(r["name"]),
                str(r["name"]),
                _day(r["from"]) if r["from"] is not None else date.min,
                _optional_day(r["until"]),
            )
        )
    titles = {
        str(r["source"]): str(r["title"])
        for r in internal_rows(store, queries_dir, "network-sources")
    }
    return NetworkData(
        ties,
        nodes,
        dict(types),
        dict(regions),
        dict(parts),
        Evidence(store, queries_dir),
        dict(names),
        titles,
        changes,
    )


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _optional_day(value: object) -> date | None:
    return None if value is None else _day(value)
