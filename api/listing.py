"""The organisations listing of a type or on a day, worked out in Python.

``queries/organisations.rq`` asked with ``type``, ``as_of`` or ``evidenced_only``
matches every classification period against the day and looks up each organisation's
names, codes and dates: hundreds of milliseconds on the national graph, more at ten
million quads, on every call. The facts it reads are few (a row a classification
period, name period, name, code and date of each organisation) and do not change within
a build, so they are read once a build (``queries/internal/organisation-listing.rq``,
:func:`table_of`) and each request's listing is worked out here: the query's filters,
its grouping, its OPTIONAL rows and its ORDER BY, row for row the answer the query gives
(tests/test_listing.py compares the two over many types and days). It is evaluated for
each request, never kept.

Where the table holds something the query would compare in a way this module does not
copy (a period date that is not a plain ``xsd:date``, a name that is not a plain string),
:func:`rows_on` returns None and the caller evaluates the query instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pyoxigraph import Literal, NamedNode

from nhskg.api.state import PublishedGraph
from nhskg.graph.network.fetch import HeldTime
from nhskg.graph.query.named_queries import load_query_file, to_term
from nhskg.graph.query.results import plain_date, python_value
from nhskg.graph.query.store import SelectResult

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ORG_PREFIX = "https://w3id.org/nhskg/id/org/"


@dataclass(frozen=True)
class Period(HeldTime):
    """One classification period as organisations.rq matches it: held on a day as a
    network tie is (:class:`~nhskg.graph.network.fetch.HeldTime`), from ``start``
    (``nhskg:knownFrom``) to ``end`` (``nhskg:knownUntil``), then presumed."""

    type: str  # the type's IRI
    type_name: Literal
    start: date
    end: date | None
    presumed_from: date | None
    presumed_until: date | None


@dataclass
class Organisation:
    """What the listing shows of one organisation, each fact as often as the graph has it."""

    periods: list[Period] = field(default_factory=list)
    current_names: list[str] = field(default_factory=list)
    ods: list[str] = field(default_factory=list)
    opened: list[Any] = field(default_factory=list)
    closed: list[Any] = field(default_factory=list)
    # (name, start, end) of each name period
    names: list[tuple[str, str | None, str | None]] = field(default_factory=list)


@dataclass
class ListingTable:
    """Each organisation with a classification period (in the order the query meets their
    first period), the types each type falls under, and whether the rows can be worked out
    here exactly (``exact``)."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=dict)
    exact: bool = True


def _date(term: Any, table: ListingTable) -> str | None:
    """A compared date's lexical form; one the module cannot compare as the engine does
    (not a plain, real ``xsd:date``) marks the table inexact."""
    if term is None:
        return None
    if plain_date(term) is None:
        table.exact = False
    return str(term.value)


def _day(term: Any, table: ListingTable) -> date | None:
    """A compared date as a day; one that is not a plain, real ``xsd:date`` marks the
    table inexact (its rows are then never worked out here)."""
    if term is None:
        return None
    day = plain_date(term)
    if day is None:
        table.exact = False
        return date.min
    return day


def _string(term: Any, table: ListingTable) -> str:
    """A name sorted on: a plain string, else the table is inexact."""
    if not (isinstance(term, Literal) and term.datatype.value == XSD_STRING):
        table.exact = False
    return str(term.value)


def read_table(result: SelectResult) -> ListingTable:
    """The table from the rows of ``organisation-listing.rq``."""
    table = ListingTable()
    for row in result.dicts():
        kind = str(row["kind"].value) if row["kind"] is not None else ""
        value = row["value"]
        if kind == "broader":
            assert row["t"] is not None and value is not None
            table.broader.setdefault(row["t"].value, set()).add(value.value)
            continue
        assert row["org"] is not None and value is not None
        entry = table.organisations.setdefault(row["org"].value, Organisation())
        if kind == "period":
            assert row["t"] is not None and isinstance(value, Literal)
            entry.periods.append(
                Period(
                    row["t"].value,
                    value,
                    _day(row["from"], table) or date.min,
                    _day(row["until"], table),
                    _day(row["presumedFrom"], table),
                    _day(row["presumedUntil"], table),
                )
            )
        elif kind == "currentName":
            entry.current_names.append(_string(value, table))
        elif kind == "ods":
            entry.ods.append(str(value.value))
        elif kind == "opened":
            entry.opened.append(python_value(value))
        elif kind == "closed":
            entry.closed.append(python_value(value))
        elif kind == "namePeriod":
            entry.names.append(
                (_string(value, table), _date(row["from"], table), _date(row["until"], table))
            )
    table.organisations = {o: e for o, e in table.organisations.items() if e.periods}
    return table


def table_of(graph: PublishedGraph) -> ListingTable:
    """The listing table of this build, read once (:meth:`PublishedGraph.derived`)."""
    return graph.derived("organisation-listing-table", _read_table_of)


def _read_table_of(graph: PublishedGraph) -> ListingTable:
    store = graph.service.store
    query = load_query_file(graph.settings.queries_dir / "internal" / "organisation-listing.rq")
    result = store.query(store.plan(query.text), planned=True)
    assert isinstance(result, SelectResult)
    return read_table(result)


def _of_type(table: ListingTable, t: str, type_iri: str | None) -> bool:
    """`?t = ?type || EXISTS { ?t skos:broader+ ?type }`, or true with no type asked."""
    return type_iri is None or t == type_iri or type_iri in table.broader.get(t, ())


def _name_on(names: list[tuple[str, str | None, str | None]], as_of: str | None) -> list[str]:
    """The names of the name periods that hold on ``as_of``: with no day, those with
    neither start nor end (a comparison with an unbound day is an error, so false)."""
    return [
        name
        for name, start, end in names
        if (start is None or (as_of is not None and start <= as_of))
        and (end is None or (as_of is not None and as_of <= end))
    ]


def _code(org: str) -> str:
    """STRAFTER(STR(?org), the organisations' prefix): "" when the IRI lacks it."""
    return org.removeprefix(ORG_PREFIX) if org.startswith(ORG_PREFIX) else ""


def rows_on(
    table: ListingTable, type_iri: str | None, as_of: str | None, evidenced_only: bool
) -> list[dict[str, Any]] | None:
    """organisations.rq's rows (as :func:`nhskg.api.deps.rows` gives them) for a type
    (its IRI), a day (ISO) and ``evidenced_only``; None when the table is not exact."""
    if not table.exact:
        return None
    day = date.fromisoformat(as_of) if as_of is not None else None
    found: list[tuple[tuple[str, str], dict[str, Any]]] = []
    for org, entry in table.organisations.items():
        names: list[Literal] = []
        presumed: bool | None = None
        for p in entry.periods:
            if day is not None and not p.holds_on(day, presumed=not evidenced_only):
                continue
            if not _of_type(table, p.type, type_iri):
                continue
            if p.type_name not in names:
                names.append(p.type_name)
            typed = day is not None and p.presumed_on(day)
            presumed = typed if presumed is None else min(presumed, typed)
        if presumed is None:
            continue
        types = "; ".join(sorted(str(n.value) for n in names))
        day_names = _name_on(entry.names, as_of)
        for current in entry.current_names:
            for code in entry.ods or [_code(org)]:
                for name in day_names or [current]:
                    for opened in entry.opened or [None]:
                        for closed in entry.closed or [None]:
                            row = {
                                "code": code,
                                "name": name,
                                "currentName": current,
                                "types": types,
                                "presumed": presumed,
                                "opened": opened,
                                "closed": closed,
                                "org": org,
                            }
                            found.append(((name, code), row))
    found.sort(key=lambda kv: kv[0])
    return [{k: v for k, v in row.items() if v not in (None, "")} for _, row in found]


def listing(
    graph: PublishedGraph, type_key: str | None, as_of: str | None, evidenced_only: bool
) -> list[dict[str, Any]] | None:
    """The listing's rows for a type key (checked as the query checks it), a day and
    ``evidenced_only``; None when the query must be evaluated instead."""
    type_iri = None
    if type_key is not None:
        param = graph.service.query_file("organisations").header.param("type")
        assert param is not None
        term = to_term(param, type_key, None, graph.service.orgtypes)
        assert isinstance(term, NamedNode)
        type_iri = term.value
    return rows_on(table_of(graph), type_iri, as_of, evidenced_only)
