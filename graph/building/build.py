"""Build the graph: write every layer, load a store, validate, publish atomically.

Layers, each in named graphs of its own: the ontology (ontology/*.ttl), the
reference catalogue and landscape (data/reference/), and the curated documents.
Their quads are streamed batch by batch into an N-Quads dump (:mod:`nhskg.graph.building.dump`;
the same input always gives the same file) and, as each batch is written, into a
process that bulk-loads a new Oxigraph store beside the published one
(:mod:`nhskg.graph.building.streaming_load`). The store is then validated
(:mod:`nhskg.graph.validation.layered_validation`); a graph that conforms has its parameterless
named queries answered into the build's folder (:mod:`nhskg.graph.query.published_answers`)
and its tie table written there (:mod:`nhskg.graph.query.tie_table`), and only then is it
published, answers, table and store together.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, parse

from nhskg.graph.building.dump import append_batch, write_dump
from nhskg.graph.building.published_candidates import publish_candidates
from nhskg.graph.building.remote_publish import publish_remote
from nhskg.graph.building.statistics import STATISTICS_BATCH, STATISTICS_GRAPH, statistics
from nhskg.graph.building.streaming_load import StreamingLoad
from nhskg.graph.emit import QuadSink
from nhskg.graph.publish import (
    DUMP_FILE,
    STORE_FOLDER,
    BuildFolder,
    new_build_folder,
    publish,
    reject,
)
from nhskg.graph.query import tie_table
from nhskg.graph.query.named_queries import QueryFile, bind
from nhskg.graph.query.organisation_answers import gather
from nhskg.graph.query.page_evidence_answers import write_page_evidence
from nhskg.graph.query.published_answers import (
    ANSWERS_FOLDER,
    Evaluated,
    in_shares,
    keyed,
    parameterless,
    write_answers,
    write_index,
    write_keyed_answers,
)
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.query.tie_table import TIE_TABLE_FILE
from nhskg.graph.settings import Settings
from nhskg.graph.validation.batches import DumpSummary
from nhskg.graph.validation.layered_validation import Validation, remember_validated, validate_build
from nhskg.graph.validation.validate import Report

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def assemble(settings: Settings) -> QuadSink:
    """Every quad of a build in memory, as written (for small graphs: tests and notebooks)."""
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "graph.nq"
        write_dump(settings, dump)
        sink = QuadSink()
        for q in parse(path=str(dump), format=RdfFormat.N_QUADS):
            sink.add(q.subject, q.predicate, q.object, q.graph_name)
    return sink


def _write_and_load(
    settings: Settings, folder: Path, progress: Progress
) -> tuple[DumpSummary, dict[str, float]]:
    """The dump into ``folder``/graph.nq and, as it is written, into a new store in
    ``folder``/oxigraph; the seconds the dump took and those the load took after it."""
    t = time.perf_counter()
    with StreamingLoad(folder / STORE_FOLDER) as loader:
        summary = write_dump(settings, folder / DUMP_FILE, progress, also=loader.write)
        took = time.perf_counter() - t
        for layer, counts in summary.counts.items():
            progress(f"  {layer:<10} {counts}")
        progress(
            f"  {'dump':<10} {summary.quads:,} quads in {len(summary.batches)} batches "
            f"({took:.1f} s)"
        )
        waited = loader.finish()
    progress(
        f"  {'store':<10} {summary.quads:,} quads loaded as the dump was written, then "
        f"compacted ({waited:.1f} s after the dump)"
    )
    counted = _count_statistics(settings, folder, summary, progress)
    return summary, {"dump": took, "load": waited, "statistics": counted}


def _count_statistics(
    settings: Settings, folder: Path, summary: DumpSummary, progress: Progress
) -> float:
    """The graph's statistics (:mod:`nhskg.graph.building.statistics`), counted on the loaded
    store, added to it and appended to the dump as its last batch; the seconds taken."""
    t = time.perf_counter()
    store = OxigraphStore.create(folder / STORE_FOLDER)
    triples = statistics(store, settings.queries_dir)
    store.add_triples(triples, STATISTICS_GRAPH)
    del store  # closed: validation opens it read-only
    append_batch(
        folder / DUMP_FILE,
        summary,
        STATISTICS_BATCH,
        ((triple, STATISTICS_GRAPH) for triple in triples),
    )
    took = time.perf_counter() - t
    progress(f"  {'statistics':<10} {len(triples):,} quads counted from the store ({took:.1f} s)")
    return took


def validate_sources(settings: Settings, progress: Progress = _quiet) -> Report:
    """Write, load and validate in a scratch folder; nothing is published."""
    with tempfile.TemporaryDirectory(dir=settings.build if settings.build.exists() else None) as f:
        folder = Path(f)
        summary, _ = _write_and_load(settings, folder, progress)
        return validate_build(
            folder / STORE_FOLDER, summary, folder / DUMP_FILE, settings, progress
        ).report


def _publish_answers(
    settings: Settings, folder: BuildFolder, quads: int, progress: Progress
) -> float:
    """The answers the build publishes (:mod:`nhskg.graph.query.published_answers`) written
    into its folder: the parameterless named queries', then, for each query that asks
    for it, every organisation's, and the evidence each organisation's page shows. A
    graph of up to ``answers_in_memory_max_quads`` is answered from a copy in a worker's
    memory (several times faster than the store on disk), a larger one from the store.
    The seconds taken."""
    t = time.perf_counter()
    in_memory = quads <= settings.answers_in_memory_max_quads
    store = TimeLimitedStore(
        folder.dump if in_memory else folder.store,
        # the first query waits for the copy to load: at 10 million quads about a minute
        timeout_s=settings.answer_timeout_s + (quads / 100_000 if in_memory else 0),
        workers=1,
        threads=settings.answer_threads,
        memory_mb=0 if in_memory else settings.query_memory_mb,
        allocator=settings.query_preload,
    )
    try:
        service = QueryService(settings, store)
        if in_memory:
            store.query("ASK {}")  # load the copy, on the first query's allowance
        loaded = time.perf_counter() - t
        done = write_answers(
            parameterless(service.library.values()),
            store,
            lambda name: service.planned_text(name, {}),
            folder.path,
            timeout_s=settings.answer_timeout_s,
        )
        # The lookup's queries in the library's order, then partners (the slowest, whose
        # answers the page's evidence reads), then the evidence each page shows: each
        # given an equal part of what is left of the budget when it starts.
        each = sorted(keyed(service.library.values()), key=lambda q: q.name == "partners")
        values = service.index.iris() if each else []

        def answer(query: QueryFile, deadline: float) -> Evaluated:
            bound = partial(
                _bound_to, service.planned_file(query.name), query.header.publish, service.orgtypes
            )
            return write_keyed_answers(
                query,
                values,
                store,
                bound,
                folder.path,
                timeout_s=settings.answer_timeout_s,
                threads=settings.answer_threads,
                deadline=deadline,
            )

        def page_evidence(deadline: float) -> Evaluated:
            return write_page_evidence(
                values,
                store,
                folder.path,
                settings.queries_dir,
                timeout_s=settings.answer_timeout_s,
                threads=settings.answer_threads,
                deadline=deadline,
            )

        steps: list[Callable[[float], Evaluated]] = [partial(answer, query) for query in each]
        if each:  # the evidence of each organisation's page, read from the answers above
            steps.append(page_evidence)
        done.extend(in_shares(steps, settings.answers_each_budget_s))
        if each:  # each organisation's answers in one file: its lookup and page read one
            gather(
                folder.path / ANSWERS_FOLDER, [e.name for e in done if e.values is not None], values
            )
        write_index(folder.path, done)
    finally:
        store.close()
    took = time.perf_counter() - t
    kept = sum(1 for e in done if e.rows is not None and e.values is None)
    listings = sum(1 for e in done if e.values is None)
    where = f"in memory, loaded in {loaded:.1f} s" if in_memory else "on disk"
    progress(
        f"  {'answers':<10} {kept} of {listings} parameterless queries answered, {where} "
        f"({took:.1f} s)"
    )
    for e in done:
        if e.values is not None:
            progress(
                f"  {'':<10} {e.name}: {e.values:,} organisations answered ({e.rows:,} rows, "
                f"{e.seconds:.1f} s), {e.left_out} left out"
            )
        if e.skipped:
            progress(f"  {'':<10} {e.name}: not published ({e.skipped})")
    return took


def _write_tie_table(folder: BuildFolder, queries_dir: Path) -> tuple[float, dict[str, int | str]]:
    """The build's tie table (:mod:`nhskg.graph.query.tie_table`) and the seconds taken."""
    t = time.perf_counter()
    written = tie_table.write(folder.store, folder.path / TIE_TABLE_FILE, queries_dir)
    return time.perf_counter() - t, written


def _bound_to(query: QueryFile, param: str | None, orgtypes: set[str], iri: str) -> str:
    """``query`` with its organisation parameter ``param`` bound to ``iri``."""
    assert param is not None
    return bind(query, {param: iri}, lambda _p, text: NamedNode(text), orgtypes)


@dataclass(frozen=True)
class BuildOutcome:
    published: bool
    folder: Path
    report: Report
    quads: int
    build_id: str


def build(settings: Settings, progress: Progress = _quiet) -> BuildOutcome:
    """Dump and load, validate; publish only if the graph conforms."""
    started = time.perf_counter()
    progress(f"Building the graph from {settings.data}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    incoming = settings.build / f".incoming-{stamp}"
    incoming.mkdir(parents=True)
    try:
        summary, timings = _write_and_load(settings, incoming, progress)
        build_id = f"{stamp}-{summary.digest[:12]}"
        folder = new_build_folder(settings.build, build_id)
        (incoming / DUMP_FILE).replace(folder.dump)
        (incoming / STORE_FOLDER).replace(folder.store)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    # The store is complete and closed here. Validation opens it read-only, in worker
    # processes too: a step that adds to the store goes here and closes it when done.
    validation = validate_build(folder.store, summary, folder.dump, settings, progress)
    timings.update(validation.seconds)
    report = validation.report
    if report.conforms and not settings.store_url:
        # the tie table is read from the store in a process of its own, on the core the
        # answers' worker leaves (at 10 million quads about half a minute)
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            ties = pool.submit(_write_tie_table, folder, settings.queries_dir)
            timings["answers"] = _publish_answers(settings, folder, summary.quads, progress)
            timings["ties"], written = ties.result()
        inexact = f", inexact: {written['inexact']}" if written["inexact"] else ""
        progress(
            f"  {'ties':<10} {written['memberships']:,} memberships, {written['parties']:,} "
            f"parties, {written['periods']:,} periods, {written['name periods']:,} name "
            f"periods in {TIE_TABLE_FILE} "
            f"({timings['ties']:.1f} s{inexact})"
        )
    data = settings.data
    publish_candidates(data / "curated", data / "sources", folder.path, progress)
    _write_manifest(folder, summary, validation, timings, time.perf_counter() - started)
    if not report.conforms:
        where = reject(settings.build, folder, report.as_table())
        progress(f"Validation failed: the last good graph stays published. Report: {where}")
        return BuildOutcome(False, where, report, summary.quads, build_id)
    if settings.store_update_url:
        sent = publish_remote(
            folder.dump,
            settings.store_update_url,
            build_id=build_id,
            chunk_quads=settings.store_chunk_quads,
        )
        progress(f"  {'remote':<10} {sent:,} quads published to {settings.store_update_url}")
    publish(settings.build, folder, keep=settings.keep_builds)
    remember_validated(settings.build, validation.pyshacl_batches)
    progress(
        f"Published {build_id}: {summary.quads:,} quads in {time.perf_counter() - started:.1f} s"
    )
    return BuildOutcome(True, folder.path, report, summary.quads, build_id)


def _write_manifest(
    folder: BuildFolder,
    summary: DumpSummary,
    validation: Validation,
    timings: dict[str, float],
    took: float,
) -> None:
    folder.manifest.write_text(
        json.dumps(
            {
                "build_id": folder.build_id,
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "quads": summary.quads,
                "sha256": summary.digest,
                "graphs": dict(sorted(summary.graphs.items())),
                "validation": {
                    "conforms": validation.report.conforms,
                    **validation.report.counts(),
                    "mode": validation.mode,
                    "pyshacl_triples": validation.pyshacl_triples,
                    "pyshacl_batches": len(validation.pyshacl_batches),
                    "batches_left_for_later_builds": validation.waiting_batches,
                },
                "timings": {k: round(v, 3) for k, v in timings.items()},
                "seconds": round(took, 1),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
