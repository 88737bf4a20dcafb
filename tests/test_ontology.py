"""The ontology mints only what standard vocabularies lack, and documents each term."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]

NHSKG = rdflib.Namespace("https://w3id.org/nhskg/def#")
OURS = "https://w3id.org/nhskg/def"
STANDARD = (
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/dcat#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/oa#",
    "https://schema.org/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/2006/time#",
)


def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path)
    return g


def minted_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(OURS)}


def test_ontology_has_no_blank_nodes() -> None:
    g = ontology()
    assert not [t for t in g if any(isinstance(x, rdflib.BNode) for x in t)]


def test_every_minted_term_has_label_and_definition() -> None:
    g = ontology()
    terms = minted_terms(g)
    assert len(terms) > 60
    missing = [
        str(t)
        for t in terms
        if g.value(t, RDFS.label) is None or g.value(t, SKOS.definition) is None
    ]
    assert missing == []


def _reaches_standard(g: rdflib.Graph, term: rdflib.URIRef, link: rdflib.URIRef) -> bool:
    seen = set()
    todo = [term]
    while todo:
        t = todo.pop()
        for parent in g.objects(t, link):
            if str(parent).startswith(STANDARD):
                return True
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return False


def test_every_minted_term_sits_under_a_standard_term() -> None:
    g = ontology()
    orphans = []
    for term in minted_terms(g):
        link = (
            RDFS.subPropertyOf
            if (term, RDF.type, OWL.ObjectProperty) in g
            or (term, RDF.type, OWL.DatatypeProperty) in g
            else RDFS.subClassOf
        )
        if not _reaches_standard(g, term, link):
            orphans.append(str(term))
    assert orphans == []


def test_organisation_types_form_a_skos_concept_scheme() -> None:
    g = ontology()
    scheme = rdflib.URIRef(OURS + "/orgtype")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    keys = {str(c).rsplit("/", 1)[1] for c in g.subjects(SKOS.inScheme, scheme)}
    assert {
        "ccg",
        "nhs-trust",
        "foundation-trust",
        "stp",
        "icb",
        "nhs-england-region",
        "council",
    } <= keys
    ft = rdflib.URIRef(OURS + "/orgtype/foundation-trust")
    assert g.value(ft, SKOS.broader) == rdflib.URIRef(OURS + "/orgtype/nhs-trust")


def test_identifier_datatypes_name_their_schemes() -> None:
    g = ontology()
    for name in ("ODSCode", "ONSCode"):
        assert (NHSKG[name], RDF.type, RDFS.Datatype) in g


def test_ontology_covers_what_the_documents_need() -> None:
    """The classes the curated documents will use exist already (modelling.md)."""
    g = ontology()
    needed = [
        "ProgrammeOffice",
        "Board",
        "Group",
        "Workstream",
        "WorkstreamFocus",
        "Coordination",
        "Hosting",
        "Leadership",
        "JointWorking",
        "ServiceProvision",
        "Contract",
        "MergerProposal",
        "Submission",
        "Decision",
        "Consultation",
        "Milestone",
        "Risk",
        "Funding",
        "EngagementEvent",
        "StatedGroup",
        "SourceDocument",
        "BusinessCase",
        "Reasoning",
    ]
    assert [n for n in needed if (NHSKG[n], RDF.type, OWL.Class) not in g] == []
