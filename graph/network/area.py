"""An area's organisations and every tie among them, with evidence (the area page).

An area is a partnership (its members), an STP or ICB footprint (the CCGs in it and
the trusts headquartered in it, from the reference data) or an NHS England region
(the organisations placed in it, and the CCGs in the footprints of its STPs); one body
may be more than one (BLMK, QHG, is a partnership and a footprint). :func:`area_view`
reads the area from the network data (:mod:`.fetch`): its organisations, the ties
among them (each organisation's ties to the area itself, to the area's units, to
another of its organisations, and to any body two or more of them share), members by
time (:mod:`.area_matrix`), the contracts, merger proposals, decisions and joint
working they take part in, and the change events (mergers, successions) they went
through; every row with its evidence (:func:`~nhskg.graph.query.statement_evidence.evidence_of`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from nhskg.graph.mint import local_page
from nhskg.graph.network.area_matrix import matrix
from nhskg.graph.network.area_names import better_names, details, rename
from nhskg.graph.network.fetch import NetworkData, Tie, name_on, short_id
from nhskg.graph.network.views import organisation_type
from nhskg.graph.query.named_queries import bind_statements, inject_values, load_query_file
from nhskg.graph.query.statement_evidence import evidence_of
from nhskg.graph.query.store import GraphStore, SelectResult

MEMBERSHIP = frozenset({"member", "in footprint", "headquartered in", "in region"})
REFERENCE = frozenset({"in footprint", "headquartered in"})
# relationship -> the kind of work an area page lists under "contracts, mergers and decisions"
WORK = {
    "provider": "contract",
    "commissioner": "contract",
    "party": "joint working",
    "proposer": "merger proposal",
    "decides": "decision",
}
KIND_ORDER = ("contract", "merger proposal", "decision", "joint working")
ONE_DAY = timedelta(days=1)


class NotAnArea(LookupError):
    """The organisation is not a partnership, a footprint or a region."""


@dataclass(frozen=True)
class Scope:
    """Which organisations an area holds, and by which ties (its membership ties)."""

    iri: str
    kinds: tuple[str, ...]
    members: dict[str, list[Tie]]  # organisation -> its ties into the area
    groups: frozenset[str]  # stated groups that are members of the area
    units: frozenset[str]  # bodies that are part of the area


def areas(data: NetworkData) -> dict[str, list[tuple[str, str]]]:
    """Every area, by kind: (code, name) of each partnership, footprint and region."""
    found: dict[str, set[str]] = defaultdict(set)
    for tie in data.ties:
        if tie.relationship == "member":
            found["partnership"].add(tie.body)
        elif tie.relationship in REFERENCE:
            found["footprint"].add(tie.body)
    for periods in data.regions.values():
        found["region"].update(p.key for p in periods)
    return {
        kind: sorted(((short_id(i), _label(data, i)) for i in found[kind]), key=lambda c: c[1])
        for kind in ("partnership", "footprint", "region")
    }


def _label(data: NetworkData, iri: str) -> str:
    info = data.nodes.get(iri)
    if info:
        return info.label
    for periods in data.regions.values():
        for p in periods:
            if p.key == iri:
                return p.label
    return short_id(iri)


def _is_group(data: NetworkData, iri: str) -> bool:
    info = data.nodes.get(iri)
    return bool(info and info.class_key in ("stated-group", "group"))


def scope(data: NetworkData, store: GraphStore, queries_dir: Path, iri: str) -> Scope:
    """The area's organisations and the ties that put each in it; NotAnArea if none."""
    members: dict[str, list[Tie]] = defaultdict(list)
    groups: set[str] = set()
    kinds: list[str] = []
    for tie in data.ties:
        if tie.body != iri or tie.relationship not in MEMBERSHIP:
            continue
        kind = "footprint" if tie.relationship in REFERENCE else "partnership"
        if kind not in kinds:
            kinds.append(kind)
        if _is_group(data, tie.org):
            groups.add(tie.org)
        else:
            members[tie.org].append(tie)
    region = _region_ties(store, queries_dir, iri)
    if region:
        kinds.append("region")
        stps = set()
        for tie in region:
            members[tie.org].append(tie)
            stps.add(tie.org)
        for tie in data.ties:  # the CCGs in the footprints of the region's STPs
            if tie.relationship == "in footprint" and tie.body in stps:
                members[tie.org].append(tie)
    if not kinds:
        raise NotAnArea(iri)
    units = frozenset(b for b in data.parts if iri in data.wholes(b))
    return Scope(iri, tuple(sorted(kinds)), dict(members), frozenset(groups), units)


def _region_ties(store: GraphStore, queries_dir: Path, iri: str) -> list[Tie]:
    query = load_query_file(queries_dir / "internal" / "area-region-placements.rq")
    text = inject_values(query.text, {"region": NamedNode(iri)}, parameters=["region"])
    result = store.query(text)
    assert isinstance(result, SelectResult)
    ties = []
    for org, statement, start, end in result.rows:
        assert org is not None and statement is not None and start is not None
        ties.append(
            Tie(
                org=org.value,
                body=iri,
                relationship="in region",
                basis="reference",
                start=date.fromisoformat(start.value[:10]),
                end=date.fromisoformat(end.value[:10]) if end is not None else None,
                statement=statement.value,
            )
        )
    return ties


def area_ties(data: NetworkData, area: Scope) -> list[Tie]:
    """Every tie among the area's organisations: each one's ties to the area, to its
    units, to another of its organisations, and to bodies two or more of them share."""
    inside = set(area.members) | area.groups
    sharing: dict[str, set[str]] = defaultdict(set)
    for tie in data.ties:
        if tie.org in area.members and tie.relationship not in REFERENCE:
            sharing[tie.body].add(tie.org)
    kept = []
    for tie in data.ties:
        if tie.org not in inside:
            continue
        if tie.relationship in REFERENCE:
            keep = tie.body == area.iri or tie.body in inside
        else:
            keep = (
                tie.body == area.iri
                or tie.body in area.units
                or tie.body in inside
                or len(sharing.get(tie.body, ())) >= 2
            )
        if keep:
            kept.append(tie)
    kept.extend(t for ties in area.members.values() for t in ties if t.relationship == "in region")
    # the documents' ties first (stated, resolved), then the reference data's
    return sorted(
        set(kept),
        key=lambda t: (
            t.basis == "reference",
            t.body != area.iri,
            _label(data, t.body),
            t.relationship,
            _label(data, t.org),
            t.start,
        ),
    )


def pairs(data: NetworkData, area: Scope, ties: list[Tie]) -> list[dict[str, Any]]:
    """Who works with whom, pair by pair: each two of the area's organisations that take
    part in a body other than the area itself by the documents' word, with every body
    both take part in (the area itself last), most first."""
    together: dict[str, set[str]] = defaultdict(set)
    for tie in ties:
        if tie.basis != "reference" and tie.org in area.members:
            together[tie.body].add(tie.org)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for body, orgs in together.items():
        for pair in combinations(sorted(orgs, key=lambda o: _label(data, o)), 2):
            shared[pair].add(body)
    rows: list[dict[str, Any]] = []
    for (one, other), bodies in shared.items():
        if bodies <= {area.iri}:
            continue
        ordered = sorted(bodies, key=lambda b: (b == area.iri, _label(data, b)))
        rows.append(
            {
                "organisation": _node(data, one),
                "with": _node(data, other),
                "bodies": [{**_node(data, b), "isArea": b == area.iri} for b in ordered],
            }
        )
    rows.sort(key=lambda r: (-len(r["bodies"]), r["organisation"]["name"], r["with"]["name"]))
    return rows


def _node(data: NetworkData, iri: str) -> dict[str, Any]:
    _key, type_label = organisation_type(data, iri, None)
    return {
        "code": data.nodes[iri].code if iri in data.nodes else short_id(iri),
        "name": _label(data, iri),
        "iri": iri,
        "type": type_label,
        "href": local_page(iri),
    }


def _tie_row(data: NetworkData, tie: Tie, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    org, body = _node(data, tie.org), _node(data, tie.body)
    # The name the organisation had when the tie is first known, beside today's.
    then = name_on(data, tie.org, tie.start) or org["name"]
    return {
        "organisation": then,
        "organisationNow": org["name"] if then != org["name"] else "",
        "organisationCode": org["code"],
        "organisationHref": org["href"],
        "relationship": tie.relationship,
        "body": body["name"],
        "bodyCode": body["code"],
        "bodyHref": body["href"],
        "bodyIri": tie.body,
        "basis": tie.basis,
        "from": tie.start.isoformat(),
        "until": tie.end.isoformat() if tie.end else "",
        "when": when(tie.start, tie.end),
        "presumedUntil": _presumed(tie),
        "statement": tie.statement,
        "evidence": evidence,
    }


def when(start: date, end: date | None) -> str:
    """A period as people say it: 2018-01 for a whole month, 2019/20 for a whole
    financial year, else its first and last days."""
    if end is None:
        return f"from {start.isoformat()}"
    if start.day == 1 and (end + ONE_DAY).day == 1:
        if start.year == end.year and start.month == end.month:
            return start.isoformat()[:7]
        if (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) and (
            end.year == start.year + 1
        ):
            return f"{start.year}/{end.year % 100:02d}"
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} to {end.isoformat()}"


def _presumed(tie: Tie) -> str:
    if tie.presumed_from is None:
        return ""
    return tie.presumed_until.isoformat() if tie.presumed_until else "open"


def _work(
    data: NetworkData, area: Scope, store: GraphStore, queries_dir: Path
) -> list[dict[str, Any]]:
    """Contracts, merger proposals, decisions and joint working an organisation of the
    area (or the area, or a unit of it) takes part in, one row each, with who does what."""
    who = set(area.members) | area.groups | area.units | {area.iri}
    bodies: dict[str, dict[str, Any]] = {}
    for tie in data.ties:
        kind = WORK.get(tie.relationship)
        if kind and tie.org in who:
            row = bodies.setdefault(
                tie.body, {"kind": kind, "statement": tie.body, "from": tie.start, "roles": []}
            )
            row["from"] = min(row["from"], tie.start)
    for tie in data.ties:  # everyone's role in those bodies, inside the area or not
        if tie.body in bodies and tie.relationship in WORK:
            role = {**_node(data, tie.org), "role": tie.relationship, "inArea": tie.org in who}
            if role not in bodies[tie.body]["roles"]:
                bodies[tie.body]["roles"].append(role)
    found = details(store, queries_dir, list(bodies))
    rows = []
    for iri, row in bodies.items():
        label, description, kind_label, _object = found.get(iri, ("", "", "", ""))
        rows.append(
            {
                **row,
                "from": row["from"].isoformat(),
                "label": label if label and label not in WORK.values() else "",
                "description": description,
                "decisionKind": kind_label,
                "href": local_page(iri),
            }
        )
    rows.sort(key=lambda r: (KIND_ORDER.index(r["kind"]), r["from"], r["label"]))
    return rows


def changes(store: GraphStore, queries_dir: Path, orgs: list[str]) -> list[dict[str, Any]]:
    """The change events the organisations went through, each with before and after."""
    if not orgs:
        return []
    text = load_query_file(queries_dir / "internal" / "area-changes.rq").text
    result = store.query(bind_statements(text, orgs, variable="org"))
    assert isinstance(result, SelectResult)
    names = ("statement", "date", "kind", "label", "basis", "originals", "resultings")
    return [
        {
            **{n: t.value if t is not None else "" for n, t in zip(names, row, strict=True)},
        }
        for row in result.rows
    ]


def area_view(data: NetworkData, store: GraphStore, queries_dir: Path, iri: str) -> dict[str, Any]:
    """Everything the area page and its CSV downloads show, evidence on every row."""
    area = scope(data, store, queries_dir, iri)
    ties = area_ties(data, area)
    work = _work(data, area, store, queries_dir)
    events = changes(store, queries_dir, sorted(area.members))
    for event in events:
        event["before"] = [_node(data, o) for o in event.pop("originals").split()]
        event["after"] = [_node(data, o) for o in event.pop("resultings").split()]
    membership = [t for ts in area.members.values() for t in ts]
    evidence = evidence_of(
        store,
        queries_dir,
        [t.statement for t in ties + membership]
        + [w["statement"] for w in work]
        + [e["statement"] for e in events],
    )
    for row in work:
        row["evidence"] = evidence.get(row["statement"], [])
    for event in events:
        event["evidence"] = evidence.get(event["statement"], [])
    organisations = sorted(
        ({**_node(data, o), "iri": o} for o in area.members), key=lambda n: n["name"]
    )
    view = {
        "code": short_id(iri),
        "name": _label(data, iri),
        "iri": iri,
        "kinds": list(area.kinds),
        "organisations": organisations,
        "groups": sorted((_node(data, g) for g in area.groups), key=lambda n: n["name"]),
        "ties": [_tie_row(data, t, evidence.get(t.statement, [])) for t in ties],
        "pairs": pairs(data, area, ties),
        "matrix": matrix(data, area.members, events, evidence, [o["iri"] for o in organisations]),
        "work": work,
        "changes": events,
    }
    bodies = [t.body for t in ties] + [w["statement"] for w in work]
    rename(view, better_names(data, store, queries_dir, bodies))
    return view
