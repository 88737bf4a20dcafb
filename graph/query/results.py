"""Write query results as a table, CSV, TSV or SPARQL 1.1 Query Results JSON, and as
Python values for notebooks.

CSV, TSV and JSON are the SPARQL endpoint's writers (:mod:`nhskg.graph.query.result_formats`)
applied to a :class:`SelectResult`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyoxigraph import BlankNode, NamedNode

from nhskg.graph.namespaces import XSD, compact
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


def python_value(term: Term | None) -> Any:
    """A plain Python value: str for IRIs and strings, date, int, Decimal, bool."""
    if term is None:
        return None
    if isinstance(term, NamedNode | BlankNode):
        return term.value
    datatype = term.datatype
    try:
        if datatype == XSD.date:
            return dt.date.fromisoformat(term.value)
        if datatype in (XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long):
            return int(term.value)
        if datatype == XSD.decimal:
            return Decimal(term.value)
        if datatype in (XSD.double, XSD.float):
            return float(term.value)
        if datatype == XSD.boolean:
            return term.value in ("true", "1")
    except ValueError:
        return term.value
    return term.value


def records(result: SelectResult) -> list[dict[str, Any]]:
    return [
        {v: python_value(t) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
