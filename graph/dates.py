"""Dates as precise as the source allows, and the periods they cover.

A source may give a day (2013-03-13), a month (2013-03) or a year (2013). Each is
kept with its own XSD datatype (xsd:date, xsd:gYearMonth, xsd:gYear) and also read
as the period of days it covers, which is what ``as_of`` filtering compares.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from pyoxigraph import Literal

from nhskg.graph.namespaces import XSD

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateError(ValueError):
    """Text that is not a date in one of the accepted forms."""


@dataclass(frozen=True, order=True)
class VagueDate:
    """A date known to a day, a month or a year."""

    first: dt.date
    last: dt.date
    text: str
    precision: str  # "day" | "month" | "year"

    @property
    def datatype(self) -> str:
        return {"day": "date", "month": "gYearMonth", "year": "gYear"}[self.precision]

    def literal(self) -> Literal:
        return Literal(self.text, datatype=XSD[self.datatype])


def written_between(
    date: VagueDate | None, date_from: VagueDate | None, date_until: VagueDate | None
) -> tuple[dt.date, dt.date]:
    """The first and last day a document may have been written on: its date's, or its
    span's (from the first day of ``date_from`` to the last of ``date_until``)."""
    if date is not None:
        return date.first, date.last
    assert date_from is not None and date_until is not None
    return date_from.first, date_until.last


def parse_date(text: str) -> VagueDate:
    """Read YYYY-MM-DD, YYYYMMDD, YYYY-MM or YYYY; anything else is a DateError."""
    text = text.strip()
    try:
        if m := _DAY.match(text) or _COMPACT.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return VagueDate(day, day, day.isoformat(), "day")
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1]
            return VagueDate(
                dt.date(year, month, 1),
                dt.date(year, month, last),
                f"{year:04d}-{month:02d}",
                "month",
            )
        if m := _YEAR.match(text):
            year = int(m[1])
            return VagueDate(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year:04d}", "year")
    except ValueError as exc:  # e.g. month 13
        raise DateError(f"not a calendar date: {text!r}") from exc
    raise DateError(f"not a date (expected YYYY-MM-DD, YYYY-MM or YYYY): {text!r}")


def day(value: dt.date) -> VagueDate:
    return VagueDate(value, value, value.isoformat(), "day")


def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def intersect(
    *periods: tuple[dt.date | None, dt.date | None],
) -> tuple[dt.date | None, dt.date | None] | None:
    """The common part of closed periods (None = unbounded); None when they do not meet."""
    start: dt.date | None = None
    end: dt.date | None = None
    for lo, hi in periods:
        if lo is not None and (start is None or lo > start):
            start = lo
        if hi is not None and (end is None or hi < end):
            end = hi
    if start is not None and end is not None and start > end:
        return None
    return start, end
