"""Render analysis rows (lists of dicts) as a text table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

TABLE_FORMATS = ("table", "csv", "json")


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def to_text_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], max_width: int = 50
) -> str:
    if not rows:
        return "(no results)"
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    widths = [
        min(max_width, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)
    ]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append(
            "  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Rows as ``table`` (text), ``csv`` or ``json`` (a list of objects, lists kept)."""
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
        return to_text_table(rows, columns)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(TABLE_FORMATS)}")
