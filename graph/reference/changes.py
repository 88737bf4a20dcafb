"""Change events: mergers and successions from the ODS successor file, and the
transfer of CCGs to ICBs on 1 July 2022.

Successor rows whose two codes are both in the landscape are grouped by effective
date and successor: several predecessors make a merger, one a succession. The
Strategy Unit successor table is read as a second witness: a pair it shares with
the ODS file becomes extra evidence of that event, and a pair the ODS file lacks
becomes an event of its own, so the disagreement stays visible.
"""

from __future__ import annotations

import datetime as dt

from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.common import RULE_ICB, fail, ods_date
from nhskg.graph.reference.model import Change, Landscape
from nhskg.graph.reference.readers import Row

SUB_ICB_ROLES = {"RO319", "RO319|RO326"}


def read_changes(catalog: Catalog, land: Landscape) -> None:
    groups: dict[tuple[dt.date, str], list[tuple[str, Row]]] = {}
    for row in catalog.table("ods-succ-2026", min_columns=4).rows:
        before, after = row[0], row[1]
        if land.get(before) is None or land.get(after) is None:
            continue
        effective = ods_date(row, 3, catalog)
        if effective is None:
            raise fail(catalog, row, "a successor row without an effective date")
        groups.setdefault((effective, after), []).append((before, row))
    events: dict[tuple[dt.date, str], Change] = {}
    for (effective, after), members in sorted(groups.items()):
        originals = sorted({b for b, _ in members})
        kind = "merger" if len(originals) > 1 else "succession"
        events[(effective, after)] = Change(
            kind,
            effective,
            originals,
            after,
            sorted((r for _, r in members), key=lambda r: r.number),
        )
    by_pair = {(o, c.resulting): c for c in events.values() for o in c.originals}
    for row, (old, new) in catalog.table("su-ccg-successors").records("old_ccg", "ccg20cdh"):
        if land.get(old) is None or land.get(new) is None:
            raise fail(catalog, row, f"unknown CCG code {old!r} or {new!r}")
        event = by_pair.get((old, new))
        if event is not None:
            event.rows.append(row)
            continue
        closed = land.organisations[old].closed
        if closed is None:
            raise fail(catalog, row, f"{old} has no close date to date its succession by {new}")
        land.changes.append(Change("succession", closed + dt.timedelta(days=1), [old], new, [row]))
    land.changes.extend(events.values())


def read_icb_transfers(catalog: Catalog, land: Landscape) -> None:
    """CCGs open on 30 June 2022 passed to an ICB on 1 July 2022 (grouped by ICB)."""
    rule = land.rules[RULE_ICB]
    by_icb: dict[str, list[Row]] = {}
    for row in catalog.table("ods-eccg-2024", min_columns=14).rows:
        if row[13] in SUB_ICB_ROLES and land.get(row[0]) is not None:
            if land.get(row[3]) is None:
                raise fail(catalog, row, f"unknown ICB code {row[3]!r}")
            by_icb.setdefault(row[3], []).append(row)
    for icb, rows in sorted(by_icb.items()):
        originals = sorted(r[0] for r in rows)
        land.changes.append(
            Change("transfer", rule.date, originals, icb, rows, basis="derived", rules=[RULE_ICB])
        )
