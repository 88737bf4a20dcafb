"""Small pieces: dates, names, IRIs, result formats."""

from __future__ import annotations

import datetime as dt

import pytest
from pyoxigraph import Literal, NamedNode

from nhskg.graph import mint
from nhskg.graph.dates import DateError, intersect, parse_date
from nhskg.graph.namespaces import XSD, compact
from nhskg.graph.query.results import python_value, to_csv, to_json, to_table, to_tsv
from nhskg.graph.query.store import SelectResult
from nhskg.graph.reference.names import title_case


@pytest.mark.parametrize(
    ("text", "first", "last", "datatype"),
    [
        ("2013-03-13", dt.date(2013, 3, 13), dt.date(2013, 3, 13), "date"),
        ("20130313", dt.date(2013, 3, 13), dt.date(2013, 3, 13), "date"),
        ("2015-09", dt.date(2015, 9, 1), dt.date(2015, 9, 30), "gYearMonth"),
        ("2016-02", dt.date(2016, 2, 1), dt.date(2016, 2, 29), "gYearMonth"),
        ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31), "gYear"),
    ],
)
def test_vague_dates_keep_their_precision_and_cover_their_period(
    text: str, first: dt.date, last: dt.date, datatype: str
) -> None:
    d = parse_date(text)
    assert (d.first, d.last, d.datatype) == (first, last, datatype)
    assert d.literal().datatype == XSD[datatype]


@pytest.mark.parametrize("text", ["2019-13-01", "30/11/2015", "late autumn", "2019-02-30", ""])
def test_non_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_periods_intersect_or_do_not_meet() -> None:
    a = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))
    assert intersect(a, (None, dt.date(2019, 12, 31))) == (
        dt.date(2019, 4, 1),
        dt.date(2019, 12, 31),
    )
    assert intersect(a, (dt.date(2021, 1, 1), None)) is None
    assert intersect(a, (None, None)) == a


@pytest.mark.parametrize(
    ("ods", "readable"),
    [
        (
            "KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST",
            "King's College Hospital NHS Foundation Trust",
        ),
        (
            "STAFFORDSHIRE AND STOKE-ON-TRENT PARTNERSHIP NHS TRUST",
            "Staffordshire and Stoke-on-Trent Partnership NHS Trust",
        ),
        (
            "NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB - 04C",
            "NHS Leicester, Leicestershire and Rutland ICB - 04C",
        ),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        ("NHS Corby CCG", "NHS Corby CCG"),
    ],
)
def test_title_case_makes_ods_capitals_readable(ods: str, readable: str) -> None:
    assert title_case(ods) == readable


def test_organisation_iris_come_from_codes_or_curated_keys_never_names() -> None:
    assert mint.org("RC1").value == "https://w3id.org/nhskg/id/org/RC1"
    assert mint.org("E54000045").value == "https://w3id.org/nhskg/id/org/E54000045"
    assert mint.org("healthier-together").value.endswith("/org/healthier-together")
    for bad in ("Bedford Hospital", "rc1 ", "a/b", ""):
        with pytest.raises(mint.MintError):
            mint.org(bad)


def test_compact_uses_the_longest_prefix() -> None:
    assert compact("https://w3id.org/nhskg/def/orgtype/ccg") == "orgtype:ccg"
    assert compact("https://w3id.org/nhskg/def#NHSTrust") == "nhskg:NHSTrust"
    assert compact("http://example.org/x") == "http://example.org/x"


def result() -> SelectResult:
    return SelectResult(
        ["code", "n", "day"],
        [
            (
                Literal("RC1"),
                Literal("3", datatype=XSD.integer),
                Literal("2020-04-01", datatype=XSD.date),
            ),
            (NamedNode("https://w3id.org/nhskg/id/org/RC9"), None, Literal('a "quoted"\tvalue')),
        ],
        truncated=True,
    )


def test_result_formats_follow_the_sparql_results_specs() -> None:
    r = result()
    assert to_csv(r).splitlines()[0] == "code,n,day"
    assert '"a ""quoted""\tvalue"' in to_csv(r)
    tsv = to_tsv(r).splitlines()
    assert tsv[0] == "?code\t?n\t?day"
    assert tsv[1] == '"RC1"\t3\t"2020-04-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert tsv[2].startswith("<https://w3id.org/nhskg/id/org/RC9>\t\t")
    assert "\t" not in tsv[2].split("\t", 2)[2].replace("\\t", "")
    import json

    doc = json.loads(to_json(r))
    assert doc["results"]["bindings"][1] == {
        "code": {"type": "uri", "value": "https://w3id.org/nhskg/id/org/RC9"},
        "day": {"type": "literal", "value": 'a "quoted"\tvalue'},
    }
    assert "truncated at the row cap" in to_table(r)


def test_python_values_are_typed() -> None:
    assert python_value(Literal("2020-04-01", datatype=XSD.date)) == dt.date(2020, 4, 1)
    assert python_value(Literal("3", datatype=XSD.integer)) == 3
    assert python_value(NamedNode("https://x.org/a")) == "https://x.org/a"
    assert python_value(None) is None
