"""Name periods: which recorded name is an organisation's name on a given day.

Each reference dataset records the name it gives an organisation on the dataset's
date (a :class:`~nhskg.graph.reference.model.Name`). Queries want the name on a
day, and "the latest record on or before D" per row is costly on a large graph,
so the build derives the periods once: the records are taken in date order, and a
name holds from a record of it until the day before the next record of a
different name. The first period has no start (before any record the earliest
recorded name is used) and the last no end. Two names recorded on the same day
are one day's name: the one already holding, else the preferred label, else the
first by dataset. Names that differ only in case, "&"/"and" or punctuation are
one name, written as the source with mixed case writes it (ODS capitals are
title-cased).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from nhskg.graph.reference.model import Name, Organisation
from nhskg.graph.reference.names import title_case

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """The form two spellings of one name share: lower case, '&' as 'and', no punctuation."""
    return _NOT_WORD.sub("", text.casefold().replace("&", " and "))


@dataclass
class NamePeriod:
    """A name taken to be the organisation's from ``start`` to ``end`` (None: open)."""

    name: str
    start: dt.date | None
    end: dt.date | None
    records: list[Name] = field(default_factory=list)


def _display(names: list[Name], pref_label: str) -> str:
    """The spelling to show: the preferred label if it is this name, else mixed case."""
    if name_key(pref_label) == name_key(names[0].text):
        return pref_label
    mixed = [n.text for n in names if n.text != n.text.upper()]
    return mixed[0] if mixed else title_case(names[0].text)


def name_periods(org: Organisation) -> list[NamePeriod]:
    """The organisation's name periods in date order (none if no name is recorded)."""
    by_day: dict[dt.date, list[Name]] = {}
    for name in sorted(org.names, key=lambda n: (n.observed, n.row.dataset, n.row.number)):
        by_day.setdefault(name.observed, []).append(name)
    preferred = name_key(org.pref_label)
    runs: list[tuple[str, list[Name]]] = []  # (key, records), one run per change of name
    for day in sorted(by_day):
        records = by_day[day]
        keys = [name_key(n.text) for n in records]
        holding = runs[-1][0] if runs else None
        chosen = holding if holding in keys else preferred if preferred in keys else keys[0]
        same = [n for n, k in zip(records, keys, strict=True) if k == chosen]
        if runs and runs[-1][0] == chosen:
            runs[-1][1].extend(same)
        else:
            runs.append((chosen, same))
    periods = []
    for i, (_key, records) in enumerate(runs):
        start = records[0].observed if i else None
        end = runs[i + 1][1][0].observed - dt.timedelta(days=1) if i + 1 < len(runs) else None
        periods.append(NamePeriod(_display(records, org.pref_label), start, end, records))
    return periods


def name_on(org: Organisation, day: dt.date) -> str:
    """The organisation's name on ``day`` (its preferred label if no name is recorded)."""
    for period in name_periods(org):
        if (period.start is None or period.start <= day) and (
            period.end is None or day <= period.end
        ):
            return period.name
    return org.pref_label
