"""What every route needs: the published graph, and organisations resolved from text."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from nhskg.api.errors import ApiError
from nhskg.api.state import GRAPH_KEY, PublishedGraph
from nhskg.graph.query.results import records
from nhskg.graph.query.store import SelectResult

AsOf = Annotated[date | None, Query(description="only ties known to hold on this day")]
EvidencedOnly = Annotated[
    bool,
    Query(
        description="with as_of: only ties a document evidences on the day, leaving out "
        "those presumed to continue after their last evidence"
    ),
]


def on_the_day(as_of: date | None, evidenced_only: bool) -> dict[str, str | None]:
    """The named-query parameters of a day: ``as_of``, and ``evidenced_only`` when asked."""
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "evidenced_only": "true" if evidenced_only else None,
    }


def published(request: Request) -> PublishedGraph:
    """The build this request is served from, taken once when it arrived
    (:class:`nhskg.api.state.GenerationMiddleware`): the same build from start to end,
    even when a new one is published meanwhile."""
    graph: PublishedGraph = request.scope[GRAPH_KEY]
    return graph


async def request_graph(request: Request) -> PublishedGraph:
    """:func:`published` as a route's dependency: a coroutine, so FastAPI calls it on the
    event loop rather than handing it to a worker thread (a thread hand-off less on every
    request; it only reads the request's scope)."""
    return published(request)


Graph = Annotated[PublishedGraph, Depends(request_graph)]


def resolve_org(graph: PublishedGraph, text: str, parameter: str) -> str:
    """The IRI of the one organisation ``text`` names (code, key, name or alias)."""
    found = graph.index.candidates(text)
    if len(found) == 1:
        return next(iter(found))
    if found:
        options = [graph.index.describe(i) for i in sorted(found)]
        raise ApiError(
            400,
            "ambiguous organisation",
            f"{text!r} names several organisations",
            parameter=parameter,
            suggestions=options,
        )
    raise ApiError(
        404,
        "unknown organisation",
        f"no organisation has the code or name {text!r}",
        parameter=parameter,
        suggestions=graph.index.suggestions(text),
    )


def code_of(graph: PublishedGraph, iri: str) -> str:
    return graph.index.code_of.get(iri, iri.rsplit("/", 1)[-1])


def rows(result: SelectResult, *, drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Records with empty values and the named columns left out."""
    return [
        {k: v for k, v in row.items() if v not in (None, "") and k not in drop}
        for row in records(result)
    ]
