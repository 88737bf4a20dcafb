"""Every IRI namespace the graph uses, written in one place.

Terms are returned as pyoxigraph ``NamedNode`` objects, the term type the build
emits. The SPARQL ``PREFIX`` block used by tools that write queries for users is
derived from the same table, so a prefix never drifts from its namespace.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/nhskg/"


class Namespace:
    """A namespace IRI; ``NS.term`` or ``NS["term-with-dashes"]`` gives a NamedNode."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        term = NamedNode(self.iri + name)
        setattr(self, name, term)  # later lookups find it without coming here
        return term

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def __str__(self) -> str:
        return self.iri

    def __contains__(self, term: object) -> bool:
        return isinstance(term, NamedNode) and term.value.startswith(self.iri)


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")

# Ours. Terms of the ontology live under def; things the graph describes under id;
# named graphs under graph.
ONTOLOGY_IRI = BASE + "def"
NHSKG = Namespace(BASE + "def#")
ORGTYPE = Namespace(BASE + "def/orgtype/")
ROLE = Namespace(BASE + "def/role/")
BASIS = Namespace(BASE + "def/basis/")
STATUS = Namespace(BASE + "def/status/")
RAG = Namespace(BASE + "def/rag/")
CHANGE = Namespace(BASE + "def/change/")
DECISION = Namespace(BASE + "def/decision/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

PREFIXES: dict[str, Namespace] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "org": ORG,
    "prov": PROV,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "foaf": FOAF,
    "oa": OA,
    "time": TIME,
    "schema": SCHEMA,
    "void": VOID,
    "nhskg": NHSKG,
    "orgtype": ORGTYPE,
    "role": ROLE,
    "basis": BASIS,
    "status": STATUS,
    "rag": RAG,
    "change": CHANGE,
    "decision": DECISION,
}


def sparql_prefixes() -> str:
    """The PREFIX block for every namespace above, one line each."""
    return "".join(f"PREFIX {p}: <{ns.iri}>\n" for p, ns in PREFIXES.items())


def compact(iri: str) -> str:
    """Shorten an IRI with the longest matching prefix, or return it unchanged."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns.iri) and len(ns.iri) > len(best):
            best, best_prefix = ns.iri, prefix
    if not best:
        return iri
    local = iri[len(best) :]
    return f"{best_prefix}:{local}" if local and "/" not in local and "#" not in local else iri
