"""Read reference CSV files row by row, keeping each row's line number and text.

The line number (RFC 7111 ``row=``, counting the header as row 1) and the exact
line are what a reference fact cites as its evidence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ReferenceFileError(ValueError):
    """A reference file does not have the shape its reader expects."""


@dataclass(frozen=True)
class Row:
    """One CSV record: its dataset, 1-based row number, values and raw text."""

    dataset: str
    number: int
    values: tuple[str, ...]
    text: str

    def __getitem__(self, index: int) -> str:
        return self.values[index].strip()


@dataclass(frozen=True)
class Table:
    dataset: str
    path: Path
    header: tuple[str, ...] | None
    rows: tuple[Row, ...]

    def column(self, name: str) -> int:
        """Index of a named column (whitespace and BOM tolerant)."""
        if self.header is None:
            raise ReferenceFileError(f"{self.path}: has no header row")
        names = [h.strip().lstrip("\ufeff") for h in self.header]
        try:
            return names.index(name)
        except ValueError:
            raise ReferenceFileError(
                f"{self.path}: no column {name!r} (columns: {', '.join(names)})"
            ) from None

    def records(self, *names: str) -> Iterator[tuple[Row, tuple[str, ...]]]:
        """Each row with the values of the named columns, stripped."""
        idx = [self.column(n) for n in names]
        for row in self.rows:
            yield row, tuple(row.values[i].strip() for i in idx)


def read_table(dataset: str, path: Path, *, header: bool, min_columns: int = 1) -> Table:
    """Read a CSV file; each row keeps its line number and its exact text."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReferenceFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    rows: list[Row] = []
    head: tuple[str, ...] | None = None
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        values = tuple(next(csv.reader(io.StringIO(line))))
        if header and head is None:
            head = values
            continue
        if len(values) < min_columns:
            raise ReferenceFileError(
                f"{path}:{number}: expected at least {min_columns} columns, found {len(values)}"
            )
        rows.append(Row(dataset, number, values, line))
    return Table(dataset, path, head, tuple(rows))
