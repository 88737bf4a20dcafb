"""Linked data: every IRI of ours dereferences, and the ontology has a page.

``/id/...`` (the path of ``https://w3id.org/nhskg/id/...``) answers a browser with HTML
(an organisation's page, a document's page, or a table of what the graph says) and a
program with Turtle, N-Triples, RDF/XML or JSON-LD (with its ``@context``) by the Accept
header or ``format=`` (short names or media types, as the SPARQL endpoint takes them);
only a request that asks for none of those (a browser's) is redirected to a page. An
IRI's description is what the graph says about it (its concise bounded description)
and the memberships that name it, as organisation or as member: a partnership's
description lists its members. ``/def`` documents the ontology from ontology/;
``/context.jsonld`` is the JSON-LD context.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode, RdfFormat, parse

from nhskg.api.deps import Graph
from nhskg.api.errors import ApiError
from nhskg.api.limits import KEY_MAX, PATH_MAX
from nhskg.api.routers.pages import render, term_cell
from nhskg.api.sparql_formats import GRAPH_TYPES, NotAcceptable, choose, ranked
from nhskg.api.state import PublishedGraph
from nhskg.graph.namespaces import BASE, NHSKG, OWL, PREFIXES, RDF, RDFS, SKOS, compact
from nhskg.graph.query.query_answer import Formats, write_answer

router = APIRouter(include_in_schema=False)
RDF_KEYS = ("turtle", "ntriples", "rdfxml", "jsonld")
HTML_TYPES = ("text/html", "application/xhtml+xml")
PATH_PATTERN = r"^[A-Za-z0-9_.\-/]+$"


def _format(request: Request, fmt: str | None) -> str:
    """``html`` or the key of an RDF format (:data:`RDF_KEYS`), by ``format=`` or else the
    first of HTML and the RDF formats the Accept header names (HTML when it names none)."""
    if fmt:
        if fmt.lower() in ("html", "text/html"):
            return "html"
        try:
            return choose("", fmt, graph=True)
        except NotAcceptable:
            raise ApiError(
                406,
                "not acceptable",
                f"format must be html, {', '.join(RDF_KEYS)} or one of their media types "
                f"({', '.join(GRAPH_TYPES.values())})",
                parameter="format",
            ) from None
    for media in ranked(request.headers.get("accept", "")):
        if media in HTML_TYPES:
            return "html"
        if "*" not in media:
            try:
                return choose(media, None, graph=True)
            except NotAcceptable:
                continue
    return "html"


def _describe(graph: PublishedGraph, iri: str) -> list[Any]:
    """What the graph says about ``iri``, and the memberships that name it (``iri`` is
    one of ours, checked against :data:`PATH_PATTERN`: no user text reaches the query)."""
    outcome = graph.service.store.query(f"DESCRIBE <{iri}>")
    assert isinstance(outcome, list)
    memberships = graph.service.store.query(
        "CONSTRUCT { ?m ?p ?o } WHERE { ?m a <http://www.w3.org/ns/org#Membership> ; "
        f"<http://www.w3.org/ns/org#organization>|<http://www.w3.org/ns/org#member> <{iri}> ; "
        "?p ?o }"
    )
    assert isinstance(memberships, list)
    seen = set(outcome)
    return outcome + [t for t in memberships if t not in seen]


@router.get("/context.jsonld")
def context() -> Response:
    body = {"@context": {prefix: ns.iri for prefix, ns in PREFIXES.items()} | {"@vocab": NHSKG.iri}}
    return Response(json.dumps(body, indent=2), media_type="application/ld+json")


@router.get("/id/{path:path}")
def resource(
    request: Request,
    graph: Graph,
    path: Annotated[str, Path(max_length=PATH_MAX)],
    format: Annotated[str | None, Query(max_length=KEY_MAX)] = None,
) -> Response:
    import re

    if not re.fullmatch(PATH_PATTERN, path) or ".." in path:
        raise ApiError(404, "not found", f"no resource /id/{path}")
    iri = f"{BASE}id/{path}"
    triples = _describe(graph, iri)
    if not triples:
        raise ApiError(404, "not found", f"the graph says nothing about {iri}")
    chosen = _format(request, format)
    if chosen in RDF_KEYS:
        answer = write_answer(triples, Formats(None, chosen), max_rows=None)
        return Response(answer.body, media_type=answer.media)
    if path.startswith("org/"):
        return RedirectResponse(f"/organisations/{path[4:]}", status_code=303)
    if path.startswith("document/"):
        identifier = path.split("/", 1)[1] + ".txt"
        return RedirectResponse(f"/documents/{identifier}", status_code=303)
    label = next(
        (
            t.object.value
            for t in triples
            if t.predicate in (RDFS.label, SKOS.prefLabel) and t.subject == NamedNode(iri)
        ),
        compact(iri),
    )
    rows = [
        (term_cell(t.predicate), term_cell(t.object))
        for t in triples
        if t.subject == NamedNode(iri)
    ]
    return render(
        request,
        "resource.html",
        label=label,
        iri=iri,
        path=f"/id/{path}",
        triples=sorted(rows, key=lambda r: (r[0]["text"], r[1]["text"])),
    )


@router.get("/def")
def ontology(
    request: Request, graph: Graph, format: Annotated[str | None, Query(max_length=KEY_MAX)] = None
) -> Response:
    folder = graph.settings.ontology_dir
    chosen = _format(request, format)
    if chosen == "turtle":
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ttl")))
        return Response(text, media_type="text/turtle")
    quads = [
        q for p in sorted(folder.glob("*.ttl")) for q in parse(path=str(p), format=RdfFormat.TURTLE)
    ]
    if chosen in RDF_KEYS:
        answer = write_answer([q.triple for q in quads], Formats(None, chosen), max_rows=None)
        return Response(answer.body, media_type=answer.media)
    return render(request, "ontology.html", sections=_terms(quads), schemes=_schemes(quads))


def _terms(quads: list[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    about: dict[str, dict[str, Any]] = {}
    for q in quads:
        s = q.subject.value
        if not s.startswith(NHSKG.iri):
            continue
        entry = about.setdefault(
            s,
            {
                "local": s[len(NHSKG.iri) :],
                "label": "",
                "definition": "",
                "parents": [],
                "kind": "",
            },
        )
        if q.predicate == RDFS.label:
            entry["label"] = q.object.value
        elif q.predicate == SKOS.definition:
            entry["definition"] = q.object.value
        elif q.predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
            entry["parents"].append(compact(q.object.value))
        elif q.predicate == RDF.type and q.object in (
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            RDFS.Datatype,
        ):
            entry["kind"] = q.object.value.rsplit("#", 1)[-1]
    sections = []
    for kind, title in (
        ("Class", "Classes"),
        ("ObjectProperty", "Relationships"),
        ("DatatypeProperty", "Attributes"),
        ("Datatype", "Datatypes"),
    ):
        terms = sorted((t for t in about.values() if t["kind"] == kind), key=lambda t: t["local"])
        if terms:
            sections.append((title, terms))
    return sections


def _schemes(quads: list[Any]) -> list[tuple[str, list[dict[str, str]]]]:
    labels: dict[str, str] = {}
    schemes: dict[str, list[str]] = {}
    for q in quads:
        if q.predicate == SKOS.prefLabel:
            labels[q.subject.value] = q.object.value
        elif q.predicate == SKOS.inScheme:
            schemes.setdefault(q.object.value.rsplit("/", 1)[-1], []).append(q.subject.value)
    return [
        (name, [{"key": c.rsplit("/", 1)[-1], "label": labels.get(c, "")} for c in sorted(members)])
        for name, members in sorted(schemes.items())
    ]
