"""One PDF page's text in reading order, column by column.

PDFium gives a page's characters in the order the content stream draws them. Many
generators draw a two-column page column by column, and that order is kept; some draw
it line by line across the page, and then PDFium's text runs "left line 1, right line
1, ...". So the characters are cut into runs (PDFium's lines, split again where a wide
gap opens between two characters on one line), the runs are grouped into rows by
their baseline, and a gutter is looked for: an empty band that separates runs in at
least two rows. Where one is found, the page is read in bands between the runs that
cross it (titles across the page): in each band the left column top to bottom, then the
right one (which may itself have columns). Where none is found, PDFium's own text is
kept as it is. Each run's characters are PDFium's, unchanged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

ROW_TOLERANCE = 0.5  # baselines within half a line height are one row
GAP_FACTOR = 1.8  # a gap wider than 1.8 line heights cuts a line into two runs
MIN_ROWS = 2  # a gutter must separate runs in at least two rows
# PDFium writes a hyphen that ends a line as U+0002 (or U+FFFE) and may end a page's
# text with a NUL: the hyphen is written as one, other control characters (but tab and
# newline) dropped.
CONTROLS = {c: None for c in range(32) if c not in (9, 10)} | {2: "-", 0xFFFE: "-"}


@dataclass(frozen=True)
class Run:
    """Characters that follow each other on one line, with their box (PDF points)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def page_text(page: Any) -> str:
    """The text of a pypdfium2 page, column by column where it has columns."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return ""
        whole = textpage.get_text_range()
        if len(whole) != count:  # keep one character per index
            whole = "".join(textpage.get_text_range(i, 1) for i in range(count))
        boxes = [textpage.get_charbox(i) for i in range(count)]
    finally:
        textpage.close()
    plain = whole.replace("\r\n", "\n").replace("\r", "\n")
    runs = _runs(whole, boxes)
    gutter = _gutter(runs)
    if gutter is None:
        return plain.translate(CONTROLS)
    return _assemble(_order(runs)).translate(CONTROLS)


def _runs(text: str, boxes: list[tuple[float, float, float, float]]) -> list[Run]:
    runs: list[Run] = []
    chars: list[int] = []

    def close() -> None:
        kept = [i for i in chars if not text[i].isspace()]
        if kept:
            first, last = min(chars), max(chars)
            while text[first].isspace():
                first += 1
            while text[last].isspace():
                last -= 1
            runs.append(
                Run(
                    text[first : last + 1],
                    min(boxes[i][0] for i in kept),
                    max(boxes[i][2] for i in kept),
                    min(boxes[i][1] for i in kept),
                    max(boxes[i][3] for i in kept),
                )
            )
        chars.clear()

    previous: int | None = None  # the last visible character of the run
    for i, ch in enumerate(text):
        if ch in "\r\n":
            close()
            previous = None
            continue
        if ch.isspace():
            if chars:
                chars.append(i)
            continue
        if previous is not None and _apart(boxes[previous], boxes[i]):
            close()
        chars.append(i)
        previous = i
    close()
    return runs


def _apart(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether character box ``b`` does not follow ``a`` on the same line."""
    height = max(a[3] - a[1], b[3] - b[1], 1.0)
    if abs(a[1] - b[1]) > height * 0.8 and abs(a[3] - b[3]) > height * 0.8:
        return True  # another line
    return b[0] - a[2] > GAP_FACTOR * height or b[2] < a[0] - height


def _rows(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped by baseline, top row first, each row left to right."""
    rows: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (-r.bottom, r.left)):
        if rows and abs(rows[-1][0].bottom - run.bottom) <= ROW_TOLERANCE * run.height:
            rows[-1].append(run)
        else:
            rows.append([run])
    return [sorted(row, key=lambda r: r.left) for row in rows]


def _gutter(runs: list[Run]) -> tuple[float, float] | None:
    """The empty band between two columns, if the runs have one: the gap between runs
    of one row that most rows share (at least MIN_ROWS), leftmost of the best."""
    gaps: list[tuple[float, float]] = []
    for row in _rows(runs):
        gaps.extend((a.right, b.left) for a, b in itertools.pairwise(row) if b.left > a.right)
    best: tuple[int, float, float] | None = None
    for lo, hi in sorted(gaps):
        agreeing = [(a, b) for a, b in gaps if max(a, lo) < min(b, hi)]
        band = (max(a for a, _ in agreeing), min(b for _, b in agreeing))
        if band[0] >= band[1]:
            continue
        # the band must be crossed only by runs that stand alone in their row
        if len(agreeing) >= MIN_ROWS and (best is None or len(agreeing) > best[0]):
            best = (len(agreeing), band[0], band[1])
    return None if best is None else (best[1], best[2])


def _order(runs: list[Run]) -> list[list[Run]]:
    """Runs in reading order, as rows: bands between runs crossing the gutter, each band
    its left column then its right one (columns found again inside each side)."""
    gutter = _gutter(runs)
    if gutter is None:
        return _rows(runs)
    lo, hi = gutter
    out: list[list[Run]] = []
    band: list[Run] = []

    def flush() -> None:
        left = [r for r in band if r.right <= lo + 0.5]
        right = [r for r in band if r.left >= hi - 0.5]
        if left:
            out.extend(_rows(left))
        if right:
            out.extend(_order(right))
        band.clear()

    for row in _rows(runs):
        crossing = [r for r in row if r.right > lo + 0.5 and r.left < hi - 0.5]
        if crossing:
            flush()
            out.append(row)
        else:
            band.extend(row)
    flush()
    return out


def _assemble(rows: list[list[Run]]) -> str:
    """Rows as lines (runs of a row joined by a space); a blank line where the next row
    does not follow the last one as the next line of a paragraph would."""
    lines: list[str] = []
    previous: Run | None = None
    for row in rows:
        first = row[0]
        if previous is not None:
            step = previous.bottom - first.bottom
            if step < 0 or step > 2.0 * max(previous.height, first.height):
                lines.append("")
        lines.append(" ".join(r.text for r in row))
        previous = first
    return "\n".join(lines)
