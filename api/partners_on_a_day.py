"""An organisation's partners on a day, worked out in Python: ``queries/partners.rq`` restated.

``partners.rq`` asked with ``as_of`` matches every tie of the organisation against the
day: the other members of each body it belongs to (some bodies have hundreds of
membership statements, most presumed to hold on any day), the bodies it is a member of,
its members, and the other parties to each statement it is a party to, with each tie's
evidence. The engine reads the dates of every one of those statements before its day
filter keeps a few. Here the organisation's statements, their parties and their dates
come from the build's tie table (:mod:`nhskg.graph.query.tie_table`, a few SQLite
lookups), what the store says of the organisations they name from one query
(``queries/internal/partners-nodes.rq``), and then, for the ties that hold on the day
only, their evidence and the names of the statements they go through
(``queries/internal/partners-evidence.rq``, ``partners-nodes.rq``).

The rows are worked out as the query works them out: its day filter (the held-on-a-day
rule of :class:`~nhskg.graph.network.fetch.HeldTime`, as the network views and the
listing use it), a fellow member's tie held while both memberships are, ``presumed`` and
``lastEvidenced``, the grouping with its documents, quotes and statements concatenated in
the query's order, the names of the day and today's names, and its ORDER BY. This module
restates ``partners.rq``: a change to one is a change to the other, and
``tests/test_partners_on_a_day.py`` holds the two together (every organisation of the
national graph on many days, with and without ``evidenced_only``, the same rows in the
same order). It is evaluated for each request, never kept.

Without ``as_of`` the build's published answer is read where there is one; for an
organisation the build's budget left out (at 10M, most of them) the rows are worked out
here too, over all time: every tie, none presumed, each named as on its first day
(``MIN(?tieFrom)``). Where the facts hold something the query would compare in a way
this module does not copy (a date that is not a plain ``xsd:date``, a name or basis that
is not a string), or there is no tie table (a remote store, a build from before it),
:func:`answer` returns None and the caller evaluates the query instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from nhskg.graph.network.fetch import HeldTime
from nhskg.graph.query.named_queries import bind_statements, load_query_file, to_term
from nhskg.graph.query.results import is_string
from nhskg.graph.query.store import SelectResult
from nhskg.graph.query.tie_table import TIE_TABLE_FILE, Facts, TieTable

if TYPE_CHECKING:
    from nhskg.api.state import PublishedGraph

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DATE = NamedNode(XSD + "date")
ORG_PREFIX = "https://w3id.org/nhskg/id/org/"
NHSKG = "https://w3id.org/nhskg/def#"
NOT_MINE = frozenset(NHSKG + r for r in ("placed", "within", "organisation"))  # my role, never
VARIABLES = [
    "code",
    "name",
    "currentName",
    "through",
    "throughName",
    "throughCurrentName",
    "relation",
    "basis",
    "presumed",
    "lastEvidenced",
    "documents",
    "quotes",
    "partner",
    "statements",
]
STATED = Literal("stated")
RESOLVED = Literal("resolved")
FELLOW = Literal("fellow member")
MEMBER_OF = Literal("member of")
HAS_MEMBER = Literal("has member")


@dataclass(frozen=True)
class TiePeriod(HeldTime):
    """One combination of a statement's dates and basis, as the query matches it:
    ``nhskg:knownFrom`` (``start``) to ``nhskg:knownUntil`` (``end``, ``until`` its term,
    shown as ``lastEvidenced``), presumed after it while ``presumedFrom`` is bound
    (:class:`~nhskg.graph.network.fetch.HeldTime`)."""

    basis: Literal
    start: date
    end: date | None
    until: Literal | None
    presumed_from: date | None
    presumed_until: date | None


@dataclass
class PartnersTable:
    """The facts ``partners.rq`` reads, indexed as its patterns follow them; ``exact``
    false when some cannot be compared here as the engine compares them."""

    periods: dict[str, list[TiePeriod]] = field(default_factory=lambda: defaultdict(list))
    by_member: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    by_body: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    by_party: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    parties: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    role_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[tuple[Literal, Literal]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    organisations: set[str] = field(default_factory=set)
    labels: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    type_labels: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    ods: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    # (name, first day, last day) of each name period of a node
    names: dict[str, list[tuple[Literal, date | None, date | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    exact: bool = True

    def string(self, term: Any) -> Literal:
        """A name, basis or label compared or sorted on: a string, else inexact."""
        if not is_string(term):
            self.exact = False
        return term

    def plain(self, term: Any) -> Literal:
        """A document identifier or quote concatenated: a plain string, else inexact."""
        if not (isinstance(term, Literal) and term.datatype.value == XSD + "string"):
            self.exact = False
        return term

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Index rows of the store's partners queries (partners-nodes.rq,
        partners-evidence.rq: kind, statement, node, value, extra)."""
        for kind, s, node, value, extra in rows:
            k = kind.value
            if k == "evidence":
                assert s is not None
                self.evidence[s.value].append((self.plain(value), self.plain(extra)))
            elif k == "organisation":
                assert node is not None
                self.organisations.add(node.value)
            elif k == "label":
                assert node is not None
                self.labels[node.value].append(self.string(value))
            elif k == "typeLabel":
                assert node is not None and isinstance(value, Literal)
                self.type_labels[node.value].append(value)
            elif k == "ods":
                assert node is not None and isinstance(value, Literal)
                self.ods[node.value].append(value)

    def add_facts(self, facts: Facts) -> None:
        """Index one organisation's facts from the tie table (whose terms the build has
        checked: plain dates, string names and labels)."""
        for s, member, body in facts.memberships:
            self.by_member[member].append((s, body))
            self.by_body[body].append((s, member))
        for s, role, node in facts.parties:
            self.by_party[node].append((s, role))
            self.parties[s].append((role, node))
        for role, label in facts.role_labels:
            self.role_labels[role].append(label)
        for s, basis, language, start, until, presumed_from, presumed_until in facts.periods:
            end, until_term = _day(until) if until else (None, None)
            period = TiePeriod(
                _text(basis, language),
                _day(start)[0],
                end,
                until_term,
                _day(presumed_from)[0] if presumed_from else None,
                _day(presumed_until)[0] if presumed_until else None,
            )
            if (
                end is not None
                and period.presumed_from is not None
                and period.presumed_until is not None
                and period.presumed_until < end
            ):
                self.exact = False  # the query would hold it to its end; HeldTime would not
            self.periods[s].append(period)
        for node, name, language, first, last in facts.names:
            self.names[node].append(
                (
                    _text(name, language),
                    _day(first)[0] if first else None,
                    _day(last)[0] if last else None,
                )
            )


@lru_cache(maxsize=1 << 16)
def _day(text: str) -> tuple[date, Literal]:
    """A day of the tie table (checked plain by the build) and its xsd:date literal."""
    return date.fromisoformat(text), Literal(text, datatype=XSD_DATE)


@lru_cache(maxsize=1 << 12)
def _text(text: str, language: str) -> Literal:
    """A name or basis of the tie table, with its language tag if it has one."""
    return Literal(text, language=language) if language else Literal(text)


def tie_table(graph: PublishedGraph) -> TieTable | None:
    """The build's tie table (:mod:`nhskg.graph.query.tie_table`), opened once a build;
    None for a store with no build folder (NHSKG_STORE_URL) or a build without one, whose
    requests evaluate partners.rq."""
    return graph.derived("tie-table", _open_tie_table)


def _open_tie_table(graph: PublishedGraph) -> TieTable | None:
    if graph.lease is None:
        return None
    path = graph.lease.folder.path / TIE_TABLE_FILE
    return TieTable(path) if path.is_file() else None


def warm(graph: PublishedGraph) -> None:
    """Open the tie table and plan the queries a request reads."""
    if tie_table(graph) is not None:
        for name in ("partners-nodes", "partners-evidence"):
            _planned(graph, name)


def _planned(graph: PublishedGraph, name: str) -> str:
    """An internal partners query (queries/internal/NAME.rq) as the store runs it,
    planned once a build."""

    def plan(g: PublishedGraph) -> str:
        query = load_query_file(g.settings.queries_dir / "internal" / f"{name}.rq")
        return g.service.store.plan(query.text)

    return graph.derived(f"planned-{name}", plan)


def _read(graph: PublishedGraph, name: str, iris: Iterable[str], variable: str) -> list[Any]:
    """The rows of an internal partners query for these IRIs (none asked: none)."""
    asked = sorted(set(iris))
    if not asked:
        return []
    text = bind_statements(_planned(graph, name), asked, variable=variable)
    result = graph.service.store.query(text, planned=True)
    assert isinstance(result, SelectResult)
    return result.rows


def table_for(
    graph: PublishedGraph, ties: TieTable, org: str, day: date | None, evidenced_only: bool
) -> PartnersTable:
    """What partners.rq reads for ``org`` on ``day``: its facts from the tie table, what
    the store says of the organisations they name, then the evidence of the statements of
    the ties that hold on the day and the names of the statements they go through."""
    table = PartnersTable()
    table.add_facts(ties.facts(org, day))
    nodes = {org, *table.by_body, *table.by_member}
    nodes.update(node for parties in table.parties.values() for _, node in parties)
    table.add(_read(graph, "partners-nodes", nodes, "node"))
    held = _ties(table, org, day, evidenced_only)
    statements = {statement for group in held.values() for _, _, statement in group.rows}
    through = {key[1] for key in held} - nodes
    table.add(_read(graph, "partners-evidence", statements, "s"))
    table.add(_read(graph, "partners-nodes", through, "node"))
    return table


@dataclass
class _Group:
    """One row of the query's inner GROUP BY: its (source, quote, statement) rows."""

    rows: set[tuple[Literal | None, Literal | None, str]] = field(default_factory=set)
    first: date | None = None  # MIN(?tieFrom): the day its names are of, without as_of


def _term_key(term: Any) -> tuple[Any, ...]:
    """A term's place in ORDER BY as the engine sorts these columns: unbound first, then
    IRIs, then literals by their text (a language-tagged one before a plain one of the
    same text, by tag)."""
    if term is None:
        return (0,)
    if isinstance(term, NamedNode):
        return (1, term.value)
    language = term.language
    return (2, term.value, 0 if language else 1, language or "")


def _on_day(names: Iterable[tuple[Literal, date | None, date | None]], day: date) -> list[Literal]:
    """The names of the name periods that hold on ``day``."""
    return [
        name
        for name, first, last in names
        if (first is None or first <= day) and (last is None or day <= last)
    ]


def _ties(
    table: PartnersTable, org: str, day: date | None, evidenced_only: bool
) -> dict[tuple[Any, ...], _Group]:
    """The inner SELECT of partners.rq: each (partner, via, relation, basis, presumed,
    lastEvidenced) with its rows of evidence; without a day, every tie, none presumed
    (``evidenced_only`` then changes nothing, as in the query)."""
    groups: dict[tuple[Any, ...], _Group] = defaultdict(_Group)
    presumed_ok = not evidenced_only

    def is_partner(node: str) -> bool:
        return node != org and node in table.organisations and bool(table.labels.get(node))

    def add(
        partner: str,
        via: str,
        relation: Literal,
        basis: Literal,
        statement: str,
        last1: TiePeriod | None,
        period: TiePeriod,
    ) -> None:
        if day is None:
            presumed2 = False
        elif not period.holds_on(day, presumed=presumed_ok):
            return
        else:
            presumed2 = period.presumed_on(day)
        # presumed if either membership of fellow members is; last evidenced: the earlier
        last = period if presumed2 else None
        if last1 is not None and (last is None or last1.end < last.end):  # type: ignore[operator]
            last = last1
        key = (
            partner,
            via,
            relation,
            basis,
            last1 is not None or presumed2,
            last.until if last is not None else None,
        )
        group = groups[key]
        if group.first is None or period.start < group.first:
            group.first = period.start
        rows = group.rows
        evidence = table.evidence.get(statement)
        if evidence:
            rows.update((source, quote, statement) for source, quote in evidence)
        else:
            rows.add((None, None, statement))

    # fellow members: each body the organisation is a member of on the day, once a basis
    # (its presumed membership's period standing for its presumed1 and last1)
    mine: dict[tuple[str, Literal, Literal | None], TiePeriod | None] = {}
    for statement, body in table.by_member.get(org, ()):
        for period in table.periods.get(statement, ()):
            if day is None:
                mine[(body, period.basis, None)] = None
            elif period.holds_on(day, presumed=presumed_ok):
                presumed1 = period.presumed_on(day)
                last1 = period.until if presumed1 else None
                mine[(body, period.basis, last1)] = period if presumed1 else None
    for (body, basis1, _), mine_presumed in mine.items():
        for statement, partner in table.by_body.get(body, ()):
            if not is_partner(partner):
                continue
            for period in table.periods.get(statement, ()):
                both = basis1 == STATED and period.basis == STATED
                add(
                    partner,
                    body,
                    FELLOW,
                    STATED if both else RESOLVED,
                    statement,
                    mine_presumed,
                    period,
                )
    # a body the organisation is a member of; a member of the organisation
    for statement, body in table.by_member.get(org, ()):
        if is_partner(body):
            for period in table.periods.get(statement, ()):
                add(body, body, MEMBER_OF, period.basis, statement, None, period)
    for statement, member in table.by_body.get(org, ()):
        if is_partner(member):
            for period in table.periods.get(statement, ()):
                add(member, org, HAS_MEMBER, period.basis, statement, None, period)
    # another party to a statement the organisation is a party to
    for statement, my_role in table.by_party.get(org, ()):
        if my_role in NOT_MINE or not table.role_labels.get(my_role):
            continue
        for their_role, partner in table.parties.get(statement, ()):
            if not is_partner(partner):
                continue
            for my_label in table.role_labels[my_role]:
                for their_label in table.role_labels.get(their_role, ()):
                    relation = Literal(f"{my_label} / {their_label}")
                    for period in table.periods.get(statement, ()):
                        add(partner, statement, relation, period.basis, statement, None, period)
    return groups


def _concat(values: Iterable[Any], separator: str) -> Literal:
    """GROUP_CONCAT(DISTINCT ...): each value once, in the order met, unbound left out."""
    seen: dict[str, None] = {}
    for value in values:
        if value is not None:
            seen.setdefault(value, None)
    return Literal(separator.join(seen))


def rows_on(
    table: PartnersTable, org: str, day: date | None, evidenced_only: bool
) -> list[tuple[Any, ...]]:
    """partners.rq's rows (its SELECT's terms, in its order) for an organisation (its
    IRI) on a day (None: over all time, each tie named as on its first day), with or
    without ``evidenced_only``."""
    found: list[tuple[Any, ...]] = []
    for (partner, via, relation, basis, presumed, last), group in _ties(
        table, org, day, evidenced_only
    ).items():
        ordered = sorted(group.rows, key=lambda r: (_term_key(r[0]), _term_key(r[1]), r[2]))
        documents = _concat((r[0].value if r[0] is not None else None for r in ordered), ", ")
        quotes = _concat((r[1].value if r[1] is not None else None for r in ordered), " | ")
        statements = _concat((r[2] for r in ordered), ", ")
        strafter = partner.removeprefix(ORG_PREFIX) if partner.startswith(ORG_PREFIX) else ""
        codes = [Literal(o.value) for o in table.ods.get(partner, ())] or [Literal(strafter)]
        on = day if day is not None else group.first
        assert on is not None  # a group has a row, and each row a period
        day_names = _on_day(table.names.get(partner, ()), on)
        via_labels: list[Literal | None] = list(table.labels.get(via, ())) or [None]
        via_day_names: list[Literal | None] = list(_on_day(table.names.get(via, ()), on)) or [None]
        through = NamedNode(via)
        for current in table.labels[partner]:
            for code in codes:
                for name in day_names or [current]:
                    for via_label in via_labels:
                        type_labels: list[Literal | None] = (
                            list(table.type_labels.get(via, ())) if via_label is None else []
                        ) or [None]
                        for type_label in type_labels:
                            current_through = via_label or type_label
                            through_current = Literal(
                                current_through.value if current_through is not None else ""
                            )
                            for via_day in via_day_names:
                                of_day = via_day or via_label or type_label
                                found.append(
                                    (
                                        code,
                                        name,
                                        current,
                                        through,
                                        Literal(of_day.value if of_day is not None else ""),
                                        through_current,
                                        relation,
                                        basis,
                                        Literal(presumed),
                                        last,
                                        documents,
                                        quotes,
                                        NamedNode(partner),
                                        statements,
                                    )
                                )
    # ORDER BY ?name ?throughName ?relation ?basis ?code ?partner ?through ?presumed
    #          ?lastEvidenced ?currentName ?throughCurrentName
    found.sort(key=lambda r: tuple(_term_key(r[i]) for i in (1, 4, 6, 7, 0, 12, 3, 8, 9, 2, 5)))
    return found


def answer(graph: PublishedGraph, params: Mapping[str, str]) -> SelectResult | None:
    """partners.rq's answer for these parameters (checked as binding them checks them),
    worked out from the tie table, on the day asked or, without ``as_of``, over all time;
    None when the query must be evaluated instead (no tie table, or facts that cannot
    give its exact answer). An answer the build published is read first
    (``PublishedGraph.run``): this is for the rest."""
    ties = tie_table(graph)
    if ties is None or not ties.exact:
        return None
    service = graph.service
    service.planned_text("partners", params)  # refuses what the query refuses, the same way
    header = service.query_file("partners").header
    terms = {}
    for name, value in params.items():
        param = header.param(name)
        assert param is not None  # planned_text refused any other
        terms[name] = to_term(param, value, service.index.resolve, service.orgtypes)
    org = terms["organisation"]
    as_of = terms.get("as_of")
    flag = terms.get("evidenced_only")
    assert isinstance(org, NamedNode) and isinstance(as_of, Literal | None)
    evidenced_only = flag is not None and flag.value == "true"
    day = date.fromisoformat(as_of.value) if as_of is not None else None
    table = table_for(graph, ties, org.value, day, evidenced_only)
    if not table.exact:
        return None
    found = rows_on(table, org.value, day, evidenced_only)
    cap = service.settings.max_rows
    return SelectResult(list(VARIABLES), found[:cap], truncated=len(found) > cap)
