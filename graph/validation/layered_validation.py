"""Validate a loaded build so that validation grows with what changed, not with the graph.

pyshacl costs about 0.14 ms per triple: 16 s for the national graph, over 20 minutes
at 10 million triples. So:

- A graph of up to ``shacl_max_triples`` is validated whole by pyshacl (SHACL Core),
  its ``sh:sparql`` constraints and the SPARQL checks run on the store: one pass.
- A larger graph is validated by layers. On the whole store, every SHACL Core
  constraint of the shapes compiled to SPARQL (:mod:`nhskg.graph.validation.shacl_compile`), the
  ``sh:sparql`` constraints and the checks. And pyshacl on each batch of the dump
  (the reference layer, or a run of curated documents) that no earlier published
  build validated with the same shapes, in order, until pyshacl has seen
  ``shacl_max_triples`` triples in this build; the rest wait for the next build. A
  batch is validated with what the shapes read of its nodes in other graphs
  (:mod:`nhskg.graph.validation.shacl_context`), which pyshacl sees too and the budget counts,
  and only findings about its own nodes count. The queries and pyshacl run side by
  side in worker processes (:mod:`nhskg.graph.validation.validation_pool`).

Which batches pyshacl has validated is kept in ``build/shacl-batches.json`` (batch
digest with shapes digest), written when a build is published.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import rdflib

from nhskg.graph.query.named_queries import QueryFile
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings
from nhskg.graph.validation.batches import Batch, DumpSummary
from nhskg.graph.validation.closure import CLOSURE_TERMS, CLOSURE_THINGS
from nhskg.graph.validation.shacl_compile import compile_shapes, focus_labels
from nhskg.graph.validation.shacl_context import rdflib_graph
from nhskg.graph.validation.shacl_sparql import collect, without_sparql
from nhskg.graph.validation.validate import (
    Finding,
    Report,
    check_findings,
    core_findings,
    finding_order,
    load_checks,
    load_shapes,
    sparql_constraint_findings,
)
from nhskg.graph.validation.validation_pool import Query, run_tasks

Progress = Callable[[str], None]
VALIDATED_FILE = "shacl-batches.json"


def _quiet(_message: str) -> None:
    pass


@dataclass
class Validation:
    report: Report
    mode: str  # "whole graph" or "by layers"
    pyshacl_batches: list[str] = field(default_factory=list)  # keys validated by pyshacl
    pyshacl_triples: int = 0
    waiting_batches: int = 0  # left for later builds
    seconds: dict[str, float] = field(default_factory=dict)


def shapes_digest(shapes_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(shapes_dir.glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def batch_key(batch: Batch, shapes: str) -> str:
    return hashlib.sha256(f"{shapes}/{batch.digest}".encode()).hexdigest()


def read_validated(build_dir: Path) -> set[str]:
    path = build_dir / VALIDATED_FILE
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8")).get("batches", []))


def remember_validated(build_dir: Path, keys: Iterable[str]) -> None:
    """Add batch keys to the record of what pyshacl has validated (after a publish)."""
    known = read_validated(build_dir) | set(keys)
    path = build_dir / VALIDATED_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"batches": sorted(known)}, indent=0), encoding="utf-8")
    tmp.replace(path)


def validate_build(
    store_path: Path,
    summary: DumpSummary,
    dump: Path,
    settings: Settings,
    progress: Progress = _quiet,
) -> Validation:
    """Every finding about the loaded build, by the whole-graph or the layered plan.

    The store at ``store_path`` is opened read-only: nothing may write to it meanwhile.
    """
    shapes = load_shapes(settings.shapes_dir)
    checks = load_checks(settings.queries_dir)
    store = OxigraphStore.open_read_only(store_path)
    if summary.quads > settings.shacl_max_triples:
        validation, findings = _by_layers(
            store, store_path, summary, dump, settings, shapes, checks, progress
        )
    else:
        seconds: dict[str, float] = {}
        t = time.perf_counter()
        data = rdflib_graph(dump.read_text(encoding="utf-8"))
        findings = core_findings(data, without_sparql(shapes))
        seconds["shacl"] = time.perf_counter() - t
        progress(
            f"  {'shacl':<10} {len(data):,} triples against shapes/ ({seconds['shacl']:.1f} s)"
        )
        t = time.perf_counter()
        findings += sparql_constraint_findings(shapes, store, skip=(CLOSURE_TERMS, CLOSURE_THINGS))
        findings += check_findings(store, checks)
        seconds["checks"] = time.perf_counter() - t
        progress(
            f"  {'checks':<10} sh:sparql constraints and {len(checks)} SPARQL checks "
            f"({seconds['checks']:.1f} s)"
        )
        validation = Validation(Report(), "whole graph", pyshacl_triples=len(data))
        validation.seconds = seconds
    findings += summary.closure.findings(shapes)
    validation.report = Report(_distinct(findings))
    validation.seconds = {k: round(v, 3) for k, v in validation.seconds.items()}
    return validation


def _by_layers(
    store: OxigraphStore,
    store_path: Path,
    summary: DumpSummary,
    dump: Path,
    settings: Settings,
    shapes: rdflib.Graph,
    checks: list[QueryFile],
    progress: Progress,
) -> tuple[Validation, list[Finding]]:
    started = time.perf_counter()
    digest = shapes_digest(settings.shapes_dir)
    done = read_validated(settings.build)
    new = [b for b in summary.batches if batch_key(b, digest) not in done]
    skip = (CLOSURE_TERMS, CLOSURE_THINGS)
    queries: list[Query] = [*compile_shapes(shapes)]
    queries += [c for c in collect(shapes) if c.constraint not in skip]
    queries += checks
    outcome = run_tasks(
        store_path,
        queries,
        batches=new,
        dump=dump,
        shapes_dir=settings.shapes_dir,
        budget=settings.shacl_max_triples,
        workers=settings.validation_workers,
    )
    labels = focus_labels(store, {f.focus for f in outcome.findings if not f.focus_label})
    findings = [
        f if f.focus_label else replace(f, focus_label=labels.get(f.focus, ""))
        for f in outcome.findings
    ]
    checked = outcome.pyshacl
    validation = Validation(
        Report(),
        "by layers",
        pyshacl_batches=[batch_key(b, digest) for b in new[: checked.validated]],
        pyshacl_triples=checked.triples,
        waiting_batches=len(new) - checked.validated,
    )
    validation.seconds = {
        **outcome.seconds,
        "shacl-batches": checked.seconds,
        "validation": time.perf_counter() - started,
    }
    progress(
        f"  {'shacl':<10} SHACL Core as SPARQL on all {summary.quads:,} quads "
        f"({outcome.seconds['shacl-sparql']:.1f} s of work)"
    )
    progress(
        f"  {'shacl':<10} pyshacl on {checked.validated} new "
        f"batch{'es' if checked.validated != 1 else ''} ({checked.triples:,} "
        f"triples with their context), {validation.waiting_batches} left for later builds "
        f"({checked.seconds:.1f} s of work)"
    )
    progress(
        f"  {'checks':<10} sh:sparql constraints and {len(checks)} SPARQL checks "
        f"({outcome.seconds['checks']:.1f} s of work)"
    )
    progress(
        f"  {'validation':<10} in {settings.validation_workers} worker processes side by side "
        f"({validation.seconds['validation']:.1f} s)"
    )
    return validation, findings


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per (severity, focus, path, value, message), in report order."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for f in sorted(findings, key=finding_order):
        key = (f.severity, f.focus, f.path, f.value, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
