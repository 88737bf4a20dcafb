"""The organisations listing of a type or on a day, worked out in Python from the build's
listing table (api/listing.py), gives row for row what queries/organisations.rq gives
when evaluated: same organisations, names of the day, types in the same order, presumed
flags, dates and order (national build)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode

from nhskg.api import listing
from nhskg.api.app import create_app
from nhskg.api.deps import rows
from nhskg.api.routers.partnerships import _listed
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

TYPES = [None, "ccg", "nhs-trust", "foundation-trust", "stp", "icb", "partnership", "board"]


def days(count: int) -> list[str]:
    """``count`` days spread from 2012 to 2026, none on a month's first."""
    first, last = date(2012, 6, 3), date(2026, 9, 29)
    step = (last - first).days // (count - 1)
    return [(first + timedelta(days=k * step)).isoformat() for k in range(count)]


@pytest.fixture(scope="module")
def graph(national: Settings) -> Iterator[PublishedGraph]:
    published = PublishedGraph(national)
    yield published
    published.close()


def evaluated(graph: PublishedGraph, params: dict[str, str]) -> list[dict[str, object]]:
    result = graph.service.run("organisations", params)
    assert not result.published
    return rows(result)


@pytest.mark.parametrize("evidenced_only", [False, True])
def test_listing_of_a_type_on_a_day_is_the_querys_answer(
    graph: PublishedGraph, evidenced_only: bool
) -> None:
    checked = 0
    for type_key, day in itertools.product(TYPES, [None, *days(9)]):
        if type_key is None and day is None and not evidenced_only:
            continue  # no filter at all: the published answer is served
        params = {
            "type": type_key,
            "as_of": day,
            "evidenced_only": "true" if evidenced_only else None,
        }
        expected = evaluated(graph, {k: v for k, v in params.items() if v})
        assert listing.listing(graph, type_key, day, evidenced_only) == expected, params
        checked += len(expected)
    assert checked > 5_000


def test_names_of_the_day_and_presumed_types_are_there_to_compare(graph: PublishedGraph) -> None:
    """The days compared include organisations named otherwise than today and types held
    only by presumption, so the comparison above covers both."""
    found = [r for d in days(9) for r in listing.listing(graph, None, d, False) or []]
    assert any(r["name"] != r["currentName"] for r in found)
    assert any(r["presumed"] for r in found)
    assert any("; " in r["types"] for r in found)


def test_a_table_with_a_date_it_cannot_compare_leaves_the_listing_to_the_query() -> None:
    row = (
        Literal("period"),
        NamedNode("https://w3id.org/nhskg/id/org/X1"),
        Literal("CCG"),
        Literal("2014-04", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
        None,
        None,
        None,
        NamedNode("https://w3id.org/nhskg/def/orgtype/ccg"),
    )
    variables = ["kind", "org", "value", "from", "until", "presumedFrom", "presumedUntil", "t"]
    table = listing.read_table(SelectResult(variables, [row]))
    assert listing.rows_on(table, None, "2015-01-01", False) is None


def test_api_listing_on_a_day_lists_what_the_query_lists(
    national: Settings, graph: PublishedGraph
) -> None:
    with TestClient(create_app(national)) as client:
        for day in days(4):
            body = client.get(
                "/api/organisations", params={"type": "nhs-trust", "as_of": day, "limit": 200}
            ).json()
            expected = evaluated(graph, {"type": "nhs-trust", "as_of": day})
            by_org = {str(r["org"]): r for r in expected}
            assert body["total"] == len(by_org)
            assert [i["iri"] for i in body["items"]] == list(by_org)[:200]
            assert [i["name"] for i in body["items"]] == [r["name"] for r in by_org.values()][:200]


def test_partnerships_of_a_type_are_the_querys_answer(graph: PublishedGraph) -> None:
    found = 0
    for type_key in sorted(graph.service.orgtypes):
        expected = evaluated_partnerships(graph, type_key)
        assert _listed(graph, type_key) == expected, type_key
        found += len(expected)
    assert found > 0


def evaluated_partnerships(graph: PublishedGraph, type_key: str) -> list[dict[str, object]]:
    result = graph.service.run("partnerships", {"type": type_key})
    assert not result.published
    return rows(result)


def test_whole_listing_as_published_is_the_tables_listing(graph: PublishedGraph) -> None:
    """The build answers the national graph's listings from a copy in memory, whose
    order of matches differs from the store on disk: each organisation's types are
    listed in order, so the published listing and one worked out here agree."""
    published = graph.service.run("organisations")
    assert published.published
    assert listing.rows_on(listing.table_of(graph), None, None, False) == rows(published)


def test_a_partnership_key_as_long_as_a_name_is_taken_by_the_listing(national: Settings) -> None:
    """Keys are made from names: a synthetic graph's can run past 64 characters, and the
    listing's facets offer them, so the filter must take them (none such here: none found)."""
    key = "joined-up-lancashire-and-south-cumbria-programme-clinical-reference-group"
    with TestClient(create_app(national)) as client:
        response = client.get("/api/organisations", params={"partnership": key})
        assert response.status_code == 200, response.text
        assert response.json()["total"] == 0
        shown = client.get("/api/organisations", params={"partnership": "QHG", "limit": 1})
        assert shown.json()["total"] > 0
