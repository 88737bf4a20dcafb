"""The NHS England region of each node of a network view, and where it came from.

The reference data places trusts and STPs/ICBs in regions (ODS trust lists, ONS and
Strategy Unit STP-to-region lookups); CCGs are placed in STP footprints and trusts
have a headquarters STP or ICB; curated bodies (a partnership board, a programme
office) are part of a partnership such as an STP. :func:`region_of` follows those
routes in that order, through the graph: the organisation's own placement, then
the region of its footprint or headquarters STP/ICB, then the region of what it is
part of. It prefers a placement that holds on the view's day; when none does (the
STP-to-region lookups skip 2019/20, the reference data start in 2017 and end in
2025) it takes the nearest in time, and says so. ``basis`` tells the analyst which:
"placed in the reference data", "footprint STP QF7 (South Yorkshire and Bassetlaw)",
"headquarters STP/ICB QHG (...)", "part of QK1 (...)", each followed by
", nearest: 2018-04-01 to 2019-03-31" when the placement does not hold on the day.
Councils, national bodies and stated groups have no route to a region and are left
blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nhskg.graph.network.fetch import HeldTime, NetworkData, Period, name_on, short_id

ROUTES = (("in footprint", "footprint STP"), ("headquartered in", "headquarters STP/ICB"))
OWN = "placed in the reference data"


@dataclass(frozen=True)
class Region:
    """A region (IRI and label) and the route it was found by; all "" when none."""

    iri: str = ""
    label: str = ""
    basis: str = ""


NO_REGION = Region()


def _distance(thing: HeldTime, day: date) -> int:
    """Days from ``day`` to the nearest day ``thing`` holds (0: it holds on ``day``)."""
    if day < thing.start:
        return (thing.start - day).days
    last = thing.last_day
    if last is not None and day > last:
        return (day - last).days
    return 0


def _span(period: Period) -> str:
    end = period.end.isoformat() if period.end else "open"
    return f"{period.start.isoformat()} to {end}"


def region_of(data: NetworkData, iri: str, day: date | None) -> Region:
    """The region of ``iri`` on ``day`` (None: the latest known), by the first route
    that has one: its own placement, its footprint or headquarters STP/ICB's, or the
    region of what it is part of."""
    candidates: list[tuple[int, int, str, Period]] = []  # distance, route rank, basis
    for period in data.regions.get(iri, []):
        candidates.append((_far(period, day), 0, OWN, period))
    for rank, (relationship, route) in enumerate(ROUTES, start=1):
        for tie in data.footprints(iri, relationship):
            for period in data.regions.get(tie.body, []):
                far = max(_far(tie, day), _far(period, day))
                candidates.append((far, rank, f"{route} {_name(data, tie.body, day)}", period))
    for whole in sorted(data.wholes(iri)):
        for period in data.regions.get(whole, []):
            basis = f"part of {_name(data, whole, day)}"
            candidates.append((_far(period, day), len(ROUTES) + 1, basis, period))
    if not candidates:
        return NO_REGION
    far, _, basis, period = min(candidates, key=lambda c: (c[0], c[1], -_order(c[3]), c[2]))
    if far and day is not None:
        basis = f"{basis}, nearest: {_span(period)}"
    return Region(period.key, period.label, basis)


def _name(data: NetworkData, iri: str, day: date | None) -> str:
    """QF7 (South Yorkshire and Bassetlaw) for the STP QF7, named as on ``day``."""
    info = data.nodes.get(iri)
    code = short_id(iri)
    label = name_on(data, iri, day) or (info.label if info else "")
    return f"{code} ({label})" if label and label != code else code


def _far(thing: HeldTime, day: date | None) -> int:
    """How far ``thing`` is from ``day``; with no day, the latest is nearest."""
    if day is None:
        return 0 if thing.last_day is None else (date.max - thing.last_day).days
    return _distance(thing, day)


def _order(period: Period) -> int:
    """Later periods first among equally near ones."""
    return period.start.toordinal()
