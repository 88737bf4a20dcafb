"""Browsing organisations by facets: type, region, partnership and open in a period.

What each organisation can be browsed by comes from one internal query
(``queries/internal/organisation-facets.rq``), read once per build and kept beside it
(:func:`facets_of`); a request's filters and the counts of every facet's values over
the organisations it found are worked out here in Python, so ``/api/organisations``
and the ``/organisations`` page page through the same list and show the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nhskg.api.deps import code_of
from nhskg.api.state import PublishedGraph
from nhskg.graph.network.fetch import internal_rows

FACETS = ("type", "region", "partnership")


@dataclass
class FacetIndex:
    """Each organisation's values of each facet, and every value's label."""

    values: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # org -> facet -> keys
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (facet, key) -> label

    def of(self, org: str, facet: str) -> set[str]:
        return self.values.get(org, {}).get(facet, set())


def facets_of(graph: PublishedGraph) -> FacetIndex:
    """The facet index of this build, read once (:meth:`PublishedGraph.derived`)."""
    return graph.derived("organisation-facets", _read_facets)


def _read_facets(graph: PublishedGraph) -> FacetIndex:
    index = FacetIndex()
    store, queries = graph.service.store, graph.settings.queries_dir
    for row in internal_rows(store, queries, "organisation-facets"):
        org, facet, value, label = row["org"], row["facet"], row["value"], row["label"]
        assert org and facet and value and label
        key = value if facet == "type" else code_of(graph, value)
        index.values.setdefault(org, {}).setdefault(facet, set()).add(key)
        index.labels[(facet, key)] = label
    return index


def open_in(row: dict[str, Any], open_from: date | None, open_until: date | None) -> bool:
    """Whether an organisation was open at some time from ``open_from`` to ``open_until``:
    opened by the end (or with no opening date recorded) and not closed before the start.
    A date known only to the month or year (``2014-04``, ``2014``) is given the benefit of
    the doubt: opened at its earliest, closed at its latest."""
    opened, closed = str(row.get("opened") or ""), str(row.get("closed") or "")
    if open_until is not None and opened and opened[:10] > open_until.isoformat():
        return False
    return not (
        open_from is not None and closed and closed[:10] < open_from.isoformat()[: len(closed)]
    )


def narrowed(index: FacetIndex, orgs: list[str], chosen: dict[str, str | None]) -> list[str]:
    """The organisations of ``orgs`` that have every chosen facet value."""
    wanted = {facet: key for facet, key in chosen.items() if key}
    return [o for o in orgs if all(key in index.of(o, f) for f, key in wanted.items())]


def counts(index: FacetIndex, orgs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """How many of ``orgs`` have each value of each facet, most first, then by label."""
    tally: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for org in orgs:
        for facet in FACETS:
            for key in index.of(org, facet):
                tally[facet][key] = tally[facet].get(key, 0) + 1
    return {
        facet: [
            {"key": key, "label": index.labels[(facet, key)], "count": n}
            for key, n in sorted(
                found.items(), key=lambda kv: (-kv[1], index.labels[(facet, kv[0])])
            )
        ]
        for facet, found in tally.items()
    }
