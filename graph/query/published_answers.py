"""Answers of named queries, evaluated once per build and published with it: the
parameterless listings, and the queries that ask for it answered for every organisation.

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

A query whose header says ``# publish: PARAM`` (PARAM an ``org`` parameter, see
:mod:`nhskg.graph.query.named_queries`) is answered the same way once for every
organisation the graph knows, with PARAM bound to it and no other parameter: ``partners``,
since at national scale one organisation's partners take hundreds of milliseconds to
evaluate, and each query an organisation's lookup runs (organisation, names, placements,
the statements it is party to, ...), so its first lookup reads some fifteen small
answers instead of evaluating fifteen queries. Each answer goes to
``answers/NAME/DIGEST.srj`` (DIGEST from the organisation's IRI, so no file name comes
from data), and the index gives, under ``NAME/``, how many organisations were answered,
their rows and the time taken. A call with another parameter too (``as_of``) is
evaluated, as is one for an organisation whose answer overran the limit.

:class:`PublishedAnswers` reads them back as :class:`~nhskg.graph.query.store.SelectResult`
(marked ``published``), keeping the most recently read in memory. A listing that ran
past the build's limit, or failed, has no answer and is evaluated when asked for, as
any other call is.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from nhskg.graph.query.named_queries import QueryFile
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.result_formats import json_results
from nhskg.graph.query.store import GraphStore, QueryOutcome, SelectResult, outcome

ANSWERS_FOLDER = "answers"
INDEX_FILE = "index.json"
SUFFIX = ".srj"
KEPT_IN_MEMORY = 16


def parameterless(library: Iterable[QueryFile]) -> list[QueryFile]:
    """The named queries that can be asked with no parameter at all, by name."""
    return sorted(
        (q for q in library if not any(p.required for p in q.header.params)), key=lambda q: q.name
    )


def keyed(library: Iterable[QueryFile]) -> list[QueryFile]:
    """The named queries whose header asks for an answer for every organisation."""
    return sorted((q for q in library if q.header.publish), key=lambda q: q.name)


def keyed_path(folder: Path, name: str, value: str) -> Path:
    """Where the answer of ``name`` for the organisation ``value`` (an IRI) is kept."""
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return folder / name / f"{digest}{SUFFIX}"


@dataclass(frozen=True)
class Evaluated:
    """What publishing one query's answers gave: rows and seconds, or why not; for a
    query answered for every organisation, how many were (``values``) and how many were
    left out (``left_out``, an example reason in ``skipped``)."""

    name: str
    seconds: float
    rows: int | None = None
    skipped: str | None = None
    values: int | None = None
    left_out: int = 0

    @property
    def key(self) -> str:
        """Its key in the answers' index: the query's name, followed by '/' (as the folder
        its answers are in) for one answered for every organisation, so a query that is
        both (``merger-proposals``) has an entry for each."""
        return self.name if self.values is None else f"{self.name}/"

    def entry(self) -> dict[str, object]:
        """Its entry in the answers' index."""
        out: dict[str, object] = {"rows": self.rows, "seconds": self.seconds}
        if self.values is not None:
            out |= {"values": self.values, "left_out": self.left_out}
        return out | ({"skipped": self.skipped} if self.skipped else {})


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
    write_index(folder, done)
    return done


def write_keyed_answers(
    query: QueryFile,
    values: Sequence[str],
    store: GraphStore,
    bound_text: Callable[[str], str],
    folder: Path,
    *,
    timeout_s: float,
    threads: int,
    deadline: float | None = None,
) -> Evaluated:
    """Evaluate ``query`` once for each organisation IRI of ``values`` (its text with
    the organisation bound from ``bound_text``), ``threads`` at a time, on ``store``,
    writing each answer under ``folder``/answers/NAME; an organisation whose answer
    overruns ``timeout_s`` or fails is left out (and evaluated when asked for), and so
    is every one not started by ``deadline`` (a ``time.perf_counter()`` reading: the
    build's budget for all its per-organisation answers)."""
    return answer_each(
        query.name,
        values,
        lambda value: store.query(bound_text(value), timeout_s=timeout_s, planned=True),
        folder,
        threads=threads,
        deadline=deadline,
    )


def answer_each(
    name: str,
    values: Sequence[str],
    evaluate: Callable[[str], QueryOutcome | None],
    folder: Path,
    *,
    threads: int,
    deadline: float | None = None,
) -> Evaluated:
    """``evaluate`` each organisation IRI of ``values``, ``threads`` at a time, writing
    each answer to ``folder``/answers/NAME/DIGEST.srj (None: nothing to write, counted as
    answered with no rows); one that overruns its limit or fails is left out, and so is
    every one not started by ``deadline``."""
    target = folder / ANSWERS_FOLDER
    (target / name).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def answer(value: str) -> int | str:
        if deadline is not None and time.perf_counter() >= deadline:
            return f"{value}: not started within the build's budget for per-organisation answers"
        try:
            result = evaluate(value)
        except (QueryTimeout, QueryFailed) as error:
            return f"{value}: {str(error)[:200]}"
        if result is None:
            return 0
        if not isinstance(result, SelectResult):
            return f"{value}: not a SELECT query"
        body = json_results(result.variables, result.rows, truncated=False)
        keyed_path(target, name, value).write_text(body, encoding="utf-8")
        return len(result.rows)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="answers") as pool:
        outcomes = list(pool.map(answer, values))
    rows = [o for o in outcomes if isinstance(o, int)]
    left_out = [o for o in outcomes if isinstance(o, str)]
    return Evaluated(
        name,
        round(time.perf_counter() - started, 3),
        rows=sum(rows),
        skipped=left_out[0] if left_out else None,
        values=len(rows),
        left_out=len(left_out),
    )


def in_shares(steps: Sequence[Callable[[float], Evaluated]], budget_s: float) -> list[Evaluated]:
    """Run ``steps`` in turn within ``budget_s`` seconds, each given its deadline (a
    ``time.perf_counter()`` reading): an equal part of what is left of the budget when it
    starts. So no step can take the time of those after it (the cheap per-organisation
    queries are answered for every organisation however long ``partners`` would take),
    and what a step leaves unused goes to those after it."""
    end = time.perf_counter() + budget_s
    done: list[Evaluated] = []
    for at, step in enumerate(steps):
        now = time.perf_counter()
        done.append(step(now + max(0.0, end - now) / (len(steps) - at)))
    return done


def write_index(folder: Path, done: Iterable[Evaluated]) -> None:
    """``answers/index.json``, with an entry for each query of ``done`` added to those
    already there."""
    path = folder / ANSWERS_FOLDER / INDEX_FILE
    index = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    index |= {e.key: e.entry() for e in done}
    path.write_text(json.dumps(index, indent=2), encoding="utf-8")


class PublishedAnswers:
    """The answers published with one build (none when its folder has none)."""

    def __init__(self, build_folder: Path) -> None:
        self.folder = build_folder / ANSWERS_FOLDER
        self._kept: OrderedDict[tuple[str, str | None], SelectResult] = OrderedDict()
        self._lock = threading.Lock()

    def names(self) -> set[str]:
        """The parameterless queries answered."""
        return {p.name.removesuffix(SUFFIX) for p in self.folder.glob(f"*{SUFFIX}")}

    def keyed(self) -> set[str]:
        """The queries answered for every organisation (each organisation's own file)."""
        if not self.folder.is_dir():
            return set()
        return {p.name for p in self.folder.iterdir() if p.is_dir()}

    def get(
        self, name: str, *, max_rows: int | None = None, value: str | None = None
    ) -> SelectResult | None:
        """The published answer of ``name`` (for the organisation IRI ``value``, if
        given; at most ``max_rows`` rows), or None."""
        key = (name, value)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is not None:
            whole = kept
        else:
            path = (
                self.folder / f"{name}{SUFFIX}"
                if value is None
                else keyed_path(self.folder, name, value)
            )
            if not path.is_file():
                return None
            whole = self._read(path)
            with self._lock:
                self._kept[key] = whole
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
