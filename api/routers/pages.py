"""Server-rendered pages for people: home, organisations, partnerships, documents (the
query pages are in :mod:`nhskg.api.routers.query_pages`).

Jinja2 with autoescaping: everything that comes from data is escaped. The pages use
the same functions as the JSON API, so both always say the same thing.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pyoxigraph import (
    NamedNode,
    Triple,
)

from nhskg.api.deps import Graph, published, rows
from nhskg.api.errors import ApiError
from nhskg.api.page_columns import cell, headed, header
from nhskg.api.page_evidence import (
    MEMBER_KINDS,
    is_body,
    members_work,
    organisation_types,
    page_evidence,
    split_members,
    stated_groups,
    statement_organisations,
)
from nhskg.api.published_candidates import candidate_counts
from nhskg.api.routers import organisations as org_api
from nhskg.api.routers import partnerships as partnership_api
from nhskg.api.state import PublishedGraph
from nhskg.api.static_files import vendor_available
from nhskg.graph.mint import local_page
from nhskg.graph.namespaces import compact
from nhskg.graph.network.area import areas
from nhskg.graph.query.named_queries import bind, load_query_file
from nhskg.graph.query.page_evidence_answers import PAGE_STATEMENTS
from nhskg.graph.query.results import records
from nhskg.graph.query.store import SelectResult, Term

router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.filters["header"] = header
TEMPLATES.env.filters["headed"] = headed
TEMPLATES.env.filters["cell"] = cell
TEMPLATES.env.filters["local"] = local_page


def compile_templates() -> None:
    """Compile every page template now (a server's start), not in its first requests,
    each of which would otherwise compile the templates it renders while others wait."""
    for name in TEMPLATES.env.list_templates(extensions=["html"]):
        TEMPLATES.env.get_template(name)


COUNTED = {
    "https://w3id.org/nhskg/def#NHSTrust": "NHS trusts",
    "https://w3id.org/nhskg/def#ClinicalCommissioningGroup": "clinical commissioning groups",
    "https://w3id.org/nhskg/def#SustainabilityAndTransformationPartnership": "STPs",
    "https://w3id.org/nhskg/def#IntegratedCareBoard": "integrated care boards",
    "http://www.w3.org/ns/org#Membership": "memberships",
    "http://www.w3.org/ns/org#ChangeEvent": "mergers, successions and transfers",
    "https://w3id.org/nhskg/def#Statement": "statements, each with its evidence",
}


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


PAGE_SIZES = (25, 50, 100, 200)
BROWSE_PARAMS = ("q", "type", "region", "partnership", "open_from", "open_until")
Key = Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$|^$")]


def _day(text: str | None, name: str) -> date | None:
    """A date from a form field (empty: none); a 400 naming the field when it is not one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400, "bad date", f"{name} must be a date, YYYY-MM-DD: got {text!r}", parameter=name
        ) from None


def browse_url(chosen: dict[str, Any], *, path: str = "/organisations", **changes: Any) -> str:
    """``path`` with the chosen filters, changed by ``changes`` (None drops one)."""
    params = {**chosen, **changes}
    kept = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return path + ("?" + urlencode(kept) if kept else "")


def pager(
    total: int, limit: int, offset: int, chosen: dict[str, Any], *, path: str = "/organisations"
) -> dict[str, Any]:
    """Links to the previous and next pages and to the first, last and nearby pages."""
    pages = max(1, -(-total // limit))
    current = min(offset // limit, pages - 1)
    near = sorted({0, pages - 1, *range(max(0, current - 2), min(pages, current + 3))})
    link = lambda n: browse_url(chosen, path=path, offset=n * limit)  # noqa: E731
    numbers: list[dict[str, Any]] = []
    for before, n in zip([None, *near], near, strict=False):
        if before is not None and n - before > 1:
            numbers.append({"gap": True})
        numbers.append({"number": n + 1, "href": link(n), "current": n == current})
    return {
        "pages": pages,
        "current": current + 1,
        "first": offset + 1 if total else 0,
        "last": min(offset + limit, total),
        "previous": link(current - 1) if current > 0 else None,
        "next": link(current + 1) if current < pages - 1 else None,
        "numbers": numbers if pages > 1 else [],
    }


@router.get("/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request,
    graph: Graph,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]*$|^$")] = None,
    region: Key = None,
    partnership: Key = None,
    open_from: Annotated[str | None, Query(max_length=10)] = None,
    open_until: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Organisations, a page at a time, narrowed by search text and facets kept in the
    address (the same parameters as /api/organisations)."""

    def found_from(start: int) -> dict[str, Any]:
        return org_api.search(
            graph,
            q=q or None,
            type=type or None,
            as_of=None,
            region=region or None,
            partnership=partnership or None,
            open_from=_day(open_from, "open_from"),
            open_until=_day(open_until, "open_until"),
            limit=limit,
            offset=start,
        )

    found = found_from(offset)
    if found["total"] and offset >= found["total"]:  # past the end: the last page
        offset = (found["total"] - 1) // limit * limit
        found = found_from(offset)
    chosen = {
        "q": q,
        "type": type,
        "region": region,
        "partnership": partnership,
        "open_from": open_from,
        "open_until": open_until,
        "limit": limit if limit != 50 else None,
    }
    facets = found["facets"]
    labels = {f: {v["key"]: v["label"] for v in facets[f]} for f in facets}
    labels["type"] = {**dict(_types(graph)), **labels["type"]}
    active = [
        {
            "label": f"{name}: {labels.get(name, {}).get(chosen[name], chosen[name])}",
            "remove": browse_url({**chosen, name: None}),
        }
        for name in BROWSE_PARAMS
        if chosen[name]
    ]
    return render(
        request,
        "organisations.html",
        chosen=chosen,
        limit=limit,
        page_sizes=PAGE_SIZES,
        types=_types(graph),
        facets=facets,
        active=active,
        items=found["items"],
        total=found["total"],
        pager=pager(found["total"], limit, offset, chosen),
        api_url="/api" + browse_url({**chosen, "limit": limit, "offset": offset or None}),
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
    org["placements"] = rows(graph.run("placements", {"organisation": org["code"]}))
    partners = org_api.partners(graph, org["code"], as_of, evidenced_only)["rows"]
    types = organisation_types(graph)
    for p in partners:
        p["relation"] = _one_relation(str(p.get("relation", "")))
        p["statementList"] = [s for s in str(p.get("statements", "")).split(", ") if s]
    evidence = page_evidence(
        graph,
        [
            *((org[key], column) for key, column in ORGANISATION_STATEMENTS),
            *(([{"s": s} for s in p["statementList"]], "s") for p in partners),
        ],
        organisation=org["iri"],
    )
    for p in partners:
        p["evidence"] = [e for s in p["statementList"] for e in evidence.get(s, [])]
    quotes = rows(graph.run("evidence", {"organisation": org["code"]}))
    titles = graph.derived("documents-by-identifier", _documents_by_identifier)
    return render(
        request,
        "organisation.html",
        org=org,
        partners=[p for p in partners if not is_body(types.get(str(p["partner"]), set()))],
        bodies=[p for p in partners if is_body(types.get(str(p["partner"]), set()))],
        partnership=_partnership_of(graph, org["code"]),
        datasets=graph.derived("dataset-titles", _dataset_titles),
        evidence=evidence,
        quotes=[
            q | {"document": titles[str(q["source"])]}
            for q in quotes
            if str(q.get("source")) in titles
        ],
        as_of=as_of.isoformat() if as_of else None,
        evidenced_only=evidenced_only,
    )


# The tables of an organisation's page that list statements, as the build publishes their
# evidence (page_evidence_answers.PAGE_STATEMENTS: one list, so the page and the build
# cannot drift apart): the lookup's key of each (organisations.organisation names a few
# otherwise than their query), and the column holding each row's statement.
LOOKUP_KEYS = {
    "funding-gaps": "fundingGaps",
    "merger-proposals": "mergerProposals",
    "history": "changes",
    "document-names": "documentNames",
}
ORGANISATION_STATEMENTS = tuple(
    (LOOKUP_KEYS.get(name, name), column) for name, column in PAGE_STATEMENTS if name != "partners"
)


def _one_relation(relation: str) -> str:
    """A relationship said once when both sides play the same part ("party / party")."""
    sides = relation.split(" / ")
    return sides[0] if len(sides) == 2 and sides[0] == sides[1] else relation


def _partnership_of(graph: PublishedGraph, code: str) -> str | None:
    """The code of the partnership page an organisation is (one with members), if any."""
    return code if code in graph.derived("partnership-codes", _partnership_codes) else None


# Read from the build's listings once a build (PublishedGraph.derived), not on every page.
def _partnership_codes(graph: PublishedGraph) -> frozenset[str]:
    return frozenset(str(r["code"]) for r in rows(graph.run("partnerships")))


def _documents_by_identifier(graph: PublishedGraph) -> dict[str, dict[str, Any]]:
    return {str(d["identifier"]): d for d in rows(graph.run("documents"))}


def _dataset_titles(graph: PublishedGraph) -> dict[str, str]:
    return {str(d["id"]): str(d["title"]) for d in rows(graph.run("datasets"))}


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
    work = members_work(graph, p["members"], p)
    evidence = page_evidence(
        graph,
        [
            (p["members"], "membership"),
            *((p[key], column) for key, column in PARTNERSHIP_STATEMENTS),
            *((work[key], column) for key, _query, _param, column in MEMBER_KINDS),
        ],
    )
    partners, bodies = split_members(graph, p["members"])
    return render(
        request,
        "partnership.html",
        p=p,
        partners=partners,
        bodies=bodies,
        groups=stated_groups(p["members"]),
        work=work,
        evidence=evidence,
        timeline=_timeline(p, evidence),
        as_of=as_of.isoformat() if as_of else None,
        evidenced_only=evidenced_only,
    )


# The tables of a partnership's page that list statements: its key, and the column
# holding each row's statement (whose evidence the row shows).
PARTNERSHIP_STATEMENTS = (
    ("coordination", "coordination"),
    ("workstreams", "workstream"),
    ("consultations", "consultation"),
    ("events", "event"),
    ("risks", "risk"),
    ("milestones", "milestone"),
    ("funding", "funding"),
    ("fundingGaps", "gap"),
    ("decisions", "decision"),
    ("contracts", "contract"),
    ("activities", "activity"),
    ("principles", "principle"),
    ("submissions", "submission"),
    ("services", "provision"),
    ("jointWorking", "working"),
    ("leadership", "leadership"),
    ("classifications", "classification"),
)


def _timeline(p: dict[str, Any], evidence: dict[str, list[dict[str, Any]]]) -> list[dict[str, str]]:
    """Dated things of a partnership, in order: memberships, events, consultations, each
    with the titles of the documents and datasets that evidence it."""

    def sources(statement: Any) -> str:
        titles = dict.fromkeys(e["title"] for e in evidence.get(str(statement), []) if e["title"])
        return "; ".join(titles)

    items = []
    for m in p["members"]:
        items.append(
            {
                "day": str(m.get("from", "")),
                "what": f"{m['name']}: {m['role']} ({m['basis']})",
                "source": sources(m.get("membership")),
            }
        )
    for e in p["events"]:
        day = e.get("date") or e.get("when") or ""
        items.append(
            {
                "day": str(day),
                "what": f"event: {e['eventName']}",
                "source": sources(e.get("event")),
            }
        )
    for c in p["consultations"]:
        day = c.get("plannedStart") or c.get("when") or ""
        items.append(
            {
                "day": str(day),
                "what": f"consultation ({c.get('statusName', '')}): {c['consultationName']}",
                "source": sources(c.get("consultation")),
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
    organisations = statement_organisations(
        graph, [s["iri"] for q in passages for s in q["statements"]]
    )
    for q in passages:
        for s in q["statements"]:
            s["href"] = local_page(s["iri"])
            # a statement of a kind the ontology does not label (a membership) is named
            # by the kind its IRI is minted under
            s["kind"] = s["kind"] or s["iri"].split("/id/", 1)[-1].split("/", 1)[0]
            s["organisations"] = organisations.get(s["iri"], [])
    return render(
        request,
        "document.html",
        doc=docs[identifier],
        parts=_parts(text, passages),
        passages=passages,
        candidates=candidate_counts(graph).get(identifier, 0),
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


def term_cell(term: Term | Triple | None) -> dict[str, str | None]:
    """A term for a table cell: compact text, and a link to our page for IRIs of ours."""
    if term is None:
        return {"text": "", "href": None}
    if isinstance(term, Triple):
        return {"text": str(term), "href": None}
    value = term.value
    if not isinstance(term, NamedNode):
        return {"text": value, "href": None}
    return {"text": compact(value), "href": local_page(value)}


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
