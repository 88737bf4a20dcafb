"""SHACL Core compiled to SPARQL finds what pyshacl finds.

Each comparison validates the same triples twice: with pyshacl (SHACL Core, the
``sh:sparql`` constraints taken out) on an rdflib graph, and with the compiled
queries on an in-memory Oxigraph store. A result is compared as (constraint
component, severity, shape, focus, path, value, message); a blank-node shape has no
name both sides share, so its shape is left out of the comparison. The graphs are
the real build, small pieces of it broken one way each, every case of
tests/shapes/*.test.trig, and a small shapes graph with blank-node shapes and the
components our shapes do not use.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
import rdflib
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS
from test_shapes import CASES, is_value_shape

from nhskg.graph.building.build import assemble
from nhskg.graph.query.store import OxigraphStore, SelectResult
from nhskg.graph.settings import Settings
from nhskg.graph.validation.layered_validation import rdflib_graph
from nhskg.graph.validation.shacl_compile import compile_shapes, compiled_findings, run
from nhskg.graph.validation.shacl_expressions import INTEGER_RANGES
from nhskg.graph.validation.shacl_sparql import without_sparql
from nhskg.graph.validation.validate import finding_order, load_shapes, pyshacl_report

ROOT = Path(__file__).resolve().parents[1]
SHAPE = rdflib.Namespace("https://w3id.org/nhskg/shapes#")
NHSKG = rdflib.Namespace("https://w3id.org/nhskg/def#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
SCHEMA = rdflib.Namespace("https://schema.org/")
BASIS = rdflib.Namespace("https://w3id.org/nhskg/def/basis/")
EX = rdflib.Namespace("http://example.org/")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's own warns under pytest
BLANK_SHAPE = "urn:nhskg:shape:"


class Row(NamedTuple):
    component: str
    severity: str
    source: str
    focus: str
    path: str
    value: str
    message: str


def _message(shapes: rdflib.Graph, source: str, message: str) -> str:
    """The message, where the shape gives one (generated wordings differ by design)."""
    return message if shapes.value(rdflib.URIRef(source), SH.message) is not None else ""


def pyshacl_rows(data: rdflib.Graph, shapes: rdflib.Graph) -> set[Row]:
    results = pyshacl_report(data, without_sparql(shapes))
    rows = set()
    # Top-level results only: pyshacl nests the results behind sh:node under sh:detail.
    for r in results.objects(None, SH.result):
        shape = results.value(r, SH.sourceShape)
        source = str(shape) if isinstance(shape, rdflib.URIRef) else ""
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        rows.add(
            Row(
                component=str(results.value(r, SH.sourceConstraintComponent)),
                severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                source=source,
                focus=str(results.value(r, SH.focusNode)),
                path=str(path) if isinstance(path, rdflib.URIRef) else "",
                value=str(value) if value is not None else "",
                message=_message(shapes, source, str(results.value(r, SH.resultMessage))),
            )
        )
    return rows


def folded_by_the_store(rows: set[Row], data: rdflib.Graph, shapes: rdflib.Graph) -> set[Row]:
    """pyshacl's sh:datatype findings that no query on the store can see: Oxigraph keeps
    an integer-derived literal ("5"^^xsd:nonNegativeInteger) as an xsd:integer, so on
    the store an xsd:integer in the datatype's range meets the constraint."""
    folded = set()
    for r in rows:
        dtype = shapes.value(rdflib.URIRef(r.source), SH.datatype) if r.source else None
        if r.component != str(SH.DatatypeConstraintComponent) or dtype not in INTEGER_RANGES:
            continue
        low, high = INTEGER_RANGES[dtype]
        number = int(r.value) if re.fullmatch(r"-?[0-9]+", r.value) else None
        stored = rdflib.Literal(r.value, datatype=XSD.integer)
        if (
            number is not None
            and (low is None or number >= low)
            and (high is None or number <= high)
            and (rdflib.URIRef(r.focus), rdflib.URIRef(r.path), stored) in data
        ):
            folded.add(r)
    return folded


def incomparable_pairs(rows: set[Row], data: rdflib.Graph, shapes: rdflib.Graph) -> set[Row]:
    """sh:lessThan(OrEquals) findings on a pair of literals of different datatypes (or an
    ill-typed one). SPARQL cannot compare them, so SHACL counts the pair as out of
    order, as the compiled query does; pyshacl orders them by their datatype IRIs."""
    found = set()
    for r in rows:
        shape = rdflib.URIRef(r.source)
        other = shapes.value(shape, SH.lessThan) or shapes.value(shape, SH.lessThanOrEquals)
        if other is None or not r.path:
            continue
        focus = rdflib.URIRef(r.focus)
        values = [v for v in data.objects(focus, rdflib.URIRef(r.path)) if str(v) == r.value]
        if any(
            isinstance(v, rdflib.Literal)
            and isinstance(o, rdflib.Literal)
            and (v.datatype != o.datatype or v.ill_typed or o.ill_typed)
            for v in values
            for o in data.objects(focus, other)
        ):
            found.add(r)
    return found


def assert_matches_pyshacl(
    compiled: set[Row], data: rdflib.Graph, shapes: rdflib.Graph
) -> set[Row]:
    """Compare with pyshacl on the same triples; return the findings SHACL asks for
    that pyshacl misses (incomparable pairs)."""
    expected = pyshacl_rows(data, shapes)
    expected -= folded_by_the_store(expected, data, shapes)
    beyond = incomparable_pairs(compiled - expected, data, shapes)
    assert_same(compiled - beyond, expected)
    return beyond


def compiled_rows(store: OxigraphStore, shapes: rdflib.Graph) -> set[Row]:
    rows = set()
    for compiled in compile_shapes(shapes):
        source = "" if compiled.source.startswith(BLANK_SHAPE) else compiled.source
        for f in run(compiled, store):
            message = _message(shapes, source, f.message)
            rows.add(Row(compiled.component, f.severity, source, f.focus, f.path, f.value, message))
    return rows


def store_of(data: rdflib.Graph) -> OxigraphStore:
    store = OxigraphStore.create()
    store.load_nquads_text(data.serialize(format="nt"))
    return store


def describe(rows: set[Row]) -> str:
    return "\n".join(
        f"  {r.component.rsplit('#', 1)[-1]} {r.source.rsplit('#', 1)[-1]} on {r.focus}"
        + (f" [{r.path}]" if r.path else "")
        + (f" value={r.value!r}" if r.value else "")
        for r in sorted(rows)
    )


def assert_same(compiled: set[Row], expected: set[Row]) -> None:
    assert compiled == expected, (
        f"only pyshacl:\n{describe(expected - compiled)}\n"
        f"only compiled:\n{describe(compiled - expected)}"
    )


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    return assemble(Settings()).nquads_lines()


@pytest.fixture(scope="module")
def real_store(real_lines: list[str]) -> OxigraphStore:
    store = OxigraphStore.create()
    store.load_nquads_text("".join(real_lines))
    return store


# --- the real graph -----------------------------------------------------------------


# The constraint parameters our property shapes use, with the component each raises.
COMPONENTS = {
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "class": "Class",
    "datatype": "Datatype",
    "nodeKind": "NodeKind",
    "pattern": "Pattern",
    "minLength": "MinLength",
    "minInclusive": "MinInclusive",
    "in": "In",
    "or": "Or",
    "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "qualifiedMaxCount": "QualifiedMaxCount",
}
NOT_CONSTRAINTS = {"path", "message", "severity", "qualifiedValueShape"}


def test_every_property_shape_of_ours_compiles_to_a_query_per_constraint(
    shapes: rdflib.Graph,
) -> None:
    compiled: dict[str, set[str]] = {}
    for c in compile_shapes(shapes):
        name = c.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        compiled.setdefault(c.source, set()).add(name)
    property_shapes = set(shapes.subjects(SH.path, None))
    assert len(property_shapes) >= 70
    problems = []
    for shape in sorted(property_shapes):
        used = {str(p).rsplit("#", 1)[-1] for p in shapes.predicates(shape, None) if p in SH}
        problems += [
            f"{shape}: sh:{p} is new here" for p in used - set(COMPONENTS) - NOT_CONSTRAINTS
        ]
        expected = {COMPONENTS[p] for p in used if p in COMPONENTS}
        if compiled.get(str(shape), set()) != expected:
            problems.append(
                f"{shape}: {sorted(compiled.get(str(shape), set()))} != {sorted(expected)}"
            )
    assert not problems, "\n".join(problems)


def test_the_real_graph_gives_the_findings_pyshacl_gives(
    shapes: rdflib.Graph, real_lines: list[str], real_store: OxigraphStore
) -> None:
    compiled = compiled_rows(real_store, shapes)
    assert not assert_matches_pyshacl(compiled, rdflib_graph("".join(real_lines)), shapes)
    started = time.perf_counter()
    findings = compiled_findings(shapes, real_store)
    assert time.perf_counter() - started < 10
    assert findings == sorted(findings, key=finding_order)


# --- the real graph, broken one way at a time ---------------------------------------


Change = Callable[[rdflib.Graph, rdflib.URIRef], None]


def put(p: rdflib.URIRef, o: rdflib.term.Node) -> Change:
    """Replace every value of ``p`` on the focus node with ``o``."""

    def change(g: rdflib.Graph, focus: rdflib.URIRef) -> None:
        g.remove((focus, p, None))
        g.add((focus, p, o))

    return change


def add(p: rdflib.URIRef, o: rdflib.term.Node) -> Change:
    return lambda g, focus: g.add((focus, p, o))


def drop(*ps: rdflib.URIRef) -> Change:
    def change(g: rdflib.Graph, focus: rdflib.URIRef) -> None:
        for p in ps:
            g.remove((focus, p, None))

    return change


def role_as_organisation(g: rdflib.Graph, focus: rdflib.URIRef) -> None:
    role = g.value(focus, ORG.role)
    assert role is not None
    put(ORG.organization, role)(g, focus)


def end_at_start(g: rdflib.Graph, focus: rdflib.URIRef) -> None:
    start = g.value(focus, OA.start)
    assert start is not None
    put(OA.end, start)(g, focus)


@dataclass(frozen=True)
class Mutation:
    name: str
    where: str  # a SPARQL group pattern that binds ?focus in the real graph
    change: Change
    shape: str  # the local name (in shape:) of the shape that must catch it
    component: str


MUTATIONS = [
    Mutation(
        "preferred label deleted",
        "?focus a org:Organization ; skos:prefLabel ?l",
        drop(SKOS.prefLabel),
        "Organisation-prefLabel",
        "MinCount",
    ),
    Mutation(
        "second preferred label",
        "?focus a org:Organization",
        add(SKOS.prefLabel, rdflib.Literal("A second name")),
        "Organisation-prefLabel",
        "MaxCount",
    ),
    Mutation(
        "fewer than two joint-working parties",
        "?focus a nhskg:JointWorking",
        put(NHSKG.party, EX.one),
        "JointWorking-party",
        "MinCount",
    ),
    Mutation(
        "document without any date",
        "?focus a nhskg:SourceDocument",
        drop(DCTERMS.date, SCHEMA.startDate),
        "SourceDocument-date",
        "MinCount",
    ),
    Mutation(
        "change-event date as a plain string",
        "?focus a org:ChangeEvent ; dcterms:date ?d",
        put(DCTERMS.date, rdflib.Literal("2020-04-01")),
        "ChangeEvent-date",
        "Datatype",
    ),
    Mutation(
        "change-event date that is no date",
        "?focus a org:ChangeEvent ; dcterms:date ?d",
        put(DCTERMS.date, rdflib.Literal("2020-02-30", datatype=XSD.date)),
        "ChangeEvent-date",
        "Datatype",
    ),
    Mutation(
        "negative character offset",
        "?focus a oa:TextPositionSelector",
        put(OA.end, rdflib.Literal("-1", datatype=XSD.nonNegativeInteger)),
        "TextPositionSelector-end",
        "Datatype",
    ),
    Mutation(
        "character offset that is no number",
        "?focus a oa:TextPositionSelector",
        put(OA.start, rdflib.Literal("ten", datatype=XSD.nonNegativeInteger)),
        "TextPositionSelector-start",
        "Datatype",
    ),
    Mutation(
        "membership of a role, not an organisation",
        "?focus a org:Membership ; org:role ?r",
        role_as_organisation,
        "Membership-organization",
        "Class",
    ),
    Mutation(
        "member given as text",
        "?focus a org:Membership",
        put(ORG.member, rdflib.Literal("a member")),
        "Membership-member",
        "NodeKind",
    ),
    Mutation(
        "row reference that is not a number",
        "?focus a oa:FragmentSelector",
        put(RDF.value, rdflib.Literal("row=twelve")),
        "FragmentSelector-value",
        "Pattern",
    ),
    Mutation(
        "empty preferred label",
        "?focus a org:Organization",
        put(SKOS.prefLabel, rdflib.Literal("")),
        "Organisation-prefLabel",
        "MinLength",
    ),
    Mutation(
        "basis outside the list",
        "?focus a nhskg:Statement ; nhskg:basis ?b",
        put(NHSKG.basis, BASIS.guessed),
        "StatementEvidence-basis",
        "In",
    ),
    Mutation(
        "evidence that is neither quote, row nor reasoning",
        "?focus a nhskg:Statement",
        add(PROV.wasDerivedFrom, EX.hearsay),
        "StatementEvidence-derivedFrom",
        "Or",
    ),
    Mutation(
        "date of year precision typed as an integer",
        "?focus a nhskg:SourceDocument ; dcterms:date ?d",
        put(DCTERMS.date, rdflib.Literal(2020)),
        "DatedThing-date",
        "Or",
    ),
    Mutation(
        "identifier of no scheme",
        "?focus org:identifier ?c",
        add(ORG.identifier, rdflib.Literal("RC1")),
        "Identifier-scheme",
        "Or",
    ),
    Mutation(
        "second ODS code",
        "?focus org:identifier ?c FILTER (DATATYPE(?c) = nhskg:ODSCode)",
        add(ORG.identifier, rdflib.Literal("ZZZ99", datatype=NHSKG.ODSCode)),
        "Identifier-oneODSCode",
        "QualifiedMaxCount",
    ),
    Mutation(
        "quote that ends where it starts",
        "?focus a oa:TextPositionSelector",
        end_at_start,
        "TextPositionSelector-start",
        "LessThan",
    ),
    Mutation(
        "known until before known from",
        "?focus nhskg:knownFrom ?a ; nhskg:knownUntil ?b",
        put(NHSKG.knownUntil, rdflib.Literal("1900-01-01", datatype=XSD.date)),
        "KnownPeriod-from",
        "LessThanOrEquals",
    ),
]

PREFIXES = "".join(
    f"PREFIX {p}: <{ns}>\n"
    for p, ns in {
        "org": ORG,
        "skos": SKOS,
        "rdfs": RDFS,
        "nhskg": NHSKG,
        "oa": OA,
        "dcterms": DCTERMS,
    }.items()
)


@pytest.fixture(scope="module")
def by_subject(real_lines: list[str]) -> dict[str, list[str]]:
    """The real N-Quads lines grouped by subject, as the build wrote them (the store
    would give some literals back in Oxigraph's canonical form)."""
    grouped: dict[str, list[str]] = {}
    for line in real_lines:
        grouped.setdefault(line.split(" ", 1)[0], []).append(line)
    return grouped


def neighbourhood(
    store: OxigraphStore, by_subject: dict[str, list[str]], where: str
) -> tuple[rdflib.URIRef, rdflib.Graph]:
    """One focus node matching ``where``, with its triples and those of its values."""
    found = store.query(f"{PREFIXES}SELECT ?focus WHERE {{ {where} }} ORDER BY ?focus LIMIT 1")
    assert isinstance(found, SelectResult) and found.rows, f"no focus node for {where}"
    focus = found.rows[0][0]
    assert focus is not None
    near = store.query(f"SELECT DISTINCT ?s WHERE {{ {focus} ?p ?s FILTER (isIRI(?s)) }}")
    assert isinstance(near, SelectResult)
    subjects = {str(focus)} | {str(row[0]) for row in near.rows}
    lines = [line for subject in sorted(subjects) for line in by_subject.get(subject, [])]
    return rdflib.URIRef(focus.value), rdflib_graph("".join(lines))


@pytest.mark.parametrize("mutation", [pytest.param(m, id=m.name) for m in MUTATIONS])
def test_a_broken_piece_of_the_real_graph_gives_pyshacls_findings(
    mutation: Mutation,
    shapes: rdflib.Graph,
    real_store: OxigraphStore,
    by_subject: dict[str, list[str]],
) -> None:
    focus, data = neighbourhood(real_store, by_subject, mutation.where)
    mutation.change(data, focus)
    compiled = compiled_rows(store_of(data), shapes)
    assert_matches_pyshacl(compiled, data, shapes)
    caught = {
        r
        for r in compiled
        if r.focus == str(focus)
        and r.source == str(SHAPE[mutation.shape])
        and r.component == str(SH[mutation.component + "ConstraintComponent"])
    }
    assert caught, f"{mutation.shape} did not catch it:\n{describe(compiled)}"


def test_findings_carry_the_focus_label_the_shape_message_and_order(
    shapes: rdflib.Graph, real_store: OxigraphStore, by_subject: dict[str, list[str]]
) -> None:
    focus, data = neighbourhood(real_store, by_subject, "?focus a org:Organization ; rdfs:label ?l")
    data.remove((focus, RDFS.label, None))
    findings = compiled_findings(shapes, store_of(data))
    assert findings == sorted(findings, key=finding_order)
    mine = [f for f in findings if f.source == str(SHAPE["Organisation-label"])]
    assert [f.focus for f in mine] == [str(focus)]
    assert mine[0].focus_label == str(data.value(focus, SKOS.prefLabel))
    assert mine[0].message == str(shapes.value(SHAPE["Organisation-label"], SH.message))
    assert mine[0].path == str(RDFS.label)


# --- every shape test case -----------------------------------------------------------


def own(node: rdflib.term.Node, described: set[rdflib.URIRef], case: int) -> rdflib.term.Node:
    """A node the case describes, renamed for that case alone."""
    return rdflib.URIRef(f"{node}-case{case}") if node in described else node


def test_every_shape_test_case_gives_pyshacls_findings(shapes: rdflib.Graph) -> None:
    """All cases of tests/shapes in one graph: each case's own IRIs get a suffix of
    their own, so cases that describe the same node do not meet."""
    data = rdflib.Graph()
    targeted = rdflib.Graph()
    targeted += shapes
    for i, case in enumerate(c for c in CASES if not c.with_ontology):
        described = {s for s, _p, _o in case.data if isinstance(s, rdflib.URIRef)}
        for s, p, o in case.data:
            data.add((own(s, described, i), p, own(o, described, i)))
        if is_value_shape(shapes, case.shape):
            for node in case.focus:
                targeted.add((case.shape, SH.targetNode, own(node, described, i)))
    compiled = compiled_rows(store_of(data), targeted)
    beyond = assert_matches_pyshacl(compiled, data, targeted)
    # Two cases compare an xsd:date with an xsd:gYearMonth: an organisation known from a
    # day until a month, a tie presumed from a day until a month.
    assert {r.source.rsplit("#", 1)[-1] for r in beyond} == {
        "KnownPeriod-from",
        "PresumedPeriod-from",
    }
    components = {
        r.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent") for r in compiled
    }
    used = {"MinCount", "MaxCount", "Class", "Datatype", "NodeKind", "Pattern", "MinLength"}
    used |= {"In", "Or", "QualifiedMaxCount", "LessThan", "LessThanOrEquals"}
    assert used <= components


# --- blank-node shapes, other paths and components -----------------------------------

EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:Person a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
    sh:property [ sh:path ex:name ; sh:maxLength 5 ; sh:pattern "^a" ; sh:flags "i" ] ,
        [ sh:path ex:knows ; sh:node ex:Named ; sh:qualifiedValueShape ex:Named ;
          sh:qualifiedMinCount 1 ; sh:severity sh:Warning ] ,
        [ sh:path ( ex:knows ex:name ) ; sh:maxCount 1 ] ,
        [ sh:path [ sh:inversePath ex:knows ] ; sh:not ex:Named ; sh:severity sh:Info ] ,
        [ sh:path ex:age ; sh:xone ( [ sh:datatype xsd:integer ] [ sh:minLength 1 ] ) ;
          sh:and ( [ sh:nodeKind sh:Literal ] [ sh:minLength 1 ] ) ] ,
        [ sh:path ex:off ; sh:minCount 3 ; sh:deactivated true ] .

ex:Named a sh:NodeShape ; sh:class ex:Person ; sh:nodeKind sh:IRI .

ex:Child a sh:NodeShape ;
    sh:targetObjectsOf ex:parentOf ;
    sh:class ex:Person ;
    sh:datatype xsd:string .
"""

EXTRA_DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ann a ex:Person ; ex:name "Ann" ; ex:knows ex:bob ; ex:age 30 .
ex:bob a ex:Person ; ex:name "Bobby Tables" , "bob" ; ex:knows ex:ann , ex:cat ; ex:age "x" ;
    ex:shoe 42 .
ex:cat ex:name "Cat" , "Kit" .
ex:dan a ex:Person ; ex:age "-3"^^xsd:integer , "" ; ex:parentOf ex:ann , "a literal child" .
"""


def test_other_components_and_blank_node_shapes_give_pyshacls_findings() -> None:
    shapes = rdflib.Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = rdflib.Graph().parse(data=EXTRA_DATA, format="turtle")
    compiled = compiled_rows(store_of(data), shapes)
    assert_matches_pyshacl(compiled, data, shapes)
    components = {
        r.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent") for r in compiled
    }
    assert components >= {"Closed", "MaxLength", "Pattern", "Node", "QualifiedMinCount", "MaxCount"}
    assert components >= {"Not", "Xone", "And", "Class", "Datatype"}
    assert {r.severity for r in compiled} == {"Violation", "Warning", "Info"}


def test_blank_node_shapes_get_ids_that_survive_a_reparse() -> None:
    first = compile_shapes(rdflib.Graph().parse(data=EXTRA_SHAPES, format="turtle"))
    again = compile_shapes(rdflib.Graph().parse(data=EXTRA_SHAPES, format="turtle"))
    assert [(c.source, c.query) for c in first] == [(c.source, c.query) for c in again]
    assert any(c.source.startswith(BLANK_SHAPE) for c in first)


# --- what the compiler refuses --------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "named"),
    [
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
            "ex:P sh:path ex:p ; sh:equals ex:q .",
            "http://example.org/P: sh:equals",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
            "sh:property [ sh:path ex:p ; sh:uniqueLang true ] .",
            "http://example.org/S sh:property [ sh:path <http://example.org/p> ]: sh:uniqueLang",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
            "ex:P sh:path ex:p ; sh:or ( ex:Q ) . ex:Q sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
            "http://example.org/Q: sh:property",
        ),
    ],
    ids=["equals", "uniqueLang on a blank node", "property shape inside sh:or"],
)
def test_an_unsupported_component_raises_naming_the_shape(shape: str, named: str) -> None:
    shapes = rdflib.Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> . "
        + shape,
        format="turtle",
    )
    with pytest.raises(ValueError, match=re.escape(named)):
        compile_shapes(shapes)
