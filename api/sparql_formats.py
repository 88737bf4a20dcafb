"""SPARQL results and RDF in the formats the SPARQL 1.1 Protocol asks for.

SELECT and ASK: JSON, XML, CSV, TSV. CONSTRUCT and DESCRIBE: Turtle, N-Triples,
JSON-LD. The format comes from the ``format`` parameter or else the Accept header.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from nhskg.graph.results import to_csv, to_json, to_tsv
from nhskg.graph.store import SelectResult, Term

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}
ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "ntriples",
}
RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
}


class NotAcceptable(ValueError):
    """No format this endpoint writes matches the request."""


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


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(datatype)}>{escape(term.value)}</literal>"


def to_xml(result: SelectResult | bool) -> str:
    head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    if isinstance(result, bool):
        return head + f"<head/>\n<boolean>{'true' if result else 'false'}</boolean>\n</sparql>\n"
    lines = [head, "<head>"]
    lines += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    lines.append("</head>\n<results>")
    for row in result.rows:
        lines.append("<result>")
        for name, term in zip(result.variables, row, strict=True):
            if term is not None:
                lines.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        lines.append("</result>")
    lines.append("</results>\n</sparql>\n")
    return "\n".join(lines)


def write_results(result: SelectResult | bool, key: str) -> tuple[str, str]:
    """Body and media type for a SELECT or ASK result."""
    media = RESULT_TYPES[key]
    if key == "json":
        return to_json(result), media
    if key == "xml":
        return to_xml(result), media
    if isinstance(result, bool):
        raise NotAcceptable("an ASK result has no CSV or TSV form; use json or xml")
    body = to_csv(result) if key == "csv" else to_tsv(result)
    return body, media + "; charset=utf-8"


def write_graph(triples: list[Triple], key: str) -> tuple[bytes, str]:
    """Body and media type for a CONSTRUCT or DESCRIBE result."""
    body = serialize(triples, format=RDF_FORMATS[key]) or b""
    return body, GRAPH_TYPES[key]
