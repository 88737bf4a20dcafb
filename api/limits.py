"""How long each request parameter may be, checked before any work is done for it.

A value's cost should not grow with its length: an organisation code of 10,000 "A"s
once cost 28 s of CPU in fuzzy matching before it was refused. So every path and
query-string value of every route has a limit (:data:`PATH_LIMITS`, :data:`LIMITS`;
codes and keys :data:`KEY_MAX`, anything that may be a name :data:`TEXT_MAX`, dates
:data:`DATE_MAX`), and so have the number of query-string fields and their names.
:func:`bounded` checks them all, whatever their type, as the application's first
dependency, before FastAPI validates anything or a handler starts; a value over its
limit is a 400 in the one error shape naming the parameter. Routes also declare the
limits of their text parameters (``Query(max_length=...)``) so that the OpenAPI
document shows them. The SPARQL endpoint reads its own parameters, with its own size
limit (:data:`nhskg.graph.query.sparql_guard.MAX_QUERY_BYTES`).
"""

from __future__ import annotations

from fastapi import Depends, Request

from nhskg.api.errors import ApiError
from nhskg.graph.query.named_queries import MAX_VALUE_CHARS
from nhskg.graph.query.sparql_guard import MAX_QUERY_BYTES

KEY_MAX = 64  # codes, keys, type keys, query names, document identifiers, formats
TEXT_MAX = MAX_VALUE_CHARS  # anything that may name an organisation, search text
DATE_MAX = 10  # YYYY-MM-DD
PATH_MAX = 256  # a linked-data path under /id/ (the longest IRI of ours is about 120)
FIELDS_MAX = 32  # query-string fields in one request

# Path parameters by name: organisation parameters take names as well as codes.
PATH_LIMITS = {"code": TEXT_MAX, "id": TEXT_MAX, "path": PATH_MAX}
# Query-string fields by name; any other field's value is at most TEXT_MAX.
LIMITS = {
    "as_of": DATE_MAX,
    "type": KEY_MAX,
    "format": KEY_MAX,
    "view": KEY_MAX,
    "query": MAX_QUERY_BYTES,  # the SPARQL page's query, as long as /sparql takes
}


def _too_long(name: str, limit: int) -> ApiError:
    return ApiError(
        400,
        "bad parameter",
        f"parameter '{name}' is longer than {limit} characters",
        parameter=name,
    )


def check_lengths(path_params: dict[str, object], fields: list[tuple[str, str]]) -> None:
    """Raise the 400 for the first path parameter or query-string field over its limit."""
    for name, value in path_params.items():
        limit = PATH_LIMITS.get(name, KEY_MAX)
        if len(str(value)) > limit:
            raise _too_long(name, limit)
    if len(fields) > FIELDS_MAX:
        raise ApiError(
            400,
            "bad parameter",
            f"a request has at most {FIELDS_MAX} query-string fields, not {len(fields)}",
        )
    for name, value in fields:
        if len(name) > KEY_MAX:
            shown = name[:KEY_MAX] + "..."
            raise ApiError(
                400,
                "bad parameter",
                f"parameter names are at most {KEY_MAX} characters: {shown!r}",
                parameter=shown,
            )
        limit = LIMITS.get(name, TEXT_MAX)
        if len(value) > limit:
            raise _too_long(name, limit)


async def bounded(request: Request) -> None:
    """The application's first dependency: every value within its limit, or a 400."""
    check_lengths(request.path_params, request.query_params.multi_items())


BOUNDED = Depends(bounded)  # the application's first dependency (see create_app)
