"""The query pages: the named queries grouped by task (/query), one named query's form
and answer (/query/NAME), and the SPARQL editor with its examples and answer
(/query/sparql).

Every page is a GET whose address holds all it was asked (shareable); an answer is
shown under the form or editor that asked it, filled in and editable; results are a
table (cards on a phone) with a timeline when they have dates, or bars when they are
counts (:mod:`nhskg.api.result_chart`). The editor is CodeMirror 5 with its SPARQL mode, from
npm, served under /vendor/codemirror (:mod:`nhskg.api.static_files`); without it the
editor is a plain text box that works the same.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pyoxigraph import QueryBoolean, QueryResultsFormat, RdfFormat, parse, parse_query_results

from nhskg.api.client_limits import limited
from nhskg.api.deps import Graph
from nhskg.api.query_forms import choices, form_of, grouped
from nhskg.api.result_chart import bar_chart, timeline
from nhskg.api.routers.pages import render, term_cell
from nhskg.api.state import PublishedGraph
from nhskg.api.static_files import codemirror_available
from nhskg.graph.namespaces import BASE
from nhskg.graph.query.named_queries import GROUPS, ParameterError, QueryFile, load_query_files
from nhskg.graph.query.query_answer import Answer, Formats
from nhskg.graph.query.sparql_guard import QueryRefused

router = APIRouter(include_in_schema=False)
HEADER_LINE = re.compile(r"^# (title|group|description):")
# The SPARQL page shows at most this many rows (its downloads go to /sparql, whose cap
# is NHSKG_MAX_ROWS); the worker writes them, so a page costs the server no more than
# reading them back and rendering the table.
PAGE_ROWS = 500
PAGE_FORMATS = Formats("json", "ntriples")
DOWNLOADS = (("CSV", "csv"), ("JSON", "json"))
# What the editor holds before anything is asked: the prefixes the graph uses, and a
# first question.
PREFIXES = (
    "PREFIX org: <http://www.w3.org/ns/org#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX nhskg: <https://w3id.org/nhskg/def#>\n"
    "PREFIX id: <https://w3id.org/nhskg/id/>\n"
)
STARTER = (
    PREFIXES + "\n# Partnerships and how many members each has\n"
    "SELECT ?partnership ?name ?members WHERE {\n"
    "  ?partnership nhskg:memberCount ?members ; rdfs:label ?name .\n"
    "} ORDER BY DESC(?members)\n"
)


def cell(term: Any) -> dict[str, str | None]:
    """A term for the answer table: as :func:`term_cell`, but one of our resources shows
    the short path of its IRI (``org/QHG``) rather than the whole IRI."""
    shown = term_cell(term)
    ours = BASE + "id/"
    if shown["href"] and shown["text"] and shown["text"].startswith(ours):
        shown = {"text": shown["text"][len(ours) :], "href": shown["href"]}
    return shown


def example_text(query: QueryFile) -> str:
    """An example as the editor shows it: its title as a comment, then the query (its
    header of title, group and description lines left out)."""
    lines = query.text.splitlines()
    body = [line for line in lines if not HEADER_LINE.match(line)]
    return f"# {query.header.title}\n" + "\n".join(body).lstrip("\n") + "\n"


def examples_dir(graph: PublishedGraph) -> Path:
    return graph.settings.queries_dir / "examples"


def sparql_examples(folder: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """The editor's examples (``queries/examples/*.rq``) by group, in task order: each
    with its title, description and the text the editor gets."""
    found = load_query_files(folder) if folder.is_dir() else []
    return [
        (
            group,
            [
                {
                    "title": q.header.title,
                    "description": q.header.description,
                    "text": example_text(q),
                }
                for q in found
                if q.header.group == group
            ],
        )
        for group in GROUPS
        if any(q.header.group == group for q in found)
    ]


@router.get("/query", response_class=HTMLResponse)
def query_index(request: Request, graph: Graph) -> HTMLResponse:
    groups = grouped(graph.service.library)
    forms = [f for _, fs in groups for f in fs]
    return render(request, "query_index.html", groups=groups, **choices(graph, forms))


@router.get("/query/sparql", response_class=HTMLResponse)
async def sparql_page(
    request: Request, graph: Graph, query: Annotated[str, Query(max_length=100_000)] = ""
) -> HTMLResponse:
    """The SPARQL editor, and the answer to what it holds, as /sparql answers it (the same
    guard, workers, time limit, row cap and per-client places: the worker writes SPARQL
    JSON or N-Triples), shown as a table of at most PAGE_ROWS rows. Reading the answer
    back and rendering the table run in a thread, inside the client's place: a page of
    rows costs tens of milliseconds of CPU, which must not stall the event loop that
    every request passes through."""
    context: dict[str, Any] = {
        "title": "SPARQL results" if query.strip() else "SPARQL editor",
        "sparql": query if query.strip() else STARTER,
        "asked": bool(query.strip()),
        "examples": sparql_examples(examples_dir(graph)),
        "editor": codemirror_available(graph.settings.root),
    }
    if not query.strip():
        return render(request, "query_sparql.html", **context)
    cap = min(PAGE_ROWS, graph.settings.max_rows)
    context["cap"] = cap

    async def answered() -> HTMLResponse:
        answer = await graph.sparql_service.answer_async(query, PAGE_FORMATS, max_rows=cap)
        return await asyncio.to_thread(_result_page, request, answer, context)

    try:
        return await limited(request, answered)  # 429 without a place
    except QueryRefused as refused:
        return render(
            request, "query_sparql.html", status=refused.status, error=str(refused), **context
        )


def _result_page(request: Request, answer: Answer, context: dict[str, Any]) -> HTMLResponse:
    """The editor page with an answer the worker wrote (N-Triples or SPARQL JSON), with
    links to the whole answer from /sparql in the formats of its kind."""
    graph_answer = answer.media.startswith("application/n-triples")
    encoded = quote(context["sparql"])
    formats = (("Turtle", "turtle"), ("N-Triples", "ntriples")) if graph_answer else DOWNLOADS
    context = context | {
        "downloads": [(label, f"/sparql?format={key}&query={encoded}") for label, key in formats]
    }
    terms: list[Sequence[Any]]
    if graph_answer:
        columns = ["subject", "predicate", "object"]
        terms = [
            (t.subject, t.predicate, t.object)
            for t in parse(answer.body, format=RdfFormat.N_TRIPLES)
        ]
    else:
        results = parse_query_results(answer.body, format=QueryResultsFormat.JSON)
        if isinstance(results, QueryBoolean):
            return render(
                request,
                "query_sparql.html",
                columns=["answer"],
                rows=[[{"text": "yes" if results else "no", "href": None}]],
                **context,
            )
        columns = [v.value for v in results.variables]
        terms = [[solution[v] for v in columns] for solution in results]
    return render(
        request,
        "query_sparql.html",
        columns=columns,
        rows=[[cell(t) for t in row] for row in terms],
        chart=timeline(columns, terms),
        bars=bar_chart(columns, terms),
        truncated=answer.truncated,
        **context,
    )


@router.get("/query/{name}", response_class=HTMLResponse)
def canned_page(request: Request, graph: Graph, name: str) -> HTMLResponse:
    """A named query's form, filled in with what the address asks, and its answer under
    it; with nothing asked, a query that needs a parameter shows its form alone."""
    query = graph.named_query(name)
    form = form_of(query)
    params = {k: v for k, v in request.query_params.items() if v != ""}
    context: dict[str, Any] = {
        "title": query.header.title,
        "form": form,
        "values": params,
        **choices(graph, [form]),
    }
    if not params and any(p.required for p in query.header.params):
        return render(request, "query_result.html", **context)
    try:
        result = graph.run(name, params)
    except ParameterError as error:
        return render(request, "query_result.html", status=400, error=str(error), **context)
    query_string = urlencode(params)
    return render(
        request,
        "query_result.html",
        columns=result.variables,
        rows=[[cell(t) for t in row] for row in result.rows],
        chart=timeline(result.variables, result.rows),
        bars=bar_chart(result.variables, result.rows),
        truncated=result.truncated,
        downloads=[
            ("CSV", f"/api/queries/{name}.csv?{query_string}"),
            ("JSON", f"/api/queries/{name}?{query_string}"),
        ],
        **context,
    )
