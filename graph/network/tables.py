"""Render analysis rows (lists of dicts) as a text table that fits the terminal, CSV
or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from nhskg.graph.query.text_table import terminal_width, text_table

TABLE_FORMATS = ("table", "csv", "json")


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def to_text_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, width: int | None = None
) -> str:
    """The rows as a text table as wide as the terminal (or ``width``)."""
    if not rows:
        return "(no results)"
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    lines = text_table(columns, cells, terminal_width(width))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, width: int | None = None
) -> str:
    """Rows as ``table`` (text as wide as the terminal or ``width``), ``csv`` or ``json``
    (a list of objects, lists kept)."""
    if fmt == "json":
        return (
            json.dumps(
                [{c: r.get(c) for c in columns} for r in rows],
                indent=2,
                ensure_ascii=False,
                default=str,
            )
            + "\n"
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        return out.getvalue()
    if fmt == "table":
        return to_text_table(rows, columns, width=width)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(TABLE_FORMATS)}")
