"""Each SPARQL violation check returns rows for wrong data and none for right data."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhskg.graph.query.named_queries import load_query_files
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.validation.validate import check_findings

CHECKS = Path(__file__).resolve().parents[1] / "queries" / "checks"
P = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix nhskg: <https://w3id.org/nhskg/def#> .
@prefix orgtype: <https://w3id.org/nhskg/def/orgtype/> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/nhskg/id/org/> .
"""

CASES = {
    "duplicate-ods-code-violation": (
        'id:RC1 org:identifier "RC1"^^nhskg:ODSCode .',
        'id:RC1 org:identifier "RC1"^^nhskg:ODSCode . <https://w3id.org/nhskg/id/org/bedford-hospital> org:identifier "RC1"^^nhskg:ODSCode .',
    ),
    "placement-outside-lifetime-violation": (
        """id:RC1 nhskg:knownFrom "1992-04-01"^^xsd:date ; nhskg:knownUntil "2020-03-31"^^xsd:date .
           <https://w3id.org/nhskg/id/p> a nhskg:Placement ; nhskg:placed id:RC1 ;
             nhskg:knownFrom "2019-04-01"^^xsd:date ; nhskg:knownUntil "2020-03-31"^^xsd:date .""",
        """id:RC1 nhskg:knownFrom "1992-04-01"^^xsd:date ; nhskg:knownUntil "2020-03-31"^^xsd:date .
           <https://w3id.org/nhskg/id/p> a nhskg:Placement ; nhskg:placed id:RC1 ;
             nhskg:knownFrom "2024-04-01"^^xsd:date ; nhskg:knownUntil "2025-03-31"^^xsd:date .""",
    ),
    "change-before-existence-violation": (
        """id:78H schema:startDate "2020-04-01"^^xsd:date .
           <https://w3id.org/nhskg/id/c> a org:ChangeEvent ; dcterms:date "2020-04-01"^^xsd:date ;
             org:resultingOrganization id:78H .""",
        """id:78H schema:startDate "2020-04-01"^^xsd:date .
           <https://w3id.org/nhskg/id/c> a org:ChangeEvent ; dcterms:date "2019-04-01"^^xsd:date ;
             org:resultingOrganization id:78H .""",
    ),
    "classification-without-period-violation": (
        """id:RC1 org:classification orgtype:nhs-trust .
           <https://w3id.org/nhskg/id/cp> a nhskg:ClassificationPeriod ; nhskg:organisation id:RC1 ;
             nhskg:classifiedAs orgtype:nhs-trust .""",
        "id:RC1 org:classification orgtype:nhs-trust .",
    ),
}


def store_of(turtle: str) -> OxigraphStore:
    import rdflib

    g = rdflib.Graph().parse(data=P + turtle, format="turtle")
    store = OxigraphStore.create()
    store.load_nquads_text(g.serialize(format="nt"))
    return store


def checks() -> dict[str, object]:
    return {q.name: q for q in load_query_files(CHECKS)}


def test_every_check_has_a_passing_and_a_failing_case() -> None:
    assert sorted(checks()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_is_silent_on_right_data(name: str) -> None:
    good, _bad = CASES[name]
    assert check_findings(store_of(good), [checks()[name]]) == []  # type: ignore[list-item]


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_wrong_data_as_a_violation(name: str) -> None:
    _good, bad = CASES[name]
    findings = check_findings(store_of(bad), [checks()[name]])  # type: ignore[list-item]
    assert findings
    assert all(f.severity == "Violation" and f.source == f"check:{name}" for f in findings)
    assert all(f.focus.startswith("https://w3id.org/nhskg/id/") and f.message for f in findings)


def test_checks_are_named_as_violation_queries() -> None:
    assert all(p.name.endswith("-violation.rq") for p in CHECKS.glob("*.rq"))
