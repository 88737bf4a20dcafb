"""Triples as compact JSON-LD: a real ``@context`` of the graph's prefixes, not full IRIs as keys.

Oxigraph's JSON-LD writer keys every property by its full IRI. :func:`compact_jsonld`
writes ``{"@context": {prefix: namespace, ...}, "@graph": [node, ...]}``: one node per
subject (in the order first met), ``@type`` for rdf:type, properties and IRIs shortened
to ``prefix:local`` where a prefix of :data:`nhskg.graph.namespaces.PREFIXES` fits, a
plain string for an xsd:string literal, ``@value`` with ``@language`` or ``@type``
otherwise. Any JSON-LD processor expands it back to the same triples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from nhskg.graph.namespaces import PREFIXES, RDF, XSD, compact

CONTEXT = {prefix: ns.iri for prefix, ns in PREFIXES.items()}
_TYPE = RDF.type.value
_STRING = XSD.string.value


def _ref(term: Any) -> str:
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"a quoted triple has no JSON-LD 1.1 form: {term}")


def _value(term: Any) -> Any:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _STRING:
            return term.value
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@id": _ref(term)}


def compact_jsonld(triples: Iterable[Triple]) -> bytes:
    """The triples as one JSON-LD document with the prefixes as its context."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        subject = _ref(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == _TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value))
        else:
            node.setdefault(compact(triple.predicate.value), []).append(_value(triple.object))
    document = {"@context": CONTEXT, "@graph": list(nodes.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
