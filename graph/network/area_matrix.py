"""Members of an area by time: organisations by financial year (April to March).

Each cell says how the organisation was in the area that year, from the ties that
put it there (:mod:`.area`): a membership a document states, one resolved from a
stated group, a reference placement (footprint, headquarters, region), or one only
presumed to continue after its last evidence (``nhskg:presumedFrom``); and the
change events (mergers, successions) the organisation went through that year. The
row carries the evidence of all its ties into the area.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from nhskg.graph.network.fetch import NetworkData, Tie, short_id

SHORT = {
    "member": "member",
    "in footprint": "footprint",
    "headquartered in": "HQ",
    "in region": "region",
}
# the cell's state, strongest first: a document's word, a resolved member, the reference
# data, a presumption, a change event only
STATES = ("stated", "resolved", "reference", "presumed", "changed")
LEGEND = {
    "stated": "a document names it",
    "resolved": "resolved from a group a document names (see the reasoning)",
    "reference": "reference data (ONS, ODS, Health Foundation) places it there",
    "presumed": "presumed to continue after its last evidence; nothing in the sources says so",
    "changed": "a merger or succession that year",
}


def financial_year(day: date) -> int:
    """The year a financial year starts in: 2019 for 1 April 2019 to 31 March 2020."""
    return day.year if day.month >= 4 else day.year - 1


def periods(ties: Iterable[Tie], events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The financial years from the first tie to the last day anything is known."""
    days: list[date] = []
    for tie in ties:
        days.append(tie.start)
        days.extend(d for d in (tie.end, tie.presumed_until) if d is not None)
    days.extend(date.fromisoformat(e["date"][:10]) for e in events)
    if not days:
        return []
    first, last = financial_year(min(days)), financial_year(max(days))
    return [
        {
            "label": f"{y}/{(y + 1) % 100:02d}",
            "start": date(y, 4, 1).isoformat(),
            "end": date(y + 1, 3, 31).isoformat(),
        }
        for y in range(first, last + 1)
    ]


def _cell(
    org: str, ties: list[Tie], events: list[dict[str, Any]], start: date, end: date
) -> dict[str, Any]:
    marks: list[tuple[int, str]] = []
    for tie in ties:
        what = SHORT.get(tie.relationship, tie.relationship)
        if tie.overlaps(start, end, presumed=False):
            marks.append((STATES.index(tie.basis), f"{what}, {tie.basis}"))
        elif tie.overlaps(start, end):
            marks.append((STATES.index("presumed"), f"{what}, presumed"))
    for event in events:
        day = date.fromisoformat(event["date"][:10])
        if not start <= day <= end:
            continue
        before = [n["code"] for n in event["before"]]
        after = [n["code"] for n in event["after"]]
        kind = event["kind"].lower()
        if short_id(org) in before and short_id(org) not in after:
            marks.append((STATES.index("changed"), f"{kind} into {', '.join(after)}, {day}"))
        elif short_id(org) in after:
            others = [c for c in before if c != short_id(org)]
            marks.append((STATES.index("changed"), f"{kind} of {', '.join(others)}, {day}"))
    marks = sorted(set(marks))
    return {
        "state": STATES[marks[0][0]] if marks else "",
        "marks": [text for _, text in marks],
    }


def matrix(
    data: NetworkData,
    members: dict[str, list[Tie]],
    events: list[dict[str, Any]],
    evidence: dict[str, list[dict[str, Any]]],
    order: list[str],
) -> dict[str, Any]:
    """Organisations (in ``order``) by financial year, each cell with how it was in the
    area, each row with the evidence of its ties into the area."""
    columns = periods((t for ts in members.values() for t in ts), events)
    rows = []
    for org in order:
        ties = members[org]
        mine = [e for e in events if short_id(org) in {n["code"] for n in e["before"] + e["after"]}]
        pieces: list[dict[str, Any]] = []
        for tie in ties:
            pieces.extend(p for p in evidence.get(tie.statement, []) if p not in pieces)
        pieces.sort(key=lambda p: ({"quote": 0, "reasoning": 1}.get(p["kind"], 2), p["date"]))
        info = data.nodes.get(org)
        rows.append(
            {
                "code": info.code if info else short_id(org),
                "name": info.label if info else short_id(org),
                "href": "/organisations/" + short_id(org),
                "cells": [
                    _cell(
                        org,
                        ties,
                        mine,
                        date.fromisoformat(p["start"]),
                        date.fromisoformat(p["end"]),
                    )
                    for p in columns
                ],
                "evidence": pieces,
            }
        )
    return {"periods": columns, "rows": rows, "legend": LEGEND}
