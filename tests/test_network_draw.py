"""Pictures of partnership networks: a PNG and an SVG with title, legend and labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from matplotlib.image import imread

from nhskg.graph.network.draw import EMPTY_MESSAGE, MARKED_TIES, draw
from nhskg.graph.network.palette import colour_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"

ORGANISATIONS = {
    "RC1": ("Bedford Hospital NHS Trust", "nhs-trust", "NHS trust"),
    "06F": ("NHS Bedfordshire CCG", "ccg", "Clinical commissioning group"),
    "RD8": ("Milton Keynes University Hospital", "foundation-trust", "Foundation trust"),
    "04F": ("NHS Milton Keynes CCG", "ccg", "Clinical commissioning group"),
}
BODIES = {
    "healthier-together": ("Healthier Together", "partnership", "Partnership"),
    "body:QHG": ("BLMK STP", "stp", "Sustainability and transformation partnership"),
}
MEMBERSHIPS = [
    ("RC1", "healthier-together"),
    ("06F", "healthier-together"),
    ("RC1", "body:QHG"),
    ("06F", "body:QHG"),
    ("RD8", "body:QHG"),
    ("04F", "body:QHG"),
]


def _node(label: str, type_: str, type_label: str, kind: str) -> dict[str, object]:
    return {
        "label": label,
        "code": "",
        "type": type_,
        "type_label": type_label,
        "region": "",
        "iri": "",
        "kind": kind,
        "bipartite": 0 if kind == "organisation" else 1,
    }


def two_mode_graph() -> nx.Graph:
    graph = nx.Graph(
        view="two-mode",
        title="BLMK partnerships",
        filters="as of 2018-01-01; stated and resolved; no footprints",
    )
    for code, (label, type_, type_label) in ORGANISATIONS.items():
        graph.add_node(code, **_node(label, type_, type_label, "organisation"))
    for key, (label, type_, type_label) in BODIES.items():
        graph.add_node(key, **_node(label, type_, type_label, "body"))
    for org, body in MEMBERSHIPS:
        graph.add_edge(org, body, relationship="member", basis="stated", sources="", evidence=[])
    return graph


def one_mode_graph() -> nx.Graph:
    graph = nx.Graph(view="one-mode", title="BLMK partners", filters="as of 2018-01-01")
    for code, (label, type_, type_label) in ORGANISATIONS.items():
        graph.add_node(code, **_node(label, type_, type_label, "organisation"))
    graph.add_edge("RC1", "06F", weight=2, shared=["BLMK STP", "Healthier Together"])
    graph.add_edge("RC1", "RD8", weight=1, shared=["BLMK STP"])
    graph.add_edge("06F", "04F", weight=1, shared=["BLMK STP"])
    return graph


def svg_text(path: Path) -> str:
    """Every piece of text in the SVG, in order, joined by single spaces."""
    root = ET.parse(path).getroot()
    pieces = ("".join(element.itertext()) for element in root.iter(f"{SVG_NS}text"))
    return " ".join(" ".join(piece.split()) for piece in pieces if piece.strip())


def assert_png_picture(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000
    height, width = imread(path).shape[:2]
    assert height > 500
    assert width > 500


@pytest.fixture(scope="module")
def two_mode_pictures(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return draw(two_mode_graph(), tmp_path_factory.mktemp("draw") / "two-mode")


def test_draw_writes_a_png_and_an_svg(two_mode_pictures: list[Path]) -> None:
    png, svg = two_mode_pictures
    assert (png.suffix, svg.suffix) == (".png", ".svg")
    assert png.stem == svg.stem == "two-mode"
    assert_png_picture(png)
    assert ET.parse(svg).getroot().tag == f"{SVG_NS}svg"


def test_svg_shows_title_filters_legend_and_node_labels(two_mode_pictures: list[Path]) -> None:
    text = svg_text(two_mode_pictures[1])
    assert "BLMK partnerships" in text
    assert "as of 2018-01-01; stated and resolved; no footprints" in text
    for _, _, type_label in [*ORGANISATIONS.values(), *BODIES.values()]:
        assert type_label in text
    assert "Clinical commissioning group (2)" in text
    assert "Organisations" in text
    assert "Bodies" in text
    for label, _, _ in [*ORGANISATIONS.values(), *BODIES.values()]:
        assert label in text


def test_one_mode_legend_has_no_body_section_and_names_the_size_score(tmp_path: Path) -> None:
    graph = one_mode_graph()
    centrality = nx.betweenness_centrality(graph)
    png, svg = draw(graph, tmp_path / "one-mode", size_by=centrality, size_label="betweenness")
    assert_png_picture(png)
    text = svg_text(svg)
    assert "node size: betweenness" in text
    assert "Bodies" not in text
    for label, _, _ in ORGANISATIONS.values():
        assert label in text


def test_empty_network_draws_a_picture_that_says_so(tmp_path: Path) -> None:
    graph = nx.Graph(view="one-mode", title="Nobody", filters="as of 1990-01-01")
    png, svg = draw(graph, tmp_path / "empty")
    assert_png_picture(png)
    text = svg_text(svg)
    assert EMPTY_MESSAGE in text
    assert "Nobody" in text


def test_single_organisation_network_draws(tmp_path: Path) -> None:
    graph = nx.Graph(view="one-mode", title="Alone", filters="")
    graph.add_node(
        "RC1", **_node("Bedford Hospital NHS Trust", "nhs-trust", "NHS trust", "organisation")
    )
    png, svg = draw(graph, tmp_path / "single")
    assert_png_picture(png)
    assert "Bedford Hospital NHS Trust" in svg_text(svg)


def test_output_may_be_given_with_a_picture_suffix_and_in_a_new_folder(tmp_path: Path) -> None:
    paths = draw(one_mode_graph(), tmp_path / "new" / "partners.png")
    assert paths == [tmp_path / "new" / "partners.png", tmp_path / "new" / "partners.svg"]
    assert all(path.is_file() for path in paths)


def test_drawing_is_repeatable(tmp_path: Path) -> None:
    first = draw(two_mode_graph(), tmp_path / "first")
    second = draw(two_mode_graph(), tmp_path / "second")
    assert first[1].read_bytes() == second[1].read_bytes()


def test_big_network_labels_only_the_largest_nodes(tmp_path: Path) -> None:
    graph = nx.Graph(view="one-mode", title="Star", filters="")
    graph.add_node(
        "hub", **_node("Hub organisation", "icb", "Integrated care board", "organisation")
    )
    for index in range(30):
        code = f"L{index:02d}"
        graph.add_node(code, **_node(f"Leaf {code}", "ccg", "CCG", "organisation"))
        graph.add_edge("hub", code, weight=1)
    _, svg = draw(graph, tmp_path / "star", max_labels=5)
    text = svg_text(svg)
    assert "Hub organisation" in text
    assert sum(f"Leaf L{index:02d}" in text for index in range(30)) <= 4


def test_dollar_signs_in_names_are_drawn_as_text(tmp_path: Path) -> None:
    graph = one_mode_graph()
    graph.graph["title"] = "Funds of $5m and $10m"
    graph.nodes["RC1"]["label"] = "Trust $A$"
    _, svg = draw(graph, tmp_path / "dollars")
    text = svg_text(svg)
    assert "Funds of $5m and $10m" in text
    assert "Trust $A$" in text


def test_presumed_links_are_dashed_and_the_legend_says_so(tmp_path: Path) -> None:
    graph = one_mode_graph()
    graph.edges["RC1", "RD8"]["presumed"] = True
    for u, v in (("RC1", "06F"), ("06F", "04F")):
        graph.edges[u, v]["presumed"] = False
    _, svg = draw(graph, tmp_path / "presumed")
    text = svg_text(svg)
    assert "presumed (after its last evidence)" in text and "evidenced on the day" in text
    dashed = [
        element
        for element in ET.parse(svg).getroot().iter(f"{SVG_NS}path")
        if "stroke-dasharray" in (element.get("style") or "")
    ]
    assert len(dashed) == 2, "the presumed link and its legend line"
    _, plain = draw(one_mode_graph(), tmp_path / "evidenced")
    assert "presumed" not in svg_text(plain)
    assert "stroke-dasharray" not in plain.read_text(encoding="utf-8")


def _fills(svg: Path) -> set[str]:
    """The fill colours of the SVG's shapes (markers and legend keys), lower case."""
    found = set()
    for element in ET.parse(svg).getroot().iter():
        style = element.get("style") or ""
        for part in style.split(";"):
            key, _, value = part.partition(":")
            if key.strip() == "fill" and value.strip().startswith("#"):
                found.add(value.strip().lower())
        if (element.get("fill") or "").startswith("#"):
            found.add(str(element.get("fill")).lower())
    return found


def test_types_take_the_palettes_fixed_colours_whatever_else_is_drawn(tmp_path: Path) -> None:
    _, full = draw(two_mode_graph(), tmp_path / "full")
    small = one_mode_graph()
    small.remove_nodes_from(["RD8"])
    _, part = draw(small, tmp_path / "part")
    for svg in (full, part):
        fills = _fills(svg)
        assert colour_of("ccg") in fills
        assert colour_of("nhs-trust") in fills
    assert colour_of("stp") in _fills(full)


def test_legend_follows_the_palettes_order(tmp_path: Path) -> None:
    _, svg = draw(two_mode_graph(), tmp_path / "order")
    text = svg_text(svg)
    # the palette puts trusts before commissioners
    assert (
        text.index("Foundation trust")
        < text.index("NHS trust")
        < text.index("Clinical commissioning group")
    )


def test_contract_and_merger_ties_are_drawn_apart_and_named_in_the_legend(
    tmp_path: Path,
) -> None:
    graph = one_mode_graph()
    graph.add_edge("RC1", "RD8", weight=1, shared=["Proposed merger"])
    marked = {("RD8", "RC1"): "merger-proposal", ("06F", "04F"): "contract"}
    _, svg = draw(graph, tmp_path / "marked", marked=marked, note="2 with no link left out")
    text = svg_text(svg)
    assert "tie through a merger proposal" in text
    assert "tie through a contract" in text
    assert "2 with no link left out" in text
    strokes = svg.read_text(encoding="utf-8").lower()
    for kind in ("merger-proposal", "contract"):
        assert f"stroke: {MARKED_TIES[kind][0]}" in strokes
    assert MARKED_TIES["change"][0] not in strokes
    _, plain = draw(one_mode_graph(), tmp_path / "plain")
    assert "tie through" not in svg_text(plain)
