"""Charts for query results: a timeline for results that have dates (how many rows
fall in each year), and bars for results of labels with one count a row.

The first column whose values are dates (``xsd:date``, ``xsd:dateTime``,
``xsd:gYear``, ``xsd:gYearMonth``) or four-digit years (a ``year`` column of integers)
gives each row its year; the chart is a bar a year, from the first year to the last,
drawn by the template as SVG (attributes, no inline style, so the page's Content
Security Policy holds). Results with no such column have no chart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pyoxigraph import Literal, NamedNode

from nhskg.graph.namespaces import XSD, compact
from nhskg.graph.query.results import display
from nhskg.graph.query.store import Term

DATED = {XSD.date.value, XSD.dateTime.value, XSD.gYear.value, XSD.gYearMonth.value}
NUMBERS = {XSD.integer.value, XSD.int.value, XSD.gYear.value}
MAX_YEARS = 80  # a chart spanning more years than this would be unreadable: none is drawn
BAR_WIDTH = 36  # the widest a bar gets; many years make them narrower, down to MIN_BAR
MIN_BAR = 8
BAR_GAP = 6
CHART_WIDTH = 880  # what many years squeeze into
CHART_HEIGHT = 160
MARGIN = 24


def year_of(term: Term | Any | None, *, year_column: bool = False) -> int | None:
    """The year a term dates to, or None."""
    if not isinstance(term, Literal):
        return None
    datatype = term.datatype.value
    text = term.value
    if datatype in DATED and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    if year_column and datatype in NUMBERS and len(text) == 4 and text.isdigit():
        return int(text)
    return None


def dated_column(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int | None:
    """The index of the first column that dates most of the rows it has values in."""
    for i, column in enumerate(columns):
        values = [row[i] for row in rows if row[i] is not None]
        is_year = column.lower().endswith("year")
        years = [y for v in values if (y := year_of(v, year_column=is_year)) is not None]
        if years and len(years) * 2 >= len(values):
            return i
    return None


def timeline(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any] | None:
    """Rows per year of the first dated column, laid out for an SVG bar chart."""
    at = dated_column(columns, rows)
    if at is None:
        return None
    is_year = columns[at].lower().endswith("year")
    counts = Counter(y for row in rows if (y := year_of(row[at], year_column=is_year)) is not None)
    first, last = min(counts), max(counts)
    if last - first >= MAX_YEARS:
        return None
    most = max(counts.values())
    years = last - first + 1
    width = max(MIN_BAR, min(BAR_WIDTH, (CHART_WIDTH - 2 * MARGIN) // years - BAR_GAP))
    every = 1 if width >= 30 else 5  # label every year, or every fifth when crowded
    bars = []
    for n, year in enumerate(range(first, last + 1)):
        count = counts.get(year, 0)
        height = round((CHART_HEIGHT - 2 * MARGIN) * count / most)
        x = MARGIN + n * (width + BAR_GAP)
        bars.append(
            {
                "year": year,
                "count": count,
                "x": x,
                "y": CHART_HEIGHT - MARGIN - height,
                "height": height,
                "label_x": x + width // 2,
                "labelled": year % every == 0 or years == 1,
            }
        )
    return {
        "column": columns[at],
        "bars": bars,
        "bar_width": width,
        "width": 2 * MARGIN + years * (width + BAR_GAP) - BAR_GAP,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - MARGIN,
        "dated": sum(counts.values()),
        "undated": len(rows) - sum(counts.values()),
    }


COUNTS = {XSD.integer.value, XSD.int.value, XSD.long.value, XSD.decimal.value}
MAX_BARS = 40  # more rows than this make no readable bar chart: none is drawn
ROW_HEIGHT = 22
LABEL_WIDTH = 300
BAR_SPACE = 420
LABEL_CHARS = 42


def number_of(term: Any) -> float | None:
    if isinstance(term, Literal) and term.datatype.value in COUNTS:
        try:
            return float(term.value)
        except ValueError:
            return None
    return None


def bar_chart(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any] | None:
    """Horizontal bars for an answer of labels and one count a row (such as
    organisations per type): at most three columns, one of them numbers, which size
    the bars, the first of the others naming them. None for other answers (a table of
    many columns is not a count), or more than MAX_BARS rows."""
    if not rows or len(rows) > MAX_BARS or len(columns) > 3:
        return None
    numeric = [i for i in range(len(columns)) if all(number_of(r[i]) is not None for r in rows)]
    texts = [i for i in range(len(columns)) if i not in numeric]
    if len(numeric) != 1 or not texts:
        return None
    value_at, label_at = numeric[0], texts[0]
    values = [number_of(r[value_at]) or 0.0 for r in rows]
    most = max(values)
    if most <= 0:
        return None
    bars = []
    for n, (row, value) in enumerate(zip(rows, values, strict=True)):
        term = row[label_at]
        label = compact(term.value) if isinstance(term, NamedNode) else display(term)
        width = round(BAR_SPACE * value / most)
        bars.append(
            {
                "label": label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                "full": label,
                "value": f"{value:g}",
                "y": n * ROW_HEIGHT,
                "text_y": n * ROW_HEIGHT + ROW_HEIGHT - 7,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "label_column": columns[label_at],
        "value_column": columns[value_at],
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "bar_height": ROW_HEIGHT - 6,
        "width": LABEL_WIDTH + BAR_SPACE + 60,
        "height": len(bars) * ROW_HEIGHT,
    }
