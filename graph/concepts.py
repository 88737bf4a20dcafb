"""The keys of the ontology's concept schemes (ontology/concepts.ttl): what curated
records may name as an organisation type, role, status, RAG rating or decision, and
the organisation types the query service offers."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat, parse

from nhskg.graph.namespaces import SKOS

SCHEMES = ("orgtype", "role", "status", "rag", "decision")


def concept_keys(ontology_dir: Path) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {s: set() for s in SCHEMES}
    for quad in parse(path=str(ontology_dir / "concepts.ttl"), format=RdfFormat.TURTLE):
        if quad.predicate == SKOS.inScheme:
            scheme = quad.object.value.rsplit("/", 1)[1]
            if scheme in keys:
                keys[scheme].add(quad.subject.value.rsplit("/", 1)[1])
    return keys
