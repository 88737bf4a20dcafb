"""/sparql: a read-only SPARQL 1.1 Protocol endpoint over the published graph.

GET with ``query=``, POST form-encoded (``query=``) or direct (application/sparql-query).
Updates are refused (403); so are SERVICE, and FROM / FROM NAMED or the protocol's
default-graph-uri / named-graph-uri naming a graph the store does not hold (403), before
any engine sees the query, and the query workers have no network anyway. Dataset clauses
and parameters that name the store's own graphs are honoured (the parameters replace the
clauses); without either, the default graph is the union of the named graphs. Each query
has the time limit of the settings (a request's ``timeout`` may lower it, never raise
it, and one below the settings' floor is raised to it; ``X-Nhskg-Timeout`` says the
limit it ran under) and the row cap (``X-Nhskg-Truncated: true`` when it cut the
result). Parameters must be UTF-8 once percent-decoded, by GET as by POST (400 naming
the parameter); a GET query string over the guard's size limit is refused (413: POST
it). Formats: :mod:`nhskg.api.sparql_formats`. Without a query, the endpoint describes
itself (SPARQL 1.1 Service Description), naming itself by the public base URL of the
settings, never by the request's Host.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from nhskg.api.client_limits import limited
from nhskg.api.deps import published
from nhskg.api.errors import ApiError
from nhskg.api.form_decoding import parse_form, unquote_plus
from nhskg.api.sparql_formats import NotAcceptable, negotiate
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.sparql_guard import MAX_QUERY_BYTES, QueryRefused, decode
from nhskg.graph.query.store import Dataset
from nhskg.graph.settings import Settings


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
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
MAX_BODY_BYTES = MAX_QUERY_BYTES * 3 + 1024  # a form-encoded query may triple in size


def _description(base_url: str) -> str:
    # From the settings, never from the request: a Host header must not name the service
    # in an answer that is cached for everyone.
    endpoint = f"{base_url}/sparql"
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
        formats:Turtle , formats:N-Triples , formats:RDF_XML , formats:JSON-LD ;
    sd:defaultDataset [ a sd:Dataset ;
        dcterms:description "The union of all named graphs: ontology, reference, curated." ] .
"""


async def _read_query(request: Request) -> tuple[str | None, dict[str, str], Dataset | None]:
    """The query text, the other parameters and the protocol's dataset (default-graph-uri
    and named-graph-uri, each may be repeated), from GET or either kind of POST."""
    query_string: bytes = request.scope["query_string"]
    if request.method == "GET" and len(query_string) > MAX_QUERY_BYTES:
        raise ApiError(
            413,
            "query too long for GET",
            f"the query string is longer than {MAX_QUERY_BYTES} bytes: POST the query, as "
            f"{QUERY_TYPE} or {FORM_TYPE}",
            parameter="query",
        )
    params = _strict_form(query_string.decode("latin-1"))
    _one_query(query_string.decode("latin-1"))
    if request.method == "GET":
        if "update" in params:
            raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
        return params.get("query"), params, _dataset(query_string.decode("latin-1"))
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
        return decode(body), params, _dataset(query_string.decode("latin-1"))
    if media == FORM_TYPE:
        _one_query(query_string.decode("latin-1") + "&" + decode(body))
        form = _strict_form(decode(body))
        if "update" in form:
            raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
        params.update({k: v for k, v in form.items() if k != "query"})
        form_text = decode(body)
        return form.get("query"), params, _dataset(query_string.decode("latin-1"), form_text)
    raise ApiError(
        415,
        "unsupported media type",
        f"POST a query as {FORM_TYPE} or {QUERY_TYPE}, not {media or 'nothing'}",
    )


def _dataset(*texts: str) -> Dataset | None:
    """The protocol's dataset: every default-graph-uri and named-graph-uri in ``texts``
    (a query string, a form body), or None when neither is given. The store refuses
    (403) any graph it does not hold: nothing is ever fetched."""
    if not any(name in text for text in texts for name in DATASET_PARAMETERS):
        return None
    found: dict[str, list[str]] = {name: [] for name in DATASET_PARAMETERS}
    for text in texts:
        for name, value in parse_qsl(text, keep_blank_values=True, errors="strict"):
            if name in found:
                found[name].append(value)
    default, named = (tuple(found[name]) for name in DATASET_PARAMETERS)
    return (default, named) if default or named else None


def _one_query(text: str) -> None:
    """Refuse a request that gives the query more than once (the protocol's 400). Only
    the names are decoded: a query of kilobytes is not decoded again to count it."""
    given = sum(
        1 for pair in text.split("&") if pair and unquote_plus(pair.partition("=")[0]) == "query"
    )
    if given > 1:
        raise ApiError(
            400,
            "more than one query",
            f"the request gives 'query' {given} times: give one query a request",
            parameter="query",
        )


def _strict_form(text: str) -> dict[str, str]:
    """:func:`parse_form` refusing bytes that are not UTF-8, naming the parameter."""
    try:
        return parse_form(text, errors="strict")
    except UnicodeDecodeError:
        pass
    for pair in text.split("&"):
        name, _, value = pair.partition("=")
        try:
            name = unquote_plus(name, "strict")
        except UnicodeDecodeError:
            break
        try:
            unquote_plus(value, "strict")
        except UnicodeDecodeError:
            raise ApiError(
                400,
                "bad parameter",
                f"parameter '{name}': not UTF-8 once percent-decoded",
                parameter=name,
            ) from None
    raise ApiError(400, "bad parameter", "a parameter's name is not UTF-8 once percent-decoded")


def _timeout(params: dict[str, str], settings: Settings) -> float:
    """The query's time limit: the request's ``timeout`` between the settings' floor and
    limit (raised to the floor, lowered to the limit), else the limit."""
    limit = settings.query_timeout_s
    raw = params.get("timeout")
    if raw is None:
        return limit
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(
            400, "bad parameter", "timeout must be a number of seconds", parameter="timeout"
        ) from None
    if not value > 0:
        raise ApiError(400, "bad parameter", "timeout must be more than 0", parameter="timeout")
    return min(max(value, min(settings.min_timeout_s, limit)), limit)


async def sparql(request: Request) -> Response:
    """Run a read-only SPARQL query (``query``); optional ``format`` (a short name: json,
    xml, csv, tsv, turtle, ntriples, rdfxml, jsonld; or a media type) and ``timeout``
    (seconds, at most the server's limit and at least its floor; the answer's
    ``X-Nhskg-Timeout`` says which limit applied)."""
    graph: PublishedGraph = published(request)
    text, params, dataset = await _read_query(request)
    if text is None:
        return Response(_description(graph.settings.base_url), media_type="text/turtle")
    timeout = _timeout(params, graph.settings)
    formats = negotiate(request.headers.get("accept", ""), params.get("format"))
    try:
        # Awaited on the event loop: the reply comes from the worker without a thread here;
        # in one of the client's places (429 without one), held until the worker is done.
        answer = await limited(
            request,
            lambda: graph.sparql_service.answer_async(
                text, formats, timeout_s=timeout, dataset=dataset
            ),
        )
    except NotAcceptable as error:
        raise ApiError(406, "not acceptable", str(error), parameter="format") from None
    headers = {"X-Nhskg-Timeout": f"{timeout:g}"}
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
                "application/rdf+xml",
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
