"""Every kind of statement the curated layer holds has a named query, an API route and a
place on the pages; and a few real answers of the new queries."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from nhskg.api.app import create_app
from nhskg.api.deps import rows
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NHSKG = "https://w3id.org/nhskg/def#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
# the classes whose subclasses (and themselves) are kinds of statement, and sites; every
# statement is also an nhskg:Statement, which is a kind only through its subclasses
ROOTS = (NHSKG + "Statement", ORG + "Membership", ORG + "Post", PROV + "Activity", ORG + "Site")
ABSTRACT = {NHSKG + "Statement"}
PREFIXES = {NHSKG: "nhskg:", ORG: "org:", PROV: "prov:"}
HTML = {"Accept": "text/html"}
ROUTES = ("partnerships", "organisations")
# how the named queries join the values of a cell
SEPARATORS = re.compile(r"; |, | \| ")


def statement_kinds() -> set[str]:
    """The ontology's classes under (or equal to) one of ROOTS."""
    ontology = Graph().parse(ROOT / "ontology" / "nhskg.ttl")
    kinds: set[str] = set()
    for root in ROOTS:
        kinds |= {str(c) for c in ontology.transitive_subjects(RDFS.subClassOf, URIRef(root))}
    return kinds - ABSTRACT


def held_kinds(service: QueryService) -> dict[str, tuple[str, list[str]]]:
    """Each kind the curated graphs hold, with one instance and the organisations or
    partnerships whose pages may show it (the one it is of, the one its document concerns,
    any it names)."""
    result = service.sparql(
        """PREFIX prov: <http://www.w3.org/ns/prov#>
           PREFIX oa: <http://www.w3.org/ns/oa#>
           PREFIX org: <http://www.w3.org/ns/org#>
           PREFIX nhskg: <https://w3id.org/nhskg/def#>
           SELECT ?kind (SAMPLE(?s) AS ?one) WHERE {
             GRAPH ?g { ?s a ?kind }
             FILTER (STRSTARTS(STR(?g), "https://w3id.org/nhskg/graph/curated/"))
           } GROUP BY ?kind"""
    )
    wanted = statement_kinds()
    held = {}
    for row in result.dicts():
        kind, one = row["kind"].value, row["one"].value
        if kind not in wanted:
            continue
        # the bodies it is of first, then those its documents concern, then any it names
        bodies = service.sparql(
            f"""PREFIX prov: <http://www.w3.org/ns/prov#>
                PREFIX oa: <http://www.w3.org/ns/oa#>
                PREFIX org: <http://www.w3.org/ns/org#>
                PREFIX nhskg: <https://w3id.org/nhskg/def#>
                SELECT DISTINCT ?body ?rank WHERE {{
                  {{ <{one}> org:siteOf|org:postIn|nhskg:organisation ?body BIND (1 AS ?rank) }}
                  UNION {{ <{one}> prov:wasDerivedFrom/oa:hasSource/nhskg:concerns ?body
                           BIND (2 AS ?rank) }}
                  UNION {{ <{one}> ?p ?body . ?body a org:Organization BIND (3 AS ?rank) }}
                }} ORDER BY ?rank"""
        )
        held[kind] = (one, [b["body"].value for b in bodies.dicts()])
    return held


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def named_queries_selecting(kind: str) -> list[str]:
    """The top-level named queries whose text names the kind's class."""
    ns = next(n for n in PREFIXES if kind.startswith(n))
    forms = (f"<{kind}>", PREFIXES[ns] + kind[len(ns) :])
    found = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if any(f"{form} " in text or f"{form}\n" in text or f"{form};" in text for form in forms):
            found.append(path.stem)
    return found


def org_param(service: QueryService, query: str) -> str | None:
    """The parameter of a named query that names the organisation or partnership asked about."""
    params = [p for p in service.query_file(query).header.params if p.type == "org"]
    return params[0].name if params else None


def same_rows(one: list[Any], other: list[dict[str, Any]]) -> bool:
    """The same rows, whatever order GROUP_CONCAT joined a cell's values in."""

    def cells(rows: list[Any]) -> list[str]:
        return sorted(
            json.dumps(sorted((k, sorted(SEPARATORS.split(str(v)))) for k, v in row.items()))
            for row in rows
            if isinstance(row, dict)
        )

    return len(one) == len(other) and cells(one) == cells(other)


def test_every_kind_the_curated_graphs_hold_has_a_query_a_route_and_a_page_section(
    service: QueryService, client: TestClient
) -> None:
    """For each kind: a named query selects its class; asked about a body the instance is of,
    its document concerns or it names, that query's (non-empty) answer is a list in the body's
    API detail; and the first value of that list's first row is on the body's page."""
    held = held_kinds(service)
    # the test means something only if the graph holds the kinds issue 23 names
    for name in ("Risk", "Milestone", "Funding", "FundingGap", "Decision", "Contract", "Principle"):
        assert NHSKG + name in held, name
    missing: list[str] = []
    for kind, (instance, bodies) in sorted(held.items()):
        queries = named_queries_selecting(kind)
        if not queries:
            missing.append(f"{kind}: no named query selects it")
            continue
        found = None
        for route, code in ((r, b.rsplit("/", 1)[-1]) for b in bodies for r in ROUTES):
            answer = client.get(f"/api/{route}/{code}")
            if answer.status_code != 200:
                continue
            detail = answer.json()
            for query in queries:
                param = org_param(service, query)
                if param is None:
                    continue
                expected = rows(service.run(query, {param: code}))
                expected = json.loads(json.dumps(expected, default=str))
                keys = [
                    k
                    for k, v in detail.items()
                    if expected and isinstance(v, list) and same_rows(v, expected)
                ]
                if keys:
                    found = (route, code, keys[0], query, expected)
                    break
            if found:
                break
        if not found:
            missing.append(
                f"{kind} (e.g. {instance}): no query of {queries} answers a list of "
                f"the API detail of any of {bodies}"
            )
            continue
        route, code, key, query, expected = found
        shown = client.get(f"/{route}/{code}", headers=HTML).text
        first = next(str(v) for v in expected[0].values() if not str(v).startswith("http"))
        if html.escape(first, quote=False) not in shown and html.escape(first) not in shown:
            missing.append(f"{kind}: {key} ({query}) row {first!r} is not on /{route}/{code}")
    assert not missing, "\n".join(missing)


def rows_of(client: TestClient, path: str, key: str) -> list[dict[str, Any]]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()[key]


def test_the_elft_contract_says_its_annual_value_and_five_year_term(client: TestClient) -> None:
    (contract,) = rows_of(client, "/api/organisations/ELFT", "contracts")
    assert float(contract["annualValue"]) == 39_000_000 and contract["currency"] == "GBP"
    assert contract["term"] == "P5Y"
    assert "East London" in contract["providers"]
    assert contract["quotes"] and contract["documents"].endswith(".txt")


def test_a_bct_risk_comes_with_its_rag_status_and_quote(client: TestClient) -> None:
    risks = rows_of(client, "/api/partnerships/BCT", "risks")
    workforce = next(r for r in risks if r["riskName"] == "Workforce")
    assert workforce["rag"] == "red"
    assert workforce["documents"] == "004_e57bb13dd4c17d92.txt"
    source = (ROOT / "data" / "sources" / workforce["documents"]).read_text(encoding="utf-8")
    assert all(q in source for q in workforce["quotes"].split(" | "))


def test_a_healthier_together_milestone_has_a_target_date_and_no_rag(client: TestClient) -> None:
    milestones = rows_of(client, "/api/partnerships/healthier-together", "milestones")
    assert milestones
    transition = next(m for m in milestones if m["milestoneName"].startswith("Work already"))
    assert transition["targetDate"] == "2013-03-31"
    assert transition.get("rag") in (None, "")


def test_the_working_together_paper_gives_two_funding_gaps_with_areas_and_periods(
    client: TestClient,
) -> None:
    gaps = rows_of(client, "/api/partnerships/commissioners-working-together", "fundingGaps")
    by_area = {g["area"]: g for g in gaps}
    assert set(by_area) == {"South Yorkshire", "the NHS nationally"}
    south_yorkshire = by_area["South Yorkshire"]
    assert float(south_yorkshire["amount"]) == 750_000_000
    assert south_yorkshire["periodLength"] == "P5Y" and south_yorkshire["condition"]
    assert float(by_area["the NHS nationally"]["amount"]) == 30_000_000_000
    assert by_area["the NHS nationally"]["periodEnd"] == "2022-03-31"


def test_the_pcbc_approvals_are_planned_with_their_due_dates(client: TestClient) -> None:
    decisions = rows_of(client, "/api/partnerships/BCT", "decisions")
    pcbc = [
        d for d in decisions if d["kind"] == "approved" and "Pre-Consultation" in d["decidedOn"]
    ]
    due = {d["targetDate"]: d for d in pcbc}
    assert {"2015-10-26", "2015-11-09"} <= set(due)
    assert "NHS England" in due["2015-11-09"]["decidedBy"]
    assert all(d["statusName"] == "planned" and d["quotes"] for d in due.values())


def test_the_partnership_page_shows_the_new_sections(client: TestClient) -> None:
    page = client.get("/partnerships/BCT", headers=HTML).text
    for heading in ("Risks", "Milestones", "Decisions and approvals", "Principles"):
        assert f">{heading}</h2>" in page, heading
    assert "Organisational cultures" in page
