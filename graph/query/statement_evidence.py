"""The evidence of the statements a page shows, in the one shape every page renders.

A page that lists claims (members, partners, contracts, ties of an area) shows on each
row what supports it: a document's exact words linked to their place in the document,
with the document's title and date; a reference dataset's row with the dataset's title;
or a curator's reasoning. :func:`evidence_of` reads them for the statements asked about
with ``queries/internal/statement-evidence.rq``, bound to :data:`BATCH` statements at a
time by a ``VALUES`` block (each IRI written by pyoxigraph, never pasted in).

Each piece is a dict: ``kind`` ("quote", "dataset" or "reasoning"), ``quote`` (the
words, the row or the reasoning), ``source`` (document identifier or dataset id),
``title``, ``date``, ``start`` (an offset, or None) and ``href`` (the local page: the
passage in the document, the dataset's page; None for reasoning).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from nhskg.graph.query.named_queries import bind_statements, load_query_file
from nhskg.graph.query.results import texts
from nhskg.graph.query.store import GraphStore, SelectResult

BATCH = 500
QUERY = Path("internal") / "statement-evidence.rq"
# Documents' words first, then reference rows, then reasoning.
ORDER = {"quote": 0, "dataset": 1, "reasoning": 2}


@lru_cache(maxsize=4)
def _query_text(queries_dir: Path) -> str:
    return load_query_file(queries_dir / QUERY).text


def local_href(kind: str, source: str, start: int | None) -> str | None:
    """Our own page for a piece of evidence: the passage, or the dataset's page."""
    if kind == "quote":
        anchor = f"#q-{start}" if start is not None else ""
        return f"/documents/{url_quote(source)}{anchor}"
    if kind == "dataset":
        return f"/id/dataset/{url_quote(source)}"
    return None


def evidence_of(
    store: GraphStore,
    queries_dir: Path,
    statements: Iterable[str],
    published: SelectResult | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The pieces of evidence of each statement (an empty list for one with none),
    each statement's in a fixed order: quotes by document and place, then rows, then
    reasoning. ``published``: the build's rows of this query for some statements (each
    it covers in at least one row; see :mod:`.page_evidence_answers`), whose evidence is
    taken from it; the rest are evaluated."""
    wanted = list(dict.fromkeys(s for s in statements if s))
    found: dict[str, list[dict[str, Any]]] = {s: [] for s in wanted}
    covered: set[str] = set()
    for row in texts(published) if published is not None else ():
        assert row[0] is not None
        covered.add(row[0])
        if row[0] in found and row[1] is not None:
            _add(found, row)
    asked = [s for s in wanted if s not in covered]
    text = _query_text(queries_dir)
    for at in range(0, len(asked), BATCH):
        result = store.query(bind_statements(text, asked[at : at + BATCH]))
        assert isinstance(result, SelectResult), "statement-evidence must be a SELECT query"
        for row in texts(result):
            _add(found, row)
    for pieces in found.values():
        pieces.sort(key=lambda p: (ORDER[p["kind"]], p["source"], p["start"] or 0, p["quote"]))
    return found


def _add(found: dict[str, list[dict[str, Any]]], row: tuple[str | None, ...]) -> None:
    """One row of statement-evidence.rq (its terms' text) added to its statement's
    pieces (once)."""
    statement, kind, words, source, title, day, start, _end = row
    assert statement is not None and kind is not None and words is not None
    offset = int(start) if start is not None else None
    piece = {
        "kind": kind,
        "quote": words,
        "source": source or "",
        "title": title or source or "",
        "date": day or "",
        "start": offset,
        "href": local_href(kind, source or "", offset),
    }
    if piece not in found[statement]:
        found[statement].append(piece)
