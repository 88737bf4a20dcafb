"""Validate a loaded build so that validation grows with what changed, not with the graph.

pyshacl costs about 0.14 ms per triple: 16 s for the national graph, over 20 minutes
at 10 million triples. So:

- A graph of up to ``shacl_max_triples`` is validated whole by pyshacl (SHACL Core),
  its ``sh:sparql`` constraints and the SPARQL checks run on the store: one pass.
- A larger graph is validated by layers. On the whole store, every SHACL Core
  constraint of the shapes compiled to SPARQL (:mod:`nhskg.graph.shacl_compile`), the
  ``sh:sparql`` constraints and the checks. And pyshacl on each batch of the dump
  (the reference layer, or a run of curated documents) that no earlier published
  build validated with the same shapes, in order, until ``shacl_max_triples`` triples
  have been validated in this build; the rest wait for the next build. A batch is
  validated with the full description of every node it describes plus the types of
  the nodes those point at, and only findings about its own nodes count.

Which batches pyshacl has validated is kept in ``build/shacl-batches.json`` (batch
digest with shapes digest), written when a build is published.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import NamedNode, Quad

from nhskg.graph.closure import CLOSURE_TERMS, CLOSURE_THINGS
from nhskg.graph.dump import Batch, DumpSummary
from nhskg.graph.namespaces import RDF
from nhskg.graph.settings import Settings
from nhskg.graph.shacl_compile import compiled_findings
from nhskg.graph.shacl_sparql import without_sparql
from nhskg.graph.store import OxigraphStore
from nhskg.graph.validate import (
    Finding,
    Report,
    check_findings,
    core_findings,
    finding_order,
    load_checks,
    load_shapes,
    sparql_constraint_findings,
)

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


def rdflib_graph(nquads: str) -> rdflib.Graph:
    """N-Quads text as an rdflib Graph of its triples, which is what pyshacl reads.

    Read from the dump rather than the store: Oxigraph keeps the value of a literal
    typed xsd:nonNegativeInteger, say, but gives it back as xsd:integer.
    """
    triples = "".join(line.rsplit(" <", 1)[0] + " .\n" for line in nquads.splitlines())
    graph = rdflib.Graph()
    graph.parse(data=triples, format="nt")
    return graph


def batch_data(store: OxigraphStore, batch: Batch, dump: Path) -> tuple[rdflib.Graph, set[str]]:
    """The batch's triples, what other graphs say about its nodes, and the types of
    the nodes they point at; and the IRIs of the batch's own nodes."""
    data = rdflib_graph(batch.read(dump))
    own = {s for s in data.subjects() if isinstance(s, rdflib.URIRef)}
    graphs = {NamedNode(g) for g in batch.graphs}
    more: list[Quad] = []
    for subject in own:
        more.extend(
            q for q in store.quads(subject=NamedNode(subject)) if q.graph_name not in graphs
        )
    pointed = {o for o in data.objects() if isinstance(o, rdflib.URIRef) and o not in own}
    pointed |= {rdflib.URIRef(q.object.value) for q in more if isinstance(q.object, NamedNode)}
    for obj in pointed:
        more.extend(store.quads(subject=NamedNode(obj), predicate=RDF.type))
    if more:
        data.parse(
            data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in more), format="nt"
        )
    return data, {str(s) for s in own}


def validate_build(
    store: OxigraphStore,
    summary: DumpSummary,
    dump: Path,
    settings: Settings,
    progress: Progress = _quiet,
) -> Validation:
    """Every finding about the loaded build, by the whole-graph or the layered plan."""
    shapes = load_shapes(settings.shapes_dir)
    checks = load_checks(settings.queries_dir)
    seconds: dict[str, float] = {}
    if summary.quads <= settings.shacl_max_triples:
        t = time.perf_counter()
        data = rdflib_graph(dump.read_text(encoding="utf-8"))
        findings = core_findings(data, without_sparql(shapes))
        seconds["shacl"] = time.perf_counter() - t
        progress(
            f"  {'shacl':<10} {len(data):,} triples against shapes/ ({seconds['shacl']:.1f} s)"
        )
        validation = Validation(Report(), "whole graph", pyshacl_triples=len(data))
    else:
        validation, findings = _by_layers(store, summary, dump, settings, shapes, seconds, progress)
    t = time.perf_counter()
    findings += sparql_constraint_findings(shapes, store, skip=(CLOSURE_TERMS, CLOSURE_THINGS))
    findings += summary.closure.findings(shapes)
    findings += check_findings(store, checks)
    seconds["checks"] = time.perf_counter() - t
    progress(
        f"  {'checks':<10} sh:sparql constraints and {len(checks)} SPARQL checks "
        f"({seconds['checks']:.1f} s)"
    )
    validation.report = Report(_distinct(findings))
    validation.seconds = {k: round(v, 3) for k, v in seconds.items()}
    return validation


def _by_layers(
    store: OxigraphStore,
    summary: DumpSummary,
    dump: Path,
    settings: Settings,
    shapes: rdflib.Graph,
    seconds: dict[str, float],
    progress: Progress,
) -> tuple[Validation, list[Finding]]:
    t = time.perf_counter()
    findings = compiled_findings(shapes, store)
    seconds["shacl-sparql"] = time.perf_counter() - t
    progress(
        f"  {'shacl':<10} SHACL Core as SPARQL on all {summary.quads:,} quads "
        f"({seconds['shacl-sparql']:.1f} s)"
    )
    t = time.perf_counter()
    digest = shapes_digest(settings.shapes_dir)
    done = read_validated(settings.build)
    core = without_sparql(shapes)
    validation = Validation(Report(), "by layers")
    for batch in summary.batches:
        key = batch_key(batch, digest)
        if key in done:
            continue
        if validation.pyshacl_triples >= settings.shacl_max_triples:
            validation.waiting_batches += 1
            continue
        data, own = batch_data(store, batch, dump)
        findings += [f for f in core_findings(data, core) if f.focus in own]
        validation.pyshacl_batches.append(key)
        validation.pyshacl_triples += batch.quads
    seconds["shacl-batches"] = time.perf_counter() - t
    progress(
        f"  {'shacl':<10} pyshacl on {len(validation.pyshacl_batches)} new batches "
        f"({validation.pyshacl_triples:,} quads), {validation.waiting_batches} left for "
        f"later builds ({seconds['shacl-batches']:.1f} s)"
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
