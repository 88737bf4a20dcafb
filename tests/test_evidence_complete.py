"""The `evidence` query lists every statement that names an organisation, of every kind.

The reference here is written independently of queries/evidence.rq: a statement
mentions an organisation when it has evidence (prov:wasDerivedFrom) and any property
of it has the organisation as its object, and a site mentions the organisation it is
a site of (org:siteOf). For every organisation of the built graph the statements
`evidence` returns must be exactly those.
"""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from nhskg.api.app import create_app
from nhskg.graph.query.named_queries import inject_values
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

MENTIONS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?org (GROUP_CONCAT(DISTINCT STR(?statement); separator=" ") AS ?statements) WHERE {
  ?org a org:Organization .
  OPTIONAL {
    { ?statement ?p ?org . FILTER EXISTS { ?statement prov:wasDerivedFrom ?evidence } }
    UNION
    { ?statement a org:Site ; org:siteOf ?org }
  }
}
GROUP BY ?org
"""


def mentions(service: QueryService) -> dict[str, set[str]]:
    result = service.store.query(MENTIONS, max_rows=1_000_000)
    assert isinstance(result, SelectResult)
    found = {}
    for org, statements in result.rows:
        assert org is not None
        found[org.value] = set(statements.value.split()) if statements is not None else set()
    return found


def evidence_rows(service: QueryService, org: str) -> list[dict]:
    """`evidence` for one organisation, bound by IRI (curated units the lookup index does
    not name are organisations too)."""
    text = inject_values(service.planned_file("evidence").text, {"org": NamedNode(org)})
    result = service.store.query(text, max_rows=1_000_000, planned=True)
    assert isinstance(result, SelectResult)
    return result.dicts()


def test_evidence_returns_exactly_the_statements_that_name_each_organisation(
    service: QueryService,
) -> None:
    expected = mentions(service)
    assert len(expected) > 500, "the built graph has its organisations"
    missing: dict[str, set[str]] = {}
    extra: dict[str, set[str]] = {}
    for org, statements in expected.items():
        returned = {row["statement"].value for row in evidence_rows(service, org)}
        if statements - returned:
            missing[org] = statements - returned
        if returned - statements:
            extra[org] = returned - statements
    assert not missing, f"statements left out: {dict(list(missing.items())[:5])}"
    assert not extra, (
        f"statements that do not name the organisation: {dict(list(extra.items())[:5])}"
    )


def test_every_evidence_row_has_a_kind_a_relation_a_source_and_a_quote(
    service: QueryService,
) -> None:
    expected = mentions(service)
    busiest = sorted(expected, key=lambda org: len(expected[org]), reverse=True)[:25]
    for org in busiest:
        for row in evidence_rows(service, org):
            for name in ("kind", "relation", "source", "quote"):
                assert row[name] is not None and row[name].value.strip(), (org, name, row)


def test_evidence_by_code_covers_memberships_activities_change_events_and_sites(
    service: QueryService,
) -> None:
    """Asked the way a user asks (by code), for every organisation that the graph gives a
    membership, an activity, a change event or a site: each such statement is a row."""
    kinds = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT DISTINCT ?code ?statement WHERE {
      VALUES ?class { org:Membership prov:Activity org:ChangeEvent org:Site }
      ?statement a ?class ; ?p ?org . ?org org:identifier ?code .
      FILTER EXISTS { ?statement prov:wasDerivedFrom ?e }
    }"""
    result = service.store.query(kinds, max_rows=1_000_000)
    assert isinstance(result, SelectResult)
    by_code: dict[str, set[str]] = {}
    for code, statement in result.rows:
        by_code.setdefault(code.value, set()).add(statement.value)
    assert by_code, "the graph has memberships, activities, change events and sites"
    for code, statements in sorted(by_code.items())[:40]:
        returned = {
            r["statement"].value for r in service.run("evidence", {"organisation": code}).dicts()
        }
        assert statements <= returned, (code, statements - returned)


def test_organisation_page_quotes_its_sites_memberships_and_activities(
    national: Settings, service: QueryService
) -> None:
    """The page's "every quote about it" shows the document quotes of every kind of
    statement `evidence` finds, sites and memberships among them."""
    kinds = """
    PREFIX org: <http://www.w3.org/ns/org#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX nhskg: <https://w3id.org/nhskg/def#>
    SELECT DISTINCT ?code ?exact WHERE {
      VALUES ?class { org:Site org:Membership prov:Activity }
      ?statement a ?class ; ?p ?org ; prov:wasDerivedFrom ?e .
      ?org org:identifier ?code .
      ?e oa:hasSource ?doc ; oa:hasSelector/oa:exact ?exact . ?doc a nhskg:SourceDocument .
    }"""
    result = service.store.query(kinds, max_rows=1_000_000)
    assert isinstance(result, SelectResult)
    quotes: dict[str, set[str]] = {}
    for code, exact in result.rows:
        quotes.setdefault(code.value, set()).add(exact.value)
    assert quotes
    with TestClient(create_app(national)) as client:
        for code, expected in sorted(quotes.items())[:15]:
            page = client.get(f"/organisations/{code}", headers={"Accept": "text/html"}).text
            section = " ".join(html.unescape(page.split('id="evidence"', 1)[1]).split())
            for exact in expected:
                assert " ".join(exact.split()) in section, (code, exact)
