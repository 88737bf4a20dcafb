"""Named SPARQL queries: one .rq file each, with a header that declares them.

A header is a block of comment lines at the top of the file::

    # title: STP footprint
    # description: The CCGs in an STP's footprint, with the period each held.
    # param: stp  org  required  -- An STP or ICB: ODS code, ONS code or name
    # param: as_of  date  optional  -- Only what is known to hold on this day

A ``# group: NAME`` line (optional) files the query under one of the tasks of
:data:`GROUPS` (the query page lists them in that order).

A ``# publish: NAME`` line (optional) names an ``org`` parameter: the build
then publishes the query's answer for every organisation as NAME, with no other
parameter given (:mod:`nhskg.graph.query.published_answers`).

Parameters are typed (see :data:`PARAM_TYPES`); values are checked against the
type and any ``pattern`` before they become RDF terms, and the terms are bound by
a ``VALUES`` block placed at the start of the query's outer WHERE group. User text
is never pasted into the query.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from nhskg.graph.dates import DateError, parse_date
from nhskg.graph.namespaces import ORGTYPE, XSD
from nhskg.graph.query.sparql_text import keyword_at, parameter_unions, syntax_positions

Term = NamedNode | Literal
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
QUERY_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
MAX_VALUE_CHARS = 200  # the longest parameter value, checked before any other work
# The tasks a named query may be filed under (``# group:``), in the order the query
# page lists them: the questions an analyst asks first come first.
GROUPS = (
    "Who works with whom",
    "Partnerships and membership",
    "Organisations over time",
    "What partnerships do",
    "Documents and evidence",
    "Graph statistics",
)
DOCUMENT_ID = re.compile(r"^[0-9]{3,}_[0-9a-f]{16}\.txt$")


class QueryFileError(ValueError):
    """A .rq file's header is malformed."""


class ParameterError(ValueError):
    """A parameter value is missing, unknown or not of its declared type."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    pattern: re.Pattern[str] | None = None
    description: str = ""
    var: str = ""

    @property
    def variable(self) -> str:
        return self.var or self.name

    def describe(self) -> str:
        need = "required" if self.required else "optional"
        pattern = f", pattern {self.pattern.pattern}" if self.pattern else ""
        return f"{self.name} ({self.type}, {need}{pattern})" + (
            f": {self.description}" if self.description else ""
        )


@dataclass(frozen=True)
class Header:
    title: str
    description: str
    params: tuple[Param, ...] = ()
    severity: str = "Violation"
    publish: str | None = None  # the org parameter whose every value the build answers
    group: str | None = None  # one of GROUPS

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class QueryFile:
    name: str
    path: Path
    header: Header
    text: str
    body: str = field(repr=False, default="")


PARAM_TYPES = ("org", "date", "year", "integer", "string", "orgtype", "boolean", "document")
BOOLEANS = {
    "true": "true",
    "yes": "true",
    "1": "true",
    "false": "false",
    "no": "false",
    "0": "false",
}


def parse_header(path: Path, text: str) -> Header:
    fields: dict[str, str] = {}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        content = line[1:].strip()
        key, sep, value = content.partition(":")
        if not sep or key.strip() not in (
            "title",
            "description",
            "param",
            "severity",
            "publish",
            "group",
        ):
            continue
        key, value = key.strip(), value.strip()
        if key == "param":
            params.append(_parse_param(path, number, value))
        elif key == "description" and "description" in fields:
            fields["description"] += " " + value
        else:
            fields[key] = value
    for needed in ("title", "description"):
        if not fields.get(needed):
            raise QueryFileError(f"{path}: header has no '# {needed}:' line")
    severity = fields.get("severity", "Violation")
    if severity not in ("Violation", "Warning", "Info"):
        raise QueryFileError(
            f"{path}: severity must be Violation, Warning or Info, not {severity!r}"
        )
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryFileError(f"{path}: a parameter is declared twice")
    publish = fields.get("publish")
    if publish is not None:
        keyed = next((p for p in params if p.name == publish), None)
        if keyed is None or keyed.type != "org":
            raise QueryFileError(f"{path}: '# publish: {publish}' must name an org parameter")
    group = fields.get("group")
    if group is not None and group not in GROUPS:
        raise QueryFileError(f"{path}: group must be one of {', '.join(GROUPS)}; not {group!r}")
    return Header(fields["title"], fields["description"], tuple(params), severity, publish, group)


def _parse_param(path: Path, number: int, value: str) -> Param:
    spec, _, description = value.partition("--")
    words = spec.split()
    where = f"{path}:{number}"
    if len(words) < 3:
        raise QueryFileError(f"{where}: expected '# param: NAME TYPE required|optional ...'")
    name, ptype, need = words[0], words[1], words[2]
    if not PARAM_NAME.match(name):
        raise QueryFileError(f"{where}: bad parameter name {name!r}")
    if ptype not in PARAM_TYPES:
        raise QueryFileError(f"{where}: unknown type {ptype!r} (one of {', '.join(PARAM_TYPES)})")
    if need not in ("required", "optional"):
        raise QueryFileError(f"{where}: say 'required' or 'optional', not {need!r}")
    options: dict[str, str] = {}
    rest = words[3:]
    if len(rest) % 2:
        raise QueryFileError(
            f"{where}: after required/optional give 'pattern REGEX' and/or 'var NAME'"
        )
    for key, val in zip(rest[::2], rest[1::2], strict=True):
        if key not in ("pattern", "var") or key in options:
            raise QueryFileError(
                f"{where}: unexpected {key!r}; only 'pattern REGEX' and 'var NAME' may follow"
            )
        options[key] = val
    pattern = None
    if "pattern" in options:
        try:
            pattern = re.compile(options["pattern"])
        except re.error as exc:
            raise QueryFileError(f"{where}: bad pattern: {exc}") from None
    var = options.get("var", name)
    if not PARAM_NAME.match(var):
        raise QueryFileError(f"{where}: bad variable name {var!r}")
    return Param(name, ptype, need == "required", pattern, description.strip(), var)


def load_query_file(path: Path) -> QueryFile:
    name = path.stem
    if not QUERY_NAME.match(name):
        raise QueryFileError(f"{path}: query file names are lower case words with hyphens")
    text = path.read_text(encoding="utf-8")
    return QueryFile(name, path, parse_header(path, text), text)


def load_query_files(folder: Path) -> list[QueryFile]:
    return [load_query_file(p) for p in sorted(folder.glob("*.rq"))]


# -- parameter values ------------------------------------------------------------

OrgResolver = Callable[[str, str], NamedNode]


def to_term(
    param: Param,
    raw: str,
    resolve_org: OrgResolver | None,
    orgtypes: Collection[str] | None = None,
) -> Term:
    """Check one value against its parameter and return the RDF term to bind."""
    value = raw.strip()
    if not value:
        raise ParameterError(f"parameter '{param.name}' is empty")
    if len(value) > MAX_VALUE_CHARS:
        raise ParameterError(
            f"parameter '{param.name}' is longer than {MAX_VALUE_CHARS} characters"
        )
    if param.pattern and not param.pattern.fullmatch(value):
        raise ParameterError(
            f"parameter '{param.name}' must match {param.pattern.pattern}: got {value!r}"
        )
    if param.type == "date":
        try:
            parsed = parse_date(value)
        except DateError:
            parsed = None
        if parsed is None or parsed.precision != "day":
            raise ParameterError(
                f"parameter '{param.name}' must be a date YYYY-MM-DD: got {value!r}"
            )
        return Literal(parsed.text, datatype=XSD.date)
    if param.type in ("integer", "year"):
        if not re.fullmatch(r"-?\d{1,9}", value) or (
            param.type == "year" and not re.fullmatch(r"\d{4}", value)
        ):
            kind = "a four-digit year" if param.type == "year" else "an integer"
            raise ParameterError(f"parameter '{param.name}' must be {kind}: got {value!r}")
        return Literal(str(int(value)), datatype=XSD.integer)
    if param.type == "document":
        if not DOCUMENT_ID.fullmatch(value):
            raise ParameterError(
                f"parameter '{param.name}' must be a document identifier "
                f"such as 001_0123456789abcdef.txt: got {value!r}"
            )
        return Literal(value)
    if param.type == "boolean":
        flag = BOOLEANS.get(value.lower())
        if flag is None:
            raise ParameterError(f"parameter '{param.name}' must be true or false: got {value!r}")
        return Literal(flag, datatype=XSD.boolean)
    if param.type == "orgtype":
        if not re.fullmatch(r"[a-z][a-z-]*", value):
            raise ParameterError(
                f"parameter '{param.name}' must be an organisation type key "
                f"such as ccg, nhs-trust, stp, icb: got {value!r}"
            )
        if orgtypes is not None and value not in orgtypes:
            close = difflib.get_close_matches(value, sorted(orgtypes), n=3, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}" if close else ""
            raise ParameterError(
                f"parameter '{param.name}': no organisation type {value!r}{hint} "
                f"(types: {', '.join(sorted(orgtypes))})"
            )
        return ORGTYPE[value]
    if param.type == "org":
        if resolve_org is None:
            raise ParameterError(
                f"parameter '{param.name}' names an organisation, but no store is open"
            )
        return resolve_org(param.name, value)
    return Literal(value)


def bind(
    query: QueryFile,
    values: Mapping[str, str],
    resolve_org: OrgResolver | None,
    orgtypes: Collection[str] | None = None,
) -> str:
    """The query text with its parameters bound; ParameterError for bad values."""
    declared = {p.name for p in query.header.params}
    unknown = sorted(set(values) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ParameterError(
            f"query '{query.name}' has no parameter {', '.join(repr(u) for u in unknown)} "
            f"(parameters: {known})"
        )
    terms: dict[str, Term] = {}
    for param in query.header.params:
        if param.name in values and values[param.name] is not None:
            terms[param.variable] = to_term(param, values[param.name], resolve_org, orgtypes)
        elif param.required:
            raise ParameterError(
                f"query '{query.name}' needs parameter '{param.name}' ({param.type})"
            )
    return inject_values(query.text, terms, parameters=[p.variable for p in query.header.params])


def inject_values(text: str, terms: Mapping[str, Term], *, parameters: Collection[str] = ()) -> str:
    """Insert ``VALUES (?a ?b) { (t1 t2) }`` at the start of every WHERE group.

    The outer group and each sub-SELECT's group get the block: SPARQL evaluates a
    sub-SELECT on its own, so a parameter bound only outside it would be unbound
    inside (and a FILTER on it there would keep everything). So does each branch of a
    UNION whose every branch mentions one of the query's ``parameters`` (outside any
    OPTIONAL, MINUS or EXISTS: :func:`~nhskg.graph.query.sparql_text.parameter_unions`): a
    union is evaluated on its own, and with the values in each branch it is small. The
    block binds values that every solution of the query has, so it changes no answer.
    """
    if not terms:
        return text
    names = sorted(terms)
    row = " ".join(str(terms[n]) for n in names)
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}\n"
    branches = [b[0] for run in parameter_unions(text, parameters) for b in run]
    for at in sorted({*where_braces(text), *branches}, reverse=True):
        text = text[: at + 1] + block + text[at + 1 :]
    return text


def bind_statements(text: str, statements: Collection[str], *, variable: str = "statement") -> str:
    """``text`` with ``VALUES ?statement { <iri> ... }`` (or another ``variable``) at the
    start of its WHERE group.

    Each IRI goes in as a NamedNode, whose text form pyoxigraph writes (and which
    refuses a malformed IRI), never pasted in as it came.
    """
    if not PARAM_NAME.match(variable):
        raise ValueError(f"not a variable name: {variable!r}")
    rows = " ".join(str(NamedNode(s)) for s in statements)
    at = where_braces(text)[0]
    return text[: at + 1] + f"\n  VALUES ?{variable} {{ {rows} }}\n" + text[at + 1 :]


def outer_where_brace(text: str) -> int:
    """Index of the '{' that opens the outer WHERE group."""
    return where_braces(text)[0]


def where_braces(text: str) -> list[int]:
    """Indexes of every '{' that opens a WHERE group, skipping comments, strings, IRIs."""
    found: list[int] = []
    seen_where = False
    for i in syntax_positions(text):
        if text[i] in "wW" and keyword_at(text, i, "WHERE"):
            seen_where = True
        elif text[i] == "{" and seen_where:
            found.append(i)
            seen_where = False
    if not found:
        raise QueryFileError("the query has no 'WHERE {' to bind parameters into")
    return found
