"""Server-rendered pages for people: home, organisations, partnerships, documents, queries.

Jinja2 with autoescaping: everything that comes from data is escaped. The pages use
the same functions as the JSON API, so both always say the same thing.
"""

from __future__ import annotations

import asyncio
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from nhskg.api.client_limits import limited
from nhskg.api.deps import published, rows
from nhskg.api.errors import ApiError
from nhskg.api.routers import organisations as org_api
from nhskg.api.routers import partnerships as partnership_api
from nhskg.api.state import PublishedGraph
from nhskg.api.static_files import vendor_available
from nhskg.graph.namespaces import BASE, compact
from nhskg.graph.network.area import areas
from nhskg.graph.query.named_queries import ParameterError, bind, load_query_file
from nhskg.graph.query.query_answer import Answer, Formats
from nhskg.graph.query.results import records
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.query.store import SelectResult, Term

router = APIRouter(include_in_schema=False)
# The SPARQL page shows at most this many rows (its downloads go to /sparql, whose cap
# is NHSKG_MAX_ROWS); the worker writes them, so a page costs the server no more than
# reading them back and rendering the table.
PAGE_ROWS = 500
PAGE_FORMATS = Formats("json", "ntriples")
DOWNLOADS = (("CSV", "csv"), ("JSON", "json"))
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
Graph = Annotated[PublishedGraph, Depends(published)]

COUNTED = {
    "https://w3id.org/nhskg/def#NHSTrust": "NHS trusts",
    "https://w3id.org/nhskg/def#ClinicalCommissioningGroup": "clinical commissioning groups",
    "https://w3id.org/nhskg/def#SustainabilityAndTransformationPartnership": "STPs",
    "https://w3id.org/nhskg/def#IntegratedCareBoard": "integrated care boards",
    "http://www.w3.org/ns/org#Membership": "memberships",
    "http://www.w3.org/ns/org#ChangeEvent": "mergers, successions and transfers",
    "https://w3id.org/nhskg/def#Statement": "statements, each with its evidence",
}
EXAMPLES = [
    (
        "Members of Better Care Together, stated and resolved",
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX nhskg: <https://w3id.org/nhskg/def#>\n"
        "SELECT ?name ?basis WHERE {\n  ?m org:organization <https://w3id.org/nhskg/id/org/QK1> ;\n"
        "     org:member/rdfs:label ?name ; nhskg:basis/skos:notation ?basis .\n"
        "} ORDER BY ?basis ?name",
    ),
    (
        "Memberships of Bedford Hospital, each with its quote, document and offsets",
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX nhskg: <https://w3id.org/nhskg/def#>\n"
        "# nhskg:quote: the words each piece of evidence selects (a quote or a dataset row)\n"
        "SELECT ?membership ?body ?document ?start ?quote WHERE {\n"
        "  ?membership org:member <https://w3id.org/nhskg/id/org/RC1> ;\n"
        "     org:organization ?body ; prov:wasDerivedFrom ?evidence .\n"
        "  ?evidence nhskg:quote ?quote ; oa:hasSource/dcterms:identifier ?document .\n"
        "  OPTIONAL { ?evidence oa:hasSelector/oa:start ?start }\n"
        "} ORDER BY ?document ?start",
    ),
    (
        "Merger proposals and their proposers",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX nhskg: <https://w3id.org/nhskg/def#>\n"
        "SELECT ?proposal ?proposer WHERE {\n  ?m a nhskg:MergerProposal ; rdfs:label ?proposal ;\n"
        "     nhskg:proposer/rdfs:label ?proposer .\n}",
    ),
    (
        "Organisations per type",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "SELECT ?type (COUNT(DISTINCT ?o) AS ?n) WHERE {\n"
        "  ?o org:classification/skos:prefLabel ?type .\n"
        "} GROUP BY ?type ORDER BY DESC(?n)",
    ),
]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    graph: PublishedGraph = published(request)
    context.setdefault("build_id", graph.build_id)
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def _types(graph: PublishedGraph) -> list[tuple[str, str]]:
    return sorted((key, key.replace("-", " ")) for key in graph.service.orgtypes)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, graph: Graph) -> HTMLResponse:
    counts = [
        {"label": COUNTED[str(r["class"])], "count": r["instances"]}
        for r in rows(graph.run("class-counts"))
        if str(r["class"]) in COUNTED
    ]
    return render(
        request,
        "home.html",
        counts=counts,
        partnerships=partnership_api.partnerships(graph, type=None)[:12],
        documents=rows(graph.run("documents")),
        areas=areas(graph.network),
    )


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request,
    graph: Graph,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]*$|^$")] = None,
) -> HTMLResponse:
    found = org_api.search(graph, q=q or None, type=type or None, as_of=None, limit=100, offset=0)
    return render(
        request,
        "organisations.html",
        q=q,
        type=type,
        types=_types(graph),
        items=found["items"],
        total=found["total"],
    )


@router.get("/organisations/{code}", response_class=HTMLResponse)
def organisation_page(
    request: Request,
    graph: Graph,
    code: str,
    as_of: Annotated[date | None, Query()] = None,
    evidenced_only: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    org = org_api.organisation(graph, code, as_of)
    partners = org_api.partners(graph, org["code"], as_of, evidenced_only)["rows"]
    evidence = rows(graph.run("evidence", {"organisation": org["code"]}))
    quotes = [e for e in evidence if str(e.get("source", "")).endswith(".txt")]
    return render(
        request,
        "organisation.html",
        org=org,
        partners=partners,
        quotes=quotes,
        as_of=as_of.isoformat() if as_of else None,
        evidenced_only=evidenced_only,
    )


@router.get("/partnerships", response_class=HTMLResponse)
def partnerships_page(request: Request, graph: Graph) -> HTMLResponse:
    return render(request, "partnerships.html", partnerships=rows(graph.run("partnerships")))


@router.get("/partnerships/{id}", response_class=HTMLResponse)
def partnership_page(
    request: Request,
    graph: Graph,
    id: str,
    as_of: Annotated[date | None, Query()] = None,
    evidenced_only: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    p = partnership_api.partnership(graph, id, as_of, evidenced_only)
    return render(
        request,
        "partnership.html",
        p=p,
        timeline=_timeline(p),
        as_of=as_of.isoformat() if as_of else None,
        evidenced_only=evidenced_only,
    )


def _timeline(p: dict[str, Any]) -> list[dict[str, str]]:
    """Dated things of a partnership, in order: memberships, events, consultations."""
    items = []
    for m in p["members"]:
        items.append(
            {
                "day": str(m.get("from", "")),
                "what": f"{m['name']}: {m['role']} ({m['basis']})",
                "source": str(m.get("documents", "")),
            }
        )
    for e in p["events"]:
        day = e.get("date") or e.get("when") or ""
        items.append(
            {
                "day": str(day),
                "what": f"event: {e['eventName']}",
                "source": str(e.get("documents", "")),
            }
        )
    for c in p["consultations"]:
        day = c.get("plannedStart") or c.get("when") or ""
        items.append(
            {
                "day": str(day),
                "what": f"consultation ({c.get('statusName', '')}): {c['consultationName']}",
                "source": str(c.get("documents", "")),
            }
        )
    return sorted(items, key=lambda i: (i["day"], i["what"]))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, graph: Graph) -> HTMLResponse:
    return render(request, "documents.html", documents=rows(graph.run("documents")))


@router.get("/documents/{identifier}", response_class=HTMLResponse)
def document_page(request: Request, graph: Graph, identifier: str) -> HTMLResponse:
    docs = {str(d["identifier"]): d for d in rows(graph.run("documents"))}
    if identifier not in docs:
        raise ApiError(
            404,
            "unknown document",
            f"no source document {identifier!r}",
            parameter="identifier",
            suggestions=sorted(docs),
        )
    text = _document_text(graph, identifier)
    passages = _passages(records(graph.run("document-quotes", {"document": identifier})))
    return render(
        request,
        "document.html",
        doc=docs[identifier],
        parts=_parts(text, passages),
        passages=passages,
    )


def _document_text(graph: PublishedGraph, identifier: str) -> str:
    query = load_query_file(graph.settings.queries_dir / "internal" / "document-text.rq")
    result = graph.service.store.query(bind(query, {"document": identifier}, None))
    assert isinstance(result, SelectResult) and result.rows and result.rows[0][0] is not None
    return result.rows[0][0].value


def _passages(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per quoted span, with every statement it supports."""
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    for q in quotes:
        key = (int(q["start"]), int(q["end"]))
        span = spans.setdefault(
            key, {"start": key[0], "end": key[1], "exact": q["exact"], "statements": []}
        )
        statement = {"iri": str(q["statement"]), "kind": q.get("kind"), "label": q.get("label")}
        if statement not in span["statements"]:
            span["statements"].append(statement)
    return [spans[k] for k in sorted(spans)]


def _parts(text: str, passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut at every passage boundary; covered pieces are marked, and the piece
    where a passage starts carries that start as its anchor (q-START)."""
    cuts = sorted({0, len(text)} | {p["start"] for p in passages} | {p["end"] for p in passages})
    parts = []
    for a, b in pairwise(cuts):
        covered = any(p["start"] <= a and b <= p["end"] for p in passages)
        parts.append({"text": text[a:b], "quote": covered, "start": a})
    return parts


@router.get("/query", response_class=HTMLResponse)
def query_index(request: Request, graph: Graph) -> HTMLResponse:
    queries = []
    for name in sorted(graph.service.library):
        header = graph.service.library[name].header
        queries.append(
            {
                "name": name,
                "title": header.title,
                "description": header.description,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required,
                        "description": p.description,
                    }
                    for p in header.params
                ],
            }
        )
    return render(
        request, "query_index.html", queries=queries, example=EXAMPLES[0][1], examples=EXAMPLES
    )


def term_cell(term: Term | Triple | None) -> dict[str, str | None]:
    """A term for a table cell: compact text, and a link to our page for IRIs of ours."""
    if term is None:
        return {"text": "", "href": None}
    if isinstance(term, Triple):
        return {"text": str(term), "href": None}
    value = term.value
    if not isinstance(term, NamedNode):
        return {"text": value, "href": None}
    href = None
    if value.startswith(BASE + "id/"):
        href = "/" + value[len(BASE) :]
    elif value.startswith(BASE + "def"):
        href = "/def#" + value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return {"text": compact(value), "href": href}


@router.get("/query/sparql", response_class=HTMLResponse)
async def sparql_page(
    request: Request, graph: Graph, query: Annotated[str, Query(max_length=100_000)] = ""
) -> HTMLResponse:
    """A user's query answered as /sparql answers it (the same guard, workers, time limit,
    row cap and per-client places: the worker writes SPARQL JSON or N-Triples), shown
    as a table of at most PAGE_ROWS rows. Reading the answer back and rendering the
    table run in a thread, inside the client's place: a page of rows costs tens of
    milliseconds of CPU, which must not stall the event loop that every request
    passes through."""
    context: dict[str, Any] = {"title": "SPARQL results", "sparql": query, "params": {}}
    if not query.strip():
        return render(request, "query_result.html", error="Write a query first.", **context)
    cap = min(PAGE_ROWS, graph.settings.max_rows)
    context["cap"] = cap

    async def answered() -> HTMLResponse:
        answer = await graph.sparql_service.answer_async(query, PAGE_FORMATS, max_rows=cap)
        return await asyncio.to_thread(_result_page, request, answer, context)

    try:
        return await limited(request, answered)  # 429 without a place
    except QueryRefused as refused:
        return render(
            request, "query_result.html", status=refused.status, error=str(refused), **context
        )


def _result_page(request: Request, answer: Answer, context: dict[str, Any]) -> HTMLResponse:
    """The results page of an answer the worker wrote (N-Triples or SPARQL JSON), with
    links to the whole answer from /sparql in the formats of its kind."""
    graph_answer = answer.media.startswith("application/n-triples")
    encoded = quote(context["sparql"])
    formats = (("Turtle", "turtle"), ("N-Triples", "ntriples")) if graph_answer else DOWNLOADS
    context = context | {
        "downloads": [(label, f"/sparql?format={key}&query={encoded}") for label, key in formats]
    }
    if graph_answer:
        triples = parse(answer.body, format=RdfFormat.N_TRIPLES)
        columns = ["subject", "predicate", "object"]
        rows = [
            [term_cell(t.subject), term_cell(t.predicate), term_cell(t.object)] for t in triples
        ]
    else:
        results = parse_query_results(answer.body, format=QueryResultsFormat.JSON)
        if isinstance(results, QueryBoolean):
            columns, rows = ["answer"], [[{"text": "yes" if results else "no", "href": None}]]
        else:
            columns = [v.value for v in results.variables]
            rows = [[term_cell(solution[v]) for v in columns] for solution in results]
    return render(
        request,
        "query_result.html",
        columns=columns,
        rows=rows,
        truncated=answer.truncated,
        **context,
    )


@router.get("/query/{name}", response_class=HTMLResponse)
def canned_page(request: Request, graph: Graph, name: str) -> HTMLResponse:
    if name not in graph.service.library:
        raise ApiError(
            404,
            "unknown query",
            f"no named query {name!r}",
            suggestions=sorted(graph.service.library),
        )
    params = {k: v for k, v in request.query_params.items() if v != ""}
    header = graph.service.library[name].header
    context: dict[str, Any] = {"title": header.title, "params": params}
    try:
        result = graph.run(name, params)
    except ParameterError as error:
        return render(request, "query_result.html", status=400, error=str(error), **context)
    query_string = urlencode(params)
    return render(
        request,
        "query_result.html",
        columns=result.variables,
        rows=[[term_cell(t) for t in row] for row in result.rows],
        truncated=result.truncated,
        downloads=[
            ("CSV", f"/api/queries/{name}.csv?{query_string}"),
            ("JSON", f"/api/queries/{name}?{query_string}"),
        ],
        **context,
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon: answer so browsers do not log a missing file on every page."""
    return Response(status_code=204)


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, graph: Graph) -> HTMLResponse:
    """The interactive network (api/static/network.js over /api/network)."""
    return render(
        request,
        "network.html",
        types=_types(graph),
        vendor_ok=vendor_available(graph.settings.root),
    )


def html_error(
    request: Request, status: int, title: str, detail: str, suggestions: list[str] | None = None
) -> Response:
    return render(
        request,
        "error.html",
        status=status,
        title=title,
        detail=detail,
        suggestions=suggestions or [],
    )
