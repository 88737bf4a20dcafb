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
from data) and, once all are written, into the organisation's one file
(:mod:`.organisation_answers`); the index gives, under ``NAME/``, how many
organisations were answered, their rows and the time taken. A call with another
parameter too (``as_of``) is evaluated, as is one for an organisation whose answer
overran the limit.

:class:`PublishedAnswers` reads them back as :class:`~nhskg.graph.query.store.SelectResult`
(marked ``published``), keeping the most recently read in memory (an organisation's
file whole). A listing that ran
past the build's limit, or failed, has no answer and is evaluated when asked for, as
any other call is.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from nhskg.graph.query import organisation_answers
from nhskg.graph.query.named_queries import QueryFile
from nhskg.graph.query.organisation_answers import digest
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.result_formats import json_results
from nhskg.graph.query.store import GraphStore, QueryOutcome, SelectResult, outcome

ANSWERS_FOLDER = "answers"
INDEX_FILE = "index.json"
SUFFIX = ".srj"
KEPT_IN_MEMORY = 64  # listings' answers, and organisations' files, kept decoded


def parameterless(library: Iterable[QueryFile]) -> list[QueryFile]:
    """The named queries that can be asked with no parameter at all, by name."""
    return sorted(
        (q for q in library if not any(p.required for p in q.header.params)), key=lambda q: q.name
    )


def keyed(library: Iterable[QueryFile]) -> list[QueryFile]:
    """The named queries whose header asks for an answer for every organisation."""
    return sorted((q for q in library if q.header.publish), key=lambda q: q.name)


def keyed_path(folder: Path, name: str, value: str) -> Path:
    """Where the build writes the answer of ``name`` for the organisation ``value`` (an
    IRI), until :func:`.organisation_answers.gather` puts it in that organisation's file."""
    return folder / name / f"{digest(value)}{SUFFIX}"


def read_answer(path: Path) -> SelectResult | None:
    """One answer as written to ``path`` (None: no such file)."""
    if not path.is_file():
        return None
    parsed = parse_query_results(path=str(path), format=QueryResultsFormat.JSON)
    assert isinstance(parsed, QuerySolutions), f"{path} holds no SELECT results"
    result = outcome(parsed, None)
    assert isinstance(result, SelectResult)
    return replace(result, published=True)


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
    """The answers published with one build (none when its folder has none): the
    listings', each in its file, and each organisation's, all in one file
    (:mod:`.organisation_answers`)."""

    def __init__(self, build_folder: Path) -> None:
        self.folder = build_folder / ANSWERS_FOLDER
        self._kept: OrderedDict[str, SelectResult] = OrderedDict()
        self._kept_each: OrderedDict[str, organisation_answers.Gathered] = OrderedDict()
        self._lock = threading.Lock()

    def names(self) -> set[str]:
        """The parameterless queries answered."""
        return {p.name.removesuffix(SUFFIX) for p in self.folder.glob(f"*{SUFFIX}")}

    def keyed(self) -> set[str]:
        """The queries answered for every organisation (as the index says)."""
        path = self.folder / INDEX_FILE
        if not path.is_file():
            return set()
        index = json.loads(path.read_text(encoding="utf-8"))
        return {key.removesuffix("/") for key in index if key.endswith("/")}

    def get(
        self, name: str, *, max_rows: int | None = None, value: str | None = None
    ) -> SelectResult | None:
        """The published answer of ``name`` (for the organisation IRI ``value``, if
        given; at most ``max_rows`` rows), or None."""
        whole = self._listing(name) if value is None else self._each(name, value)
        if whole is None or max_rows is None:
            return whole
        if isinstance(whole, organisation_answers.JsonAnswer):
            count = len(whole.bindings)  # no terms made to count them
        else:
            count = len(whole.rows)
        if count <= max_rows:
            return whole
        return SelectResult(whole.variables, whole.rows[:max_rows], truncated=True, published=True)

    def _listing(self, name: str) -> SelectResult | None:
        with self._lock:
            kept = self._kept.get(name)
            if kept is not None:
                self._kept.move_to_end(name)
                return kept
        whole = read_answer(self.folder / f"{name}{SUFFIX}")
        if whole is not None:
            with self._lock:
                self._keep(self._kept, name, whole)
        return whole

    def _each(self, name: str, value: str) -> SelectResult | None:
        """``name``'s answer in the file of the organisation ``value``: read once for all
        its answers (a page reads some seventeen), each decoded when first asked for."""
        with self._lock:
            answers = self._kept_each.get(value)
            if answers is not None:
                self._kept_each.move_to_end(value)
        if answers is None:
            answers = organisation_answers.read(organisation_answers.path_of(self.folder, value))
            if answers is None:
                return None
            with self._lock:
                self._keep(self._kept_each, value, answers)
        return answers.get(name)

    @staticmethod
    def _keep(kept: OrderedDict[str, Any], key: str, value: Any) -> None:
        kept[key] = value
        while len(kept) > KEPT_IN_MEMORY:
            kept.popitem(last=False)
