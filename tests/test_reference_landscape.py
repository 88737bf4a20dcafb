"""The national reference landscape, checked against the real built graph."""

from __future__ import annotations

import pytest

from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult


def codes(result: SelectResult, column: str = "code") -> list[str]:
    return sorted(row[column] for row in _values(result))


def _values(result: SelectResult) -> list[dict[str, str]]:
    return [
        {k: (v.value if v is not None else "") for k, v in row.items()} for row in result.dicts()
    ]


def ask(service: QueryService, query: str) -> SelectResult:
    prefixes = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nhskg: <https://w3id.org/nhskg/def#>
PREFIX orgtype: <https://w3id.org/nhskg/def/orgtype/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
    result = service.store.query(prefixes + query)
    assert isinstance(result, SelectResult)
    return result


def test_every_trust_code_of_the_three_ods_lists_is_an_organisation(service: QueryService) -> None:
    result = ask(service, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a nhskg:NHSTrust }")
    assert int(result.rows[0][0].value) == 273  # type: ignore[union-attr]


def test_trust_keeps_its_names_over_time(service: QueryService) -> None:
    names = _values(service.run("names", {"code": "RC9"}))
    assert [(n["name"], n["dataset"]) for n in names] == [
        ("LUTON AND DUNSTABLE UNIVERSITY HOSPITAL NHS FOUNDATION TRUST", "ods-etr-c2015"),
        ("BEDFORDSHIRE HOSPITALS NHS FOUNDATION TRUST", "ods-etr-2020"),
        ("BEDFORDSHIRE HOSPITALS NHS FOUNDATION TRUST", "ods-etr-2024"),
    ]


def test_closed_trust_has_open_and_close_dates(service: QueryService) -> None:
    row = _values(service.run("organisation", {"code": "RC1"}))[0]
    assert (row["opened"], row["closed"]) == ("1992-04-01", "2020-03-31")
    assert row["successors"] == "RC9 (succession, 2020-04-01)"


@pytest.mark.parametrize(
    ("as_of", "count"),
    [
        ("2013-04-01", 211),
        ("2019-04-01", 191),
        ("2020-04-01", 135),
        ("2021-04-01", 106),
        ("2022-07-01", 0),
    ],
)
def test_ccg_count_on_a_date_matches_the_record(
    service: QueryService, as_of: str, count: int
) -> None:
    result = service.run("organisations", {"type": "ccg", "as_of": as_of})
    assert len(result.rows) == count


def test_ccg_names_are_ccg_era_names_not_sub_icb_names(service: QueryService) -> None:
    row = _values(service.run("organisation", {"code": "04C"}))[0]
    assert row["name"] == "NHS Leicester City CCG"
    assert "sub-ICB location" in row["types"]


def test_ccg_closed_before_2018_keeps_its_ods_name(service: QueryService) -> None:
    row = _values(service.run("organisation", {"code": "00F"}))[0]
    assert row["name"] == "NHS Gateshead CCG"
    assert row["closed"] == "2015-03-31"


def test_there_are_42_stps_in_2019_and_42_icbs_in_2022(service: QueryService) -> None:
    assert len(service.run("organisations", {"type": "stp", "as_of": "2019-06-01"}).rows) == 42
    assert len(service.run("organisations", {"type": "icb", "as_of": "2022-07-01"}).rows) == 42
    assert len(service.run("organisations", {"type": "stp", "as_of": "2022-07-01"}).rows) == 0


def test_health_foundation_44_stp_labels_are_all_in_the_graph(service: QueryService) -> None:
    result = ask(
        service,
        """SELECT (COUNT(DISTINCT ?stp) AS ?n) WHERE {
             ?p a nhskg:HeadquartersPlacement ; nhskg:within ?stp ;
                prov:wasDerivedFrom/oa:hasSource/dcterms:identifier "hf-trust-stp-2017-18" }""",
    )
    assert int(result.rows[0][0].value) == 44  # type: ignore[union-attr]


def test_stp_and_icb_are_one_organisation_whose_type_changes_on_1_july_2022(
    service: QueryService,
) -> None:
    result = ask(
        service,
        """SELECT ?type ?from ?until WHERE {
             ?p a nhskg:ClassificationPeriod ; nhskg:organisation <https://w3id.org/nhskg/id/org/QHG> ;
                nhskg:classifiedAs ?t ; nhskg:knownFrom ?from .
             OPTIONAL { ?p nhskg:knownUntil ?until }
             BIND (STRAFTER(STR(?t), "/orgtype/") AS ?type) } ORDER BY ?from""",
    )
    assert [(r["type"], r["until"]) for r in _values(result)] == [
        ("stp", "2022-06-30"),
        ("icb", ""),
    ]
    assert _values(result)[1]["from"] == "2022-07-01"


def test_stp_has_ons_and_ods_codes_and_a_region(service: QueryService) -> None:
    result = ask(
        service,
        """SELECT ?code ?region WHERE {
             <https://w3id.org/nhskg/id/org/QHG> org:identifier ?code .
             ?p a nhskg:RegionPlacement ; nhskg:placed <https://w3id.org/nhskg/id/org/QHG> ;
                nhskg:within/skos:prefLabel ?region }""",
    )
    values = _values(result)
    assert {v["code"] for v in values} == {"QHG", "E54000024"}
    assert {v["region"] for v in values} == {"East of England"}


def test_older_ons_stp_code_is_tied_to_its_ods_code_with_reasoning(service: QueryService) -> None:
    result = ask(
        service,
        """SELECT ?note WHERE {
             <https://w3id.org/nhskg/id/org/QWO> org:identifier "E54000005"^^nhskg:ODSCode
           } """,
    )
    assert result.rows == []  # an ONS code is never typed as an ODS code
    result = ask(
        service,
        """SELECT ?note WHERE {
             <https://w3id.org/nhskg/id/org/QWO> org:identifier "E54000005"^^nhskg:ONSCode ;
                 prov:wasDerivedFrom ?r . ?r a nhskg:Reasoning ; <http://www.w3.org/2000/01/rdf-schema#comment> ?note .
             FILTER (CONTAINS(?note, "E54000005")) }""",
    )
    assert "8 of its 9 CCGs" in result.rows[0][0].value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("stp", "as_of", "expected"),
    [
        ("QHG", "2019-04-01", ["04F", "06F", "06P"]),
        ("E54000024", "2021-06-01", ["M1J4Y"]),
        ("QHG", "2018-06-01", ["04F", "06F", "06P"]),
        ("QPM", "2019-06-01", ["03V", "04G"]),
        ("QPM", "2020-06-01", ["78H"]),
        ("Leicester, Leicestershire and Rutland", "2019-06-01", ["03W", "04C", "04V"]),
    ],
)
def test_stp_footprint_on_a_date(
    service: QueryService, stp: str, as_of: str, expected: list[str]
) -> None:
    assert codes(service.run("stp-footprint", {"stp": stp, "as_of": as_of})) == expected


def test_stp_footprint_without_a_date_lists_every_year_with_its_source(
    service: QueryService,
) -> None:
    rows = _values(service.run("stp-footprint", {"stp": "QHG"}))
    assert {r["dataset"] for r in rows} == {
        "derived-ccg18-stp18",
        "ons-ccg19-stp19",
        "ons-ccg20-stp20-nhser20",
        "ons-ccg21-stp21",
    }
    assert all(r["row"].startswith("row=") for r in rows)


def test_trusts_in_stp_from_the_2020_ods_list(service: QueryService) -> None:
    rows = service.run("trusts-in-stp", {"stp": "QHG", "as_of": "2019-06-01"})
    assert codes(rows) == ["RC1", "RC9", "RD8"]
    rows = service.run("trusts-in-stp", {"stp": "QK1"})
    assert "RX9" not in codes(rows)  # EMAS is headquartered in Nottinghamshire


def test_history_of_rc1_shows_succession_by_rc9(service: QueryService) -> None:
    rows = _values(service.run("history", {"code": "RC1"}))
    assert [(r["date"], r["kind"], r["role"], r["others"]) for r in rows] == [
        ("2020-04-01", "succession", "predecessor", "RC9")
    ]


@pytest.mark.parametrize(
    ("successor", "date", "originals", "kind"),
    [
        ("78H", "2020-04-01", ["03V", "04G"], "merger"),
        ("RC9", "2020-04-01", ["RC1"], "succession"),
        ("M1J4Y", "2021-04-01", ["04F", "06F", "06P"], "merger"),
        ("15M", "2019-04-01", ["03X", "03Y", "04J", "04R"], "merger"),
    ],
)
def test_change_events_from_the_successor_file(
    service: QueryService, successor: str, date: str, originals: list[str], kind: str
) -> None:
    rows = [
        r for r in _values(service.run("history", {"code": successor})) if r["role"] == "successor"
    ]
    event = next(r for r in rows if r["date"] == date)
    assert sorted(event["others"].split(", ")) == originals
    assert event["kind"] == kind
    assert event["basis"] == "reference"


def test_ccgs_open_in_june_2022_transfer_to_their_icb(service: QueryService) -> None:
    rows = _values(service.run("history", {"code": "02Q"}))
    assert [(r["date"], r["kind"], r["others"], r["basis"]) for r in rows] == [
        ("2022-07-01", "transfer", "QT1", "derived")
    ]


def test_every_reference_fact_points_to_a_dataset_with_licence(service: QueryService) -> None:
    result = ask(
        service,
        """SELECT (COUNT(?s) AS ?n) WHERE {
             ?s nhskg:basis <https://w3id.org/nhskg/def/basis/reference> .
             MINUS { ?s prov:wasDerivedFrom/oa:hasSource ?ds . ?ds a dcat:Dataset ; dcterms:license ?l ;
                       dcterms:source ?src }
           }""",
    )
    assert int(result.rows[0][0].value) == 0  # type: ignore[union-attr]
    datasets = _values(service.run("datasets"))
    assert len(datasets) == 19  # with the ONS local authority lookup the councils cite
    assert all(
        d["licence"].startswith("http") and int(d["statements"]) > 0
        for d in datasets
        if d["id"] != "nhskg-landscape-rules"
    )


def test_disagreements_between_files_are_listed_with_both_sources(service: QueryService) -> None:
    rows = _values(service.run("reference-disagreements"))
    harrogate = [r for r in rows if r["code"] == "RCD" and r["sourceB"] == "ods-etr-2020"]
    assert harrogate and harrogate[0]["sourceA"] == "hf-trust-stp-2017-18"
    assert "QWO" in harrogate[0]["claimA"] and "QOQ" in harrogate[0]["claimB"]
    assert {r["kind"] for r in rows} >= {"headquarters", "close date"}
