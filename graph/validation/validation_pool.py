"""Run a large build's validation in worker processes, side by side.

Validation by layers is many independent pieces of work on one finished store: one
SPARQL query per compiled SHACL Core constraint, per SHACL-SPARQL constraint and per
check, and pyshacl on the new batches. Oxigraph evaluates a query on one core and
pyshacl is Python, so :func:`run_tasks` gives them to a pool of worker processes
(``workers``, one per core by default), each of which opens the store read-only:
nothing writes to it while it is validated. pyshacl's batches are one task, started
first, because which batches fit the budget depends on how many triples the earlier
ones gave pyshacl (:func:`pyshacl_batches`); the queries go to whichever worker is
free. The findings are the same as those of the same work run one after another.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import rdflib

from nhskg.graph.query.named_queries import QueryFile
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.validation.batches import Batch
from nhskg.graph.validation.shacl_compile import CompiledConstraint, run
from nhskg.graph.validation.shacl_context import Reads, Target, batch_data, shape_reads
from nhskg.graph.validation.shacl_sparql import SparqlConstraint, without_sparql
from nhskg.graph.validation.validate import (
    Finding,
    check_findings,
    core_findings,
    load_shapes,
    sparql_constraint_rows,
)

Query: TypeAlias = CompiledConstraint | SparqlConstraint | QueryFile


@dataclass
class PyshaclOutcome:
    """What pyshacl found on the batches it validated, the first ``validated`` given."""

    findings: list[Finding] = field(default_factory=list)
    validated: int = 0
    triples: int = 0  # what pyshacl saw: the batches' own triples and their context
    seconds: float = 0.0


@dataclass
class PoolOutcome:
    findings: list[Finding]
    pyshacl: PyshaclOutcome
    seconds: dict[str, float]  # work seconds by kind, summed over the workers


_store: OxigraphStore | None = None
_core: tuple[rdflib.Graph, dict[Target, Reads]] | None = None


def _open(store_path: str) -> None:
    global _store
    _store = OxigraphStore.open_read_only(Path(store_path))


def _worker_store() -> OxigraphStore:
    assert _store is not None, "the worker has no store"
    return _store


def pyshacl_batches(
    store: OxigraphStore, batches: list[Batch], dump: Path, shapes_dir: Path, budget: int
) -> PyshaclOutcome:
    """pyshacl on ``batches`` in order, each with its context (:mod:`shacl_context`),
    until the triples it has seen reach ``budget``; only findings about a batch's own
    nodes count. The first batch is always validated, so every build makes progress."""
    global _core
    started = time.perf_counter()
    if _core is None:
        core = without_sparql(load_shapes(shapes_dir))
        _core = core, shape_reads(core)
    core, reads = _core
    outcome = PyshaclOutcome()
    for batch in batches:
        if outcome.validated and outcome.triples >= budget:
            break
        prepared = batch_data(store, batch, dump, reads)
        data = prepared.graph()
        outcome.findings += [f for f in core_findings(data, core) if f.focus in prepared.own]
        outcome.validated += 1
        outcome.triples += len(data)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _pyshacl_task(batches: list[Batch], dump: str, shapes_dir: str, budget: int) -> PyshaclOutcome:
    return pyshacl_batches(_worker_store(), batches, Path(dump), Path(shapes_dir), budget)


def run_query(query: Query, store: OxigraphStore) -> list[Finding]:
    """The findings of one compiled constraint, SHACL-SPARQL constraint or check."""
    if isinstance(query, CompiledConstraint):
        return run(query, store)
    if isinstance(query, SparqlConstraint):
        return sparql_constraint_rows(query, store)
    return check_findings(store, [query])


def _query_task(query: Query) -> tuple[list[Finding], float]:
    started = time.perf_counter()
    found = run_query(query, _worker_store())
    return found, time.perf_counter() - started


def kind_of(query: Query) -> str:
    """The manifest's name for the stage a query belongs to."""
    return "shacl-sparql" if isinstance(query, CompiledConstraint) else "checks"


def run_tasks(
    store_path: Path,
    queries: list[Query],
    *,
    batches: list[Batch],
    dump: Path,
    shapes_dir: Path,
    budget: int,
    workers: int,
) -> PoolOutcome:
    """Every query and pyshacl on ``batches`` (within ``budget``), in ``workers`` processes."""
    context = multiprocessing.get_context("spawn")  # the parent holds threads of its own
    seconds = {"shacl-sparql": 0.0, "checks": 0.0}
    findings: list[Finding] = []
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_open, initargs=(str(store_path),)
    ) as pool:
        checked: Future[PyshaclOutcome] | None = None
        if batches:
            checked = pool.submit(_pyshacl_task, batches, str(dump), str(shapes_dir), budget)
        pending = [(kind_of(q), pool.submit(_query_task, q)) for q in queries]
        for kind, future in pending:
            found, took = future.result()
            findings += found
            seconds[kind] += took
        pyshacl = checked.result() if checked is not None else PyshaclOutcome()
    return PoolOutcome(findings + pyshacl.findings, pyshacl, seconds)
