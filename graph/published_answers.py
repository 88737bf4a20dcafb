"""Answers of the parameterless named queries, evaluated once per build and published with it.

A listing with no required parameter (every organisation, every partnership, every
organisation in more than one partnership, ...) asked for with none of its optional
parameters has one answer for the life of a build, and at national scale evaluating it
takes from a fraction of a second to many seconds: longer than a lookup should wait, and
for the largest, longer than the query time limit. So the build evaluates each such
listing once, after validation and before publication, under a time limit of its own
(``Settings.answer_timeout_s``), and writes the answer in the SPARQL 1.1 Query Results
JSON format to ``answers/NAME.srj`` in the build's folder, with ``answers/index.json``
saying how many rows each has and how long it took. The answers are published with the
store in one rename, so a reader never sees one build's answers beside another's store.

:class:`PublishedAnswers` reads them back as :class:`~nhskg.graph.store.SelectResult`
(marked ``published``), keeping the most recently read in memory. A listing that ran
past the build's limit, or failed, has no answer and is evaluated when asked for, as
any other call is.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from nhskg.graph.named_queries import QueryFile
from nhskg.graph.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.result_formats import json_results
from nhskg.graph.store import GraphStore, SelectResult, outcome

ANSWERS_FOLDER = "answers"
INDEX_FILE = "index.json"
SUFFIX = ".srj"
KEPT_IN_MEMORY = 16


def parameterless(library: Iterable[QueryFile]) -> list[QueryFile]:
    """The named queries that can be asked with no parameter at all, by name."""
    return sorted(
        (q for q in library if not any(p.required for p in q.header.params)), key=lambda q: q.name
    )


@dataclass(frozen=True)
class Evaluated:
    """What publishing one listing's answer gave: its rows and seconds, or why not."""

    name: str
    seconds: float
    rows: int | None = None
    skipped: str | None = None


def write_answers(
    queries: Iterable[QueryFile],
    store: GraphStore,
    planned_text: Callable[[str], str],
    folder: Path,
    *,
    timeout_s: float,
) -> list[Evaluated]:
    """Evaluate each query of ``queries`` with no parameters on ``store`` (its planned
    text from ``planned_text``) and write its answer under ``folder``/answers; a query
    that overruns ``timeout_s`` or fails is left out, with the reason, in the index."""
    target = folder / ANSWERS_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    done: list[Evaluated] = []
    for query in queries:
        started = time.perf_counter()
        try:
            result = store.query(planned_text(query.name), timeout_s=timeout_s, planned=True)
        except (QueryTimeout, QueryFailed) as error:
            took = time.perf_counter() - started
            done.append(Evaluated(query.name, round(took, 3), skipped=str(error)[:200]))
            continue
        took = time.perf_counter() - started
        if not isinstance(result, SelectResult):
            done.append(Evaluated(query.name, round(took, 3), skipped="not a SELECT query"))
            continue
        body = json_results(result.variables, result.rows, truncated=False)
        (target / f"{query.name}{SUFFIX}").write_text(body, encoding="utf-8")
        done.append(Evaluated(query.name, round(took, 3), rows=len(result.rows)))
    index = {
        e.name: {"rows": e.rows, "seconds": e.seconds}
        | ({"skipped": e.skipped} if e.skipped else {})
        for e in done
    }
    (target / INDEX_FILE).write_text(json.dumps(index, indent=2), encoding="utf-8")
    return done


class PublishedAnswers:
    """The answers published with one build (none when its folder has none)."""

    def __init__(self, build_folder: Path) -> None:
        self.folder = build_folder / ANSWERS_FOLDER
        self._kept: OrderedDict[str, SelectResult] = OrderedDict()
        self._lock = threading.Lock()

    def names(self) -> set[str]:
        return {p.name.removesuffix(SUFFIX) for p in self.folder.glob(f"*{SUFFIX}")}

    def get(self, name: str, *, max_rows: int | None = None) -> SelectResult | None:
        """The published answer of ``name`` (at most ``max_rows`` rows), or None."""
        with self._lock:
            kept = self._kept.get(name)
            if kept is not None:
                self._kept.move_to_end(name)
        if kept is not None:
            whole = kept
        else:
            path = self.folder / f"{name}{SUFFIX}"
            if not path.is_file():
                return None
            whole = self._read(path)
            with self._lock:
                self._kept[name] = whole
                while len(self._kept) > KEPT_IN_MEMORY:
                    self._kept.popitem(last=False)
        if max_rows is None or len(whole.rows) <= max_rows:
            return whole
        return replace(whole, rows=whole.rows[:max_rows], truncated=True)

    @staticmethod
    def _read(path: Path) -> SelectResult:
        parsed = parse_query_results(path=str(path), format=QueryResultsFormat.JSON)
        assert isinstance(parsed, QuerySolutions), f"{path} holds no SELECT results"
        result = outcome(parsed, None)
        assert isinstance(result, SelectResult)
        return replace(result, published=True)
