"""SHACL Core node tests written as SPARQL: terms, property paths and conformance.

A SHACL shapes graph names terms, paths and value-level constraints; this module
writes each of them as SPARQL text for :mod:`nhskg.graph.validation.shacl_compile`. The
value-level constraint components (``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:pattern`` with ``sh:flags``, ``sh:minLength``, ``sh:maxLength``, the ranges
``sh:minInclusive`` ... ``sh:maxExclusive``, ``sh:in``,
``sh:node`` and the logical ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``) become
boolean expressions on one variable that are true when the node meets the constraint
and never raise a SPARQL error (an error in a FILTER would drop the row, and with it
the violation). ``sh:class`` is ``EXISTS { ?v a <C> }``: the build writes every
superclass ``rdf:type`` explicitly. ``sh:datatype`` also asks that the lexical form
be valid, by casting it where SPARQL can; Oxigraph stores the integer-derived XSD
types (``xsd:nonNegativeInteger`` ...) as ``xsd:integer``, so those accept an
``xsd:integer`` in their range.
"""

from __future__ import annotations

import hashlib

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

LOGICAL = (SH["or"], SH["and"], SH["xone"])
# The value range components and the comparison each asks the value node to meet.
RANGES: dict[rdflib.term.Node, str] = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
VALUE_COMPONENTS = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    *RANGES,
    SH["in"],
    SH.node,
    SH["not"],
    *LOGICAL,
)
# What a nested shape (inside sh:or, sh:node, ...) may carry besides value components;
# its targets, if it has any, apply only where it is validated on its own.
NESTED_PARAMETERS = {RDF.type, SH.message, SH.severity, SH.deactivated, SH.flags, SH.name}
NESTED_PARAMETERS |= {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}

# Datatypes SPARQL can cast to: a literal of one of these is valid when the cast works.
CASTABLE = {
    XSD[name]
    for name in (
        *("boolean", "float", "double", "decimal", "integer", "dateTime", "date", "time"),
        *("gYearMonth", "gYear", "gMonthDay", "gDay", "gMonth"),
        *("duration", "yearMonthDuration", "dayTimeDuration"),
    )
}
# Integer-derived datatypes, which Oxigraph stores as xsd:integer: their ranges.
INTEGER_RANGES: dict[rdflib.term.Node, tuple[int | None, int | None]] = {
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


def local(iri: rdflib.term.Node) -> str:
    """The part of an IRI after its last '#' or '/' (``sh:minCount`` -> ``minCount``)."""
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shape_id(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """The shape's IRI, or for a blank node a URN hashed from its description (stable
    across parses of the same shapes, unlike the blank node's own id)."""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    digest = hashlib.sha256(_describe(shapes, shape, frozenset()).encode()).hexdigest()
    return f"urn:nhskg:shape:{digest[:16]}"


def shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """How an error names a shape: its IRI, or the shape that holds a blank-node shape."""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    for parent in shapes.subjects(SH.property, shape):
        held = shapes.value(shape, SH.path)
        about = f" [ sh:path {path(shapes, held)} ]" if held is not None else ""
        return f"{shape_name(shapes, parent)} sh:property{about}"
    return f"{shape_id(shapes, shape)} {_describe(shapes, shape, frozenset())[:200]}"


def _describe(shapes: rdflib.Graph, node: rdflib.term.Node, seen: frozenset[object]) -> str:
    if not isinstance(node, rdflib.BNode):
        return node.n3()
    if node in seen:
        return "[...]"
    parts = [
        f"{p.n3()} {_describe(shapes, o, seen | {node})}" for p, o in shapes.predicate_objects(node)
    ]
    return "[" + " ; ".join(sorted(parts)) + "]"


def term(node: rdflib.term.Node) -> str:
    """An IRI or literal as SPARQL text; a blank node has no SPARQL constant."""
    if isinstance(node, rdflib.URIRef | rdflib.Literal):
        return node.n3()
    raise ValueError(f"{node!r}: a blank node cannot be written as a SPARQL constant")


def members(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    """The members of an RDF list in the shapes graph."""
    return list(Collection(shapes, head))


def path(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(node, rdflib.URIRef):
        return term(node)
    if shapes.value(node, RDF.first) is not None:
        return "(" + " / ".join(path(shapes, m) for m in members(shapes, node)) + ")"
    unary = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*"}
    unary |= {SH.oneOrMorePath: "({})+", SH.zeroOrOnePath: "({})?"}
    for predicate, template in unary.items():
        inner = shapes.value(node, predicate)
        if inner is not None:
            return template.format(path(shapes, inner))
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(path(shapes, m) for m in members(shapes, alternatives)) + ")"
    raise ValueError(f"{node}: not a SHACL property path")


def deactivated(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    return shapes.value(shape, SH.deactivated) == rdflib.Literal(True)


def conforms(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    var: str,
    *,
    within: tuple[rdflib.term.Node, ...] = (),
) -> str:
    """An expression true when the node in ``var`` conforms to the node shape ``shape``.

    Only value-level constraints are allowed here; a nested shape with a path,
    property shapes or counts raises ValueError naming it.
    """
    if shape in within:
        raise ValueError(
            f"{shape_name(shapes, shape)}: recursive shape references are not supported"
        )
    if deactivated(shapes, shape):
        return "true"
    parts = []
    for predicate, value in sorted(shapes.predicate_objects(shape), key=str):
        if predicate in VALUE_COMPONENTS:
            parts.append(constraint(shapes, shape, predicate, value, var, within=(*within, shape)))
        elif predicate not in NESTED_PARAMETERS and str(predicate).startswith(str(SH)):
            raise ValueError(
                f"{shape_name(shapes, shape)}: sh:{local(predicate)} is not supported in a "
                "shape used by sh:or, sh:and, sh:xone, sh:not, sh:node or sh:qualifiedValueShape"
            )
    return "(" + " && ".join(parts) + ")" if parts else "true"


def constraint(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    component: rdflib.term.Node,
    value: rdflib.term.Node,
    var: str,
    *,
    within: tuple[rdflib.term.Node, ...] = (),
) -> str:
    """An expression true when the node in ``var`` meets one value-level constraint."""
    if component == SH["class"]:
        return f"EXISTS {{ {var} a {term(value)} }}"
    if component == SH.datatype:
        return datatype(value, var)
    if component == SH.nodeKind:
        if value not in NODE_KINDS:
            raise ValueError(f"{shape_name(shapes, shape)}: {value} is not a sh:nodeKind")
        return NODE_KINDS[value].format(v=var)
    if component == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        regex = f"REGEX(STR({var}), {term(rdflib.Literal(str(value)))}"
        regex += f", {term(rdflib.Literal(str(flags)))})" if flags is not None else ")"
        return f"COALESCE(!isBlank({var}) && {regex}, false)"
    if component in (SH.minLength, SH.maxLength):
        limit = count(shape_name(shapes, shape), component, value)
        if component == SH.minLength and limit == 0:
            return "true"
        op = ">=" if component == SH.minLength else "<="
        return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {limit})"
    if component in RANGES:  # a value that cannot be compared does not conform
        return f"COALESCE({var} {RANGES[component]} {term(value)}, false)"
    if component == SH["in"]:
        allowed = [f"sameTerm({var}, {term(m)})" for m in members(shapes, value)]
        return "(" + " || ".join(allowed) + ")" if allowed else "false"
    if component == SH.node:
        return conforms(shapes, value, var, within=within)
    if component == SH["not"]:
        return f"!{conforms(shapes, value, var, within=within)}"
    nested = [conforms(shapes, m, var, within=within) for m in members(shapes, value)]
    if component == SH["or"]:
        return "(" + " || ".join(nested) + ")" if nested else "false"
    if component == SH["and"]:
        return "(" + " && ".join(nested) + ")" if nested else "true"
    if component == SH["xone"]:
        return "((" + " + ".join(f"IF({n}, 1, 0)" for n in nested) + ") = 1)" if nested else "false"
    raise ValueError(
        f"{shape_name(shapes, shape)}: sh:{local(component)} is not a value-level constraint"
    )


def datatype(dtype: rdflib.term.Node, var: str) -> str:
    """An expression true when ``var`` is a well-formed literal of datatype ``dtype``."""
    if dtype == RDFS.Literal:
        return f"isLiteral({var})"
    if dtype == RDF.langString:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    is_typed = f"isLiteral({var}) && DATATYPE({var}) = {term(dtype)}"
    if dtype in CASTABLE:
        return f"COALESCE({is_typed} && isLiteral({term(dtype)}(STR({var}))), false)"
    if dtype in INTEGER_RANGES:
        low, high = INTEGER_RANGES[dtype]
        number = f"{term(XSD.integer)}(STR({var}))"
        in_range = [f"{number} >= {low}"] if low is not None else []
        in_range += [f"{number} <= {high}"] if high is not None else []
        is_integer = f"isLiteral({var}) && DATATYPE({var}) IN ({term(XSD.integer)}, {term(dtype)})"
        return f"COALESCE({is_integer} && {' && '.join(in_range)}, false)"
    if dtype == XSD.dateTimeStamp:
        stamp = f'TZ({term(XSD.dateTime)}(STR({var}))) != ""'
        is_stamp = f"isLiteral({var}) && DATATYPE({var}) IN ({term(XSD.dateTime)}, {term(dtype)})"
        return f"COALESCE({is_stamp} && {stamp}, false)"
    return f"COALESCE({is_typed}, false)"


def count(name: str, component: rdflib.term.Node, value: rdflib.term.Node) -> int:
    """A non-negative integer parameter (sh:minCount, sh:minLength, ...) of shape ``name``."""
    number = value.toPython() if isinstance(value, rdflib.Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ValueError(f"{name}: sh:{local(component)} {value} is not a non-negative integer")
    return number
