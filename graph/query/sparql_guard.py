"""Check a user's SPARQL before any engine sees it: the first of two barriers.

Only read-only queries pass: SELECT, ASK, CONSTRUCT or DESCRIBE, within a size and
shape limit, strict UTF-8, with no ``SERVICE`` anywhere, no function but SPARQL's
built-ins and the XSD casts Oxigraph evaluates, and dataset clauses (``FROM``,
``FROM NAMED``) only where they name graphs the store holds. The decision is read off a
real parse (:func:`nhskg.graph.query.sparql_parse.parse_query`: the SPARQL 1.1 grammar, its
tokens read as Oxigraph reads them), never a scan for keywords, and it fails closed:
what the parser cannot read is refused as a syntax error, with its line and column.

The second barrier is the query workers' sandbox (:mod:`nhskg.graph.query.sandbox`): they
have no network, so a query that got past this check still reaches no server.

The shape limits keep a query from crashing the engine. Measured on pyoxigraph 0.5.13
by ``benchmarks/engine_limits.py`` (an empty store, each query in a thread as the
workers run it, a fresh process each): the process died of a stack overflow at
6,500-7,000 UNION branches, 9,000-10,000 operands of one ``||`` chain, 10,000-20,000
path alternatives, and 2,500-3,000 BIND or MINUS in one group. The limits are at least
six times below each of those. No triple-pattern count crashed it, but planning 300
patterns in one group took over 15 s, so 500 is the limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nhskg.graph.query.sparql_parse import SparqlSyntaxError, parse_query
from nhskg.graph.query.sparql_terms import MAX_DEPTH

MAX_QUERY_BYTES = 100_000
MAX_NESTING = MAX_DEPTH  # brackets of any kind, one inside another
MAX_CHAIN = 1_000  # operands of one operator chain, UNION, path, call or IN list
MAX_GROUP = 250  # elements of one group graph pattern
MAX_TRIPLE_PATTERNS = 500
# The base IRI of a user's query, as the protocol lets a service define one: the
# endpoint's own IRI, so `<s>` in a query is <https://w3id.org/nhskg/s>. Resolving a
# relative IRI fetches nothing.
USER_QUERY_BASE = "https://w3id.org/nhskg/sparql"
XSD = "http://www.w3.org/2001/XMLSchema#"
_CAST_NAMES = """string boolean integer decimal float double date time dateTime duration
yearMonthDuration dayTimeDuration gYear gYearMonth gMonth gMonthDay gDay"""
CASTS = frozenset(XSD + name for name in _CAST_NAMES.split())


class QueryRefused(ValueError):
    """The query is not allowed; ``status`` is the HTTP status an endpoint should answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed: its form, and the graphs its dataset clauses name (empty
    when it has none, and the store's default, the union of its graphs, applies)."""

    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise QueryRefused(f"the query is not valid UTF-8 (byte {exc.start})") from None


def check_query(
    text: str,
    *,
    max_bytes: int = MAX_QUERY_BYTES,
    holds_graph: Callable[[str], bool] | None = None,
) -> CheckedQuery:
    """Refuse anything but a bounded, read-only query that cannot reach the network.

    ``holds_graph`` says whether the store holds a named graph; without it, any dataset
    clause is refused (the graphs it names cannot be checked)."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise QueryRefused(f"the query is longer than {max_bytes} bytes", status=413)
    if not text.strip():
        raise QueryRefused("the query is empty")
    if "\x00" in text:
        raise QueryRefused("the query contains a NUL character")
    try:
        parsed = parse_query(text, base_iri=USER_QUERY_BASE)
    except SparqlSyntaxError as error:
        raise QueryRefused(f"syntax error at {error}") from None
    if parsed.form == "UPDATE":
        raise QueryRefused("updates are not allowed: this endpoint is read-only", status=403)
    if parsed.services:
        raise QueryRefused("SERVICE is not allowed: queries run only on this graph", status=403)
    unknown = [iri for iri in parsed.functions if iri not in CASTS]
    if unknown:
        raise QueryRefused(
            f"unknown function <{unknown[0]}>: queries may call SPARQL's built-in functions "
            "and the XSD casts (xsd:integer, xsd:date, ...)"
        )
    _check_shape(parsed.longest_chain, parsed.largest_group, parsed.triple_patterns)
    for clause, iri in parsed.datasets:
        check_graph(clause, iri, holds_graph)
    return CheckedQuery(
        text,
        parsed.form,
        tuple(iri for clause, iri in parsed.datasets if clause == "FROM"),
        tuple(iri for clause, iri in parsed.datasets if clause == "FROM NAMED"),
    )


def check_graph(where: str, iri: str, holds_graph: Callable[[str], bool] | None) -> None:
    """Refuse a dataset clause or protocol parameter (``where``) naming a graph the
    store does not hold: queries run only on this graph, never on a fetched one."""
    if holds_graph is None or not holds_graph(iri):
        raise QueryRefused(
            f"{where} <{iri}> names no graph this store holds: queries run only on this "
            "graph's own named graphs (listed by SELECT DISTINCT ?g { GRAPH ?g {} })",
            status=403,
        )


def _check_shape(chain: int, group: int, patterns: int) -> None:
    for measured, limit, what in (
        (chain, MAX_CHAIN, "operands in one operator chain, UNION, path or argument list"),
        (group, MAX_GROUP, "elements in one group pattern"),
        (patterns, MAX_TRIPLE_PATTERNS, "triple patterns"),
    ):
        if measured > limit:
            raise QueryRefused(
                f"the query has {measured} {what}; the limit is {limit} "
                "(larger shapes can crash the query engine)"
            )


def syntax_refusal(error: SyntaxError) -> QueryRefused:
    """The engine's own syntax error (for what the guard's parser lets through and the
    engine does not read) as the answer to the user, with line and column."""
    message = str(error)
    where = _POSITION.search(message)
    if where:
        line, column = where.groups()
        message = f"at line {line}, column {column}: {message[where.end() :]}"
    return QueryRefused(f"syntax error {message}")


_POSITION = re.compile(r"error at (\d+):(\d+): ")
