"""Compare the answers of two engines, or of one query in two forms, as a user would."""

from __future__ import annotations

from nhskg.graph.query.store import SelectResult


def answers(result: object) -> list[tuple[str, ...]]:
    """Rows in order, each value as its sorted characters: a GROUP_CONCAT of the same
    parts gives the same characters in whatever order an engine joins them (SPARQL
    leaves that order open). Datatypes and languages count: the term's N-Triples form."""
    assert isinstance(result, SelectResult)
    return sorted(
        tuple("".join(sorted(str(term))) if term is not None else "" for term in row)
        for row in result.rows
    )
