"""An organisation's partners on a day, worked out in Python from the build's tie table
and the store (api/partners_on_a_day.py), are row for row what queries/partners.rq gives when
evaluated: the same partners, through the same bodies and statements, presumed flags,
last evidenced days, documents, quotes and statements in the same order, names of the day
and today's names, rows in the same order (every organisation of the national build, on
days before, within and after their evidence, with and without evidenced_only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, Quad, Store

from nhskg.api import partners_on_a_day
from nhskg.api.app import create_app
from nhskg.api.deps import rows
from nhskg.api.state import PublishedGraph
from nhskg.graph.building.build import build
from nhskg.graph.query import tie_table
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

QUERIES = Path(__file__).resolve().parents[1] / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
NHSKG = "https://w3id.org/nhskg/def#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ORG_IRI = "https://w3id.org/nhskg/id/org/"

# Before nearly all evidence, within it, and after most of it ends (ties presumed then)
DAYS = ["2012-01-01", "2015-02-01", "2017-05-15", "2019-09-30", "2022-07-01", "2026-03-31"]


@pytest.fixture(scope="module")
def graph(national: Settings) -> Iterator[PublishedGraph]:
    published = PublishedGraph(national)
    yield published
    published.close()


def on_the_day(code: str, day: str, evidenced_only: bool) -> dict[str, str]:
    return {"organisation": code, "as_of": day} | (
        {"evidenced_only": "true"} if evidenced_only else {}
    )


@pytest.mark.parametrize("evidenced_only", [False, True])
def test_partners_on_a_day_are_the_querys_answer_for_every_organisation(
    graph: PublishedGraph, evidenced_only: bool
) -> None:
    ties = partners_on_a_day.tie_table(graph)
    assert ties is not None and ties.exact
    checked = presumed = named_otherwise = 0
    for code in sorted(set(graph.index.code_of.values())):
        for day in DAYS:
            params = on_the_day(code, day, evidenced_only)
            expected = graph.service.run("partners", params)
            assert not expected.published
            found = partners_on_a_day.answer(graph, params)
            assert found is not None
            assert found.variables == expected.variables
            assert found.rows == expected.rows, params
            assert found.truncated == expected.truncated
            for row in expected.dicts():
                checked += 1
                presumed += row["presumed"] == Literal(True)
                named_otherwise += row["name"] != row["currentName"]
    # the comparison covers ties presumed on the day and partners named otherwise then
    assert checked > (100 if evidenced_only else 1_000)
    assert named_otherwise > 0
    assert presumed > 0 if not evidenced_only else presumed == 0


@pytest.mark.parametrize("evidenced_only", [False, True])
def test_partners_over_all_time_are_the_evaluated_querys_answer_for_every_organisation(
    graph: PublishedGraph, evidenced_only: bool
) -> None:
    """Without as_of (a page, or an organisation the build's budget left out at 10M):
    every tie over all time, each partner and body named as on the tie's first day."""
    named_otherwise = 0
    for code in sorted(set(graph.index.code_of.values())):
        params = {"organisation": code} | ({"evidenced_only": "true"} if evidenced_only else {})
        text = graph.service.planned_text("partners", params)
        expected = graph.service.store.query(text, planned=True)
        assert isinstance(expected, SelectResult)
        found = partners_on_a_day.answer(graph, params)
        assert found is not None
        assert found.variables == expected.variables
        assert found.rows == expected.rows, params
        named_otherwise += sum(r["name"] != r["currentName"] for r in expected.dicts())
    assert named_otherwise > 0


def test_a_published_answer_is_read_before_one_is_worked_out(graph: PublishedGraph) -> None:
    params = {"organisation": "RXF"}
    assert graph.run("partners", params).published
    assert not graph.run("partners", params | {"as_of": "2019-09-30"}).published


def test_api_partners_on_a_day_are_the_querys_rows(
    national: Settings, graph: PublishedGraph
) -> None:
    with TestClient(create_app(national)) as client:
        for code, day in [("QHG", "2019-09-30"), ("RXF", "2026-03-31"), ("RFF", "2016-10-09")]:
            evaluated = graph.service.run("partners", {"organisation": code, "as_of": day})
            expected = jsonable_encoder(rows(evaluated))
            assert expected
            body = client.get(f"/api/organisations/{code}/partners", params={"as_of": day})
            assert body.status_code == 200, body.text
            assert body.json()["rows"] == expected
            named = client.get("/api/queries/partners", params={"organisation": code, "as_of": day})
            assert named.json()["rows"] == expected
            assert not named.json()["published"]


def test_a_bad_day_or_organisation_is_refused_as_the_query_refuses_it(
    national: Settings,
) -> None:
    with TestClient(create_app(national)) as client:
        bad_day = client.get(
            "/api/queries/partners", params={"organisation": "RXF", "as_of": "2019-13-01"}
        )
        assert bad_day.status_code == 400
        unknown = client.get(
            "/api/queries/partners",
            params={"organisation": "no such organisation", "as_of": "2019-01-01"},
        )
        assert unknown.status_code in (400, 404)
        extra = client.get(
            "/api/queries/partners",
            params={"organisation": "RXF", "as_of": "2019-01-01", "colour": "red"},
        )
        assert extra.status_code == 400


def test_a_tie_table_with_a_date_it_cannot_compare_leaves_the_partners_to_the_query(
    tmp_path: Path,
) -> None:
    """A statement known from a month (an xsd:gYearMonth, which the engine compares with a
    day in its own way) marks the whole table inexact, saying which date; each request
    then evaluates partners.rq."""
    store = Store(str(tmp_path / "store"))
    statement = NamedNode("https://w3id.org/nhskg/id/statement/X1")
    basis = NamedNode("https://w3id.org/nhskg/id/concept/basis/stated")
    month = Literal("2014-04", datatype=NamedNode(XSD + "gYearMonth"))
    store.extend(
        [
            Quad(statement, NamedNode(NHSKG + "knownFrom"), month),
            Quad(statement, NamedNode(NHSKG + "basis"), basis),
            Quad(basis, NamedNode(SKOS + "prefLabel"), Literal("stated", language="en")),
            Quad(statement, RDF_TYPE, NamedNode(ORG + "Membership")),
            Quad(statement, NamedNode(ORG + "member"), NamedNode(ORG_IRI + "A")),
            Quad(statement, NamedNode(ORG + "organization"), NamedNode(ORG_IRI + "B")),
        ]
    )
    store.flush()
    del store
    written = tie_table.write(tmp_path / "store", tmp_path / "ties.sqlite", QUERIES)
    assert written["memberships"] == 1 and written["periods"] == 1
    assert "2014-04" in str(written["inexact"])
    table = tie_table.TieTable(tmp_path / "ties.sqlite")
    assert not table.exact
    facts = table.facts(ORG_IRI + "A", date(2015, 1, 1))
    assert facts.memberships == [(statement.value, ORG_IRI + "A", ORG_IRI + "B")]


def test_a_label_the_query_sorts_otherwise_leaves_the_partners_to_the_query() -> None:
    """A partner labelled with a number (which the engine sorts apart from strings)
    marks the request's table inexact: partners.rq is evaluated instead."""
    row = (Literal("label"), None, NamedNode(ORG_IRI + "A"), Literal(3), None)
    table = partners_on_a_day.PartnersTable()
    table.add([row])
    assert table.exact is False
    named = (Literal("label"), None, NamedNode(ORG_IRI + "A"), Literal("A"), None)
    table = partners_on_a_day.PartnersTable()
    table.add([named])
    assert table.exact is True


def test_a_build_without_a_tie_table_leaves_the_partners_to_the_query(mini: Settings) -> None:
    """A build from before the tie table (or one whose table is gone) is still served:
    each request evaluates partners.rq, with the same answer."""
    outcome = build(mini)
    assert outcome.published
    (outcome.folder / tie_table.TIE_TABLE_FILE).unlink()
    graph = PublishedGraph(mini)
    try:
        code = sorted(set(graph.index.code_of.values()))[0]
        params = {"organisation": code, "as_of": "2019-09-30"}
        assert partners_on_a_day.tie_table(graph) is None
        assert partners_on_a_day.answer(graph, params) is None
        assert graph.run("partners", params).rows == graph.service.run("partners", params).rows
    finally:
        graph.close()
