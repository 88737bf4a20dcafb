"""Words for the pages' tables: a human header for each column a named query answers with,
so no table shows a query's variable name (the local page of each IRI of ours, so no
link leaves for w3id.org, is :func:`nhskg.graph.mint.local_page`).

:func:`header` turns ``withinName`` into "Within", ``personName`` into "Person", and any
other camelCase name into words ("targetDate" into "Target date"); :func:`headed` gives a
table's columns with their headers once, and :func:`cell` the text of a cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Column names whose words would mislead or repeat the table: said plainly here.
HEADERS = {
    "withinName": "Within",
    "withinCurrentName": "Its name today",
    "withinCode": "Code",
    "currentName": "Name today",
    "organisationCurrentName": "Its name today",
    "throughCurrentName": "Its name today",
    "personName": "Person",
    "roleName": "Role",
    "statusName": "Status",
    "siteName": "Site",
    "eventName": "Event",
    "consultationName": "Consultation",
    "workstreamName": "Workstream",
    "coordinatorName": "Coordinator",
    "riskName": "Risk",
    "milestoneName": "Milestone",
    "gapName": "Funding gap",
    "contractName": "Contract",
    "activityName": "Activity",
    "principleName": "Principle",
    "submittedName": "What was submitted",
    "proposalName": "Proposal",
    "organisationName": "Organisation",
    "decidedBy": "Decided by",
    "decidedOn": "Decision on",
    "kind": "Kind",
    "rag": "RAG",
    "annualValue": "Annual value",
    "from": "Evidenced from",
    "until": "Evidenced until",
    "led": "What they lead",
    "classifiedAs": "Said to be",
    "proposedName": "Proposed name",
    "businessCase": "Business case",
    "submittedOn": "Submitted on",
    "approvedBy": "Approved by",
    "realisedOn": "Realised on",
    "hostedBy": "Hosted by",
    "plannedStart": "Planned start",
    "periodLength": "Period length",
    "periodEnd": "Period end",
    "observed": "Observed",
    "dataset": "Dataset",
    "row": "Row",
}


def header(column: str) -> str:
    """A column's header: its entry in :data:`HEADERS`, else its camelCase words."""
    if column in HEADERS:
        return HEADERS[column]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", column).lower()
    return words[:1].upper() + words[1:]


def headed(columns: Iterable[str]) -> list[tuple[str, str]]:
    """Each column with its header (a table's, worked out once, not once a row)."""
    return [(column, header(column)) for column in columns]


def cell(value: Any) -> str:
    """A table cell's text: a list's (any iterable's but a string's) items joined by
    "; ", anything else as text (escaped where it is written)."""
    if isinstance(value, str):
        return value
    try:
        items = iter(value)
    except TypeError:
        return str(value)
    return "; ".join(map(str, items))
