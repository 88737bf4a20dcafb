"""Build the graph: assemble every layer, validate, load a store, publish atomically.

Layers, each in named graphs of its own: the ontology (ontology/*.ttl), the
reference catalogue and landscape (data/reference/), and later the curated
documents. The assembled quads are written as a sorted N-Quads dump (the same
input always gives the same file), bulk-loaded into a new Oxigraph store beside the
published one, validated (SHACL shapes and SPARQL checks), and only then published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from nhskg.graph import mint
from nhskg.graph.curated.context import build_context
from nhskg.graph.curated.emit import emit_curated
from nhskg.graph.curated.loader import Context, Curated, load_curated
from nhskg.graph.emit import QuadSink
from nhskg.graph.errors import RdfFileError
from nhskg.graph.namespaces import RDF, RDFS
from nhskg.graph.publish import BuildFolder, new_build_folder, publish, reject
from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.emit import emit_reference
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.reference.model import Landscape
from nhskg.graph.remote_publish import publish_remote
from nhskg.graph.settings import Settings
from nhskg.graph.store import OxigraphStore
from nhskg.graph.validate import Report, check_findings, load_checks, load_shapes, shacl_findings

Progress = Callable[[str], None]
ONTOLOGY_GRAPH = mint.named_graph("ontology")


def _quiet(_message: str) -> None:
    pass


class Stopwatch:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def step(self, name: str, message: str, since: float) -> None:
        took = time.perf_counter() - since
        self.timings[name] = round(took, 3)
        self.progress(f"  {name:<10} {message} ({took:.1f} s)")


def add_ontology(sink: QuadSink, ontology_dir: Path) -> None:
    w = sink.graph(ONTOLOGY_GRAPH)
    for path in sorted(ontology_dir.glob("*.ttl")):
        try:
            quads = list(parse(path=str(path), format=RdfFormat.TURTLE))
        except SyntaxError as error:
            raise RdfFileError(path, error) from error
        for quad in quads:
            if not isinstance(quad.subject, NamedNode) or not isinstance(
                quad.object, NamedNode | Literal
            ):
                raise RdfFileError(path, "blank nodes are not allowed in the ontology")
            w.add(quad.subject, quad.predicate, quad.object)


def materialise_superclasses(sink: QuadSink) -> int:
    """Give every typed node all superclasses of its types, per the ontology graph."""
    parents: dict[str, set[str]] = {}
    for q in sink:
        if q.graph_name == ONTOLOGY_GRAPH and q.predicate == RDFS.subClassOf:
            assert isinstance(q.subject, NamedNode) and isinstance(q.object, NamedNode)
            parents.setdefault(q.subject.value, set()).add(q.object.value)

    def ancestors(cls: str, seen: set[str]) -> set[str]:
        for parent in parents.get(cls, ()):
            if parent not in seen:
                seen.add(parent)
                ancestors(parent, seen)
        return seen

    closure = {cls: ancestors(cls, set()) for cls in parents}
    added = 0
    for q in [q for q in sink if q.predicate == RDF.type and q.graph_name != ONTOLOGY_GRAPH]:
        assert isinstance(q.object, NamedNode)
        for sup in closure.get(q.object.value, ()):
            before = len(sink)
            sink.add(q.subject, RDF.type, NamedNode(sup), q.graph_name)  # type: ignore[arg-type]
            added += len(sink) - before
    return added


def read_curated(
    settings: Settings, catalog: Catalog, land: Landscape
) -> tuple[Context, Curated] | None:
    """The curated records of data/curated/, checked against the landscape; None if absent."""
    curated_dir = settings.data / "curated"
    if not curated_dir.is_dir():
        return None
    ctx = build_context(catalog, land, settings.ontology_dir)
    return ctx, load_curated(settings.data / "sources", curated_dir, ctx)


def assemble(settings: Settings, progress: Progress = _quiet) -> QuadSink:
    """All layers as one set of quads (nothing written to disk)."""
    watch = Stopwatch(progress)
    sink = QuadSink()
    t = time.perf_counter()
    add_ontology(sink, settings.ontology_dir)
    watch.step("ontology", f"{len(sink):,} quads from {settings.ontology_dir}", t)
    t = time.perf_counter()
    before = len(sink)
    catalog, land = load_landscape(settings.reference_dir)
    emit_reference(catalog, land, sink)
    watch.step(
        "reference",
        f"{len(land.organisations):,} organisations, {len(land.placements):,} placements, "
        f"{len(land.changes):,} change events: {len(sink) - before:,} quads",
        t,
    )
    t = time.perf_counter()
    before = len(sink)
    loaded = read_curated(settings, catalog, land)
    if loaded is not None:
        ctx, curated = loaded
        emit_curated(curated, ctx, sink)
        watch.step(
            "curated",
            f"{len(curated.documents)} documents, {len(curated.entities)} entities, "
            f"{len(curated.statements)} statements, {len(curated.aliases)} aliases: "
            f"{len(sink) - before:,} quads",
            t,
        )
    t = time.perf_counter()
    added = materialise_superclasses(sink)
    watch.step("types", f"{added:,} superclass types made explicit", t)
    return sink


def rdflib_graph(lines: list[str]) -> rdflib.Graph:
    """The union of all named graphs as one rdflib Graph (what pyshacl validates)."""
    triples = "".join(line.rsplit(" <", 1)[0] + " .\n" for line in lines)
    graph = rdflib.Graph()
    graph.parse(data=triples, format="nt")
    return graph


def validate_lines(
    lines: list[str], store: OxigraphStore, settings: Settings, progress: Progress = _quiet
) -> Report:
    t = time.perf_counter()
    data = rdflib_graph(lines)
    findings = shacl_findings(data, load_shapes(settings.shapes_dir), store)
    progress(
        f"  {'shacl':<10} {len(data):,} triples against shapes/ ({time.perf_counter() - t:.1f} s)"
    )
    t = time.perf_counter()
    checks = load_checks(settings.queries_dir)
    findings += check_findings(store, checks)
    progress(f"  {'checks':<10} {len(checks)} SPARQL checks ({time.perf_counter() - t:.1f} s)")
    return Report(findings)


def validate_sources(settings: Settings, progress: Progress = _quiet) -> Report:
    """Assemble from sources and validate in memory; nothing is published."""
    sink = assemble(settings, progress)
    lines = sink.nquads_lines()
    store = OxigraphStore.create()
    store.load_nquads_text("".join(lines))
    return validate_lines(lines, store, settings, progress)


@dataclass(frozen=True)
class BuildOutcome:
    published: bool
    folder: Path
    report: Report
    quads: int
    build_id: str


def build(settings: Settings, progress: Progress = _quiet) -> BuildOutcome:
    """Assemble, dump, load, validate; publish only if the graph conforms."""
    started = time.perf_counter()
    progress(f"Building the graph from {settings.data}")
    sink = assemble(settings, progress)
    lines = sink.nquads_lines()
    digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    build_id = f"{stamp}-{digest[:12]}"
    folder = new_build_folder(settings.build, build_id)
    t = time.perf_counter()
    folder.dump.write_text("".join(lines), encoding="utf-8")
    store = OxigraphStore.create(folder.store)
    store.bulk_load_nquads(folder.dump)
    progress(
        f"  {'store':<10} {len(store):,} quads loaded into {folder.store} "
        f"({time.perf_counter() - t:.1f} s)"
    )
    report = validate_lines(lines, store, settings, progress)
    _write_manifest(folder, sink, digest, report, time.perf_counter() - started)
    del store
    if not report.conforms:
        where = reject(settings.build, folder, report.as_table())
        progress(f"Validation failed: the last good graph stays published. Report: {where}")
        return BuildOutcome(False, where, report, len(lines), build_id)
    if settings.store_update_url:
        sent = publish_remote(folder.dump, settings.store_update_url)
        progress(f"  {'remote':<10} {sent:,} quads published to {settings.store_update_url}")
    publish(settings.build, folder, keep=settings.keep_builds)
    progress(f"Published {build_id}: {len(lines):,} quads in {time.perf_counter() - started:.1f} s")
    return BuildOutcome(True, folder.path, report, len(lines), build_id)


def _write_manifest(
    folder: BuildFolder, sink: QuadSink, digest: str, report: Report, took: float
) -> None:
    graphs = Counter(q.graph_name.value for q in sink)  # type: ignore[union-attr]
    folder.manifest.write_text(
        json.dumps(
            {
                "build_id": folder.build_id,
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "quads": len(sink),
                "sha256": digest,
                "graphs": dict(sorted(graphs.items())),
                "validation": {"conforms": report.conforms, **report.counts()},
                "seconds": round(took, 1),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
