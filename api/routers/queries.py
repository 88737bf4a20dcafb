"""/api/queries: the named query library, like Datasette's canned queries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from nhskg.api.deps import Graph, rows
from nhskg.api.errors import ApiError
from nhskg.api.limits import KEY_MAX
from nhskg.api.models import QueryInfo, QueryParam, QueryResult
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.results import to_csv

router = APIRouter(prefix="/api/queries", tags=["queries"])


def _info(graph: PublishedGraph, name: str) -> QueryInfo:
    query = graph.service.query_file(name)
    return QueryInfo(
        name=name,
        title=query.header.title,
        description=query.header.description,
        params=[
            QueryParam(
                name=p.name,
                type=p.type,
                required=p.required,
                description=p.description,
                pattern=p.pattern.pattern if p.pattern else None,
            )
            for p in query.header.params
        ],
        url=f"/api/queries/{name}",
    )


@router.get("", response_model=list[QueryInfo], summary="The named queries")
def library(graph: Graph) -> list[QueryInfo]:
    """Every named query with its title, description and parameters."""
    return [_info(graph, name) for name in sorted(graph.service.library)]


@router.get(
    "/{name}",
    response_model=QueryResult,
    summary="Run a named query",
    responses={200: {"content": {"text/csv": {}}}},
)
def run(graph: Graph, name: Annotated[str, Path(max_length=KEY_MAX)], request: Request) -> Any:
    """Run a named query; parameters are query-string fields (``?organisation=RC1``).
    Add ``.csv`` to the name (or ``format=csv``) for CSV, ``.json`` for JSON."""
    fmt = "json"
    for suffix in (".csv", ".json"):
        if name.endswith(suffix):
            name, fmt = name[: -len(suffix)], suffix[1:]
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    fmt = request.query_params.get("format", fmt)
    if fmt not in ("json", "csv"):
        raise ApiError(400, "bad parameter", "format must be json or csv", parameter="format")
    graph.named_query(name)
    result = graph.run(name, params)
    if fmt == "csv":
        return Response(to_csv(result), media_type="text/csv; charset=utf-8")
    return {
        "query": name,
        "params": params,
        "columns": result.variables,
        "rows": rows(result),
        "truncated": result.truncated,
        "published": result.published,
    }
