"""Build the graph: write every layer, load a store, validate, publish atomically.

Layers, each in named graphs of its own: the ontology (ontology/*.ttl), the
reference catalogue and landscape (data/reference/), and the curated documents.
Their quads are streamed batch by batch into an N-Quads dump (:mod:`nhskg.graph.dump`;
the same input always gives the same file), bulk-loaded into a new Oxigraph store
beside the published one, validated (:mod:`nhskg.graph.layered_validation`), and only
then published.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from nhskg.graph.dump import DumpSummary, write_dump
from nhskg.graph.emit import QuadSink
from nhskg.graph.layered_validation import Validation, remember_validated, validate_build
from nhskg.graph.publish import BuildFolder, new_build_folder, publish, reject
from nhskg.graph.remote_publish import publish_remote
from nhskg.graph.settings import Settings
from nhskg.graph.store import OxigraphStore
from nhskg.graph.validate import Report

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


def _write(settings: Settings, dump: Path, progress: Progress) -> tuple[DumpSummary, float]:
    t = time.perf_counter()
    summary = write_dump(settings, dump, progress)
    took = time.perf_counter() - t
    for layer, counts in summary.counts.items():
        progress(f"  {layer:<10} {counts}")
    progress(
        f"  {'dump':<10} {summary.quads:,} quads in {len(summary.batches)} batches ({took:.1f} s)"
    )
    return summary, took


def _load(dump: Path, store_path: Path, progress: Progress) -> tuple[OxigraphStore, float]:
    t = time.perf_counter()
    store = OxigraphStore.create(store_path)
    store.bulk_load_nquads(dump)
    took = time.perf_counter() - t
    progress(f"  {'store':<10} {len(store):,} quads loaded ({took:.1f} s)")
    return store, took


def validate_sources(settings: Settings, progress: Progress = _quiet) -> Report:
    """Write, load and validate in a scratch folder; nothing is published."""
    with tempfile.TemporaryDirectory(dir=settings.build if settings.build.exists() else None) as f:
        folder = Path(f)
        summary, _ = _write(settings, folder / "graph.nq", progress)
        store, _ = _load(folder / "graph.nq", folder / "store", progress)
        report = validate_build(store, summary, folder / "graph.nq", settings, progress).report
        del store
    return report


@dataclass(frozen=True)
class BuildOutcome:
    published: bool
    folder: Path
    report: Report
    quads: int
    build_id: str


def build(settings: Settings, progress: Progress = _quiet) -> BuildOutcome:
    """Dump, load, validate; publish only if the graph conforms."""
    started = time.perf_counter()
    progress(f"Building the graph from {settings.data}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    incoming = settings.build / "stores" / f".incoming-{stamp}.nq"
    incoming.parent.mkdir(parents=True, exist_ok=True)
    try:
        summary, took = _write(settings, incoming, progress)
        build_id = f"{stamp}-{summary.digest[:12]}"
        folder = new_build_folder(settings.build, build_id)
        incoming.replace(folder.dump)
    finally:
        incoming.unlink(missing_ok=True)
    timings = {"dump": took}
    store, timings["load"] = _load(folder.dump, folder.store, progress)
    validation = validate_build(store, summary, folder.dump, settings, progress)
    timings.update(validation.seconds)
    report = validation.report
    del store
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
