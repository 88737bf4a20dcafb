"""Paths across partnerships through the two-mode network, brokers over every kind of
tie and what a search without a connection looked through: on the hand-worked
national fixture (tests/network_fixture.py) and on the real graph."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from network_fixture import national_fixture_data

from nhskg.graph.network import analysis
from nhskg.graph.network.fetch import NetworkData, load_network_data
from nhskg.graph.network.views import NetworkFilters, add_evidence, joined, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

DATA = national_fixture_data()


def paths_view(**filters: object):
    return joined(two_mode(DATA, NetworkFilters(**filters), evidence=False))  # type: ignore[arg-type]


def route(path: list[analysis.Hop]) -> list[str]:
    return [h.source for h in path] + [path[-1].target]


def connect(graph, source: str, target: str, **kw: object) -> analysis.Connection:
    return analysis.shortest_connections(
        graph,
        source,
        target,
        evidence=lambda links: add_evidence(graph, DATA, edges=links),
        **kw,  # type: ignore[arg-type]
    )


def test_members_of_two_partnerships_connect_through_a_national_body() -> None:
    graph = paths_view()
    found = connect(graph, "A", "H")
    (path,) = found.paths
    assert route(path) == ["A", "body:P1", "B", "body:joint-working/J", "N", "P3", "H"]
    assert [h.relationship for h in path] == [
        "member",
        "member",
        "party",
        "party",
        "hosts",
        "member",
    ]
    hosting = path[4]
    assert (hosting.source_label, hosting.target_label) == ("NHS England", "Partnership Three")
    assert [e["quote"] for e in hosting.evidence] == ["quote for h-n-p3"]
    assert all(h.evidence and h.evidence[0]["source"] == "doc.txt" for h in path)


def test_a_path_runs_from_one_partnership_to_another() -> None:
    graph = paths_view()
    found = connect(graph, "P1", "P3")
    assert found.length == 4
    assert route(found.paths[0]) == ["body:P1", "B", "body:joint-working/J", "N", "P3"]
    assert found.paths[0][0].shared == ["Partnership One"]


def test_a_partnership_that_is_also_a_party_is_one_node_on_the_path() -> None:
    # Without N (before 2017 it hosts nothing), D reaches P3 through the contract
    # P3 commissions: only as one node can P3 be both K2's party and H's partnership.
    graph = paths_view(as_of=date(2018, 6, 1), evidenced_only=True)
    found = connect(graph, "D", "H")
    assert route(found.paths[0]) == ["D", "body:contract/K2", "P3", "H"]
    assert graph.nodes["P3"]["also_body"]


def test_no_connection_says_what_was_searched() -> None:
    graph = paths_view(as_of=date(2015, 6, 1), evidenced_only=True)
    found = connect(graph, "A", "H")
    assert not found.connected
    text = found.describe()
    assert text.startswith("no connection between A and H in this view: searched the two-mode")
    assert "as of 2015-06-01" in text and "evidenced only" in text
    assert "9 nodes, 8 links, 2 separate components" in text
    assert "A is in a component of 6 nodes with Partnership One" in text
    assert "H is in a component of 3 nodes with Partnership Three" in text
    with pytest.raises(analysis.NotInNetwork, match=r"D takes part in nothing .* 9 nodes"):
        connect(graph, "A", "D")  # D's ties start in 2016


def test_brokers_count_every_kind_of_tie() -> None:
    two = two_mode(DATA, NetworkFilters(), evidence=False)
    found = {b.node: b for b in analysis.brokers(two, DATA)}
    assert set(found) == {"C", "G", "D", "N"}
    assert found["N"].partnerships == ["Partnership One", "Partnership Three"]
    assert found["N"].ties == [
        "Partnership One: party joint working",
        "Partnership Three: hosts",
    ]
    assert found["D"].ties == ["Partnership Three: provider contract", "Partnership Two: member"]
    by_membership = {b.node for b in analysis.brokers(two)}
    assert by_membership == {"C", "G"}


# The real graph -------------------------------------------------------------------

NORTHAMPTONSHIRE_CCGS = ("03V", "04G")  # NHS Corby CCG, NHS Nene CCG
SOUTH_YORKSHIRE_CCGS = ("02P", "02X", "03L", "03N")  # Barnsley, Doncaster, Rotherham, Sheffield


@pytest.fixture(scope="module")
def real(service: QueryService, national: Settings) -> tuple[NetworkData, nx.Graph]:
    data = load_network_data(service.store, national.queries_dir)
    return data, joined(two_mode(data, NetworkFilters(), evidence=False))


def _source_text(national: Settings, name: str) -> str:
    return " ".join((national.data / "sources" / name).read_text(encoding="utf-8").split())


def _quoted_hops(path: list[analysis.Hop], national: Settings) -> None:
    for hop in path:
        quoted = [e for e in hop.evidence if e["source"].endswith(".txt")]
        assert quoted, f"hop {hop.source} - {hop.target} has no quote"
        for item in quoted:
            assert " ".join(item["quote"].split()) in _source_text(national, item["source"])


def test_real_path_from_northamptonshire_to_south_yorkshire_through_nhs_england(
    real: tuple[NetworkData, nx.Graph], national: Settings
) -> None:
    data, graph = real
    for a in NORTHAMPTONSHIRE_CCGS:
        for b in SOUTH_YORKSHIRE_CCGS:
            assert analysis.shortest_connections(graph, a, b).length == 7, (a, b)
    found = analysis.shortest_connections(
        graph, "03V", "02P", evidence=lambda links: add_evidence(graph, data, edges=links)
    )
    (path,) = found.paths
    nodes = [n.removeprefix("body:") for n in route(path)]  # a body or, also, a party
    assert nodes[0:2] == ["03V", "healthier-together"]
    # a Healthier Together CCG that is in BLMK, then BLMK (QHG) itself, which submitted
    # the GP Five Year Forward View workforce submission to NHS England, a member of
    # Commissioners Working Together with Barnsley CCG
    assert nodes[2] in {"06F", "04F", "06P"} and nodes[3] == "QHG"
    assert nodes[5:] == ["nhs-england", "commissioners-working-together", "02P"]
    assert [h.relationship for h in path][3:5] == ["submits", "submitted to"]
    _quoted_hops(path, national)


def test_real_graph_without_a_connection_says_what_was_searched(
    real: tuple[NetworkData, nx.Graph],
) -> None:
    data, _ = real
    # On 2015-01-01 the BLMK submission (October 2017) is years away.
    early = joined(two_mode(data, NetworkFilters(as_of=date(2015, 1, 1)), evidence=False))
    text = analysis.shortest_connections(early, "03V", "02P").describe()
    assert "no connection between 03V and 02P" in text
    assert "searched the two-mode network" in text and "as of 2015-01-01" in text
    assert "03V is in a component of" in text and "Healthier Together Programme" in text
    assert "02P is in a component of" in text and "Commissioners Working Together" in text


def test_real_path_through_nhs_england_has_a_quote_on_every_hop(
    real: tuple[NetworkData, nx.Graph], national: Settings
) -> None:
    data, graph = real
    found = analysis.shortest_connections(
        graph,
        "02P",
        "bct-partnership-board",
        evidence=lambda links: add_evidence(graph, data, edges=links),
    )
    (path,) = found.paths
    nodes = [n.removeprefix("body:") for n in route(path)]
    assert nodes[:3] == ["02P", "commissioners-working-together", "nhs-england"]
    assert path[1].target_label == "NHS England"
    _quoted_hops(path, national)


def test_real_partnership_to_partnership_path(real: tuple[NetworkData, nx.Graph]) -> None:
    _, graph = real
    found = analysis.shortest_connections(graph, "healthier-together", "03V")
    assert found.length == 1 and found.paths[0][0].relationship == "member"
    blmk = next(
        n
        for n, a in graph.nodes(data=True)
        if a["label"] == "Bedfordshire, Luton and Milton Keynes"
    )
    found = analysis.shortest_connections(graph, "healthier-together", blmk.removeprefix("body:"))
    assert found.length == 2
    (via,) = {found.paths[0][0].target}
    assert via in {"06F", "04F", "06P"}  # a CCG in both


def test_real_brokers_include_ties_other_than_membership(
    real: tuple[NetworkData, nx.Graph],
) -> None:
    data, _ = real
    two = two_mode(data, NetworkFilters(), evidence=False)
    every = {b.node: b for b in analysis.brokers(two, data)}
    members_only = {b.node for b in analysis.brokers(two)}
    assert set(every) > members_only
    assert "nhs-england" in every and "nhs-england" not in members_only
    assert any(": member" not in tie for tie in every["nhs-england"].ties)
