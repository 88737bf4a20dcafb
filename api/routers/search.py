"""/api/search and the /search page: one search across organisations (names, former
names, aliases, codes), the documents' text, people and sites (:mod:`nhskg.api.search`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from nhskg.api import search as finder
from nhskg.api.deps import Graph
from nhskg.api.errors import ApiError
from nhskg.api.limits import TEXT_MAX
from nhskg.api.routers import organisations as org_api
from nhskg.api.routers.pages import pager, render
from nhskg.api.state import PublishedGraph

router = APIRouter(tags=["search"])
Kind = Literal["organisations", "passages", "people", "sites"]
Text = Annotated[
    str,
    Query(
        min_length=2,
        max_length=TEXT_MAX,
        description="words to find (at least 2 characters): in order, any case",
    ),
]
KindParam = Annotated[Kind | None, Query(description="only this kind of result, paged")]
Limit = Annotated[int, Query(ge=1, le=200, description="results of each kind")]
Offset = Annotated[int, Query(ge=0, description="with kind: the first result to give")]
SEARCH_PAGE_SIZE = 50
SEARCH_PREVIEW = 10


def matched_name(
    graph: PublishedGraph, iri: str, shown: str, q: str, fuzzy: str | None
) -> str | None:
    """The name a search found an organisation by, when it is not the name shown: one of
    its names that says the words, else the closest name the forgiving match found."""
    words = finder.pattern(q)
    if words.search(shown):
        return None
    saying = [n for n in graph.index.names_of(iri) if words.search(n)]
    return min(saying, key=len) if saying else fuzzy


def says(graph: PublishedGraph, iri: str, q: str) -> bool:
    """Whether one of the organisation's names or codes says the words (else it is a
    close match: a small typo, or most of the words)."""
    words = finder.pattern(q)
    return any(
        words.search(n) for n in [*graph.index.names_of(iri), graph.index.code_of.get(iri, "")]
    )


def found(
    graph: PublishedGraph, q: str, kind: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Results of each kind (or of ``kind`` only), ``limit`` of each from ``offset``, and
    how many of each there are."""
    index = finder.index_of(graph)
    orgs = org_api.search(graph, q=q, limit=limit, offset=offset if kind else 0)
    every: dict[str, list[dict[str, Any]]] = {
        "passages": finder.passages(index, q),
        "people": finder.people(index, q),
        "sites": finder.sites(index, q),
    }
    counts = {"organisations": orgs["total"], **{k: len(v) for k, v in every.items()}}
    start = offset if kind else 0
    results: dict[str, list[Any]] = {
        "organisations": [
            {
                **item.model_dump(),
                "matchedName": matched_name(graph, item.iri, item.name, q, item.matchedName),
                "saysTheWords": says(graph, item.iri, q),
                "href": f"/organisations/{item.code}",
            }
            for item in orgs["items"]
        ],
        **{k: v[start : start + limit] for k, v in every.items()},
    }
    if kind:
        results = {kind: results[kind]}
    return {
        "q": q,
        "kind": kind,
        "limit": limit,
        "offset": start,
        "counts": counts,
        "results": results,
    }


@router.get("/api/search", summary="Search everything")
def search_api(
    graph: Graph, q: Text, kind: KindParam = None, limit: Limit = 10, offset: Offset = 0
) -> dict[str, Any]:
    """Organisations by name, former name, alias or code (forgiving of small typos, best
    first; ``saysTheWords`` false for a close match that none of its names says); places
    in the documents' text that say the words (``passages``: the words around them, and
    a link to the quoted passage on the document's page when a statement quotes it,
    ``quoted``); people by name, post or organisation; sites by any
    of their names. ``counts`` says how many of each kind there are; ``kind`` asks for
    one kind only, paged with ``limit`` and ``offset``."""
    words = " ".join(q.split())
    if len(words) < 2:
        raise ApiError(
            400, "too short", "q needs at least 2 characters besides spaces", parameter="q"
        )
    return found(graph, words, kind, limit, offset)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    graph: Graph,
    q: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    kind: KindParam = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """The search page: a few of each kind with a link to all of them, or one kind paged."""
    text = " ".join(q.split())
    if len(text) < 2:
        return render(request, "search.html", q=q, kind=kind, answer=None, pager=None)
    limit = SEARCH_PAGE_SIZE if kind else SEARCH_PREVIEW
    answer = found(graph, text, kind, limit, offset)
    pages = None
    if kind:
        pages = pager(
            answer["counts"][kind], limit, offset, {"q": text, "kind": kind}, path="/search"
        )
    return render(request, "search.html", q=text, kind=kind, answer=answer, pager=pages)
