"""One error shape for every error the API returns, and never a traceback.

Every error is ``{"error": {"status": 404, "title": "...", "detail": "...", ...}}``
with optional ``parameter`` (which request parameter was wrong) and ``suggestions``
(close matches for an unknown organisation).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from nhskg.api.sparql_formats import wants_table as asks_for_table
from nhskg.graph.network.analysis import NetworkError, NotInNetwork
from nhskg.graph.publish import NoPublishedGraph
from nhskg.graph.query.named_queries import ParameterError
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.sparql_guard import QueryRefused

log = logging.getLogger("nhskg.api")


class ApiError(Exception):
    """An error to answer with, in the one error shape."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        parameter: str | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.parameter = parameter
        self.suggestions = suggestions


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MACHINE_PREFIXES = ("/api", "/sparql", "/openapi", "/docs", "/id/", "/def", "/context")


def wants_html(request: Request | None) -> bool:
    """A page request from a browser (not the API, the endpoint or linked data)."""
    if request is None or request.url.path.startswith(MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(
    status: int, title: str, detail: str, request: Request | None = None, **extra: Any
) -> Response:
    """The one error shape as JSON, or as a page for a browser's page request."""
    if request is not None and wants_html(request):
        from nhskg.api.routers.pages import html_error

        return html_error(request, status, title, detail, extra.get("suggestions"))
    body: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    table = wants_table(request)
    if table is not None:
        return Response(
            table_error(body, table),
            status_code=status,
            media_type=("text/csv" if table == "csv" else "text/tab-separated-values")
            + "; charset=utf-8",
        )
    return JSONResponse({"error": body}, status_code=status)


def wants_table(request: Request | None) -> str | None:
    """``csv`` or ``tsv`` when the request asks for CSV or TSV first (``format=``, a
    ``.csv`` name or the Accept header), so that its error is a table a CSV reader shows."""
    if request is None:
        return None
    if request.url.path.endswith(".csv"):
        return "csv"
    return asks_for_table(request.headers.get("accept", ""), request.query_params.get("format"))


def table_error(body: dict[str, Any], table: str) -> str:
    """The error as a one-row table of its fields (status, title, detail, ...)."""
    names = list(body)
    values = ["; ".join(v) if isinstance(v, list) else str(v) for v in body.values()]
    if table == "tsv":
        clean = [v.replace("\t", " ").replace("\n", " ").replace("\r", " ") for v in values]
        return (
            "\t".join("?" + n for n in names)
            + "\n"
            + "\t".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in clean)
            + "\n"
        )

    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    return ",".join(names) + "\r\n" + ",".join(field(v) for v in values) + "\r\n"


def allowed_methods(request: Request, known: str = "") -> str:
    """The methods some route takes at the request's path (an ``Allow`` header's value),
    asking each route whether it would take the request by each method: the router's
    own 405 names only the first route that matched the path. A mount (static files)
    says for itself (``known``)."""
    methods = {m.strip().upper() for m in known.split(",") if m.strip()}
    for method in METHODS:
        probe = {**request.scope, "method": method}
        if any(
            not isinstance(route, Mount) and route.matches(probe)[0] is Match.FULL
            for route in request.app.router.routes
        ):
            methods.add(method)
    if "GET" in methods:  # HEAD is answered wherever GET is (nhskg.api.http_semantics)
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _parameter_of(message: str) -> str | None:
    if message.startswith("parameter '"):
        return message.split("'", 2)[1]
    return None


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_response(
            exc.status,
            exc.title,
            exc.detail,
            request,
            parameter=exc.parameter,
            suggestions=exc.suggestions,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "not found", 405: "method not allowed"}
        headers = dict(exc.headers or {})
        detail = str(exc.detail)
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request, headers.get("Allow", ""))
            detail = f"{request.method} is not allowed here; allowed: {headers['Allow']}"
        response = error_response(
            exc.status_code, titles.get(exc.status_code, "error"), detail, request
        )
        response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        name = ".".join(location) or None
        return error_response(
            400,
            "bad parameter",
            f"parameter '{name}': {first.get('msg', 'invalid')}",
            request,
            parameter=name,
        )

    @app.exception_handler(ParameterError)
    async def bad_parameter(request: Request, exc: ParameterError) -> Response:
        return error_response(
            400, "bad parameter", str(exc), request, parameter=_parameter_of(str(exc))
        )

    @app.exception_handler(QueryRefused)
    async def refused(request: Request, exc: QueryRefused) -> Response:
        return error_response(exc.status, "query refused", str(exc), request)

    @app.exception_handler(QueryTimeout)
    async def timeout(request: Request, exc: QueryTimeout) -> Response:
        return error_response(503, "query time limit", str(exc), request)

    @app.exception_handler(QueryFailed)
    async def failed(request: Request, exc: QueryFailed) -> Response:
        if str(exc).startswith("SyntaxError"):
            return error_response(400, "query syntax error", str(exc), request)
        return error_response(503, "query failed", str(exc), request)

    @app.exception_handler(NotInNetwork)
    async def not_in_network(request: Request, exc: NotInNetwork) -> Response:
        return error_response(404, "not in this network view", str(exc), request)

    @app.exception_handler(NetworkError)
    async def network_error(request: Request, exc: NetworkError) -> Response:
        return error_response(400, "bad network request", str(exc), request)

    @app.exception_handler(NoPublishedGraph)
    async def no_graph(request: Request, exc: NoPublishedGraph) -> Response:
        return error_response(503, "no published graph", str(exc), request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(
            500, "internal error", f"{type(exc).__name__}; see the server log", request
        )
