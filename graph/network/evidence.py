"""The evidence behind network ties, read from the published graph when first asked for.

Reading the quote of every tie at once is one query over every evidence node of the
graph (over a minute at ten million quads), while most analyses never show a quote.
An :class:`Evidence` holds the store and, for the statements it is asked about,
reads their sources (document file name or dataset identifier) and quoted words, or
a curator's reasoning, with ``queries/internal/network-evidence.rq`` bound to
:data:`BATCH` statements at a time by a ``VALUES`` block; what it has read it keeps.
:meth:`Evidence.known` holds evidence given up front (fixtures, tests).
:func:`summary` puts what an analyst reads first beside an edge's full evidence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from nhskg.graph.query.named_queries import bind_statements, load_query_file
from nhskg.graph.query.store import GraphStore, SelectResult

REASONING = "reasoning"  # the source of a curator's reasoning
SUMMARY_SEPARATOR = " | "
SUMMARY_COLUMNS = (
    "evidence_count",
    "evidence_document_count",
    "evidence_documents",
    "evidence_first_quote",
)
BATCH = 1000  # statements a query: at 10M quads about 0.1 s a batch
Quotes = list[tuple[str, str]]


class Evidence:
    """Sources and quotes by statement IRI, read in batches on first use and kept."""

    def __init__(self, store: GraphStore | None, queries_dir: Path | None) -> None:
        self._store = store
        self._query = (
            load_query_file(queries_dir / "internal" / "network-evidence.rq").text
            if queries_dir is not None
            else ""
        )
        self._known: dict[str, Quotes] = {}
        self._lock = threading.Lock()
        self.queries = 0  # how many batches have been read (for tests and benchmarks)

    @classmethod
    def known(cls, quotes: Mapping[str, Iterable[tuple[str, str]]]) -> Evidence:
        """Evidence that is all given here: a statement not in ``quotes`` has none."""
        evidence = cls(None, None)
        evidence._known = {s: sorted(q) for s, q in quotes.items()}
        return evidence

    def of(self, statements: Iterable[str]) -> dict[str, Quotes]:
        """(source, quote) pairs of each statement, sorted; [] for one with none."""
        wanted = list(dict.fromkeys(statements))
        with self._lock:
            missing = [s for s in wanted if s not in self._known]
            if self._store is not None:
                for start in range(0, len(missing), BATCH):
                    self._read(missing[start : start + BATCH])
            return {s: self._known.get(s, []) for s in wanted}

    def _read(self, batch: list[str]) -> None:
        assert self._store is not None
        result = self._store.query(bind_statements(self._query, batch))
        assert isinstance(result, SelectResult), "network-evidence must be a SELECT query"
        self.queries += 1
        found: dict[str, Quotes] = {s: [] for s in batch}
        for statement, source, quote in result.rows:
            assert statement is not None and source is not None and quote is not None
            found[statement.value].append((source.value, quote.value))
        for quotes in found.values():
            quotes.sort()
        self._known.update(found)


def summary(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The columns an analyst reads beside an edge's full evidence: how many pieces,
    how many documents or datasets they come from, their titles (in first-cited order,
    joined by " | "), and the first quote from a document or dataset (a curator's
    reasoning only when there is nothing else)."""
    sources = [e for e in items if e.get("source") != REASONING]
    titles = list(dict.fromkeys(str(e.get("title") or e["source"]) for e in sources))
    first = sources[0] if sources else (items[0] if items else None)
    return {
        "evidence_count": len(items),
        "evidence_document_count": len({e["source"] for e in sources}),
        "evidence_documents": SUMMARY_SEPARATOR.join(titles),
        "evidence_first_quote": str(first["quote"]) if first is not None else "",
    }
