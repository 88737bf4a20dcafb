"""Check a user's SPARQL before any engine sees it.

Only read-only queries pass: SELECT, ASK, CONSTRUCT or DESCRIBE, within a size and
nesting limit, strict UTF-8, and with no ``SERVICE`` clause and no ``FROM`` /
``FROM NAMED`` dataset clause (either could make an engine fetch a URL). The checks
run on a real parse (rdflib's SPARQL grammar), not a regular expression over the
text, so a label that says "service" is no reason to refuse a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from nhskg.graph.sparql_text import syntax_positions

MAX_QUERY_BYTES = 100_000
MAX_NESTING = 64
FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryRefused(ValueError):
    """The query is not allowed; ``status`` is the HTTP status an endpoint should answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise QueryRefused(f"the query is not valid UTF-8 (byte {exc.start})") from None


def nesting_depth(text: str) -> int:
    """Deepest nesting of (), {} and [] outside strings, IRIs and comments."""
    depth = deepest = 0
    for i in syntax_positions(text):
        if text[i] in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif text[i] in ")}]":
            depth -= 1
    return deepest


def _walk(node: Any, found: set[str]) -> None:
    if isinstance(node, CompValue):
        found.add(node.name)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for value in node:
            _walk(value, found)


def check_query(text: str, *, max_bytes: int = MAX_QUERY_BYTES) -> CheckedQuery:
    """Refuse anything but a bounded, read-only query that cannot reach the network."""
    if len(text.encode("utf-8")) > max_bytes:
        raise QueryRefused(f"the query is longer than {max_bytes} bytes", status=413)
    if not text.strip():
        raise QueryRefused("the query is empty")
    if "\x00" in text:
        raise QueryRefused("the query contains a NUL character")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryRefused(f"the query nests brackets {depth} deep; the limit is {MAX_NESTING}")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryRefused(
                "updates are not allowed: this endpoint is read-only", status=403
            ) from None
        raise QueryRefused(
            f"syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
        ) from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to parse") from None
    found: set[str] = set()
    _walk(parsed, found)
    if "ServiceGraphPattern" in found:
        raise QueryRefused("SERVICE is not allowed: queries run only on this graph", status=403)
    if "DatasetClause" in found:
        raise QueryRefused(
            "FROM and FROM NAMED are not allowed: queries run only on this graph", status=403
        )
    form = next((FORMS[name] for name in FORMS if name in found), None)
    if form is None:
        raise QueryRefused("only SELECT, ASK, CONSTRUCT and DESCRIBE queries are allowed")
    return CheckedQuery(text, form)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True
