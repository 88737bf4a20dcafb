"""Regions and weights in the network views of the real graph: every CCG has a region
on a 2019 view (its footprint STP's, said so in region_basis), trusts their own, and
two-mode edges are weighted by the statements that evidence them."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from nhskg.graph.network.fetch import NetworkData, load_network_data
from nhskg.graph.network.views import NetworkFilters, one_mode, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings


@pytest.fixture(scope="module")
def data(service: QueryService, national: Settings) -> NetworkData:
    return load_network_data(service.store, national.queries_dir)


@pytest.fixture(scope="module")
def view_2019(data: NetworkData) -> nx.Graph:
    return one_mode(two_mode(data, NetworkFilters(as_of=date(2019, 6, 1)), evidence=False))


def test_every_ccg_has_a_region_on_a_2019_view_from_its_footprint_stp(
    view_2019: nx.Graph,
) -> None:
    ccgs = {n: a for n, a in view_2019.nodes(data=True) if a["type"] == "ccg"}
    assert len(ccgs) >= 10
    assert {n for n, a in ccgs.items() if not a["region"]} == set()
    assert ccgs["06F"]["region"] == "East of England"
    assert ccgs["02P"]["region"] == "North East and Yorkshire"
    assert ccgs["04C"]["region"] == "Midlands"
    assert ccgs["06F"]["region_basis"].startswith("footprint STP QHG")
    assert ccgs["02P"]["region_basis"].startswith("footprint STP QF7")


def test_a_region_from_a_list_that_does_not_hold_on_the_day_says_it_is_the_nearest(
    view_2019: nx.Graph,
) -> None:
    # The STP-to-region lookups describe 2018/19 and 2020/21; 2019-06-01 falls between.
    basis = view_2019.nodes["04F"]["region_basis"]
    assert basis.startswith("footprint STP QHG (")
    assert basis.endswith(", nearest: 2018-04-01 to 2019-03-31")
    assert view_2019.nodes["04F"]["region"] == "East of England"


def test_trusts_have_their_own_region_from_the_ods_trust_list(view_2019: nx.Graph) -> None:
    trusts = {
        n: a
        for n, a in view_2019.nodes(data=True)
        if a["type"].endswith("trust") and a["code"][0] == "R"
    }
    assert trusts
    for node, attrs in trusts.items():
        assert attrs["region"], node
    assert view_2019.nodes["RC1"]["region"] == "East of England"
    assert view_2019.nodes["RC1"]["region_basis"] == "placed in the reference data"


def test_an_undated_view_gives_every_ccg_a_region(data: NetworkData) -> None:
    one = one_mode(two_mode(data, NetworkFilters(), evidence=False))
    blank = {n for n, a in one.nodes(data=True) if a["type"] == "ccg" and not a["region"]}
    assert blank == set()


def test_a_body_part_of_an_stp_takes_the_stps_region(data: NetworkData) -> None:
    two = two_mode(data, NetworkFilters(), evidence=False)
    board = two.nodes["bct-partnership-board"]
    assert board["region"] == "Midlands"
    assert board["region_basis"].startswith("part of QK1")


def test_two_mode_edges_are_weighted_by_their_evidencing_statements(data: NetworkData) -> None:
    two = two_mode(data, NetworkFilters(), evidence=False)
    weights = {(u, v): d["weight"] for u, v, d in two.edges(data=True)}
    assert all(isinstance(w, int) and w >= 1 for w in weights.values())
    for *_, d in two.edges(data=True):
        assert d["weight"] == len(d["statements"])
    assert max(weights.values()) > 1
