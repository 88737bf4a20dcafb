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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.results import plain_date

TIE_TABLE_FILE = "ties.sqlite"
XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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
                         body INTEGER NOT NULL);
CREATE TABLE party (statement INTEGER NOT NULL, role INTEGER NOT NULL, node INTEGER NOT NULL);
CREATE TABLE period (statement INTEGER NOT NULL, basis TEXT NOT NULL, basis_lang TEXT NOT NULL,
                     start TEXT NOT NULL, until TEXT, presumed_from TEXT, presumed_until TEXT);
CREATE TABLE role_label (role INTEGER NOT NULL, label TEXT NOT NULL);
CREATE TABLE name_period (node INTEGER NOT NULL, name TEXT NOT NULL, name_lang TEXT NOT NULL,
                          start TEXT, until TEXT);
"""
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
        if not (isinstance(term, Literal) and term.datatype.value in (XSD_STRING, LANG_STRING)):
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
    with sqlite3.connect(partial) as db:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO node VALUES (?, ?)", ((i, iri) for iri, i in w.ids.items()))
        db.executemany("INSERT INTO membership VALUES (?, ?, ?)", membership_rows)
        db.executemany("INSERT INTO party VALUES (?, ?, ?)", party_rows)
        db.executemany("INSERT INTO period VALUES (?, ?, ?, ?, ?, ?, ?)", period_rows)
        db.executemany("INSERT INTO role_label VALUES (?, ?)", role_labels)
        db.executemany("INSERT INTO name_period VALUES (?, ?, ?, ?, ?)", name_rows)
        db.executescript(INDEXES)
        db.execute("INSERT INTO meta VALUES ('inexact', ?)", (w.inexact or "",))
    db.close()
    partial.replace(out)
    return {
        "memberships": len(membership_rows),
        "parties": len(party_rows),
        "periods": len(period_rows),
        "name periods": len(name_rows),
        "inexact": w.inexact or "",
    }


def _objects_of(store: Store, subject: Any, predicate: NamedNode) -> set[Any]:
    return {q.object for q in store.quads_for_pattern(subject, predicate, None, None)}


NONE5 = (None, None, None, None, None)


def _text(text: str, language: str) -> Literal:
    return Literal(text, language=language) if language else Literal(text)


def _date(text: str | None) -> Literal | None:
    return None if text is None else Literal(text, datatype=XSD_DATE)


class TieTable:
    """A build's tie table, opened read-only (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        with self._connect() as db:
            self.inexact: str = db.execute(
                "SELECT value FROM meta WHERE key = 'inexact'"
            ).fetchone()[0]
            self.role_rows = [
                ("roleLabel", None, NamedNode(iri), Literal(label))
                for iri, label in db.execute(
                    "SELECT iri, label FROM role_label JOIN node ON node.id = role_label.role"
                )
            ]

    @property
    def exact(self) -> bool:
        return not self.inexact

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._uri, uri=True, check_same_thread=False)

    def facts(self, org: str) -> Iterator[tuple[Any, ...]]:
        """The rows partners.rq follows from ``org`` (an IRI): its memberships, those of
        each body it is a member of, and its members'; every party of each statement it
        is a party to; the periods of all these statements; the name periods of the
        organisations they name; every role's labels."""
        yield from self._role_rows()
        # CROSS JOIN keeps SQLite's join order as written (the table has no statistics):
        # the organisation's few rows first, each then looked up by index
        db = self._connect()
        try:
            row = db.execute("SELECT id FROM node WHERE iri = ?", (org,)).fetchone()
            if row is None:
                return
            (me,) = row
            memberships = db.execute(
                "SELECT m.statement, m.member, m.body, s.iri, n.iri, b.iri FROM membership m"
                " CROSS JOIN node s ON s.id = m.statement CROSS JOIN node n ON n.id = m.member"
                " CROSS JOIN node b ON b.id = m.body"
                " WHERE m.member = ?1 OR m.body = ?1"
                " OR m.body IN (SELECT body FROM membership WHERE member = ?1)",
                (me,),
            ).fetchall()
            parties = db.execute(
                "SELECT p.statement, p.node, s.iri, r.iri, n.iri FROM party p"
                " CROSS JOIN node s ON s.id = p.statement CROSS JOIN node r ON r.id = p.role"
                " CROSS JOIN node n ON n.id = p.node"
                " WHERE p.statement IN (SELECT statement FROM party WHERE node = ?1)",
                (me,),
            ).fetchall()
            # the statements (whose periods are read) and what they name (whose names)
            asked = {me}
            asked.update(i for r in memberships for i in r[:3])
            asked.update(i for r in parties for i in r[:2])
            db.execute("CREATE TEMP TABLE asked (id INTEGER PRIMARY KEY)")
            db.executemany("INSERT INTO asked VALUES (?)", ((i,) for i in asked))
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
        for *_, s, member, body in memberships:
            yield ("member", NamedNode(s), NamedNode(member), NamedNode(body), *NONE5)
        for *_, s, role, node in parties:
            yield ("party", NamedNode(s), NamedNode(node), NamedNode(role), *NONE5)
        for s, basis, lang, start, until, p_from, p_until in periods:
            yield (
                "period",
                NamedNode(s),
                None,
                _text(basis, lang),
                None,
                _date(start),
                _date(until),
                _date(p_from),
                _date(p_until),
            )
        for node, name, lang, start, until in names:
            yield (
                "namePeriod",
                None,
                NamedNode(node),
                _text(name, lang),
                None,
                _date(start),
                _date(until),
                None,
                None,
            )

    def _role_rows(self) -> Iterable[tuple[Any, ...]]:
        for kind, s, node, value in self.role_rows:
            yield (kind, s, node, value, None, None, None, None, None)
