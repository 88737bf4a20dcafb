"""What a view takes in when asked, on the small fixture network: the reference data's
mergers and successions (only with ``changes``), and in a partnership's view its
members' contracts (only with ``contracts``)."""

from __future__ import annotations

from datetime import date

from network_fixture import ID_BASE, fixture_data, iri

from nhskg.graph.network.fetch import NetworkData, Tie
from nhskg.graph.network.views import NetworkFilters, one_mode, two_mode


def _with_a_merger() -> NetworkData:
    data = fixture_data()
    change = ID_BASE + "change/2020-04-01/B"
    day = date(2020, 4, 1)
    data.changes = [
        Tie(iri("A"), change, "predecessor", "reference", day, day, change),
        Tie(iri("B"), change, "successor", "reference", day, day, change),
    ]
    return data


def test_mergers_are_ties_only_when_the_view_asks_for_them() -> None:
    data = _with_a_merger()
    plain = two_mode(data, NetworkFilters(), evidence=False)
    assert "body:change/2020-04-01/B" not in plain
    asked = two_mode(data, NetworkFilters(changes=True), evidence=False)
    assert asked.edges["A", "body:change/2020-04-01/B"]["relationship"] == "predecessor"
    assert "predecessor" in one_mode(asked).edges["A", "B"]["relationship"]
    # a view of a day before the merger does not hold it
    before = two_mode(data, NetworkFilters(changes=True, as_of=date(2019, 1, 1)), evidence=False)
    assert "body:change/2020-04-01/B" not in before


def test_a_partnerships_view_takes_its_members_contracts_and_mergers_when_asked() -> None:
    data = _with_a_merger()
    p2 = NetworkFilters(partnership=iri("P2"))
    assert "E" not in two_mode(data, p2, evidence=False), "Echo Council is not in P2"
    wider = NetworkFilters(partnership=iri("P2"), contracts=True)
    view = two_mode(data, wider, evidence=False)
    assert view.has_edge("E", "body:contract/K") and view.has_edge("D", "body:contract/K")
    # A and B are in P1 only: their merger is not a P2 member's
    p1 = two_mode(data, NetworkFilters(partnership=iri("P1"), changes=True), evidence=False)
    assert p1.has_edge("A", "body:change/2020-04-01/B")
    assert "body:change/2020-04-01/B" not in two_mode(
        data, NetworkFilters(partnership=iri("P2"), changes=True), evidence=False
    )
