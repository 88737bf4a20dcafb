"""Write query results as a table, CSV, TSV or SPARQL 1.1 Query Results JSON, and as
Python values for notebooks.

CSV, TSV and JSON are the SPARQL endpoint's writers (:mod:`nhskg.graph.query.result_formats`)
applied to a :class:`SelectResult`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode

from nhskg.graph.namespaces import RDF, XSD, compact
from nhskg.graph.query.organisation_answers import JsonAnswer
from nhskg.graph.query.result_formats import csv_results, json_boolean, json_results, tsv_results
from nhskg.graph.query.store import SelectResult, Term
from nhskg.graph.query.text_table import terminal_width, text_table

FORMATS = ("table", "csv", "tsv", "json")


def to_json(result: SelectResult | bool) -> str:
    if isinstance(result, bool):
        return json_boolean(result)
    return json_results(result.variables, result.rows, truncated=result.truncated)


def to_csv(result: SelectResult) -> str:
    return csv_results(result.variables, result.rows)


def to_tsv(result: SelectResult) -> str:
    return tsv_results(result.variables, result.rows)


def display(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    return term.value


def to_table(result: SelectResult | bool, *, width: int | None = None) -> str:
    """The rows as a text table as wide as the terminal (or ``width``), long cells cut
    with an ellipsis."""
    if isinstance(result, bool):
        return "yes" if result else "no"
    if not result.rows:
        return "(no results)"
    cells = [[display(t).replace("\n", " ") for t in row] for row in result.rows]
    lines = text_table(result.variables, cells, terminal_width(width))
    n = len(result.rows)
    lines.append(
        f"({n} row{'s' if n != 1 else ''}"
        f"{', truncated at the row cap' if result.truncated else ''})"
    )
    return "\n".join(lines)


def render(result: SelectResult | bool, fmt: str, *, width: int | None = None) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "table":
        return to_table(result, width=width)
    if isinstance(result, bool):
        return ("true" if result else "false") + "\n"
    return to_csv(result) if fmt == "csv" else to_tsv(result)


def _boolean(text: str) -> bool:
    return text in ("true", "1")


# A literal's value by its datatype's IRI (any other datatype: the literal's text).
_CONVERT: dict[str, Callable[[str], Any]] = {
    XSD.date.value: dt.date.fromisoformat,
    XSD.integer.value: int,
    XSD.nonNegativeInteger.value: int,
    XSD.int.value: int,
    XSD.long.value: int,
    XSD.decimal.value: Decimal,
    XSD.double.value: float,
    XSD.float.value: float,
    XSD.boolean.value: _boolean,
}


PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain_date(term: Any) -> dt.date | None:
    """The day of ``term`` if it is an ``xsd:date`` literal of a real day written
    YYYY-MM-DD (one that compares in Python as the engine compares it); else None."""
    if not (
        isinstance(term, Literal)
        and term.datatype.value == XSD.date.value
        and PLAIN_DATE.fullmatch(term.value)
    ):
        return None
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def is_string(term: Any) -> bool:
    """Whether ``term`` is a string literal, plain or language-tagged (one that sorts and
    compares in Python as the engine compares it)."""
    return isinstance(term, Literal) and term.datatype.value in (
        XSD.string.value,
        RDF.langString.value,
    )


def python_value(term: Term | None) -> Any:
    """A plain Python value: str for IRIs and strings, date, int, Decimal, bool."""
    if term is None:
        return None
    if not isinstance(term, Literal):
        return term.value
    convert = _CONVERT.get(term.datatype.value)
    if convert is None:
        return term.value
    try:
        return convert(term.value)
    except ValueError:
        return term.value


def json_value(binding: dict[str, str]) -> Any:
    """:func:`python_value` of a term as the SPARQL 1.1 Query Results JSON format gives it."""
    convert = _CONVERT.get(binding["datatype"]) if "datatype" in binding else None
    if convert is None:
        return binding["value"]
    try:
        return convert(binding["value"])
    except ValueError:
        return binding["value"]


def records(result: SelectResult) -> list[dict[str, Any]]:
    """Each row as a dict of plain Python values by variable (an unbound one: None)."""
    if isinstance(result, JsonAnswer):  # straight from its JSON, no terms made
        variables = result.variables
        return [
            {v: json_value(b[v]) if v in b else None for v in variables} for b in result.bindings
        ]
    return [
        {v: python_value(t) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def texts(result: SelectResult) -> list[tuple[str | None, ...]]:
    """Each row's terms as their text (an IRI, a literal's lexical form; None unbound),
    for a published answer straight from its JSON, without making terms."""
    variables = result.variables
    if isinstance(result, JsonAnswer):
        return [
            tuple(b[v]["value"] if v in b else None for v in variables) for b in result.bindings
        ]
    return [tuple(t.value if t is not None else None for t in row) for row in result.rows]
