"""A query's answer as the body of an HTTP response, cut at the row cap.

:func:`write_answer` turns what a query gave (pyoxigraph's results as they stream, or
the plain values of :mod:`nhskg.graph.query.store`) into :class:`Answer`: the bytes, their
media type and whether the row cap cut them. SELECT and ASK are written in the format
negotiated for results (JSON, XML, CSV, TSV; :mod:`nhskg.graph.query.result_formats`),
(an ASK in CSV or TSV is one ``_askResult`` column, as Jena writes it), CONSTRUCT and
DESCRIBE in the one negotiated for graphs (Turtle, N-Triples, RDF/XML by Oxigraph's
serialiser; JSON-LD with a context by :mod:`nhskg.graph.query.jsonld`), at most
``max_rows`` rows or triples either way. The
server negotiates both formats before it knows which kind the query is
(:class:`Formats`); the query worker writes the answer, so only bytes cross the pipe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from pyoxigraph import (
    Literal,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    serialize,
)

from nhskg.graph.namespaces import PREFIXES, XSD
from nhskg.graph.query import result_formats as rf
from nhskg.graph.query.jsonld import compact_jsonld
from nhskg.graph.query.store import QueryOutcome, SelectResult

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
}
PREFIX_IRIS = {prefix: ns.iri for prefix, ns in PREFIXES.items()}
ASK_VARIABLE = "_askResult"  # the one column of an ASK answer in CSV or TSV, as Jena writes it
XSD_BOOLEAN = XSD.boolean
T = TypeVar("T")


class NotAcceptable(ValueError):
    """No format this endpoint writes fits both the request and the query's kind."""


@dataclass(frozen=True)
class Formats:
    """The format keys negotiated for each kind of answer; None where the request
    accepts none of them (and the refusal says why)."""

    results: str | None
    graph: str | None
    results_refusal: str = ""
    graph_refusal: str = ""


@dataclass(frozen=True)
class Answer:
    body: bytes
    media: str
    truncated: bool = False


def capped(items: Iterable[T], max_rows: int | None) -> tuple[list[T], bool]:
    """The first ``max_rows`` items, and whether there were more."""
    if max_rows is None:
        return list(items), False
    kept = list(islice(items, max_rows + 1))
    return kept[:max_rows], len(kept) > max_rows


def write_answer(
    result: QuerySolutions | QueryBoolean | QueryTriples | QueryOutcome,
    formats: Formats,
    *,
    max_rows: int | None,
) -> Answer:
    """The answer's bytes; NotAcceptable when the request accepts no format of its kind."""
    if isinstance(result, QueryBoolean | bool):
        key = _key(formats.results, formats.results_refusal)
        if key in ("csv", "tsv"):  # the CSV/TSV formats define no boolean: one column, one row
            literal = Literal("true" if result else "false", datatype=XSD_BOOLEAN)
            write = rf.csv_results if key == "csv" else rf.tsv_results
            text = write([ASK_VARIABLE], [(literal,)])
            return Answer(text.encode("utf-8"), RESULT_TYPES[key] + "; charset=utf-8")
        writer = rf.json_boolean if key == "json" else rf.xml_boolean
        return Answer(writer(bool(result)).encode("utf-8"), RESULT_TYPES[key])
    if isinstance(result, QueryTriples | list):
        key = _key(formats.graph, formats.graph_refusal)
        triples: list[Triple]
        triples, truncated = capped(result, max_rows)
        if key == "jsonld":
            body = compact_jsonld(triples)
        elif key == "ntriples":
            body = serialize(triples, format=RDF_FORMATS[key]) or b""
        else:
            body = serialize(triples, format=RDF_FORMATS[key], prefixes=PREFIX_IRIS) or b""
        return Answer(body, GRAPH_TYPES[key], truncated)
    key = _key(formats.results, formats.results_refusal)
    if isinstance(result, SelectResult):
        variables, truncated = result.variables, result.truncated
        rows, more = capped(result.rows, max_rows)
        truncated = truncated or more
    else:
        variables = [v.value for v in result.variables]
        rows, truncated = capped(result, max_rows)
    if key == "json":
        text = rf.json_results(variables, rows, truncated=truncated)
    elif key == "xml":
        text = rf.xml_results(variables, rows)
    elif key == "csv":
        text = rf.csv_results(variables, rows)
    else:
        text = rf.tsv_results(variables, rows)
    media = RESULT_TYPES[key] + ("; charset=utf-8" if key in ("csv", "tsv") else "")
    return Answer(text.encode("utf-8"), media, truncated)


def _key(key: str | None, refusal: str) -> str:
    if key is None:
        raise NotAcceptable(refusal or "the request accepts no format of this kind")
    return key
