"""What the partnership and organisation pages put on each row beside the claim: its
evidence (graph/query/statement_evidence.py, one query for the whole page), and the
facts an analyst reads a partnership's members by: which stated groups the documents
count and how many of each are named, which members are programmes or workstreams
rather than partner organisations, and the contracts, mergers and decisions its members
take part in.

Nothing here is made up: a stated group's number is the number its document states,
the named members are those resolved from it, and the rest are only counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nhskg.api.deps import code_of, rows
from nhskg.api.state import PublishedGraph
from nhskg.graph.mint import local_page
from nhskg.graph.query.named_queries import bind_statements, load_query_file
from nhskg.graph.query.page_evidence_answers import NAME as EVIDENCE_ANSWER
from nhskg.graph.query.statement_evidence import BATCH, evidence_of
from nhskg.graph.query.store import SelectResult

ORGANISATIONS_QUERY = Path("internal") / "statement-organisations.rq"

# Organisation types (skos:prefLabel of the orgtype scheme) that make a body a
# partnership, programme, board, group or workstream rather than a partner organisation.
BODY_TYPES = frozenset(
    {
        "partnership or programme",
        "commissioner collaborative",
        "provider collaborative",
        "sustainability and transformation partnership",
        "programme management office",
        "board",
        "forum",
        "working group",
        "reference group",
        "leadership group",
        "assurance group",
        "workstream",
    }
)
# The kinds of statement about a member shown on its partnership's page: the page's key,
# the named query, its parameter for the member, and the column that holds each row's
# statement.
MEMBER_KINDS = (
    ("contracts", "contracts", "partnership", "contract"),
    ("decisions", "decisions", "partnership", "decision"),
    ("mergerProposals", "merger-proposals", "organisation", "proposal"),
)


def page_evidence(
    graph: PublishedGraph,
    tables: Iterable[tuple[list[dict[str, Any]], str]],
    organisation: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The evidence of every row of the tables, each given with the column holding its
    statement: ``{statement IRI: [piece, ...]}`` (see statement_evidence.evidence_of);
    for the page of the organisation of IRI ``organisation``, what the build published
    of it (:mod:`nhskg.graph.query.page_evidence_answers`) is read, not evaluated."""
    statements = [str(r[key]) for table, key in tables for r in table if r.get(key)]
    answers = graph.service.answers
    published = (
        answers.get(EVIDENCE_ANSWER, value=organisation)
        if answers is not None and organisation is not None
        else None
    )
    return evidence_of(graph.service.store, graph.settings.queries_dir, statements, published)


def organisation_types(graph: PublishedGraph) -> dict[str, set[str]]:
    """Each organisation's types (their labels), by IRI; read once a build (not to be
    changed by the caller)."""
    return graph.derived("organisation-types", _organisation_types)


def _organisation_types(graph: PublishedGraph) -> dict[str, set[str]]:
    return {
        str(r["org"]): {t.strip() for t in str(r.get("types", "")).split(";") if t.strip()}
        for r in rows(graph.run("organisations"))
    }


def is_body(types: set[str]) -> bool:
    """Whether an organisation of these types is a partnership, programme, board, group
    or workstream (shown apart from partner organisations)."""
    return bool(types & BODY_TYPES)


def stated_groups(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stated groups among a partnership's members, each once: its words, the number
    its document states (None if it states none), the organisations resolved from it
    (named in the graph from reference data and a curator's reasoning), and how many of
    the stated number are left unnamed."""
    groups: dict[str, dict[str, Any]] = {}
    for m in members:
        if str(m.get("kind", "")).startswith("stated group"):
            group = groups.setdefault(
                str(m["member"]),
                {
                    "name": m["name"],
                    "iri": str(m["member"]),
                    "count": int(m["statedCount"]) if m.get("statedCount") else None,
                    "named": {},
                    "memberships": [],
                },
            )
            group["memberships"].append(str(m["membership"]))
    for m in members:
        resolved_from = groups.get(str(m.get("statedFrom", "")))
        if resolved_from is not None and m.get("kind") == "organisation":
            resolved_from["named"][m["code"]] = m["name"]
    for group in groups.values():
        group["named"] = sorted(group["named"].items(), key=lambda item: item[1])
        count = group["count"]
        group["unnamed"] = max(count - len(group["named"]), 0) if count is not None else None
    return sorted(groups.values(), key=lambda g: str(g["name"]).lower())


def split_members(
    graph: PublishedGraph, members: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A partnership's organisation members: partner organisations, and the programmes,
    boards, groups and workstreams among them (by their type in the graph)."""
    types = organisation_types(graph)
    organisations = [m for m in members if m.get("kind") == "organisation"]
    bodies = [m for m in organisations if is_body(types.get(str(m["member"]), set()))]
    return [m for m in organisations if m not in bodies], bodies


def members_work(
    graph: PublishedGraph, members: list[dict[str, Any]], shown: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """The contracts, decisions and merger proposals the partnership's member
    organisations take part in that its own lists (``shown``) leave out, each once with
    the members it involves (``involves``: names)."""
    found: dict[str, dict[str, dict[str, Any]]] = {key: {} for key, *_ in MEMBER_KINDS}
    seen_members: set[str] = set()
    for m in members:
        if m.get("kind") != "organisation" or str(m["member"]) in seen_members:
            continue
        seen_members.add(str(m["member"]))
        code = code_of(graph, str(m["member"]))
        for key, query, param, column in MEMBER_KINDS:
            own = {str(r.get(column)) for r in shown.get(key, [])}
            for r in rows(graph.run(query, {param: code})):
                statement = str(r.get(column))
                if statement in own:
                    continue
                row = found[key].setdefault(statement, {**r, "involves": []})
                if m["name"] not in row["involves"]:
                    row["involves"].append(m["name"])
    return {key: list(by_statement.values()) for key, by_statement in found.items()}


def statement_organisations(
    graph: PublishedGraph, statements: Iterable[str]
) -> dict[str, list[dict[str, str]]]:
    """The organisations each statement names, each with its name and local page."""
    wanted = list(dict.fromkeys(statements))
    found: dict[str, list[dict[str, str]]] = {s: [] for s in wanted}
    text = load_query_file(graph.settings.queries_dir / ORGANISATIONS_QUERY).text
    for at in range(0, len(wanted), BATCH):
        result = graph.service.store.query(bind_statements(text, wanted[at : at + BATCH]))
        assert isinstance(result, SelectResult), "statement-organisations must be a SELECT"
        for statement, organisation, name in result.rows:
            assert statement is not None and organisation is not None and name is not None
            found[statement.value].append(
                {"name": name.value, "href": local_page(organisation.value) or ""}
            )
    return found
