"""The tie table: the facts ``queries/partners.rq`` follows from an organisation to its
ties, written by the build into its folder (``ties.sqlite``) and read for one
organisation at a time.

``partners.rq`` asked with ``as_of`` reads each tie's statement, its parties and its
dates and basis. At 10 million quads an organisation can be party to a thousand
statements (events with many participants, the memberships of its bodies), and the
engine reads the dates of each of them, whichever day is asked, before a day filter
keeps a few dozen. The tie table holds those facts indexed by organisation, so that
:mod:`nhskg.api.partners_on_a_day` reads one organisation's in a few SQLite lookups:

- ``membership``: each ``org:Membership`` statement's member and body;
- ``party``: each statement's parties, by a role under ``nhskg:involves``;
- ``period``: each statement's ``nhskg:knownFrom``, ``nhskg:knownUntil``,
  ``nhskg:presumedFrom``, ``nhskg:presumedUntil`` and the ``skos:prefLabel`` of its
  ``nhskg:basis``, one row each combination (as a SPARQL join of them gives);
- ``role_label``: each role's labels;
- ``name_period``: each ``nhskg:NamePeriod``'s organisation, name, first and last day
  (the names of the day partners.rq gives).

The rest a tie shows (names, codes, evidence) is read from the store for the few
statements and organisations of the day's ties. The table is read from the published
store (:func:`write`) with the graph closed to change; a term partners.rq compares in a
way Python does not copy (a date that is not a plain ``xsd:date``, a basis or role label
that is not a string, a blank node) marks the whole table inexact, and each request
then evaluates partners.rq instead (:func:`TieTable.exact`).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, QuerySolutions, Store

from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.results import is_string, plain_date

TIE_TABLE_FILE = "ties.sqlite"
NHSKG = "https://w3id.org/nhskg/def#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAME_PERIOD = NamedNode("https://w3id.org/nhskg/def#NamePeriod")
SCHEMA_ORG = "https://schema.org/"
PREF_LABEL = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
DATES = ("knownFrom", "knownUntil", "presumedFrom", "presumedUntil")
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE node (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE membership (statement INTEGER NOT NULL, member INTEGER NOT NULL,
                         body INTEGER NOT NULL, first TEXT, last TEXT);
CREATE TABLE party (statement INTEGER NOT NULL, role INTEGER NOT NULL, node INTEGER NOT NULL,
                    first TEXT, last TEXT);
CREATE TABLE period (statement INTEGER NOT NULL, basis TEXT NOT NULL, basis_lang TEXT NOT NULL,
                     start TEXT NOT NULL, until TEXT, presumed_from TEXT, presumed_until TEXT);
CREATE TABLE role_label (role INTEGER NOT NULL, label TEXT NOT NULL);
CREATE TABLE name_period (node INTEGER NOT NULL, name TEXT NOT NULL, name_lang TEXT NOT NULL,
                          start TEXT, until TEXT);
"""
# A statement that may hold on :day (the day's test in Python decides): ``first`` and
# ``last`` are the first and last day any of its periods is taken to hold, presumed
# part included (last NULL: one is open; first NULL: it has no period and never holds)
MAY_HOLD = "{t}.first <= :day AND ({t}.last IS NULL OR :day <= {t}.last)"
INDEXES = """
CREATE INDEX membership_member ON membership (member);
CREATE INDEX membership_body ON membership (body);
CREATE INDEX party_node ON party (node);
CREATE INDEX party_statement ON party (statement);
CREATE INDEX period_statement ON period (statement);
CREATE INDEX name_period_node ON name_period (node);
"""


class _Writer:
    """Rows of the table as they are read, IRIs numbered; ``inexact`` says why not."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.inexact: str | None = None

    def id(self, term: Any) -> int:
        if not isinstance(term, NamedNode):
            self.inexact = self.inexact or f"a {type(term).__name__} where an IRI is followed"
            return -1
        return self.ids.setdefault(term.value, len(self.ids))

    def day(self, term: Any, what: str) -> str:
        if plain_date(term) is None:
            self.inexact = self.inexact or f"{what} {term} is not a plain xsd:date"
            return ""
        return str(term.value)

    def text(self, term: Any, what: str) -> tuple[str, str]:
        if not is_string(term):
            self.inexact = self.inexact or f"{what} {term} is not a string"
            return ("", "")
        return (term.value, term.language or "")


def _objects(store: Store, predicate: NamedNode) -> dict[Any, set[Any]]:
    """Each subject's objects of ``predicate``, over every graph (the union partners.rq
    reads), each once."""
    found: dict[Any, set[Any]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, predicate, None, None):
        found[quad.subject].add(quad.object)
    return found


def write(store_path: Path, out: Path, queries_dir: Path) -> dict[str, int | str]:
    """Write the tie table of the store at ``store_path`` to ``out`` (replacing it only
    once complete); the rows written of each kind, and why it is inexact if it is."""
    store = Store.read_only(str(store_path))
    w = _Writer()
    roles_query = load_query_file(queries_dir / "internal" / "tie-roles.rq")
    roles: dict[Any, list[Any]] = defaultdict(list)
    solutions = store.query(roles_query.text, use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    for solution in solutions:
        role, label = solution["role"], solution["label"]
        of_role = roles[role]  # a role with no label is still followed
        if label is not None:
            of_role.append(label)
    role_labels = [
        (w.id(r), w.text(label, "role label")[0]) for r, ls in roles.items() for label in ls
    ]

    memberships = {
        q.subject
        for q in store.quads_for_pattern(None, RDF_TYPE, NamedNode(ORG + "Membership"), None)
    }
    members = _objects(store, NamedNode(ORG + "member"))
    bodies = _objects(store, NamedNode(ORG + "organization"))
    membership_rows = [
        (w.id(s), w.id(m), w.id(b))
        for s in memberships
        for m, b in itertools.product(members.get(s, ()), bodies.get(s, ()))
    ]
    del members, bodies
    party_rows = [
        (w.id(q.subject), w.id(role), w.id(q.object))
        for role in roles
        for q in store.quads_for_pattern(None, role, None, None)
    ]
    dates = {name: _objects(store, NamedNode(NHSKG + name)) for name in DATES}
    basis = _objects(store, NamedNode(NHSKG + "basis"))
    labels = {c: _objects_of(store, c, PREF_LABEL) for c in set().union(*basis.values())}
    period_rows = []
    for s, froms in dates["knownFrom"].items():
        basis_labels = [label for c in basis.get(s, ()) for label in labels[c]]
        if not basis_labels:
            continue
        statement = w.id(s)
        for start, label, until, p_from, p_until in itertools.product(
            froms,
            basis_labels,
            dates["knownUntil"].get(s) or [None],
            dates["presumedFrom"].get(s) or [None],
            dates["presumedUntil"].get(s) or [None],
        ):
            period_rows.append(
                (
                    statement,
                    *w.text(label, "basis"),
                    w.day(start, "knownFrom"),
                    *(None if d is None else w.day(d, "a date") for d in (until, p_from, p_until)),
                )
            )
    spans = _spans(period_rows)
    membership_rows = [(*r, *spans.get(r[0], (None, None))) for r in membership_rows]
    party_rows = [(*r, *spans.get(r[0], (None, None))) for r in party_rows]
    name_rows = []
    for s in {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, NAME_PERIOD, None)}:
        for node, name, start, until in itertools.product(
            _objects_of(store, s, NamedNode(NHSKG + "organisation")),
            _objects_of(store, s, NamedNode(NHSKG + "name")),
            _objects_of(store, s, NamedNode(SCHEMA_ORG + "startDate")) or [None],
            _objects_of(store, s, NamedNode(SCHEMA_ORG + "endDate")) or [None],
        ):
            name_rows.append(
                (
                    w.id(node),
                    *w.text(name, "name"),
                    *(None if d is None else w.day(d, "a name's date") for d in (start, until)),
                )
            )
    del store  # closed before the file is written
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as db, db:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO node VALUES (?, ?)", ((i, iri) for iri, i in w.ids.items()))
        db.executemany("INSERT INTO membership VALUES (?, ?, ?, ?, ?)", membership_rows)
        db.executemany("INSERT INTO party VALUES (?, ?, ?, ?, ?)", party_rows)
        db.executemany("INSERT INTO period VALUES (?, ?, ?, ?, ?, ?, ?)", period_rows)
        db.executemany("INSERT INTO role_label VALUES (?, ?)", role_labels)
        db.executemany("INSERT INTO name_period VALUES (?, ?, ?, ?, ?)", name_rows)
        db.executescript(INDEXES)
        db.execute("INSERT INTO meta VALUES ('inexact', ?)", (w.inexact or "",))
    partial.replace(out)
    return {
        "memberships": len(membership_rows),
        "parties": len(party_rows),
        "periods": len(period_rows),
        "name periods": len(name_rows),
        "inexact": w.inexact or "",
    }


def _spans(periods: Iterable[tuple[Any, ...]]) -> dict[int, tuple[str, str | None]]:
    """Each statement's first day and last day held (None: open), over its periods, as
    :class:`~nhskg.graph.network.fetch.HeldTime` takes them: its evidence's end, or
    after it the end of its presumed part."""
    spans: dict[int, tuple[str, str | None]] = {}
    for statement, _, _, start, until, presumed_from, presumed_until in periods:
        last = None if until is None else presumed_until if presumed_from is not None else until
        if statement in spans:
            first, before = spans[statement]
            start = min(first, start)
            last = None if before is None or last is None else max(before, last)
        spans[statement] = (start, last)
    return spans


def _objects_of(store: Store, subject: Any, predicate: NamedNode) -> set[Any]:
    return {q.object for q in store.quads_for_pattern(subject, predicate, None, None)}


@dataclass(frozen=True)
class Facts:
    """One organisation's rows of the tie table, IRIs and dates as written (ISO days,
    None where a date is not given): ``memberships`` (statement, member, body),
    ``parties`` (statement, role, party), ``periods`` (statement, basis, its language
    or "", knownFrom, knownUntil, presumedFrom, presumedUntil), ``names`` (organisation,
    name, its language or "", first day, last day) and ``role_labels`` (role, label)."""

    memberships: list[tuple[str, str, str]] = field(default_factory=list)
    parties: list[tuple[str, str, str]] = field(default_factory=list)
    periods: list[tuple[str, str, str, str, str | None, str | None, str | None]] = field(
        default_factory=list
    )
    names: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)
    role_labels: list[tuple[str, str]] = field(default_factory=list)


class TieTable:
    """A build's tie table, opened read-only (a connection of its own for each read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        with closing(self._connect()) as db:
            self.inexact: str = db.execute(
                "SELECT value FROM meta WHERE key = 'inexact'"
            ).fetchone()[0]
            self.role_labels: list[tuple[str, str]] = db.execute(
                "SELECT iri, label FROM role_label JOIN node ON node.id = role_label.role"
            ).fetchall()

    @property
    def exact(self) -> bool:
        return not self.inexact

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._uri, uri=True, check_same_thread=False)

    def facts(self, org: str, day: date | None) -> Facts:
        """The rows partners.rq follows from ``org`` (an IRI) that may hold on ``day``
        (None: on any day):
        its memberships, those of each body it is a member of, and its members'; every
        party of each statement it is a party to; the periods of these statements; the
        name periods of what they name; every role's labels. A statement none of whose
        periods can hold on the day (begun after it, or ended before it with nothing
        presumed after) is left out: the day's test in Python would leave out its ties."""
        # CROSS JOIN keeps SQLite's join order as written (the table has no statistics):
        # the organisation's few rows first, each then looked up by index
        db = self._connect()
        asked: dict[str, Any] = {"day": day.isoformat() if day else None}
        m_holds = f" AND {MAY_HOLD.format(t='m')}" if day else ""
        q_holds = f" AND {MAY_HOLD.format(t='q')}" if day else ""
        try:
            row = db.execute("SELECT id FROM node WHERE iri = ?", (org,)).fetchone()
            if row is None:
                return Facts(role_labels=self.role_labels)
            asked["me"] = row[0]
            memberships = db.execute(
                "SELECT m.statement, m.member, m.body, s.iri, n.iri, b.iri FROM membership m"
                " CROSS JOIN node s ON s.id = m.statement CROSS JOIN node n ON n.id = m.member"
                " CROSS JOIN node b ON b.id = m.body"
                " WHERE (m.member = :me OR m.body = :me"
                " OR m.body IN (SELECT body FROM membership WHERE member = :me))" + m_holds,
                asked,
            ).fetchall()
            parties = db.execute(
                "SELECT p.statement, p.node, s.iri, r.iri, n.iri FROM party p"
                " CROSS JOIN node s ON s.id = p.statement CROSS JOIN node r ON r.id = p.role"
                " CROSS JOIN node n ON n.id = p.node"
                " WHERE p.statement IN (SELECT q.statement FROM party q WHERE q.node = :me"
                + q_holds
                + ")",
                asked,
            ).fetchall()
            # the statements (whose periods are read) and what they name (whose names)
            ids = {asked["me"]}
            ids.update(i for r in memberships for i in r[:3])
            ids.update(i for r in parties for i in r[:2])
            db.execute("CREATE TEMP TABLE asked (id INTEGER PRIMARY KEY)")
            db.executemany("INSERT INTO asked VALUES (?)", ((i,) for i in ids))
            periods = db.execute(
                "SELECT s.iri, p.basis, p.basis_lang, p.start, p.until, p.presumed_from,"
                " p.presumed_until FROM asked a CROSS JOIN period p ON p.statement = a.id"
                " CROSS JOIN node s ON s.id = a.id"
            ).fetchall()
            names = db.execute(
                "SELECT n.iri, p.name, p.name_lang, p.start, p.until FROM asked a"
                " CROSS JOIN name_period p ON p.node = a.id CROSS JOIN node n ON n.id = a.id"
            ).fetchall()
        finally:
            db.close()
        return Facts(
            [r[3:] for r in memberships],
            [(s, role, node) for _, _, s, role, node in parties],
            periods,
            names,
            self.role_labels,
        )
