"""Presumed ties in the partnership networks of the real graph: a tie a document showed
is held after its last evidence until something ends it, marked presumed with the day
it was last evidenced, in the views, the exports and `nhskg network`; evidenced-only
views leave it out. The worked examples of docs/networks.md#presumed-ties."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from nhskg.graph.cli import main
from nhskg.graph.network.fetch import ID_BASE, NetworkData, load_network_data, short_id
from nhskg.graph.network.views import NetworkFilters, one_mode, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

QHG = ID_BASE + "org/QHG"  # the BLMK partnership (its STP code)
BLMK_MEMBERS = {"06F", "06P", "04F", "RC1", "RC9", "RD8"}
LAST_EVIDENCED = "2018-01-31"  # 003 is of January 2018
BEDFORD_MERGER = "change/2020-04-01/RC9"


@pytest.fixture(scope="module")
def data(service: QueryService, national: Settings) -> NetworkData:
    return load_network_data(service.store, national.queries_dir)


def blmk_ties(data: NetworkData, filters: NetworkFilters) -> dict[str, dict[str, object]]:
    """The organisations a view ties to the BLMK partnership, each with its edge."""
    two = two_mode(data, filters, evidence=False)
    body = "body:QHG"
    return {n: dict(two.edges[n, body]) for n in two.neighbors(body)} if body in two else {}


def test_blmk_on_2018_06_01_has_its_members_presumed_last_evidenced_january_2018(
    data: NetworkData,
) -> None:
    ties = blmk_ties(data, NetworkFilters(as_of=date(2018, 6, 1), partnership=QHG))
    assert set(ties) >= BLMK_MEMBERS
    for code in BLMK_MEMBERS:
        edge = ties[code]
        assert edge["presumed"] is True, code
        assert edge["last_evidenced"] == LAST_EVIDENCED, code
        assert edge["presumed_from"] == "2018-02-01", code
    assert ties["RC9"]["presumed_until"] == "", "nothing known ends Luton and Dunstable's"
    assert ties["06F"]["presumed_until"] == "2021-03-31", "the CCGs merged on 2021-04-01"


def test_blmk_evidenced_only_on_2018_06_01_has_none_of_its_members(data: NetworkData) -> None:
    filters = NetworkFilters(as_of=date(2018, 6, 1), partnership=QHG, evidenced_only=True)
    assert not set(blmk_ties(data, filters)) & BLMK_MEMBERS
    evidenced = NetworkFilters(as_of=date(2018, 1, 15), partnership=QHG, evidenced_only=True)
    ties = blmk_ties(data, evidenced)
    assert set(ties) >= BLMK_MEMBERS, "in January 2018 the document itself shows them"
    assert not any(edge["presumed"] for edge in ties.values())


def test_bedford_hospital_leaves_blmk_when_it_merges_into_luton_and_dunstable(
    data: NetworkData, service: QueryService
) -> None:
    before = blmk_ties(data, NetworkFilters(as_of=date(2020, 3, 31), partnership=QHG))
    assert before["RC1"]["presumed"] is True
    assert before["RC1"]["presumed_until"] == "2020-03-31"
    assert before["RC1"]["presumption_ended_by"] == BEDFORD_MERGER
    after = blmk_ties(data, NetworkFilters(as_of=date(2020, 4, 1), partnership=QHG))
    assert "RC1" not in after and "RC9" in after
    one = one_mode(two_mode(data, NetworkFilters(as_of=date(2020, 3, 31)), evidence=False))
    assert one.edges["RC1", "RC9"]["presumed"] is True
    # The change event that ends it is in the graph, on the day of the merger.
    answer = service.store.query(
        "PREFIX nhskg: <https://w3id.org/nhskg/def#> "
        "SELECT ?day WHERE { ?tie nhskg:presumptionEndedBy ?change . "
        "?change ?p ?day . FILTER (datatype(?day) = <http://www.w3.org/2001/XMLSchema#date>) "
        f"FILTER (?change = <{ID_BASE}{BEDFORD_MERGER}>) }}"
    )
    assert isinstance(answer, SelectResult)
    assert "2020-04-01" in {row[0].value for row in answer.rows if row[0] is not None}


def test_network_on_2016_06_01_holds_the_2015_ties_presumed(data: NetworkData) -> None:
    day = date(2016, 6, 1)
    presumed = one_mode(two_mode(data, NetworkFilters(as_of=day), evidence=False))
    evidenced = one_mode(
        two_mode(data, NetworkFilters(as_of=day, evidenced_only=True), evidence=False)
    )
    assert evidenced.number_of_nodes() <= 1
    assert presumed.number_of_nodes() > 1
    links = list(presumed.edges(data=True))
    assert links and all(link["presumed"] for _, _, link in links)
    assert {link["last_evidenced"][:4] for _, _, link in links} >= {"2013", "2015"}
    assert all(link["last_evidenced"] < "2016-06-01" for _, _, link in links)


def test_ccg_footprints_are_never_presumed_and_keep_their_reference_periods(
    data: NetworkData,
) -> None:
    footprints = [t for t in data.ties if t.relationship == "in footprint"]
    assert len(footprints) > 100
    assert all(t.presumed_from is None and t.last_day == t.end for t in footprints)
    bedfordshire = sorted((t.start, t.end) for t in data.footprints(ID_BASE + "org/06F"))
    assert (date(2020, 4, 1), date(2021, 3, 31)) in bedfordshire
    view = two_mode(data, NetworkFilters(as_of=date(2021, 3, 31), footprints=True), evidence=False)
    edge = view.edges["06F", "body:QHG"]
    assert edge["relationship"] == "in footprint; member"
    after = two_mode(data, NetworkFilters(as_of=date(2021, 4, 1), footprints=True), evidence=False)
    assert not after.has_edge("06F", "body:QHG"), "the footprint and membership both end"
    footprint_only = [
        (u, v, e)
        for u, v, e in two_mode(
            data, NetworkFilters(as_of=date(2019, 6, 1), footprints=True), evidence=False
        ).edges(data=True)
        if e["relationship"] == "in footprint"
    ]
    assert footprint_only
    assert not any(e["presumed"] or e["presumed_from"] for _, _, e in footprint_only)


def test_a_range_keeps_ties_held_in_it_and_marks_those_only_presumed_there(
    data: NetworkData,
) -> None:
    later = NetworkFilters(start=date(2018, 3, 1), end=date(2018, 6, 1), partnership=QHG)
    assert all(blmk_ties(data, later)[code]["presumed"] for code in BLMK_MEMBERS)
    across = NetworkFilters(start=date(2018, 1, 15), end=date(2018, 6, 1), partnership=QHG)
    assert not any(blmk_ties(data, across)[code]["presumed"] for code in BLMK_MEMBERS)
    evidenced = NetworkFilters(
        start=date(2018, 3, 1), end=date(2018, 6, 1), partnership=QHG, evidenced_only=True
    )
    assert not set(blmk_ties(data, evidenced)) & BLMK_MEMBERS
    gone = NetworkFilters(start=date(2020, 4, 1), end=date(2020, 6, 1), partnership=QHG)
    assert "RC1" not in blmk_ties(data, gone)


def test_a_curated_body_kept_only_by_presumption_is_marked_so(data: NetworkData) -> None:
    view = two_mode(data, NetworkFilters(as_of=date(2018, 6, 1)), evidence=False)
    body = view.nodes["body:healthier-together"]
    assert body["presumed"] is True and body["last_evidenced"] == "2013-03-31"
    assert view.nodes["RC9"]["presumed"] is False, "the reference data's trusts never are"
    on_its_day = two_mode(data, NetworkFilters(as_of=date(2013, 3, 15)), evidence=False)
    assert on_its_day.nodes["body:healthier-together"]["presumed"] is False


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["network", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exports_mark_presumed_ties_in_every_format(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["--partnership", "BLMK", "--as-of", "2018-06-01", "--view", "two-mode"]
    for fmt in ("gexf", "graphml"):
        target = tmp_path / f"blmk.{fmt}"
        code, _, _ = run(capsys, "export", *args, "--output", str(target))
        assert code == 0
        graph = nx.read_gexf(target) if fmt == "gexf" else nx.read_graphml(target)
        edge = graph.edges["RC1", "body:QHG"]
        assert edge["presumed"] in (True, "true"), fmt
        assert edge["last_evidenced"] == LAST_EVIDENCED, fmt
        assert edge["presumed_until"] == "2020-03-31", fmt
        assert edge["presumption_ended_by"] == BEDFORD_MERGER, fmt
    code, _, _ = run(capsys, "export", *args, "--output", str(tmp_path / "blmk.csv"))
    assert code == 0
    edges = pd.read_csv(tmp_path / "blmk-edges.csv", dtype={"last_evidenced": str})
    members = edges[edges["target"].eq("body:QHG") | edges["source"].eq("body:QHG")]
    assert len(members) >= len(BLMK_MEMBERS)
    assert members["presumed"].all() and set(members["last_evidenced"]) == {LAST_EVIDENCED}
    code, _, _ = run(capsys, "export", *args, "--output", str(tmp_path / "blmk.json"))
    links = json.loads((tmp_path / "blmk.json").read_text(encoding="utf-8"))["links"]
    assert all(link["presumed"] is True for link in links if "body:QHG" in link.values())


def test_evidenced_only_flag_leaves_presumed_ties_out_of_an_export(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "blmk-evidenced.csv"
    args = ["--partnership", "BLMK", "--as-of", "2018-06-01", "--view", "two-mode"]
    code, _, _ = run(capsys, "export", *args, "--evidenced-only", "--output", str(target))
    assert code == 0
    with (tmp_path / "blmk-evidenced-edges.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert not {r["source"] for r in rows if r["target"] == "body:QHG"} & BLMK_MEMBERS
    assert all(r["presumed"] == "False" for r in rows)


def test_ego_and_path_tables_say_which_links_are_presumed(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ego", "RC1", "--as-of", "2018-06-01", "--format", "json")
    assert code == 0
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["RD8"]["presumed"] is True and rows["RD8"]["last_evidenced"] == LAST_EVIDENCED
    assert rows["RC9"]["presumed"] is False, "their name decision of 2018 evidences that link"
    code, out, _ = run(capsys, "path", "RC1", "RD8", "--as-of", "2018-06-01", "--format", "json")
    assert code == 0
    hops = json.loads(out)
    assert hops and all(h["presumed"] is True for h in hops)
    code, out, _ = run(
        capsys, "ego", "RC1", "--as-of", "2018-06-01", "--evidenced-only", "--format", "json"
    )
    assert code == 0
    evidenced = {r["code"]: r for r in json.loads(out)}
    assert "RC9" in evidenced and "RD8" not in evidenced
    assert not any(r["presumed"] for r in evidenced.values())


def test_no_presumed_part_is_invented_for_a_tie_the_store_does_not_presume(
    data: NetworkData, service: QueryService
) -> None:
    answer = service.store.query(
        "PREFIX nhskg: <https://w3id.org/nhskg/def#> SELECT ?s WHERE { ?s nhskg:presumedFrom ?d }"
    )
    assert isinstance(answer, SelectResult)
    presumed = {row[0].value for row in answer.rows if row[0] is not None}
    marked = {t.statement for t in data.ties if t.presumed_from is not None}
    assert marked and marked <= presumed
    ties = {t.statement for t in data.ties}
    assert presumed & ties == marked, "every presumed tie of the store is read as presumed"
    assert {short_id(t.org) for t in data.ties if t.statement in marked} >= BLMK_MEMBERS
