"""An area's ties and members by year as tables (header row first) for CSV: the same
rows, in the same order, as the area page shows (:func:`.area.area_view`), with the
first piece of each row's evidence and how many there are."""

from __future__ import annotations

from typing import Any

TIE_COLUMNS = [
    "organisation_code",
    "organisation",
    "organisation_now",
    "relationship",
    "body_code",
    "body",
    "basis",
    "from",
    "until",
    "presumed_until",
    "evidence_count",
    "evidence",
    "evidence_source",
    "evidence_date",
    "evidence_link",
    "statement",
]


def _first(evidence: list[dict[str, Any]]) -> list[str]:
    """Count, words, source title, date and local link of the first piece of evidence."""
    if not evidence:
        return ["0", "", "", "", ""]
    e = evidence[0]
    return [str(len(evidence)), e["quote"], e["title"], e["date"], e["href"] or ""]


def ties_table(view: dict[str, Any]) -> list[list[str]]:
    rows = [TIE_COLUMNS]
    for t in view["ties"]:
        rows.append(
            [
                t["organisationCode"],
                t["organisation"],
                t["organisationNow"],
                t["relationship"],
                t["bodyCode"],
                t["body"],
                t["basis"],
                t["from"],
                t["until"],
                t["presumedUntil"],
                *_first(t["evidence"]),
                t["statement"],
            ]
        )
    return rows


def matrix_table(view: dict[str, Any]) -> list[list[str]]:
    """One row per organisation, one column per financial year (the cell's marks joined
    by "; "), then the row's evidence."""
    m = view["matrix"]
    header = ["organisation_code", "organisation"] + [p["label"] for p in m["periods"]]
    rows = [
        [*header, "evidence_count", "evidence", "evidence_source", "evidence_date", "evidence_link"]
    ]
    for r in m["rows"]:
        rows.append(
            [r["code"], r["name"]]
            + ["; ".join(c["marks"]) for c in r["cells"]]
            + _first(r["evidence"])
        )
    return rows
