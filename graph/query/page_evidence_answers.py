"""The evidence an organisation's page shows, answered by the build for every
organisation, so the first request for a page reads it instead of evaluating
``queries/internal/statement-evidence.rq``.

An organisation's page lists the rows of its published answers (memberships,
placements, partners, ...), each with the evidence of the statement one of its columns
holds (:data:`PAGE_STATEMENTS`). After publishing those answers, the build reads each
organisation's statements from them, evaluates statement-evidence.rq for them (as
:func:`nhskg.graph.query.statement_evidence.evidence_of` does, :data:`BATCH` at a time)
and writes the rows to ``answers/statement-evidence/DIGEST.srj`` (then gathered into
the organisation's one file with its other answers, :mod:`.organisation_answers`),
adding a row that binds ``?statement`` alone for each statement without evidence: the
answer says which statements it covers. A page takes a covered statement's evidence
from it and evaluates the rest (a page on a day, ``as_of``, may show statements the
build did not ask about).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode

from nhskg.graph.query.named_queries import bind_statements, load_query_file
from nhskg.graph.query.published_answers import (
    ANSWERS_FOLDER,
    Evaluated,
    answer_each,
    keyed_path,
    read_answer,
)
from nhskg.graph.query.statement_evidence import BATCH, QUERY
from nhskg.graph.query.store import GraphStore, SelectResult, Term

NAME = "statement-evidence"
# The published answers an organisation's page lists, and the column of each that holds
# a row's statement (partners: a comma-separated list of them); the page's tables are
# made from this list (api/routers/pages.py, ORGANISATION_STATEMENTS).
PAGE_STATEMENTS = (
    ("memberships", "membership"),
    ("placements", "placement"),
    ("posts", "postNode"),
    ("sites", "site"),
    ("decisions", "decision"),
    ("contracts", "contract"),
    ("funding", "funding"),
    ("funding-gaps", "gap"),
    ("services", "provision"),
    ("submissions", "submission"),
    ("merger-proposals", "proposal"),
    ("history", "change"),
    ("document-names", "record"),
    ("partners", "statements"),
)


def page_statements(answer_of: Callable[[str], SelectResult | None]) -> list[str]:
    """The statements whose evidence an organisation's page shows, read from its answers
    (``answer_of(NAME)``; those not published are left out), each once."""
    found: list[str] = []
    for name, column in PAGE_STATEMENTS:
        result = answer_of(name)
        if result is None or column not in result.variables:
            continue
        at = result.variables.index(column)
        for row in result.rows:
            term = row[at]
            if term is not None:
                found.extend(s for s in term.value.split(", ") if s)
    return list(dict.fromkeys(found))


def statements_evidence(
    store: GraphStore, text: str, statements: Sequence[str], *, timeout_s: float
) -> SelectResult:
    """statement-evidence.rq's rows for ``statements``, and a row of the statement alone
    for each that has none."""
    variables: list[str] = []
    rows: list[tuple[Term | None, ...]] = []
    for at in range(0, len(statements), BATCH):
        result = store.query(
            bind_statements(text, statements[at : at + BATCH]), timeout_s=timeout_s
        )
        assert isinstance(result, SelectResult), "statement-evidence must be a SELECT query"
        variables = result.variables
        rows.extend(result.rows)
    with_evidence = {row[0].value for row in rows if row[0] is not None}
    blank = (None,) * (len(variables) - 1)
    rows.extend((NamedNode(s), *blank) for s in statements if s not in with_evidence)
    return SelectResult(variables, rows)


def write_page_evidence(
    values: Sequence[str],
    store: GraphStore,
    folder: Path,
    queries_dir: Path,
    *,
    timeout_s: float,
    threads: int,
    deadline: float | None = None,
) -> Evaluated:
    """For each organisation IRI of ``values`` with statements on its page, their
    evidence written under ``folder``/answers/statement-evidence (after the answers the
    page lists are written there); each batch within ``timeout_s``, none started after
    ``deadline``."""
    answers = folder / ANSWERS_FOLDER
    text = load_query_file(queries_dir / QUERY).text

    def evaluate(iri: str) -> SelectResult | None:
        statements = page_statements(lambda name: read_answer(keyed_path(answers, name, iri)))
        if not statements:
            return None
        return statements_evidence(store, text, statements, timeout_s=timeout_s)

    return answer_each(NAME, values, evaluate, folder, threads=threads, deadline=deadline)
