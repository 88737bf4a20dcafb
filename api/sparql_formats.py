"""Which format the SPARQL endpoint answers in: content negotiation.

SELECT and ASK: JSON, XML, CSV, TSV. CONSTRUCT and DESCRIBE: Turtle, N-Triples,
RDF/XML, JSON-LD (N3 is answered as Turtle, which is N3). The format comes from the
``format`` parameter or else the Accept header. ``format`` takes a short name
(``json``, ``tsv``, ``turtle``, ``rdfxml``, ``json-ld``, ...) or a media type
(``text/tab-separated-values``, ``application/rdf+xml``, ...), or a comma-separated list
of them, the first one available winning: SPARQLWrapper sends all three forms. A short
name means the form of its kind: ``xml`` is SPARQL results XML for SELECT and RDF/XML
for CONSTRUCT, ``json`` results JSON or JSON-LD. The query worker writes the answer in
it (:mod:`nhskg.graph.query.query_answer`).
"""

from __future__ import annotations

from functools import lru_cache

from nhskg.graph.query.query_answer import GRAPH_TYPES, RESULT_TYPES, Formats, NotAcceptable

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "NotAcceptable",
    "choose",
    "negotiate",
    "ranked",
    "wants_table",
]

# Short names and other media types, for each kind of answer.
RESULT_NAMES = {
    "srj": "json",
    "srx": "xml",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_NAMES = {
    "ttl": "turtle",
    "n3": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "xml": "rdfxml",
    "json-ld": "jsonld",
    "json": "jsonld",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "text/plain": "ntriples",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "application/json": "jsonld",
    "application/x-json+ld": "jsonld",
}
ANY = ("*/*", "application/*", "text/*", "")
TABLE_NAMES = {"csv", "tsv", "text/csv", "text/tab-separated-values"}


def _names(graph: bool) -> dict[str, str]:
    """Every name (short name or media type, lower case) of each format of a kind."""
    known = GRAPH_TYPES if graph else RESULT_TYPES
    return (
        {key: key for key in known}
        | {media: key for key, media in known.items()}
        | (GRAPH_NAMES if graph else RESULT_NAMES)
    )


def _media(part: str) -> str:
    return part.split(";")[0].strip().lower()


def ranked(accept: str) -> list[str]:
    """The media types of an Accept header, most preferred first (by q, then order),
    without those it refuses (q=0)."""
    found = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            found.append((-q, position, media.strip().lower()))
    return [media for _, _, media in sorted(found)]


def choose(accept: str, fmt: str | None, *, graph: bool) -> str:
    """The format key for a result kind, from ``format=`` or else the Accept header."""
    names = _names(graph)
    known = GRAPH_TYPES if graph else RESULT_TYPES
    if fmt:
        for part in fmt.split(","):
            if _media(part) in names:
                return names[_media(part)]
        kind = "CONSTRUCT and DESCRIBE" if graph else "SELECT and ASK"
        raise NotAcceptable(
            f"format {fmt!r} is not available for {kind}; choose from {', '.join(known)} "
            f"or their media types ({', '.join(known.values())})"
        )
    for media in ranked(accept):
        if media in names:
            return names[media]
        if media in ANY:
            return "turtle" if graph else "json"
    if not accept.strip():
        return "turtle" if graph else "json"
    raise NotAcceptable(f"cannot answer in any of: {accept}")


def wants_table(accept: str, fmt: str | None) -> str | None:
    """``csv`` or ``tsv`` when a request asks for one of them first (so its errors are
    written in it), else None."""
    first = _media(fmt.split(",")[0]) if fmt else None
    if first is None:
        ranked = [_media(part) for part in accept.split(",") if _media(part) not in ANY]
        first = ranked[0] if ranked else None
    if first not in TABLE_NAMES:
        return None
    return "tsv" if first in ("tsv", "text/tab-separated-values") else "csv"


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
