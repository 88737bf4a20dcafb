"""Write query results as a table, CSV, TSV or SPARQL 1.1 Query Results JSON, and as
Python values for notebooks.

CSV and TSV follow the SPARQL 1.1 Query Results CSV and TSV formats (CSV: plain
values; TSV: terms in Turtle syntax); JSON follows the SPARQL 1.1 Query Results
JSON format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from nhskg.graph.namespaces import XSD, compact
from nhskg.graph.store import SelectResult, Term

FORMATS = ("table", "csv", "tsv", "json")


def term_json(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype != XSD.string:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: SelectResult | bool) -> str:
    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result})
    bindings = [
        {v: term_json(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc: dict[str, Any] = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    if result.truncated:
        doc["head"]["link"] = ["urn:nhskg:truncated"]
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_csv(result: SelectResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return out.getvalue()


def to_tsv(result: SelectResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Term) -> str:
    if (
        isinstance(term, Literal)
        and term.datatype in (XSD.integer, XSD.decimal, XSD.boolean)
        and not term.language
    ):
        return term.value
    return str(term).replace("\t", "\\t")


def display(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    return term.value


def to_table(result: SelectResult | bool, *, max_width: int = 60) -> str:
    if isinstance(result, bool):
        return "yes" if result else "no"
    if not result.rows:
        return "(no results)"
    cells = [[display(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [
        min(max_width, max(len(v), *(len(r[i]) for r in cells)))
        for i, v in enumerate(result.variables)
    ]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(fit(c, w).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    n = len(result.rows)
    lines.append(
        f"({n} row{'s' if n != 1 else ''}"
        f"{', truncated at the row cap' if result.truncated else ''})"
    )
    return "\n".join(lines)


def render(result: SelectResult | bool, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "table":
        return to_table(result)
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
