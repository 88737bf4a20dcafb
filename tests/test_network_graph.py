"""The partnership network of the real graph, through SPARQL and `nhskg network`."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from nhskg.graph.cli import main
from nhskg.graph.network.cli import marked_ties
from nhskg.graph.network.draw import MARKED_TIES
from nhskg.graph.network.evidence import BATCH
from nhskg.graph.network.fetch import load_network_data
from nhskg.graph.network.palette import colour_of
from nhskg.graph.network.views import NetworkFilters, add_evidence, one_mode, two_mode
from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

BLMK_DOC = "003_f7ec335ea921a4a0.txt"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def national_one(service: QueryService, national: Settings) -> nx.Graph:
    data = load_network_data(service.store, national.queries_dir)
    return one_mode(two_mode(data, NetworkFilters()))


def test_bedford_and_luton_are_linked_by_the_merger_proposal_with_its_quote(
    national_one: nx.Graph,
) -> None:
    edge = national_one.edges["RC1", "RC9"]
    assert (
        "Proposed merger of Bedford Hospital and Luton & Dunstable University Hospital"
        in (edge["shared"])
    )
    merger_quotes = [e for e in edge["evidence"] if e["body"].startswith("Proposed merger")]
    assert {e["source"] for e in merger_quotes} == {BLMK_DOC}
    assert any("proposal to merge" in e["quote"] for e in merger_quotes)


def test_footprints_join_the_national_landscape(service: QueryService, national: Settings) -> None:
    data = load_network_data(service.store, national.queries_dir)
    one = one_mode(two_mode(data, NetworkFilters(footprints=True, as_of=None)))
    assert one.number_of_nodes() > 500
    assert one.has_edge("04C", "RWE"), "Leicester City CCG and UHL share the LLR footprint"


def test_evidence_read_on_demand_is_what_the_query_over_the_whole_graph_gives(
    service: QueryService, national: Settings
) -> None:
    data = load_network_data(service.store, national.queries_dir)
    whole = service.store.query(
        load_query_file(national.queries_dir / "internal" / "network-evidence.rq").text
    )
    assert isinstance(whole, SelectResult)
    expected: dict[str, list[tuple[str, str]]] = {}
    for statement, source, quote in whole.rows:
        assert statement and source and quote
        expected.setdefault(statement.value, []).append((source.value, quote.value))
    statements = sorted({t.statement for t in data.ties})
    found = data.evidence.of(statements)
    assert found == {s: sorted(expected.get(s, [])) for s in statements}
    assert sum(map(len, found.values())) > 1000 and sum(1 for q in found.values() if not q) < 50
    assert data.evidence.queries == -(-len(statements) // BATCH)
    data.evidence.of(statements[:10])
    assert data.evidence.queries == -(-len(statements) // BATCH), "read once, then kept"


def test_views_without_evidence_read_none_and_get_the_same_quotes_later(
    service: QueryService, national: Settings
) -> None:
    data = load_network_data(service.store, national.queries_dir)
    two = two_mode(data, NetworkFilters(footprints=True), evidence=False)
    one = one_mode(two)
    assert data.evidence.queries == 0
    add_evidence(one, data, two=two, edges=[("RC1", "RC9")])
    assert data.evidence.queries == 1
    full = one_mode(two_mode(data, NetworkFilters(footprints=True)))
    assert one.edges["RC1", "RC9"] == full.edges["RC1", "RC9"]
    add_evidence(one, data, two=two)
    assert dict(one.edges.items()) == dict(full.edges.items())


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["network", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_path_command_gives_every_hop_with_evidence(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "path", "L&D", "East London NHS Foundation Trust", "--format", "json"
    )
    assert code == 0
    hops = json.loads(out)
    assert hops and all(h["evidence"] for h in hops)
    # with no day, named as on the latest day its evidence speaks of (2018): RC9's name
    # then, not the one it took in 2020
    assert hops[0]["from"] == "Luton and Dunstable University Hospital NHS Foundation Trust"
    assert hops[-1]["to"] == "East London NHS Foundation Trust"


def test_centrality_csv_and_a_clear_error_for_an_organisation_outside_the_view(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "centrality", "--format", "csv", "--top", "5")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5 and rows[0]["rank"] == "1"
    code, _, err = run(capsys, "ego", "RC1", "--as-of", "1999-01-01")
    assert code == 2
    assert "RC1 takes part in nothing in this view (as of 1999-01-01" in err


def _removed(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    code, out, _ = run(capsys, "diff", *args, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    return {r["a"] for r in rows if r["change"] == "removed" and r["what"] == "organisation"}


def test_diff_between_healthier_together_and_the_stp(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    northamptonshire = {"03V", "04G"}
    evidenced = _removed(capsys, "2013-03-15", "2018-01-15", "--evidenced-only")
    assert northamptonshire <= evidenced, "no document of 2018 names them"
    presumed = _removed(capsys, "2013-03-15", "2018-01-15")
    assert not northamptonshire & presumed, "presumed in Healthier Together until they merged"
    merged = _removed(capsys, "2013-03-15", "2020-04-01")
    assert northamptonshire <= merged, "they closed on 2020-04-01, ending the presumption"


def test_export_reads_back_in_gephi_format(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "blmk.gexf"
    code, _, err = run(capsys, "export", "--partnership", "BLMK", "--output", str(target))
    assert code == 0 and "wrote" in err
    graph = nx.read_gexf(target)
    assert {"06F", "06P", "04F"} <= set(graph.nodes)
    assert graph.nodes["06F"]["label"] == "NHS Bedfordshire CCG"


def test_draw_writes_png_and_svg(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(
        capsys,
        "draw",
        "--output",
        str(tmp_path / "ht"),
        "--partnership",
        "Healthier Together",
        "--no-groups",
    )
    assert code == 0
    assert (tmp_path / "ht.png").read_bytes().startswith(b"\x89PNG")
    svg = (tmp_path / "ht.svg").read_text(encoding="utf-8")
    assert "NHS Bedfordshire CCG" in svg


def test_draw_by_default_sizes_by_weighted_degree_in_the_palette_with_contract_and_merger(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "draw", "--output", str(tmp_path / "all"))
    assert code == 0
    svg = tmp_path / "all.svg"
    text = " ".join("".join(e.itertext()) for e in ET.parse(svg).getroot().iter(f"{SVG}text"))
    text = " ".join(text.split())
    assert "node size: weighted degree" in text
    assert "no stated groups" in text
    assert "the seven acute hospital providers" not in text
    assert "tie through a contract" in text and "tie through a merger proposal" in text
    for name in ("East London NHS Foundation Trust", "Bedford Hospital NHS Trust"):
        assert name in text  # the ends of the contract and the merger are labelled
    source = svg.read_text(encoding="utf-8").lower()
    assert f"fill: {colour_of('ccg')}" in source
    assert f"stroke: {MARKED_TIES['contract'][0]}" in source
    assert f"stroke: {MARKED_TIES['merger-proposal'][0]}" in source
    code, _, _ = run(capsys, "draw", "--output", str(tmp_path / "groups"), "--groups")
    assert code == 0
    assert "no stated groups" not in (tmp_path / "groups.svg").read_text(encoding="utf-8")


def test_a_partnerships_picture_has_its_members_contract_and_the_trusts_succession(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "draw", "--partnership", "BLMK", "--output", str(tmp_path / "b"))
    assert code == 0
    svg = tmp_path / "b.svg"
    text = " ".join("".join(e.itertext()) for e in ET.parse(svg).getroot().iter(f"{SVG}text"))
    text = " ".join(text.split())
    assert "with mergers and successions" in text and "with its members' contracts" in text
    assert "East London NHS Foundation Trust" in text
    assert "tie through a contract" in text
    assert "tie through a merger, succession or transfer (reference data)" in text
    code, _, _ = run(
        capsys, "draw", "--partnership", "BLMK", "--no-contracts", "-o", str(tmp_path / "n")
    )
    assert "East London NHS Foundation Trust" not in (tmp_path / "n.svg").read_text("utf-8")


def test_the_contract_and_the_merger_are_marked_ties_of_the_one_mode_view(
    service: QueryService, national: Settings
) -> None:
    data = load_network_data(service.store, national.queries_dir)
    two = two_mode(data, NetworkFilters(groups=False), evidence=False)
    marked = marked_ties(one_mode(two), two)
    assert "contract" in {marked.get(("RWK", "06F")), marked.get(("06F", "RWK"))}
    assert "merger-proposal" in {marked.get(("RC1", "RC9")), marked.get(("RC9", "RC1"))}
