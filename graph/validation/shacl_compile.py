"""Compile SHACL Core shapes into SPARQL queries that find every violation at once.

pyshacl checks SHACL Core focus node by focus node in Python (about 0.14 ms a
triple, over twenty minutes at ten million triples). Here each constraint of each
node shape and property shape becomes one SPARQL SELECT over the whole store; every
row is one violation, with ``?this`` (the focus node), ``?value`` where the
component reports a value and ``?path`` for ``sh:closed``. The targets are the
patterns of :mod:`nhskg.graph.validation.shacl_sparql` (a property shape's focus nodes are
those of the node shapes that hold it); counts use GROUP BY/HAVING or MINUS;
value-level tests are the expressions of :mod:`nhskg.graph.validation.shacl_expressions`.
Class targets and ``sh:class`` match ``rdf:type`` alone: the build writes every
superclass type explicitly. The ``sh:sparql`` constraints are left to
:mod:`nhskg.graph.validation.shacl_sparql`. A shape that uses a component this module does not
implement raises ValueError naming the shape and the component: nothing is skipped.

Where the results can differ from pyshacl's on the same triples: Oxigraph stores
``"5"^^xsd:nonNegativeInteger`` (and the other integer-derived types) as an
``xsd:integer``, so an ``xsd:integer`` in range meets such a ``sh:datatype`` here;
``sh:datatype`` checks the lexical form of every XSD type SPARQL can cast to, where
pyshacl checks a few (it accepts ``"20"^^xsd:gYear``); and a ``sh:lessThan`` pair
SPARQL cannot compare (an ``xsd:date`` and an ``xsd:gYearMonth``) is a violation,
as SHACL says, where pyshacl orders the two by their datatype IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS

from nhskg.graph.namespaces import compact
from nhskg.graph.query.store import GraphStore, SelectResult
from nhskg.graph.validation.shacl_expressions import (
    LOGICAL,
    NESTED_PARAMETERS,
    VALUE_COMPONENTS,
    conforms,
    constraint,
    count,
    deactivated,
    local,
    members,
    path,
    shape_id,
    shape_name,
    term,
)
from nhskg.graph.validation.shacl_sparql import TARGETS, focus_exists, focus_select, target_patterns
from nhskg.graph.validation.validate import NHSKG_NAME, SEVERITIES, Finding, finding_order

# Predicates of a shape that are not constraints of their own.
PARAMETERS = {
    RDF.type,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.path,
    SH.property,
    SH.sparql,
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    *TARGETS,
}
PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.lessThan, SH.lessThanOrEquals, SH.qualifiedValueShape}
SUPPORTED = {*VALUE_COMPONENTS, *PROPERTY_ONLY, SH.closed}
LABELS = (SKOS.prefLabel, RDFS.label, NHSKG_NAME)
IRI_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")
LABEL_BATCH = 500


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape as a SELECT that returns a row per violation."""

    source: str  # the shape's IRI, or a stable id for a blank-node shape
    component: str  # the SHACL constraint component's IRI (sh:MinCountConstraintComponent)
    query: str
    severity: str
    message: str
    path: str  # the predicate of a property shape's path ("" for other paths)


def all_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    """Every node the shapes graph uses as a shape (declared, targeted or referenced)."""
    found: set[rdflib.term.Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.subjects(SH.path, None))
    for predicate in TARGETS:
        found |= set(shapes.subjects(predicate, None))
    for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found |= set(shapes.objects(None, predicate))
    for predicate in LOGICAL:
        for head in shapes.objects(None, predicate):
            found |= set(members(shapes, head))
    return found


def check_supported(shapes: rdflib.Graph, shape: rdflib.term.Node) -> None:
    """Raise ValueError when ``shape`` uses a SHACL term this compiler does not implement."""
    is_property = shapes.value(shape, SH.path) is not None
    for predicate in set(shapes.predicates(shape, None)):
        if not str(predicate).startswith(str(SH)):
            continue
        if predicate not in SUPPORTED and predicate not in PARAMETERS:
            name = f"sh:{local(predicate)}"
            raise ValueError(
                f"{shape_name(shapes, shape)}: {name} is not supported by the compiler"
            )
        if not is_property and predicate in PROPERTY_ONLY:
            raise ValueError(f"{shape_name(shapes, shape)}: sh:{local(predicate)} needs sh:path")
        if is_property and predicate in (SH.property, SH.closed):
            raise ValueError(
                f"{shape_name(shapes, shape)}: sh:{local(predicate)} on a property shape "
                "is not supported by the compiler"
            )
    if len(set(shapes.objects(shape, SH.path))) > 1:
        raise ValueError(f"{shape_name(shapes, shape)}: more than one sh:path")
    severity = shapes.value(shape, SH.severity)
    if severity is not None and local(severity) not in SEVERITIES:
        raise ValueError(f"{shape_name(shapes, shape)}: severity {severity} is not supported")


def focus_patterns(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    """The target patterns of ``shape`` and of the active node shapes that hold it."""
    patterns = target_patterns(shapes, shape)
    for parent in sorted(shapes.subjects(SH.property, shape), key=str):
        if not deactivated(shapes, parent):
            patterns += [p for p in target_patterns(shapes, parent) if p not in patterns]
    return patterns


def compile_shapes(shapes: rdflib.Graph) -> list[CompiledConstraint]:
    """Every SHACL Core constraint of every shape with focus nodes, as one query each."""
    every = sorted(all_shapes(shapes), key=lambda s: shape_id(shapes, s))
    for shape in every:
        check_supported(shapes, shape)
    compiled = []
    for shape in every:
        patterns = focus_patterns(shapes, shape)
        if patterns and not deactivated(shapes, shape):
            compiled += compile_shape(shapes, shape, patterns)
    return compiled


def compile_shape(
    shapes: rdflib.Graph, shape: rdflib.term.Node, patterns: list[str]
) -> list[CompiledConstraint]:
    """The queries of one shape, given the target patterns that bind its focus nodes.

    A minimum count, sh:closed and a node shape's own constraints start from the
    focus nodes. The other queries start from the path's triples, find the failures,
    and only then keep those whose subject is a focus node: when the data conforms,
    that is never asked. Joins go through sub-queries or MINUS rather than a lookup
    per row, which on a store on disk is a seek (measured several times slower).
    """
    focus, member = focus_select(patterns), focus_exists(patterns)
    shape_path = shapes.value(shape, SH.path)
    sparql_path = path(shapes, shape_path) if shape_path is not None else ""
    reach = f"?this {sparql_path} ?value ."
    about = sparql_path
    if isinstance(shape_path, rdflib.URIRef):
        about = compact(str(shape_path))
    out = []

    def add(component: str, query: str, message: str) -> None:
        out.append(_compiled(shapes, shape, SH[component + "ConstraintComponent"], query, message))

    for predicate, value in sorted(shapes.predicate_objects(shape), key=str):
        name = local(predicate)
        component = name[0].upper() + name[1:]
        if predicate in VALUE_COMPONENTS and shape_path is None:
            test = constraint(shapes, shape, predicate, value, "?this")
            lines = (focus, "BIND (?this AS ?value)", f"FILTER (!({test}))")
            add(component, _select("DISTINCT ?this ?value", *lines), "")
        elif predicate == SH["class"]:
            fails = f"MINUS {{ ?value a {term(value)} }}"
            add(component, _failing("?this ?value", member, reach, fails), "")
        elif predicate == SH["or"] and (classes := _class_choices(shapes, value)):
            fails = " ".join(f"MINUS {{ ?value a {term(c)} }}" for c in classes)
            add(component, _failing("?this ?value", member, reach, fails), "")
        elif predicate in VALUE_COMPONENTS:
            test = constraint(shapes, shape, predicate, value, "?value")
            add(component, _failing("?this ?value", member, reach, f"FILTER (!({test}))"), "")
        elif predicate in (SH.minCount, SH.maxCount):
            n = count(shape_name(shapes, shape), predicate, value)
            if predicate == SH.maxCount:
                query = _failing("?this", member, reach, tail=_having(">", n))
                add(component, query, f"more than {n} values of {about}")
            elif n:
                query = _min_count(focus, sparql_path, n)
                add(component, query, f"fewer than {n} values of {about}")
        elif predicate in (SH.lessThan, SH.lessThanOrEquals):
            query = _less_than(member, reach, value, "<" if predicate == SH.lessThan else "<=")
            add(component, query, f"a value of {about} is not {name} {compact(str(value))}")
        elif predicate == SH.qualifiedValueShape:
            for component, query, message in _qualified(shapes, shape, patterns, reach, about):
                add(component, query, message)
        elif predicate == SH.closed and value == rdflib.Literal(True):
            add(component, _closed(shapes, shape, focus), "a property the closed shape disallows")
    return out


def _compiled(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    component: rdflib.URIRef,
    query: str,
    message: str,
) -> CompiledConstraint:
    shape_path = shapes.value(shape, SH.path)
    given = sorted(str(m) for m in shapes.objects(shape, SH.message))
    severity = shapes.value(shape, SH.severity) or SH.Violation
    return CompiledConstraint(
        source=shape_id(shapes, shape),
        component=str(component),
        query=query,
        severity=local(severity),
        message=given[0] if given else message or _value_message(shapes, shape, component),
        path=str(shape_path) if isinstance(shape_path, rdflib.URIRef) else "",
    )


def _value_message(shapes: rdflib.Graph, shape: rdflib.term.Node, component: rdflib.URIRef) -> str:
    name = local(component).removesuffix("ConstraintComponent")
    parameter = name[0].lower() + name[1:]
    values = ", ".join(
        _show(shapes, v) for v in sorted(shapes.objects(shape, SH[parameter]), key=str)
    )
    return f"value does not meet sh:{parameter} {values}"


def _show(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return compact(str(node))
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if shapes.value(node, RDF.first) is not None:
        return "(" + " ".join(_show(shapes, m) for m in members(shapes, node)) + ")"
    return shape_id(shapes, node)


def _class_choices(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    """The classes of an ``sh:or`` list whose every member is an active shape that says
    only ``sh:class`` (a value fails when it is in none of them), else no classes.

    Asked as one MINUS per class rather than an EXISTS per value: on 9.8 million quads
    the evidence of every statement took 1.6 s instead of 10 s."""
    classes = []
    for choice in members(shapes, head):
        said = {p for p in shapes.predicates(choice, None) if p not in NESTED_PARAMETERS}
        found = list(shapes.objects(choice, SH["class"]))
        if said != {SH["class"]} or len(found) != 1 or deactivated(shapes, choice):
            return []
        classes += found
    return classes


def _select(variables: str, *lines: str, tail: str = "") -> str:
    body = "\n  ".join(lines)
    return f"SELECT {variables} WHERE {{\n  {body}\n}}{tail}"


def _failing(variables: str, member: str, *lines: str, tail: str = "") -> str:
    """The rows of a sub-query for the failures, kept where ``?this`` is a focus node.

    The test is bound first and then filtered on: Oxigraph evaluated the same
    ``FILTER (EXISTS ...)`` at times inside the sub-query, once for every triple of
    the path, which took six times as long (on 531,054 ``oa:start`` triples: 1.5 s
    every time bound, 1.2 s or 9 s filtered directly)."""
    inner = _select(variables, *lines, tail=tail).replace("\n", "\n  ")
    return _select(
        f"DISTINCT {variables}",
        "{ " + inner + " }",
        f"BIND ({member} AS ?is_focus)",
        "FILTER (?is_focus)",
    )


def _min_count(focus: str, sparql_path: str, n: int) -> str:
    if n == 1:
        return _select("DISTINCT ?this", focus, f"MINUS {{ ?this {sparql_path} ?value }}")
    optional = f"OPTIONAL {{ ?this {sparql_path} ?value }}"
    return _select("?this", focus, optional, tail=_having("<", n))


def _having(op: str, n: int) -> str:
    return f"\nGROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {n})"


def _less_than(member: str, reach: str, other: rdflib.term.Node, op: str) -> str:
    """Pairs of a value and a value of ``other`` that are not in order (pyshacl's rules:
    IRIs and strings compare as text, other values with SPARQL's operator, and values
    that do not compare are out of order)."""
    strings = f"{term(rdflib.XSD.string)}, {term(RDF.langString)}"
    text = "BIND (isIRI(?{0}) || (isLiteral(?{0}) && DATATYPE(?{0}) IN ({1})) AS ?{0}_text)"
    in_order = (
        f"IF(?value_text || ?other_text, ?value_text && ?other_text && STR(?value) {op} "
        f"STR(?other), ?value {op} ?other)"
    )
    return _failing(
        "?this ?value ?other",
        member,
        f"{{ SELECT ?this ?value WHERE {{ {reach} }} }}",
        f"{{ SELECT ?this ?other WHERE {{ ?this {term(other)} ?other }} }}",
        text.format("value", strings),
        text.format("other", strings),
        f"FILTER (!COALESCE({in_order}, false))",
    )


def _qualified(
    shapes: rdflib.Graph, shape: rdflib.term.Node, patterns: list[str], reach: str, about: str
) -> list[tuple[str, str, str]]:
    """Queries for sh:qualifiedMaxCount and sh:qualifiedMinCount (with disjoint siblings)."""
    qualified = list(shapes.objects(shape, SH.qualifiedValueShape))
    if len(qualified) != 1:
        raise ValueError(f"{shape_name(shapes, shape)}: needs exactly one sh:qualifiedValueShape")
    siblings: set[rdflib.term.Node] = set()
    if shapes.value(shape, SH.qualifiedValueShapesDisjoint) == rdflib.Literal(True):
        siblings = {
            sibling
            for parent in shapes.subjects(SH.property, shape)
            for held in shapes.objects(parent, SH.property)
            for sibling in shapes.objects(held, SH.qualifiedValueShape)
            if sibling != qualified[0]
        }

    others = [f" && !{conforms(shapes, s, '?value')}" for s in sorted(siblings, key=str)]
    test = f"({conforms(shapes, qualified[0], '?value')}{''.join(others)})"

    named = _show(shapes, qualified[0])
    found = []
    most = shapes.value(shape, SH.qualifiedMaxCount)
    if most is not None:
        n = count(shape_name(shapes, shape), SH.qualifiedMaxCount, most)
        query = _failing(
            "?this", focus_exists(patterns), reach, f"FILTER {test}", tail=_having(">", n)
        )
        found.append(("QualifiedMaxCount", query, f"more than {n} values of {about} are {named}"))
    least = shapes.value(shape, SH.qualifiedMinCount)
    if least is not None:
        n = count(shape_name(shapes, shape), SH.qualifiedMinCount, least)
        optional = f"OPTIONAL {{ {reach} FILTER {test} }}"
        query = _select("?this", focus_select(patterns), optional, tail=_having("<", n))
        found.append(("QualifiedMinCount", query, f"fewer than {n} values of {about} are {named}"))
    if not found:
        raise ValueError(
            f"{shape_name(shapes, shape)}: sh:qualifiedValueShape needs "
            "sh:qualifiedMaxCount or sh:qualifiedMinCount"
        )
    return found


def _closed(shapes: rdflib.Graph, shape: rdflib.term.Node, focus: str) -> str:
    """Triples of a focus node whose predicate is neither a property path nor ignored."""
    allowed = {
        p
        for held in shapes.objects(shape, SH.property)
        if isinstance(p := shapes.value(held, SH.path), rdflib.URIRef)
    }
    for ignored in shapes.objects(shape, SH.ignoredProperties):
        allowed |= {m for m in members(shapes, ignored) if isinstance(m, rdflib.URIRef)}
    keep = ", ".join(term(p) for p in sorted(allowed))
    lines = ["?this ?path ?value ."] + ([f"FILTER (?path NOT IN ({keep}))"] if keep else [])
    return _select("DISTINCT ?this ?path ?value", focus, *lines)


def run(compiled: CompiledConstraint, store: GraphStore) -> list[Finding]:
    """The violations one compiled constraint finds on ``store`` (focus labels left empty)."""
    result = store.query(compiled.query)
    assert isinstance(result, SelectResult), f"{compiled.source}: not a SELECT query"
    findings = []
    for row in result.dicts():
        focus, value, found_path = row.get("this"), row.get("value"), row.get("path")
        findings.append(
            Finding(
                severity=compiled.severity,
                focus=focus.value if focus is not None else "",
                focus_label="",
                path=found_path.value if found_path is not None else compiled.path,
                message=compiled.message,
                source=compiled.source,
                value=value.value if value is not None else "",
            )
        )
    return findings


def focus_labels(store: GraphStore, focus: set[str]) -> dict[str, str]:
    """A label for each IRI in ``focus``: skos:prefLabel, else rdfs:label, else nhskg:name."""
    iris = sorted(f for f in focus if IRI_TEXT.match(f))
    rank = {str(p): i for i, p in enumerate(LABELS)}
    best: dict[str, tuple[int, str]] = {}
    predicates = " ".join(term(p) for p in LABELS)
    for start in range(0, len(iris), LABEL_BATCH):
        nodes = " ".join(f"<{iri}>" for iri in iris[start : start + LABEL_BATCH])
        result = store.query(
            f"SELECT ?this ?p ?label WHERE {{ VALUES ?this {{ {nodes} }} "
            f"VALUES ?p {{ {predicates} }} ?this ?p ?label }}"
        )
        assert isinstance(result, SelectResult)
        for node, predicate, label in result.rows:
            if node is None or predicate is None or label is None:
                continue
            candidate = (rank[predicate.value], label.value)
            best[node.value] = min(best.get(node.value, candidate), candidate)
    return {iri: label for iri, (_rank, label) in best.items()}


def compiled_findings(shapes: rdflib.Graph, store: GraphStore) -> list[Finding]:
    """Every SHACL Core violation on ``store``, as pyshacl would report it, by SPARQL."""
    findings = [f for c in compile_shapes(shapes) for f in run(c, store)]
    labels = focus_labels(store, {f.focus for f in findings})
    labelled = [replace(f, focus_label=labels.get(f.focus, "")) for f in findings]
    return sorted(labelled, key=finding_order)
