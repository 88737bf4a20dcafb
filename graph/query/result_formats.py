"""Query results in the SPARQL 1.1 result formats: JSON, XML, CSV and TSV.

Each writer takes the variables and the rows (any sequences of terms in variable
order: pyoxigraph's solutions or tuples) and reads each row once, so the query worker
writes a result as its rows come and sends the server bytes. JSON follows the SPARQL
1.1 Query Results JSON format (a result cut at the row cap says so with the link
``urn:nhskg:truncated``), XML the SPARQL Query Results XML format, CSV and TSV the
SPARQL 1.1 CSV and TSV formats (CSV: plain values; TSV: terms in Turtle syntax). JSON
strings are escaped by the standard library's C encoder, one term at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode

from nhskg.graph.namespaces import XSD

Term = NamedNode | BlankNode | Literal
Row = Sequence[Term | None]
TRUNCATED_LINK = "urn:nhskg:truncated"
_XSD_STRING = XSD.string.value
_PLAIN_TSV = (XSD.integer.value, XSD.decimal.value, XSD.boolean.value)


def json_term(term: Term) -> str:
    """One term as the JSON object SPARQL 1.1 Query Results JSON gives it."""
    if isinstance(term, NamedNode):
        return '{"type":"uri","value":' + encode_basestring(term.value) + "}"
    if isinstance(term, BlankNode):
        return '{"type":"bnode","value":' + encode_basestring(term.value) + "}"
    head = '{"type":"literal","value":' + encode_basestring(term.value)
    if term.language:
        return head + ',"xml:lang":' + encode_basestring(term.language) + "}"
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return head + "}"
    return head + ',"datatype":' + encode_basestring(datatype) + "}"


def json_results(variables: Sequence[str], rows: Iterable[Row], *, truncated: bool) -> str:
    names = [encode_basestring(v) + ":" for v in variables]
    bindings = ",\n".join(
        "{"
        + ",".join(name + json_term(t) for name, t in zip(names, row, strict=True) if t is not None)
        + "}"
        for row in rows
    )
    link = f',"link":["{TRUNCATED_LINK}"]' if truncated else ""
    head = '{"head":{"vars":[' + ",".join(encode_basestring(v) for v in variables) + "]" + link
    return head + '},"results":{"bindings":[\n' + bindings + "\n]}}\n"


def json_boolean(value: bool) -> str:
    return '{"head":{},"boolean":' + ("true" if value else "false") + "}\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(datatype)}>{escape(term.value)}</literal>"


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def xml_results(variables: Sequence[str], rows: Iterable[Row]) -> str:
    names = [f"<binding name={quoteattr(v)}>" for v in variables]
    lines = [_XML_HEAD, "<head>"]
    lines += [f"<variable name={quoteattr(v)}/>" for v in variables]
    lines.append("</head>\n<results>")
    for row in rows:
        lines.append("<result>")
        lines += [
            name + _xml_term(t) + "</binding>"
            for name, t in zip(names, row, strict=True)
            if t is not None
        ]
        lines.append("</result>")
    lines.append("</results>\n</sparql>\n")
    return "\n".join(lines)


def xml_boolean(value: bool) -> str:
    return _XML_HEAD + f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_value(term: Term | None) -> str:
    """A term's CSV field: its plain value, a blank node with its ``_:`` (SPARQL 1.1
    CSV format, section 3.2)."""
    if term is None:
        return ""
    return _csv_field("_:" + term.value if isinstance(term, BlankNode) else term.value)


def csv_results(variables: Sequence[str], rows: Iterable[Row]) -> str:
    lines = [",".join(_csv_field(v) for v in variables)]
    lines += [",".join(_csv_value(t) for t in row) for row in rows]
    if len(variables) == 1:  # an empty line would read as no row at all (as Python's csv)
        lines = [line or '""' for line in lines]
    return "\r\n".join(lines) + "\r\n"


def tsv_term(term: Term) -> str:
    if isinstance(term, Literal) and not term.language and term.datatype.value in _PLAIN_TSV:
        return term.value
    return str(term).replace("\t", "\\t")


def tsv_results(variables: Sequence[str], rows: Iterable[Row]) -> str:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"
