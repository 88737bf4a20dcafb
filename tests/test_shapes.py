"""SHACL shape tests: every shape in shapes/*.ttl has a conforming and a failing case.

The cases live in ``tests/shapes/<concern>.test.trig``, one file per shapes file.
Each case is a named graph holding the case's data; the default graph describes
the case in a small test vocabulary (``https://w3id.org/nhskg/test#``, ``t:``):

``t:shape``
    the shape the case exercises (a node shape, property shape or SPARQL constraint);
``t:expect``
    ``"conforms"`` or ``"fails"``;
``t:focus``
    for a failing case, the focus node the finding must name; for a shape with no
    target of its own (a value shape used inside ``sh:or`` or
    ``sh:qualifiedValueShape``), the nodes to validate against it;
``t:withOntology``
    ``true`` when the case needs ``ontology/*.ttl`` beside its data (closure).

Each case is validated as the build validates: pyshacl for SHACL Core on an rdflib
graph, and the SHACL-SPARQL constraints on an Oxigraph store holding the same
triples. A finding's ``source`` is the shape that raised it: the property shape, the
node shape for its node-level constraints, or the ``sh:SPARQLConstraint``. A node
shape answers for its own constraints and for the property shapes and SPARQL
constraints it holds (``sh:property``, ``sh:sparql``): a focus node conforms to a
node shape only when it meets all of them.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.validation.validate import Finding, load_shapes, shacl_findings

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
CASES_DIR = ROOT / "tests" / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"

T = rdflib.Namespace("https://w3id.org/nhskg/test#")
SHAPE_KINDS = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
EXPECTATIONS = ("conforms", "fails")
PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")

Triple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]


@dataclass(frozen=True)
class Case:
    iri: rdflib.URIRef
    file: str
    shape: rdflib.term.Node  # T.missing when the case names no t:shape
    expect: str
    focus: tuple[rdflib.term.Node, ...]
    with_ontology: bool
    data: tuple[Triple, ...]

    @property
    def name(self) -> str:
        return str(self.iri).rsplit("#", 1)[-1]


# --- loading -------------------------------------------------------------------


@functools.cache
def shapes_graph() -> rdflib.Graph:
    return load_shapes(SHAPES_DIR)


@functools.cache
def ontology_graph() -> rdflib.Graph:
    ontology = rdflib.Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        ontology.parse(path, format="turtle")
    return ontology


def shape_iris(shapes: rdflib.Graph) -> set[rdflib.URIRef]:
    """Every IRI typed sh:NodeShape, sh:PropertyShape or sh:SPARQLConstraint."""
    return {
        s
        for kind in SHAPE_KINDS
        for s in shapes.subjects(RDF.type, kind)
        if isinstance(s, rdflib.URIRef)
    }


@functools.cache
def shapes_by_concern() -> dict[str, set[rdflib.URIRef]]:
    """The shape IRIs each shapes file defines, keyed by the file's stem."""
    found = {}
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph = rdflib.Graph().parse(path, format="turtle")
        found[path.stem] = shape_iris(graph)
    return found


@functools.cache
def case_files() -> dict[str, rdflib.Dataset]:
    """Each tests/shapes/*.test.trig file, parsed, by file name."""
    parsed = {}
    for path in sorted(CASES_DIR.glob("*.test.trig")):
        dataset = rdflib.Dataset()
        with warnings.catch_warnings():
            # rdflib's TriG parser uses its own deprecated ConjunctiveGraph internally.
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(path, format="trig")
        parsed[path.name] = dataset
    return parsed


def load_cases() -> list[Case]:
    cases = []
    for file, dataset in case_files().items():
        described = dataset.default_graph
        for iri in sorted({s for s in described.subjects() if isinstance(s, rdflib.URIRef)}):
            with_ontology = described.value(iri, T.withOntology)
            cases.append(
                Case(
                    iri=iri,
                    file=file,
                    shape=described.value(iri, T.shape) or T.missing,
                    expect=str(described.value(iri, T.expect) or ""),
                    focus=tuple(sorted(described.objects(iri, T.focus), key=str)),
                    with_ontology=bool(with_ontology is not None and with_ontology.toPython()),
                    data=tuple(dataset.graph(iri)),
                )
            )
    return cases


def case_graph_names() -> dict[str, set[rdflib.term.Node]]:
    """The non-empty named graphs of each case file (the default graph left out)."""
    return {
        file: {
            g.identifier
            for g in dataset.graphs()
            if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)
        }
        for file, dataset in case_files().items()
    }


CASES = load_cases()


def params(expect: str) -> list[object]:
    return [pytest.param(c, id=c.name) for c in CASES if c.expect == expect]


# --- what a shape answers for ---------------------------------------------------


def has_own_target(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    return any(shapes.value(shape, p) is not None for p in TARGETS)


def is_value_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    """A node shape with no target: it only applies inside another shape."""
    return (shape, RDF.type, SH.NodeShape) in shapes and not has_own_target(shapes, shape)


def answers_for(shapes: rdflib.Graph, shape: rdflib.term.Node) -> set[str]:
    """The sources whose findings count against ``shape``: itself and what it holds."""
    held = {str(o) for p in (SH.property, SH.sparql) for o in shapes.objects(shape, p)}
    return {str(shape)} | held


def owners(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[rdflib.term.Node]:
    """The shapes whose targets give ``shape`` its focus nodes."""
    if has_own_target(shapes, shape):
        return [shape]
    return [*shapes.subjects(SH.property, shape), *shapes.subjects(SH.sparql, shape)]


def focus_nodes(case: Case) -> set[rdflib.term.Node]:
    """The nodes of the case's data (or its t:focus, for a value shape) its shape checks."""
    shapes = shapes_graph()
    if is_value_shape(shapes, case.shape):
        return set(case.focus)
    data = rdflib.Graph()
    for triple in case.data:
        data.add(triple)
    found: set[rdflib.term.Node] = set()
    for owner in owners(shapes, case.shape):
        for cls in shapes.objects(owner, SH.targetClass):
            found.update(data.subjects(RDF.type, cls))
        found.update(shapes.objects(owner, SH.targetNode))
        for p in shapes.objects(owner, SH.targetSubjectsOf):
            found.update(data.subjects(p, None))
        for p in shapes.objects(owner, SH.targetObjectsOf):
            found.update(data.objects(None, p))
    return found


def validate(case: Case) -> list[Finding]:
    shapes = shapes_graph()
    if is_value_shape(shapes, case.shape):
        assert case.focus, f"{case.name}: {case.shape} has no target, so the case needs t:focus"
        targeted = rdflib.Graph()
        targeted += shapes
        for node in case.focus:
            targeted.add((case.shape, SH.targetNode, node))
        shapes = targeted
    data = rdflib.Graph()
    for triple in case.data:
        data.add(triple)
    if case.with_ontology:
        data += ontology_graph()
    store = OxigraphStore.create()
    store.load_nquads_text(data.serialize(format="nt"))
    return shacl_findings(data, shapes, store)


def describe(findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.source.rsplit('#', 1)[-1]} on {f.focus}"
        + (f" [{f.path}]" if f.path else "")
        + (f" value={f.value!r}" if f.value else "")
        + f": {f.message}"
        for f in findings
    )


def message_problem(shapes: rdflib.Graph, finding: Finding) -> str | None:
    """Why the finding's message is not its shape's sh:message, or None when it is."""
    source = rdflib.URIRef(finding.source)
    template = shapes.value(source, SH.message)
    if template is None:
        return f"{finding.source} has no sh:message"
    if (source, RDF.type, SH.SPARQLConstraint) in shapes:
        fixed = str(template).split("{", 1)[0]
        if not finding.message or not finding.message.startswith(fixed):
            return f"message {finding.message!r} does not fill the template {str(template)!r}"
        if PLACEHOLDER.search(finding.message):
            return f"message {finding.message!r} leaves a placeholder unfilled"
        return None
    if finding.message != str(template):
        return f"message {finding.message!r} is not the sh:message {str(template)!r}"
    return None


# --- the cases ----------------------------------------------------------------


@pytest.mark.parametrize("case", params("conforms"))
def test_conforming_case_raises_no_finding_from_its_shape(case: Case) -> None:
    shapes = shapes_graph()
    assert focus_nodes(case), (
        f"{case.name} conforms vacuously: none of its nodes is a focus node of {case.shape}"
    )
    own = [f for f in validate(case) if f.source in answers_for(shapes, case.shape)]
    assert not own, f"{case.name} should conform to {case.shape}, but:\n{describe(own)}"


@pytest.mark.parametrize("case", params("fails"))
def test_failing_case_raises_its_shapes_finding_with_its_message(case: Case) -> None:
    shapes = shapes_graph()
    findings = validate(case)
    own = [f for f in findings if f.source in answers_for(shapes, case.shape)]
    assert own, (
        f"{case.name} should fail {case.shape}, but it raised nothing from it; "
        f"all findings:\n{describe(findings)}"
    )
    for focus in case.focus:
        assert any(f.focus == str(focus) for f in own), (
            f"{case.name}: no finding from {case.shape} on {focus}; its findings:\n{describe(own)}"
        )
    problems = [p for f in own if (p := message_problem(shapes, f))]
    assert not problems, "\n".join(problems)


# --- the suite covers the shapes --------------------------------------------------


def test_every_shape_has_a_conforming_and_a_failing_case() -> None:
    covered: dict[str, set[str]] = defaultdict(set)
    for case in CASES:
        covered[str(case.shape)].add(case.expect)
    missing = sorted(
        f"{shape} (no {', no '.join(e for e in EXPECTATIONS if e not in covered[str(shape)])} case)"
        for shape in shape_iris(shapes_graph())
        if set(EXPECTATIONS) - covered[str(shape)]
    )
    assert not missing, "shapes without both cases:\n" + "\n".join(missing)


def test_every_shape_has_a_message() -> None:
    shapes = shapes_graph()
    missing = sorted(str(s) for s in shape_iris(shapes) if shapes.value(s, SH.message) is None)
    assert not missing, "shapes without sh:message:\n" + "\n".join(missing)


def test_every_case_names_a_shape_an_expectation_and_its_data() -> None:
    shapes = shapes_graph()
    known = shape_iris(shapes)
    problems = []
    for case in CASES:
        if case.shape not in known:
            problems.append(f"{case.name}: t:shape {case.shape} is not a shape")
        if case.expect not in EXPECTATIONS:
            problems.append(f"{case.name}: t:expect {case.expect!r} is not one of {EXPECTATIONS}")
        if not case.data:
            problems.append(f"{case.name}: no named graph holds its data")
        if case.shape in known and is_value_shape(shapes, case.shape) and not case.focus:
            problems.append(f"{case.name}: {case.shape} has no target, so it needs t:focus")
    names = [c.name for c in CASES]
    problems += [
        f"case {n} is described twice" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    assert not problems, "\n".join(problems)


def test_every_case_graph_is_described() -> None:
    described = {(c.file, c.iri) for c in CASES}
    orphans = sorted(
        f"{file}: graph {name}"
        for file, graph_names in case_graph_names().items()
        for name in graph_names
        if (file, name) not in described
    )
    assert not orphans, "named graphs no case describes:\n" + "\n".join(orphans)


def test_cases_sit_in_the_file_of_their_shapes_concern() -> None:
    by_concern = {c: s for c, s in shapes_by_concern().items() if s}
    files = {p.name for p in CASES_DIR.glob("*.test.trig")}
    problems = [
        f"shapes/{concern}.ttl has no tests/shapes/{concern}.test.trig"
        for concern in by_concern
        if f"{concern}.test.trig" not in files
    ]
    for case in CASES:
        concern = case.file.removesuffix(".test.trig")
        if case.shape not in by_concern.get(concern, set()):
            problems.append(
                f"{case.name} ({case.file}): {case.shape} is not in shapes/{concern}.ttl"
            )
    assert not problems, "\n".join(problems)
