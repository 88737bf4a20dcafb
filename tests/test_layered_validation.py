"""Validation by layers: pyshacl on new batches within a budget, SPARQL on the whole store."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad
from test_build import break_trust_name

from nhskg.graph.building.build import build
from nhskg.graph.building.dump import write_dump
from nhskg.graph.namespaces import FOAF, ORG, ORGTYPE, PROV, RDF, SKOS
from nhskg.graph.publish import current
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings
from nhskg.graph.validation.closure import CLOSURE_TERMS, CLOSURE_THINGS, ClosureTracker
from nhskg.graph.validation.shacl_context import batch_data, rdflib_graph, shape_reads
from nhskg.graph.validation.shacl_sparql import without_sparql
from nhskg.graph.validation.validate import (
    Finding,
    core_findings,
    load_shapes,
    sparql_constraint_findings,
)


def _validation(settings: Settings) -> dict[str, object]:
    manifest = current(settings.build).read_manifest()
    validation = manifest["validation"]
    assert isinstance(validation, dict)
    return validation


def test_a_graph_over_the_limit_is_validated_by_layers_and_batches_wait_their_turn(
    mini: Settings,
) -> None:
    layered = mini.model_copy(update={"shacl_max_triples": 1, "batch_documents": 1})
    # three batches: the curated document, the ontology and reference layers, the statistics
    for expected_batches, expected_waiting in ((1, 2), (1, 1), (1, 0), (0, 0)):
        outcome = build(layered)
        assert outcome.published, outcome.report.as_table(limit=10)
        validation = _validation(layered)
        assert validation["mode"] == "by layers"
        assert validation["pyshacl_batches"] == expected_batches
        assert validation["batches_left_for_later_builds"] == expected_waiting


def test_by_layers_finds_what_the_whole_graph_pass_finds(
    mini: Settings, mini_data: Path, tmp_path: Path
) -> None:
    break_trust_name(mini_data, "RD8")
    whole = build(mini)
    layered = build(
        mini.model_copy(update={"shacl_max_triples": 1, "build_dir": tmp_path / "layered"})
    )
    assert not whole.published and not layered.published

    def violations(report: object) -> set[tuple[str, str]]:
        return {(f.focus, f.path) for f in report.findings if f.severity == "Violation"}  # type: ignore[attr-defined]

    assert violations(whole.report)
    assert violations(layered.report) == violations(whole.report)


def test_closure_found_while_writing_equals_the_closure_shapes_run_as_sparql(
    mini: Settings, tmp_path: Path
) -> None:
    dump = tmp_path / "graph.nq"
    write_dump(mini, dump)
    store = OxigraphStore.create()
    store.load_nquads_text(dump.read_text(encoding="utf-8"))
    graph = NamedNode("https://w3id.org/nhskg/graph/curated/extra")
    thing = NamedNode("https://w3id.org/nhskg/id/thing/untyped")
    term = NamedNode("https://w3id.org/nhskg/def#neverDeclared")
    extra = Quad(NamedNode("https://w3id.org/nhskg/id/org/RD8"), term, thing, graph)
    store.load_nquads_text(f"{extra} .\n")
    tracker = ClosureTracker()
    for q in store.quads():
        tracker.see(q.triple)
    shapes = load_shapes(mini.shapes_dir)

    def key(findings: list[Finding]) -> set[tuple[str, str, str]]:
        return {(f.source, f.value, f.message) for f in findings}

    by_sparql = sparql_constraint_findings(shapes, store, lambda _iri: "")
    assert (
        key(tracker.findings(shapes))
        == key(by_sparql)
        == {
            (CLOSURE_TERMS, term.value, f"{term.value} is used but not declared in the ontology."),
            (CLOSURE_THINGS, thing.value, f"{thing.value} is referred to but has no rdf:type."),
        }
    )


def test_pyshacl_on_a_batch_with_its_context_finds_what_the_whole_graph_finds_about_it(
    mini: Settings, mini_data: Path, tmp_path: Path
) -> None:
    """What other graphs say matters: a second preferred label, evidence that is a
    person and a classification that is no concept, each said in a graph of no batch."""
    break_trust_name(mini_data, "RD8")
    dump = tmp_path / "graph.nq"
    summary = write_dump(mini, dump)
    other = NamedNode("https://w3id.org/nhskg/graph/curated/zzz-said-elsewhere")
    ids = "https://w3id.org/nhskg/id/"
    person = NamedNode(f"{ids}person/not-evidence")
    said = [
        Quad(NamedNode(f"{ids}org/RC1"), SKOS.prefLabel, Literal("A second name"), other),
        Quad(
            NamedNode(f"{ids}decision/000_ab1d5f3ab4a972f1/senate-recommendation"),
            PROV.wasDerivedFrom,
            person,
            other,
        ),
        Quad(person, RDF.type, FOAF.Person, other),
        Quad(NamedNode(f"{ids}org/04F"), ORG.classification, ORGTYPE["no-such-type"], other),
    ]
    elsewhere = "".join(f"{q} .\n" for q in said)
    store = OxigraphStore.create()
    store.load_nquads_text(dump.read_text(encoding="utf-8") + elsewhere)
    core = without_sparql(load_shapes(mini.shapes_dir))
    whole = set(core_findings(rdflib_graph(dump.read_text(encoding="utf-8") + elsewhere), core))
    reads = shape_reads(core)
    seen = set()
    for batch in summary.batches:
        data = batch_data(store, batch, dump, reads)
        found = {f for f in core_findings(data.graph(), core) if f.focus in data.own}
        assert found == {f for f in whole if f.focus in data.own}, batch.name
        seen |= found
    assert {(f.focus.rsplit("/", 1)[-1], f.source.rsplit("-", 1)[-1]) for f in seen} >= {
        ("RD8", "prefLabel"),
        ("RC1", "prefLabel"),
        ("senate-recommendation", "derivedFrom"),
        ("04F", "classification"),
    }
