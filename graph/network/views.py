"""Network views: the two-mode organisation-body network and its one-mode projection.

:func:`two_mode` keeps the ties that pass a :class:`NetworkFilters` (a day or a date
range, organisation types, one partnership, one region, stated only or stated and
resolved, with or without reference footprints) and joins each organisation to the
bodies it takes part in. A tie holds on a day from its first evidence until its last
and, when it is presumed to run on (``nhskg:presumedFrom``), until its presumption
ends; a view on a day or over a range keeps presumed ties and marks each edge
``presumed`` where it holds there only by presumption, with the day it was
``last_evidenced`` (``evidenced_only`` keeps only ties evidenced there).
:func:`one_mode` projects that onto organisations: two are linked when they share
a body, weighted by how many, and each link carries the shared bodies and the
evidence (source and quote) behind both ends. Evidence is read from the store for
the ties a view keeps; a view built with ``evidence=False`` (for analyses of the
whole graph, which show no quotes) gets it later, for the edges that are shown,
from :func:`add_evidence`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import networkx as nx

from nhskg.graph.network.evidence import SUMMARY_COLUMNS, summary
from nhskg.graph.network.fetch import (
    CHANGE_RELATIONSHIPS,
    NetworkData,
    Period,
    Tie,
    name_on,
    short_id,
)
from nhskg.graph.network.palette import GOVERNANCE, TRUST_FUNCTIONS, preference
from nhskg.graph.network.regions import region_of

FOOTPRINT_RELATIONSHIPS = frozenset({"in footprint", "headquartered in"})
CONTRACT = "contract"  # the class key of a contract, a body its parties are tied by
BASIS_ORDER = ("stated", "resolved", "reference")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class NetworkFilters:
    """Which ties a view keeps. ``as_of`` and ``start``/``end`` are exclusive."""

    as_of: date | None = None
    start: date | None = None
    end: date | None = None
    types: frozenset[str] = frozenset()
    partnership: str | None = None
    region: str | None = None
    stated_only: bool = False
    footprints: bool = False
    groups: bool = True
    evidenced_only: bool = False
    changes: bool = False  # mergers, successions and transfers as ties
    contracts: bool = False  # in a partnership's view, its members' contracts too

    def __post_init__(self) -> None:
        if self.as_of and (self.start or self.end):
            raise ValueError("give either as_of or a date range (start, end), not both")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"the range ends ({self.end}) before it starts ({self.start})")

    @property
    def day(self) -> date | None:
        """The day whose names, types and regions the view shows."""
        return self.as_of or self.end

    @property
    def dated(self) -> bool:
        return bool(self.as_of or self.start or self.end)

    def keeps(self, tie: Tie) -> bool:
        if tie.relationship in CHANGE_RELATIONSHIPS:
            return self.changes and self.held(tie)
        if tie.relationship in FOOTPRINT_RELATIONSHIPS or tie.basis == "reference":
            if not self.footprints:
                return False
        elif self.stated_only and tie.basis != "stated":
            return False
        return self.held(tie)

    def held(self, thing: Tie | Period) -> bool:
        """Whether a tie (or a type period) holds on the view's day or in its range,
        its presumed part counted unless ``evidenced_only``."""
        presumed = not self.evidenced_only
        if self.as_of is not None:
            return thing.holds_on(self.as_of, presumed=presumed)
        if self.start is not None or self.end is not None:
            return thing.overlaps(self.start or date.min, self.end or date.max, presumed=presumed)
        return True

    def presumes(self, thing: Tie | Period) -> bool:
        """Whether a tie (or a type period) holds on the view's day, or in its range,
        only by presumption: after its last evidence. Never in a view of all dates."""
        if self.as_of is not None:
            return thing.presumed_on(self.as_of)
        if self.start is not None or self.end is not None:
            return thing.presumed_over(self.start or date.min, self.end or date.max)
        return False

    def describe(self, labels: dict[str, str] | None = None) -> str:
        parts = []
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        elif self.start or self.end:
            first = self.start.isoformat() if self.start else "the start"
            last = self.end.isoformat() if self.end else "now"
            parts.append(f"{first} to {last}")
        else:
            parts.append("all dates")
        if self.dated:
            parts.append(
                "evidenced only" if self.evidenced_only else "presumed ties included, marked"
            )
        parts.append("stated only" if self.stated_only else "stated and resolved")
        parts.append("with reference footprints" if self.footprints else "no footprints")
        if self.changes:
            parts.append("with mergers and successions")
        if self.contracts and self.partnership:
            parts.append("with its members' contracts")
        if not self.groups:
            parts.append("no stated groups")
        if self.types:
            parts.append("types " + ", ".join(sorted(self.types)))
        if self.partnership:
            name = (labels or {}).get(self.partnership, short_id(self.partnership))
            parts.append(f"partnership {name}")
        if self.region:
            parts.append(f"region {self.region}")
        return "; ".join(parts)


def _at(periods: list[Period], day: date | None) -> list[Period]:
    if day is not None:
        held = [p for p in periods if p.holds_on(day)]
        if held:
            return held
    if not periods:
        return []
    latest = max(p.end or date.max for p in periods)
    return [p for p in periods if (p.end or date.max) == latest]


def organisation_type(data: NetworkData, iri: str, day: date | None) -> tuple[str, str]:
    """The type key and label an organisation is shown as on ``day`` (or latest): of
    several held at once, the first in the palette's order of preference (an acute
    trust before a foundation trust), else the most specific. A trust shown by how it
    is governed (NHS trust, foundation trust) is shown by what it does (acute, mental
    health, ...) when a source ever said so, the nearest such period to the day: the
    source that classes trusts by function covers a few years, the trust outlasts it,
    and one colour per trust keeps the picture consistent."""
    periods = data.types.get(iri, [])
    held = _at(periods, day)
    if held:
        best = min(held, key=lambda p: (preference(p.key), -p.rank, p.key))
        if best.key in GOVERNANCE:  # what the trust does, if a source ever said
            does = [p for p in periods if p.key in TRUST_FUNCTIONS]
            if does:
                best = min(does, key=lambda p: (_distance(p, day), preference(p.key), p.key))
        return best.key, best.label
    info = data.nodes.get(iri)
    if info and info.class_key:
        return info.class_key, info.class_label
    return "", ""


def _distance(period: Period, day: date | None) -> int:
    """Days from ``day`` to ``period`` (0 inside it; with no day, from the latest)."""
    if day is None:
        return -(period.end or date.max).toordinal()
    if day < period.start:
        return (period.start - day).days
    if period.end is not None and day > period.end:
        return (day - period.end).days
    return 0


def presumption_of(data: NetworkData, iri: str, filters: NetworkFilters) -> tuple[bool, str]:
    """Whether a curated body is in a view only by presumption (its type periods held
    there only after their last evidence), and the last day it was evidenced ("" for
    what is never presumed: the reference data's organisations)."""
    periods = data.types.get(iri, [])
    presumable = [p for p in periods if p.presumed_from is not None and p.end is not None]
    if not presumable:
        return False, ""
    last = max(p.end for p in presumable if p.end is not None).isoformat()
    held = [p for p in periods if filters.held(p)]
    return bool(held) and filters.dated and all(filters.presumes(p) for p in held), last


def _node_attrs(
    data: NetworkData, iri: str, day: date | None, kind: str, filters: NetworkFilters
) -> dict[str, Any]:
    info = data.nodes.get(iri)
    type_key, type_label = organisation_type(data, iri, day)
    region = region_of(data, iri, day)
    presumed, last_evidenced = presumption_of(data, iri, filters)
    current = info.label if info else short_id(iri)
    return {
        "label": name_on(data, iri, day) or current,
        "current_label": current,
        "code": info.code if info else short_id(iri),
        "type": type_key,
        "type_label": type_label,
        "region": region.label,
        "region_code": short_id(region.iri) if region.iri else "",
        "region_basis": region.basis,
        "iri": iri,
        "kind": kind,
        "bipartite": 0 if kind == "organisation" else 1,
        "presumed": presumed,
        "last_evidenced": last_evidenced,
    }


def _in_partnership(data: NetworkData, tie: Tie, partnership: str) -> bool:
    if partnership in (tie.body, tie.statement):
        return True
    return partnership in data.wholes(tie.body) or partnership in data.wholes(tie.statement)


def _region_matches(attrs: dict[str, Any], region: str) -> bool:
    wanted = region.strip().lower()
    return wanted in (str(attrs["region"]).lower(), str(attrs["region_code"]).lower())


def _types_match(data: NetworkData, iri: str, filters: NetworkFilters) -> bool:
    periods = data.types.get(iri, [])
    if filters.as_of is not None:
        periods = [p for p in periods if filters.held(p)]
    keys = {p.key for p in periods}
    if not periods:
        info = data.nodes.get(iri)
        keys = {info.class_key} if info else set()
    return bool(keys & filters.types)


def _is_group(data: NetworkData, iri: str) -> bool:
    info = data.nodes.get(iri)
    return info is not None and info.class_key == "stated-group"


def without_groups(two: nx.Graph, data: NetworkData) -> int:
    """Take the stated groups ("the seven acute hospital providers") out of a two-mode
    view, as members and as bodies, and any body left with no tie; how many groups
    were taken out."""
    groups = [n for n, attrs in two.nodes(data=True) if _is_group(data, attrs["iri"])]
    two.remove_nodes_from(groups)
    two.remove_nodes_from([n for n in list(two) if two.degree(n) == 0])
    return len({two_id.removeprefix("body:") for two_id in groups})


def _dealings_of_members(data: NetworkData, filters: NetworkFilters, kept: list[Tie]) -> list[Tie]:
    """In a partnership's view, the mergers and successions (``changes``) and contracts
    (``contracts``) its members took part in, with every party to each: the bodies a
    partnership's documents do not name as its own, but which tie its members."""
    if not (filters.changes or filters.contracts):
        return []
    members = {tie.org for tie in kept}

    def wanted(tie: Tie) -> bool:
        if tie.relationship in CHANGE_RELATIONSHIPS:
            return filters.changes
        info = data.nodes.get(tie.body)
        return filters.contracts and info is not None and info.class_key == CONTRACT

    every = data.ties + data.changes
    bodies = {tie.body for tie in every if tie.org in members and wanted(tie)}
    already = {id(tie) for tie in kept}
    return [
        tie
        for tie in every
        if tie.body in bodies
        and id(tie) not in already
        and wanted(tie)
        and filters.keeps(tie)
        and (filters.groups or not _is_group(data, tie.org))
        and (not filters.types or _types_match(data, tie.org, filters))
    ]


def body_id(iri: str) -> str:
    return "body:" + short_id(iri)


def two_mode(data: NetworkData, filters: NetworkFilters, *, evidence: bool = True) -> nx.Graph:
    """Organisations and the bodies they take part in; one edge per pair, ties merged.

    Each edge names the statements of its ties (``statements``, IRIs; its ``weight`` is
    how many: the statements that evidence the tie) and, with
    ``evidence``, carries their sources and quotes; without, it has neither
    ``evidence`` nor ``sources`` until :func:`add_evidence` puts them there.
    """
    graph = nx.Graph(view="two-mode")
    labels = {iri: info.label for iri, info in data.nodes.items()}
    graph.graph["title"] = "Organisations and the bodies they take part in"
    graph.graph["filters"] = filters.describe(labels)
    kept = [
        tie
        for tie in (data.ties + data.changes if filters.changes else data.ties)
        if filters.keeps(tie)
        and (not filters.partnership or _in_partnership(data, tie, filters.partnership))
        and (filters.groups or not _is_group(data, tie.org))
        and (not filters.types or _types_match(data, tie.org, filters))
    ]
    if filters.partnership:
        kept += _dealings_of_members(data, filters, kept)
    # Names, types and regions as on the view's day; with no day, as on the latest day
    # the kept evidence speaks of (a CCG is shown as a CCG, not the later sub-ICB location).
    latest: dict[str, date] = {}
    for tie in kept:
        for node in (tie.org, tie.body):
            latest[node] = max(latest.get(node, tie.start), tie.start)
    attrs: dict[str, dict[str, Any]] = {}

    def attrs_of(iri: str, kind: str) -> dict[str, Any]:
        if iri not in attrs:
            attrs[iri] = _node_attrs(data, iri, filters.day or latest[iri], kind, filters)
        return attrs[iri]

    merged: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in kept:
        if filters.region and not _region_matches(
            attrs_of(tie.org, "organisation"), filters.region
        ):
            continue
        merged[(tie.org, tie.body)].append(tie)
    for (org, body), ties in sorted(merged.items()):
        graph.add_node(short_id(org), **attrs_of(org, "organisation"))
        if body_id(body) not in graph:
            graph.add_node(
                body_id(body),
                **_node_attrs(data, body, filters.day or latest[body], "body", filters),
            )
        graph.add_edge(short_id(org), body_id(body), **_edge_attrs(ties, filters))
    if evidence:
        add_evidence(graph, data)
    return graph


def _edge_attrs(ties: list[Tie], filters: NetworkFilters) -> dict[str, Any]:
    """An edge's relationships, basis and period: ``from`` its first evidence,
    ``until`` the last day it is taken to hold ("" when nothing ends it),
    ``last_evidenced`` the last day its evidence covers ("" when the evidence has no
    end), ``presumed_from`` and ``presumed_until`` the part between them ("" when
    none), ``presumption_ended_by`` what ended that part, and ``presumed`` whether the
    view keeps it only by presumption."""
    statements = list(dict.fromkeys(t.statement for t in ties))
    ends = [t.end for t in ties]
    lasts = [t.last_day for t in ties]
    last_evidenced = None if None in ends else max(e for e in ends if e)
    until = None if None in lasts else max(e for e in lasts if e)
    presumed_part = last_evidenced is not None and (until is None or until > last_evidenced)
    ended_by = sorted(
        {short_id(t.ended_by) for t in ties if t.ended_by and until and t.last_day == until}
    )
    return {
        "relationship": "; ".join(sorted({t.relationship for t in ties})),
        "basis": _bases(t.basis for t in ties),
        "from": min(t.start for t in ties).isoformat(),
        "until": _text(until),
        "last_evidenced": _text(last_evidenced),
        "presumed_from": _text(last_evidenced + ONE_DAY)
        if presumed_part and last_evidenced
        else "",
        "presumed_until": _text(until) if presumed_part else "",
        "presumption_ended_by": "; ".join(ended_by) if presumed_part else "",
        "presumed": all(filters.presumes(t) for t in ties),
        "statements": statements,
        "weight": len(statements),
    }


def _text(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


Edge = tuple[str, str]


def add_evidence(
    graph: nx.Graph,
    data: NetworkData,
    *,
    two: nx.Graph | None = None,
    edges: Iterable[Edge] | None = None,
) -> nx.Graph:
    """Put ``evidence`` and ``sources`` on the edges of a view, all or the ``edges`` given.

    A one-mode view's evidence is that of the two-mode edges behind each link, so it
    needs ``two``, the view it was projected from (whose edges get theirs too). Only
    statements whose evidence has not been read before are read from the store.
    """
    wanted = [_ends(e) for e in (graph.edges if edges is None else edges)]
    if graph.graph.get("view") == "one-mode":
        if two is None:
            raise ValueError("a one-mode view's evidence comes from its two-mode view: give two")
        behind = {
            (end, body) for a, b in wanted for body in graph.edges[a, b]["bodies"] for end in (a, b)
        }
        add_evidence(two, data, edges=[e for e in behind if "evidence" not in two.edges[e]])
        for a, b in wanted:
            graph.edges[a, b].update(_projected_evidence(two, a, b, graph.edges[a, b]["bodies"]))
        return graph
    quotes = data.evidence.of(s for u, v in wanted for s in graph.edges[u, v]["statements"])
    for u, v in wanted:
        edge = graph.edges[u, v]
        items = []
        seen: set[tuple[str, str, str]] = set()
        for statement in edge["statements"]:
            for source, quote in quotes[statement]:
                if (statement, source, quote) not in seen:
                    seen.add((statement, source, quote))
                    items.append(
                        {
                            "statement": short_id(statement),
                            "source": source,
                            "title": data.titles.get(source, ""),
                            "quote": quote,
                        }
                    )
        edge["evidence"] = items
        edge["sources"] = "; ".join(sorted({e["source"] for e in items}))
        edge.update(summary(items))
    return graph


def _ends(edge: Edge) -> Edge:
    a, b = edge
    return (a, b) if a <= b else (b, a)


def _projected_evidence(two: nx.Graph, a: str, b: str, bodies: list[str]) -> dict[str, Any]:
    """The evidence of link a-b (a < b): each shared body's, from both ends, in order."""
    evidence = [
        {"body": two.nodes[body]["label"], "end": end, **item}
        for body in bodies
        for end in (a, b)
        for item in two.edges[end, body]["evidence"]
    ]
    return {
        "evidence": evidence,
        "sources": "; ".join(sorted({e["source"] for e in evidence})),
        **summary(evidence),
    }


def _bases(bases: Any) -> str:
    found = set(bases)
    return "; ".join(b for b in BASIS_ORDER if b in found)


def one_mode(two: nx.Graph) -> nx.Graph:
    """Organisations linked by the bodies they share (weight = number shared).

    Through one body a link holds while both ties do (its ``until`` and
    ``last_evidenced`` are the earlier of the two) and is presumed where either tie
    is; over several bodies it holds while any does, and is ``presumed`` only when it
    is so through every one."""
    graph = nx.Graph(view="one-mode")
    graph.graph["title"] = "Who works with whom: organisations linked by shared bodies"
    graph.graph["filters"] = two.graph.get("filters", "")
    for node, attrs in two.nodes(data=True):
        if attrs["kind"] == "organisation":
            graph.add_node(node, **attrs)
    bodies = sorted(n for n, a in two.nodes(data=True) if a["kind"] == "body")
    for body in bodies:
        body_label = two.nodes[body]["label"]
        members = sorted(two.neighbors(body))
        for a, b in combinations(members, 2):
            ea, eb = two.edges[a, body], two.edges[b, body]
            if not graph.has_edge(a, b):
                graph.add_edge(
                    a,
                    b,
                    weight=0,
                    shared=[],
                    bodies=[],
                    relationships=set(),
                    bases=set(),
                    starts=[],
                    ends=[],
                    evidenced=[],
                    presumptions=[],
                    enders=[],
                )
            edge = graph.edges[a, b]
            edge["weight"] += 1
            edge["shared"].append(body_label)
            edge["bodies"].append(body)
            edge["relationships"].update(ea["relationship"].split("; "))
            edge["relationships"].update(eb["relationship"].split("; "))
            edge["bases"].update(ea["basis"].split("; ") + eb["basis"].split("; "))
            edge["starts"].append(max(ea["from"], eb["from"]))
            until = _earliest_end(ea["until"], eb["until"])
            edge["ends"].append(until)
            edge["evidenced"].append(_earliest_end(ea["last_evidenced"], eb["last_evidenced"]))
            edge["presumptions"].append(ea["presumed"] or eb["presumed"])
            edge["enders"].append(
                (until, [e["presumption_ended_by"] for e in (ea, eb) if e["until"] == until])
            )
    for u, v, edge in graph.edges(data=True):
        edge["relationship"] = "; ".join(sorted(edge.pop("relationships")))
        edge["basis"] = _bases(edge.pop("bases"))
        edge["from"] = min(edge.pop("starts"))
        ends = edge.pop("ends")
        edge["until"] = "" if "" in ends else max(ends)
        evidenced = edge.pop("evidenced")
        edge["last_evidenced"] = "" if "" in evidenced else max(evidenced)
        edge.update(_presumed_part(edge["from"], edge["until"], edge["last_evidenced"]))
        enders = {
            name
            for until, names in edge.pop("enders")
            if until == edge["until"]
            for text in names
            for name in text.split("; ")
            if name
        }
        edge["presumption_ended_by"] = "; ".join(sorted(enders)) if edge["presumed_from"] else ""
        edge["presumed"] = all(edge.pop("presumptions"))
        a, b = _ends((u, v))
        if all("evidence" in two.edges[end, body] for body in edge["bodies"] for end in (a, b)):
            edge.update(_projected_evidence(two, a, b, edge["bodies"]))
    return graph


def _presumed_part(start: str, until: str, last_evidenced: str) -> dict[str, str]:
    """``presumed_from`` and ``presumed_until`` of a link held from ``start`` to
    ``until`` and evidenced to ``last_evidenced`` (days as text, "" open)."""
    if not last_evidenced or (until and until <= last_evidenced):
        return {"presumed_from": "", "presumed_until": ""}
    after = (date.fromisoformat(last_evidenced) + ONE_DAY).isoformat()
    return {"presumed_from": max(start, after), "presumed_until": until}


def _earliest_end(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return min(a, b)


def joined(two: nx.Graph) -> nx.Graph:
    """The two-mode view with each thing that is both an organisation and a body as
    one node (its organisation id), for paths across partnerships.

    A partnership, an ICB or a programme office takes part in other bodies (as a
    party, a host, a member) and is itself a body others take part in; the two-mode
    view keeps those roles apart (``X`` and ``body:X``), so no path runs through it.
    Here they are one node, ``kind`` "organisation" with ``also_body`` True; every
    edge names its ``body`` end and keeps its relationship, period, presumption and
    statements (two ties that meet on one pair are merged as in :func:`two_mode`).
    """
    graph = nx.Graph(view="two-mode", joined=True)
    graph.graph.update({k: v for k, v in two.graph.items() if k not in ("view",)})
    graph.graph["title"] = "Organisations and bodies, each thing one node"

    def name(node: str) -> str:
        bare = node.removeprefix("body:")
        return bare if node != bare and bare in two else node

    for node, attrs in two.nodes(data=True):
        target = name(node)
        if target in graph:
            graph.nodes[target]["also_body"] = True
            continue
        graph.add_node(target, **attrs)
        graph.nodes[target]["also_body"] = target != node
    for u, v, attrs in two.edges(data=True):
        a, b = name(u), name(v)
        if a == b:
            continue
        body = a if two.nodes[u]["kind"] == "body" else b
        if graph.has_edge(a, b):
            _merge_edge(graph.edges[a, b], attrs)
        else:
            graph.add_edge(
                a, b, **{k: (list(x) if isinstance(x, list) else x) for k, x in attrs.items()}
            )
            graph.edges[a, b]["body"] = body
    return graph


def _merge_edge(edge: dict[str, Any], other: dict[str, Any]) -> None:
    edge["relationship"] = "; ".join(
        sorted(set(edge["relationship"].split("; ")) | set(other["relationship"].split("; ")))
    )
    edge["basis"] = _bases(edge["basis"].split("; ") + other["basis"].split("; "))
    edge["from"] = min(edge["from"], other["from"])
    for key in ("until", "last_evidenced"):
        edge[key] = "" if "" in (edge[key], other[key]) else max(edge[key], other[key])
    edge["presumed"] = edge["presumed"] and other["presumed"]
    edge["statements"] = list(dict.fromkeys(edge["statements"] + other["statements"]))
    edge["weight"] = len(edge["statements"])
    edge["presumed_from"] = edge["presumed_until"] = edge["presumption_ended_by"] = ""
    for key in ("evidence", "sources", *SUMMARY_COLUMNS):
        edge.pop(key, None)
