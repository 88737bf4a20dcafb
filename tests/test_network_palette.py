"""The fixed colours of organisation types: one per type of the ontology's scheme, the
same whatever else is drawn, and one type shown for an organisation that holds two."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import rdflib
from network_fixture import fixture_data, iri
from rdflib.namespace import SKOS

from nhskg.graph.network.fetch import Period
from nhskg.graph.network.palette import COLOURS, OTHER, colour_of, palette_json, preference
from nhskg.graph.network.views import organisation_type

ROOT = Path(__file__).resolve().parents[1]
SCHEME = rdflib.URIRef("https://w3id.org/nhskg/def/orgtype")
HEX = re.compile(r"^#[0-9a-f]{6}$")


def _scheme_types() -> set[str]:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "concepts.ttl")
    return {str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, SCHEME)}


def test_every_organisation_type_of_the_ontology_has_a_colour_of_its_own() -> None:
    types = _scheme_types()
    assert types, "the organisation-type scheme was not read"
    assert types <= set(COLOURS), sorted(types - set(COLOURS))
    assert all(HEX.match(c) for c in [*COLOURS.values(), OTHER])
    # the types a network view shows most are told apart by colour
    common = ["acute-trust", "mental-health-trust", "community-trust", "ambulance-trust",
              "foundation-trust", "nhs-trust", "ccg", "icb", "stp", "council",
              "partnership", "stated-group"]  # fmt: skip
    assert len({colour_of(t) for t in common}) == len(common)
    assert OTHER not in COLOURS.values()


def test_a_type_not_listed_is_drawn_in_the_other_colour() -> None:
    assert colour_of("no-such-type") == OTHER
    assert colour_of("") == OTHER
    assert preference("no-such-type") == len(COLOURS)


def test_a_foundation_acute_trust_is_shown_as_an_acute_trust_whatever_the_order() -> None:
    data = fixture_data()
    start = date(2013, 4, 1)
    for periods in (
        [Period("foundation-trust", "NHS foundation trust", start, None, rank=1),
         Period("acute-trust", "acute trust", start, None, rank=1)],
        [Period("acute-trust", "acute trust", start, None, rank=1),
         Period("foundation-trust", "NHS foundation trust", start, None, rank=1),
         Period("nhs-trust", "NHS trust", start, None, rank=0)],
    ):  # fmt: skip
        data.types[iri("G")] = periods
        assert organisation_type(data, iri("G"), date(2016, 6, 1)) == ("acute-trust", "acute trust")
        assert organisation_type(data, iri("G"), None) == ("acute-trust", "acute trust")


def test_an_organisation_keeps_the_type_it_held_on_the_day() -> None:
    data = fixture_data()
    data.types[iri("A")] = [
        Period("ccg", "clinical commissioning group", date(2013, 4, 1), date(2022, 6, 30)),
        Period("sub-icb-location", "sub-ICB location", date(2022, 7, 1), None),
    ]
    assert organisation_type(data, iri("A"), date(2016, 1, 1))[0] == "ccg"
    assert organisation_type(data, iri("A"), date(2023, 1, 1))[0] == "sub-icb-location"


def test_palette_json_lists_each_type_once_in_the_order_of_preference() -> None:
    served = palette_json()
    keys = [t["key"] for t in served["types"]]
    assert keys == list(COLOURS)
    assert keys.index("acute-trust") < keys.index("foundation-trust") < keys.index("nhs-trust")
    assert served["other"] == OTHER
    assert {t["key"]: t["colour"] for t in served["types"]} == COLOURS


def test_a_trust_keeps_showing_what_it_does_after_the_source_that_said_so_ends() -> None:
    data = fixture_data()
    data.types[iri("C")] = [
        Period("nhs-trust", "NHS trust", date(1992, 4, 1), None),
        Period("acute-trust", "acute trust", date(2017, 4, 1), date(2018, 3, 31), rank=1),
    ]
    for day in (date(2015, 1, 1), date(2017, 6, 1), date(2020, 4, 1), None):
        assert organisation_type(data, iri("C"), day)[0] == "acute-trust", day
    data.types[iri("D")] = [Period("nhs-trust", "NHS trust", date(1992, 4, 1), None)]
    assert organisation_type(data, iri("D"), date(2020, 4, 1))[0] == "nhs-trust"
