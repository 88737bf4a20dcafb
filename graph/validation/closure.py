"""The closure constraints of shapes/closure.ttl, evaluated while the dump is written.

``shape:Closure-terms`` (every term of ours under nhskg/def that the data uses is
declared) and ``shape:Closure-things`` (everything under nhskg/id that the data
mentions has a type) look at every triple of the graph. As SPARQL over Oxigraph's
union graph they took 40 s per million quads; here they cost a few set operations
per quad as the dump writer sees it. The shapes file keeps them as SHACL-SPARQL for
any other engine, and a test checks both ways find the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from pyoxigraph import NamedNode, Triple

from nhskg.graph.namespaces import RDF
from nhskg.graph.validation.shacl_sparql import fill
from nhskg.graph.validation.validate import Finding

SHAPES = "https://w3id.org/nhskg/shapes#"
CLOSURE_TERMS = f"{SHAPES}Closure-terms"
CLOSURE_THINGS = f"{SHAPES}Closure-things"
DEF = "https://w3id.org/nhskg/def"
ID = "https://w3id.org/nhskg/id/"
DECLARING = {
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2000/01/rdf-schema#Datatype",
    "http://www.w3.org/2004/02/skos/core#Concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",
    "http://www.w3.org/2002/07/owl#Ontology",
}
RDF_TYPE = RDF.type.value


@dataclass
class ClosureTracker:
    """What the triples written so far use, declare and type."""

    used_terms: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    mentioned: set[str] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)

    def see(self, triple: Triple) -> None:
        self.see_terms(triple.subject, triple.predicate, triple.object)  # type: ignore[arg-type]

    def see_terms(self, s: NamedNode, p: NamedNode, obj: object) -> None:
        """What one triple, given as its terms, uses, declares and types."""
        subject = s.value
        predicate = p.value
        if subject.startswith(ID):
            self.mentioned.add(subject)
        if predicate.startswith(DEF):
            self.used_terms.add(predicate)
        if type(obj) is NamedNode:
            value = obj.value
            if value.startswith(ID):
                self.mentioned.add(value)
            elif value.startswith(DEF):
                self.used_terms.add(value)
            if predicate == RDF_TYPE:
                self.typed.add(subject)
                if value in DECLARING:
                    self.declared.add(subject)

    def undeclared_terms(self) -> list[str]:
        return sorted(self.used_terms - self.declared)

    def untyped_things(self) -> list[str]:
        return sorted(self.mentioned - self.typed)

    def findings(self, shapes: rdflib.Graph) -> list[Finding]:
        """The closure constraints' findings, worded and attributed as in the shapes."""
        out = []
        for constraint, values in (
            (CLOSURE_TERMS, self.undeclared_terms()),
            (CLOSURE_THINGS, self.untyped_things()),
        ):
            node = rdflib.URIRef(constraint)
            message = str(shapes.value(node, rdflib.SH.message) or "closure not met")
            out += [
                Finding(
                    severity="Violation",
                    focus=DEF,
                    focus_label="",
                    path="",
                    message=fill(message, {"value": rdflib.URIRef(value)}),
                    source=constraint,
                    value=value,
                )
                for value in values
            ]
        return out
