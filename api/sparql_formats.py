"""Which format the SPARQL endpoint answers in: content negotiation.

SELECT and ASK: JSON, XML, CSV, TSV. CONSTRUCT and DESCRIBE: Turtle, N-Triples,
JSON-LD. The format comes from the ``format`` parameter or else the Accept header.
The query worker writes the answer in it (:mod:`nhskg.graph.query.query_answer`).
"""

from __future__ import annotations

from functools import lru_cache

from nhskg.graph.query.query_answer import GRAPH_TYPES, RESULT_TYPES, Formats, NotAcceptable

__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "NotAcceptable", "choose", "negotiate"]

ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "ntriples",
}


def choose(accept: str, fmt: str | None, *, graph: bool) -> str:
    """The format key for a result kind, from ``format=`` or else the Accept header."""
    known = GRAPH_TYPES if graph else RESULT_TYPES
    if fmt:
        key = fmt.lower()
        key = {"nt": "ntriples", "ttl": "turtle", "json-ld": "jsonld"}.get(key, key)
        if key not in known:
            kind = "CONSTRUCT and DESCRIBE" if graph else "SELECT and ASK"
            raise NotAcceptable(
                f"format {fmt!r} is not available for {kind}; choose from {', '.join(known)}"
            )
        return key
    by_type = {v: k for k, v in known.items()} | {k: v for k, v in ALIASES.items() if v in known}
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media in by_type:
            return by_type[media]
        if media in ("*/*", "application/*", "text/*", ""):
            return "turtle" if graph else "json"
    if not accept.strip():
        return "turtle" if graph else "json"
    raise NotAcceptable(f"cannot answer in any of: {accept}")


@lru_cache(maxsize=256)  # clients send the same few Accept headers over and over
def negotiate(accept: str, fmt: str | None) -> Formats:
    """The formats for either kind of answer, before the query says which kind it is."""
    keys: list[str | None] = []
    refusals: list[str] = []
    for graph in (False, True):
        try:
            keys.append(choose(accept, fmt, graph=graph))
            refusals.append("")
        except NotAcceptable as error:
            keys.append(None)
            refusals.append(str(error))
    return Formats(keys[0], keys[1], refusals[0], refusals[1])
