"""Network views and analyses on the hand-worked fixture (tests/network_fixture.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import networkx as nx
import pytest
from network_fixture import ORG, fixture_data

from nhskg.graph.network import analysis
from nhskg.graph.network.fetch import NetworkData
from nhskg.graph.network.views import NetworkFilters, add_evidence, one_mode, two_mode

DATA = fixture_data()


def view(**filters: object) -> tuple:
    two = two_mode(DATA, NetworkFilters(**filters))  # type: ignore[arg-type]
    return two, one_mode(two)


def weights(graph) -> dict[tuple[str, str], int]:
    return {tuple(sorted((a, b))): w for a, b, w in graph.edges(data="weight")}


def test_two_mode_joins_organisations_to_their_bodies() -> None:
    two, _ = view()
    bodies = {n for n, a in two.nodes(data=True) if a["kind"] == "body"}
    assert bodies == {"body:P1", "body:P2", "body:P3", "body:W", "body:contract/K"}
    assert set(two.neighbors("body:P1")) == {"A", "B", "C", "G"}
    assert two.edges["D", "body:contract/K"]["relationship"] == "provider"
    assert two.number_of_edges() == 13  # 4 in P1, 2 in W, 3 in P2, 2 in K, 2 in P3


def test_one_mode_weights_count_shared_bodies_with_their_evidence() -> None:
    _, one = view()
    assert weights(one) == {
        ("A", "B"): 2,
        ("A", "C"): 1,
        ("A", "G"): 1,
        ("B", "C"): 1,
        ("B", "G"): 1,
        ("C", "G"): 2,
        ("C", "D"): 1,
        ("D", "G"): 1,
        ("D", "E"): 1,
        ("H", "I"): 1,
    }
    edge = one.edges["A", "B"]
    assert sorted(edge["shared"]) == ["Partnership One", "Workstream W"]
    quotes = {(e["body"], e["quote"]) for e in edge["evidence"]}
    assert ("Workstream W", "quote for l-b-w") in quotes
    assert ("Partnership One", "quote for m-a-p1") in quotes
    assert edge["sources"] == "doc.txt"


def test_as_of_keeps_only_ties_that_hold_that_day() -> None:
    _, in_2015 = view(as_of=date(2015, 6, 1))
    assert set(in_2015) == {"A", "B", "C", "G", "H", "I"}
    assert weights(in_2015)[("C", "G")] == 1
    _, in_2018 = view(as_of=date(2018, 1, 1))
    assert set(weights(in_2018)) == {("C", "G"), ("C", "D"), ("D", "G"), ("D", "E"), ("H", "I")}


def test_a_date_range_keeps_ties_that_overlap_it() -> None:
    _, ranged = view(start=date(2016, 6, 1), end=date(2017, 6, 1))
    assert ("D", "E") in weights(ranged) and ("A", "C") in weights(ranged)
    assert ("A", "B") in weights(ranged) and weights(ranged)[("A", "B")] == 1  # W ended 2015


def test_stated_only_drops_resolved_members() -> None:
    _, stated = view(stated_only=True)
    assert ("A", "C") not in weights(stated) and ("B", "C") not in weights(stated)
    assert weights(stated)[("C", "G")] == 1


def test_footprints_are_edges_only_when_asked_for() -> None:
    _, without = view()
    assert "F" not in without
    _, with_fp = view(footprints=True)
    assert with_fp.edges["A", "F"]["shared"] == ["STP S"]


def test_partnership_type_and_region_filters() -> None:
    _, p1 = view(partnership=ORG + "P1")
    assert set(p1) == {"A", "B", "C", "G"} and weights(p1)[("A", "B")] == 2
    _, ccgs = view(types=frozenset({"ccg"}))
    assert set(ccgs) == {"A", "B"}
    _, region = view(region="R1")
    assert set(region) == {"A", "B"}


def test_ego_network_to_one_and_two_hops() -> None:
    _, one = view()
    assert set(analysis.ego(one, "A", 1)) == {"A", "B", "C", "G"}
    assert set(analysis.ego(one, "A", 2)) == {"A", "B", "C", "G", "D"}


def test_every_shortest_connection_with_evidence_on_each_hop() -> None:
    _, one = view()
    found = analysis.shortest_connections(one, "A", "E", every=True)
    routes = [[h.source for h in p] + [p[-1].target] for p in found.paths]
    assert routes == [["A", "C", "D", "E"], ["A", "G", "D", "E"]]
    assert found.length == 3
    last = found.paths[0][-1]
    assert last.shared == ["contract"] and last.evidence
    assert {e["quote"] for e in last.evidence} == {"quote for k"}


def test_no_connection_is_said_plainly() -> None:
    _, one = view()
    found = analysis.shortest_connections(one, "A", "H")
    assert not found.connected
    assert found.describe().startswith("no connection between A and H in this view: searched")
    assert "one-mode network" in found.describe()
    with pytest.raises(analysis.NotInNetwork, match="F takes part in nothing"):
        analysis.shortest_connections(one, "A", "F")


def test_centrality_ranks_the_cut_vertex_first() -> None:
    _, one = view()
    rows = {r["code"]: r for r in analysis.centrality(one).rows}
    # D is on every shortest path to E (4 pairs); C and G share the pairs E-A, E-B,
    # D-A, D-B half each. Normalised by (8-1)(8-2)/2 = 21 pairs.
    assert rows["D"]["betweenness"] == pytest.approx(4 / 21, abs=1e-6)
    assert rows["C"]["betweenness"] == pytest.approx(2 / 21, abs=1e-6)
    assert rows["A"]["betweenness"] == 0
    assert rows["D"]["rank"] == 1
    assert (rows["C"]["degree"], rows["C"]["weighted_degree"]) == (4, 5)
    assert (rows["A"]["degree"], rows["A"]["weighted_degree"]) == (3, 4)
    assert rows["H"]["eigenvector"] > 0, "each component gets its own eigenvector scores"
    by_weight = analysis.centrality(one, by="weighted_degree").rows
    assert {by_weight[0]["code"], by_weight[1]["code"]} == {"C", "G"}


def test_louvain_communities_are_repeatable_and_match_partnerships() -> None:
    two, one = view()
    first = analysis.communities(one, two, seed=7)
    again = analysis.communities(one, two, seed=7)
    assert first == again
    groups = [set(c.members) for c in first.communities]
    assert groups == [{"A", "B", "C", "G"}, {"D", "E"}, {"H", "I"}]
    assert first.modularity == pytest.approx(0.2361, abs=1e-4)
    assert [c.partnership_label for c in first.communities] == [
        "Partnership One",
        "Partnership Two",
        "Partnership Three",
    ]
    assert first.communities[1].jaccard == 0.25
    assert first.match == pytest.approx(0.8125)


def test_brokers_bridge_partnerships_and_interlocks_share_a_workstream() -> None:
    two, _ = view()
    assert {(b.node, tuple(b.partnerships)) for b in analysis.brokers(two)} == {
        ("C", ("Partnership One", "Partnership Two")),
        ("G", ("Partnership One", "Partnership Two")),
    }
    (lock,) = analysis.interlocks(two)
    assert (lock.first, lock.second, lock.body_label) == ("A", "B", "Workstream W")


def test_diff_lists_what_changed_between_two_dates() -> None:
    change = analysis.diff(DATA, NetworkFilters(), date(2015, 6, 1), date(2018, 1, 1))
    assert change.nodes_added == ["D", "E"]
    assert change.nodes_removed == ["A", "B"]
    assert change.edges_added == [("C", "D"), ("D", "E"), ("D", "G")]
    assert change.edges_removed == [("A", "B"), ("A", "C"), ("A", "G"), ("B", "C"), ("B", "G")]


def test_filters_refuse_a_day_and_a_range_together() -> None:
    with pytest.raises(ValueError, match="either as_of or a date range"):
        NetworkFilters(as_of=date(2015, 1, 1), start=date(2014, 1, 1))


def test_a_view_given_its_evidence_later_equals_one_built_with_it() -> None:
    two, one = view()
    bare_two = two_mode(DATA, NetworkFilters(), evidence=False)
    bare_one = one_mode(bare_two)
    assert not any("evidence" in e for _, _, e in bare_one.edges(data=True))
    add_evidence(bare_one, DATA, two=bare_two)
    assert dict(bare_one.edges.items()) == dict(one.edges.items())
    assert dict(bare_two.edges.items()) == dict(two.edges.items())


def test_a_one_mode_view_needs_its_two_mode_view_for_evidence() -> None:
    bare_one = one_mode(two_mode(DATA, NetworkFilters(), evidence=False))
    with pytest.raises(ValueError, match="give two"):
        add_evidence(bare_one, DATA)


def test_a_shortest_connection_gets_the_evidence_of_its_hops_only() -> None:
    _, one = view()
    bare_two = two_mode(DATA, NetworkFilters(), evidence=False)
    bare_one = one_mode(bare_two)
    found = analysis.shortest_connections(
        bare_one,
        "A",
        "E",
        every=True,
        evidence=lambda links: add_evidence(bare_one, DATA, two=bare_two, edges=links),
    )
    assert found.paths == analysis.shortest_connections(one, "A", "E", every=True).paths
    with_evidence = {tuple(sorted(e)) for *e, d in bare_one.edges(data=True) if "evidence" in d}
    assert with_evidence == {("A", "C"), ("C", "D"), ("A", "G"), ("D", "G"), ("D", "E")}


def labelled(graph: nx.Graph) -> nx.Graph:
    nx.set_node_attributes(graph, {n: f"Organisation {n}" for n in graph}, "label")
    nx.set_edge_attributes(graph, 1, "weight")
    return graph


def test_betweenness_is_exact_within_its_budget_and_sampled_with_a_seed_above_it() -> None:
    graph = labelled(nx.barabasi_albert_graph(400, 3, seed=1))
    work = graph.number_of_nodes() * graph.number_of_edges()
    exact = analysis.centrality(graph, work=work)
    assert exact.betweenness_exact and exact.note == "betweenness exact"
    assert analysis.betweenness_sample(graph, work=work // 8) == analysis.BETWEENNESS_MIN_SAMPLE
    sampled = analysis.centrality(graph, work=work // 8)
    assert not sampled.betweenness_exact
    assert sampled.note.startswith("betweenness estimated from 100 of 400 organisations")
    assert sampled == analysis.centrality(graph, work=work // 8), "the same seed, the same ranks"
    top = {r["node"] for r in exact.rows[:10]}
    assert len(top & {r["node"] for r in sampled.rows[:10]}) >= 7


def test_eigenvector_of_a_large_component_agrees_with_power_iteration() -> None:
    graph = labelled(nx.barabasi_albert_graph(analysis.EIGENVECTOR_ITERATION_NODES + 50, 2, seed=3))
    rows = {r["node"]: r["eigenvector"] for r in analysis.centrality(graph).rows}
    iterated = nx.eigenvector_centrality(graph, max_iter=2000, tol=1e-10, weight="weight")
    assert rows == pytest.approx({n: round(v, 6) for n, v in iterated.items()}, abs=2e-6)


def _presuming(**changes: dict[str, object]) -> NetworkData:
    """The fixture with the ties of the statements named (m-h-p3, ...) changed."""
    ties = [
        replace(t, **changes[t.statement.rsplit("/", 1)[-1]])
        if t.statement.rsplit("/", 1)[-1] in changes
        else t
        for t in DATA.ties
    ]
    return NetworkData(ties, DATA.nodes, DATA.types, DATA.regions, DATA.parts, DATA.evidence)


def test_a_link_is_presumed_while_either_tie_is_and_evidenced_to_the_earlier_evidence() -> None:
    # H evidenced in P3 in 2015 and presumed on with nothing to end it; I evidenced to
    # the end of 2016 and presumed until mid-2017.
    data = _presuming(
        **{
            "m-h-p3": {"end": date(2015, 12, 31), "presumed_from": date(2016, 1, 1)},
            "m-i-p3": {
                "end": date(2016, 12, 31),
                "presumed_from": date(2017, 1, 1),
                "presumed_until": date(2017, 6, 30),
                "ended_by": ORG + "X",
            },
        }
    )

    def link(**filters: object) -> dict[str, object] | None:
        one = one_mode(two_mode(data, NetworkFilters(**filters), evidence=False))  # type: ignore[arg-type]
        return dict(one.edges["H", "I"]) if one.has_edge("H", "I") else None

    evidenced = link(as_of=date(2015, 6, 1))
    assert evidenced is not None and evidenced["presumed"] is False
    presumed = link(as_of=date(2016, 6, 1))
    assert presumed is not None and presumed["presumed"] is True
    assert presumed["last_evidenced"] == "2015-12-31"
    assert (presumed["presumed_from"], presumed["presumed_until"]) == ("2016-01-01", "2017-06-30")
    assert presumed["until"] == "2017-06-30" and presumed["presumption_ended_by"] == "X"
    assert link(as_of=date(2016, 6, 1), evidenced_only=True) is None
    assert link(as_of=date(2017, 7, 1)) is None, "I's presumption ended on 2017-06-30"
    ranged = link(start=date(2016, 1, 1), end=date(2016, 6, 1))
    assert ranged is not None and ranged["presumed"] is True
    assert link(start=date(2016, 1, 1), end=date(2016, 6, 1), evidenced_only=True) is None


def test_a_link_evidenced_through_one_body_is_not_presumed_for_another() -> None:
    # A and B lead W in 2015, presumed to until the end of 2016; P1 evidences them then.
    presumed_w = {"presumed_from": date(2016, 1, 1), "presumed_until": date(2016, 12, 31)}
    data = _presuming(**{"l-a-w": presumed_w, "l-b-w": presumed_w})
    two = two_mode(data, NetworkFilters(as_of=date(2016, 6, 1)), evidence=False)
    assert two.edges["A", "body:W"]["presumed"] is True
    assert two.edges["A", "body:P1"]["presumed"] is False
    link = one_mode(two).edges["A", "B"]
    assert link["weight"] == 2 and link["presumed"] is False
    assert link["last_evidenced"] == "2016-12-31" and link["presumed_from"] == ""
