"""/sparql: a read-only SPARQL 1.1 Protocol endpoint over the published graph.

GET with ``query=``, POST form-encoded (``query=``) or direct (application/sparql-query).
Updates are refused (403); so are SERVICE and FROM / FROM NAMED (403), before any engine
sees the query, and the query workers have no network anyway. Each query has the time
limit of the settings (a request's ``timeout`` may lower it, never raise it) and the
row cap (``X-Nhskg-Truncated: true`` when it cut the result). Without a query, the
endpoint describes itself (SPARQL 1.1 Service Description).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from nhskg.api.errors import ApiError
from nhskg.api.form_decoding import parse_form
from nhskg.api.sparql_formats import NotAcceptable, negotiate
from nhskg.api.state import PublishedGraph
from nhskg.graph.sparql_guard import MAX_QUERY_BYTES, QueryRefused, decode


class DirectRoute(APIRoute):
    """A route documented like any other whose endpoint takes the request itself: no
    dependencies to solve and no parameters to validate, since the endpoint reads
    the SPARQL protocol's parameters on its own (a lookup takes a few milliseconds,
    and FastAPI's machinery was a large part of the server's share)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


router = APIRouter(tags=["sparql"], route_class=DirectRoute)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
MAX_BODY_BYTES = MAX_QUERY_BYTES * 3 + 1024  # a form-encoded query may triple in size


def _description(request: Request) -> str:
    endpoint = str(request.url.replace(query=""))
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    dcterms:title "nhskg: the English NHS partnership knowledge graph" ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat formats:SPARQL_Results_JSON , formats:SPARQL_Results_XML ,
        formats:SPARQL_Results_CSV , formats:SPARQL_Results_TSV ,
        formats:Turtle , formats:N-Triples , formats:JSON-LD ;
    sd:defaultDataset [ a sd:Dataset ;
        dcterms:description "The union of all named graphs: ontology, reference, curated." ] .
"""


async def _read_query(request: Request) -> tuple[str | None, dict[str, str]]:
    """The query text and the other parameters, from GET or either kind of POST."""
    params = parse_form(request.scope["query_string"].decode("latin-1"))
    if request.method == "GET":
        if "update" in params:
            raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
        return params.get("query"), params
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise QueryRefused(f"the request body is longer than {MAX_BODY_BYTES} bytes", status=413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise QueryRefused(
                f"the request body is longer than {MAX_BODY_BYTES} bytes", status=413
            )
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == UPDATE_TYPE:
        raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
    if media == QUERY_TYPE:
        return decode(body), params
    if media == FORM_TYPE:
        try:
            form = parse_form(decode(body), errors="strict")
        except UnicodeDecodeError:
            raise QueryRefused("the form is not valid UTF-8") from None
        if "update" in form:
            raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
        params.update({k: v for k, v in form.items() if k != "query"})
        return form.get("query"), params
    raise ApiError(
        415,
        "unsupported media type",
        f"POST a query as {FORM_TYPE} or {QUERY_TYPE}, not {media or 'nothing'}",
    )


def _timeout(params: dict[str, str]) -> float | None:
    raw = params.get("timeout")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(
            400, "bad parameter", "timeout must be a number of seconds", parameter="timeout"
        ) from None
    if not value > 0:
        raise ApiError(400, "bad parameter", "timeout must be more than 0", parameter="timeout")
    return value


async def sparql(request: Request) -> Response:
    """Run a read-only SPARQL query (``query``); optional ``format`` (json, xml, csv, tsv,
    turtle, ntriples, jsonld) and ``timeout`` (seconds, at most the server's limit)."""
    graph: PublishedGraph = request.app.state.graph
    text, params = await _read_query(request)
    if text is None:
        return Response(_description(request), media_type="text/turtle")
    timeout = _timeout(params)
    formats = negotiate(request.headers.get("accept", ""), params.get("format"))
    try:
        # Awaited on the event loop: the reply comes from the worker without a thread here.
        answer = await graph.sparql_service.answer_async(text, formats, timeout_s=timeout)
    except NotAcceptable as error:
        raise ApiError(406, "not acceptable", str(error), parameter="format") from None
    headers = {}
    if answer.truncated:
        headers["X-Nhskg-Truncated"] = "true"
        headers["X-Nhskg-Row-Cap"] = str(graph.settings.max_rows)
    return Response(answer.body, media_type=answer.media, headers=headers)


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            media: {}
            for media in (
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
                "text/turtle",
                "application/n-triples",
                "application/ld+json",
            )
        }
    }
}
for _method in ("GET", "POST"):
    router.add_api_route(
        "/sparql",
        sparql,
        methods=[_method],
        operation_id=f"sparql_{_method.lower()}",
        summary=f"SPARQL 1.1 query endpoint, {_method} (read-only)",
        responses=RESPONSES,
    )
