"""Text tables that fit the terminal, for the command line's ``--format table``.

A table is as wide as the terminal (``COLUMNS``, else the terminal standard output
is, else :data:`DEFAULT_WIDTH` when the output is piped or written to a file), or
as ``--width`` says. Narrow columns keep their full width; the widest share what is
left, each cut to the same width with an ellipsis ("…"), so no line is wider than
the table unless there are too many columns to show even their headings.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

DEFAULT_WIDTH = 120  # characters, when standard output is not a terminal
GAP = "  "
ELLIPSIS = "…"
WIDTH_HELP = "table width in characters (default: the terminal's, COLUMNS, or 120 when piped)"
NARROWEST = 3  # characters: a cell cut this short still shows "ab…"


def terminal_width(width: int | None = None) -> int:
    """``width`` if given, else ``COLUMNS``, else the terminal's, else DEFAULT_WIDTH."""
    if width is not None and width > 0:
        return width
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns or DEFAULT_WIDTH


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last an ellipsis when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def column_widths(natural: Sequence[int], floors: Sequence[int], budget: int) -> list[int]:
    """Widths no wider than ``natural`` that add up to at most ``budget``: every column
    at least its floor, the widest cut to one common width and the rest of the budget
    given to them, leftmost first."""
    if sum(natural) <= budget:
        return list(natural)
    floors = [min(f, n) for f, n in zip(floors, natural, strict=True)]
    if sum(floors) > budget:
        floors = [min(NARROWEST, n) for n in natural]

    def widths_at(cap: int) -> list[int]:
        return [max(f, min(n, cap)) for f, n in zip(floors, natural, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the widest common cap that fits
        middle = (low + high + 1) // 2
        if sum(widths_at(middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    widths = widths_at(low)
    spare = budget - sum(widths)
    for index, width in enumerate(widths):
        if spare <= 0:
            break
        if width < natural[index]:
            widths[index] += 1
            spare -= 1
    return widths


def _typical(lengths: Sequence[int]) -> int:
    """The length nine cells in ten are no longer than."""
    ordered = sorted(lengths)
    return ordered[(len(ordered) - 1) * 9 // 10] if ordered else 0


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """The header, a rule and the rows, each line at most ``width`` characters when
    the headings allow it (cells are single-line text). When the table is too wide,
    the typical cells (nine in ten of a column) are fitted first and what is left
    goes towards the longest, so one long code or name does not take the space of
    the others."""
    natural = [
        max(len(header), *(len(row[i]) for row in rows)) if rows else len(header)
        for i, header in enumerate(headers)
    ]
    floors = [min(len(header), 8) for header in headers]
    budget = max(0, width - len(GAP) * (len(headers) - 1))
    typical = [
        max(floor, _typical([len(row[i]) for row in rows])) for i, floor in enumerate(floors)
    ]
    # typical cells first, then what is left towards the longest
    widths = column_widths(natural, column_widths(typical, floors, budget), budget)

    def line(cells: Sequence[str]) -> str:
        return GAP.join(fit(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), GAP.join("-" * w for w in widths), *(line(row) for row in rows)]
