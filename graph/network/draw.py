"""Draw a partnership network as a PNG and an SVG picture.

Each connected component gets a spring layout with a fixed seed (the same network
always gives the same picture), nodes pushed apart enough for their markers, and
the components packed in rows, largest first, lone organisations last. Nodes are
coloured by type with the fixed colours of :mod:`.palette` (the web view's), with a
legend beside the plot in the palette's order; bodies are squares and organisations
circles in the two-mode view; node size follows a score such as weighted degree
(else degree); edge width follows the weight, and an edge held on the view's day
only by presumption (after its last evidence) is dashed, with a line key under the
type legend. Ties through a merger proposal, a merger or succession of the
reference data, or a contract (``marked``) are drawn
darker and thicker in a colour of their own, named in the legend, and the
organisations at their ends are labelled first. The
largest nodes are labelled first, where a label covers no other. Each picture is
drawn on a matplotlib Figure of its own with the Agg canvas, so nothing here
changes pyplot's backend or global settings; SVG text stays searchable text.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from nhskg.graph.network.layout import SPREAD, Position, layout, sorted_edges
from nhskg.graph.network.palette import COLOURS, colour_of, preference

EMPTY_MESSAGE = "no organisations match these filters"
PNG_DPI = 150
MIN_AREA, MAX_AREA = 80.0, 1400.0  # node marker areas, points² (less when nodes are close)
LABEL_FONT_SIZE = 9
LABEL_WRAP = 26
EDGE_COLOUR = "#7f7f7f"
# Ties through these bodies stand out: (colour, legend label), by the body's type.
MARKED_TIES = {
    "merger-proposal": ("#111111", "tie through a merger proposal"),
    "change": ("#762a83", "tie through a merger, succession or transfer (reference data)"),
    "contract": ("#00796b", "tie through a contract"),
}
PRESUMED_DASH = (0, (4.0, 2.5))  # matplotlib's (offset, (on, off)) in points
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.6}


def draw(
    graph: nx.Graph,
    output: str | Path,
    *,
    size_by: Mapping[str, float] | None = None,
    size_label: str = "",
    max_labels: int = 40,
    marked: Mapping[tuple[Any, Any], str] | None = None,
    note: str = "",
) -> list[Path]:
    """Draw `graph` to `<output>.png` and `<output>.svg`; return the two paths.

    ``marked`` names the ties to show apart, each by a key of :data:`MARKED_TIES`
    (the type of the body they go through); ``note`` is added to the subtitle (what
    the picture leaves out)."""
    png_path, svg_path = _output_paths(Path(output))
    png_path.parent.mkdir(parents=True, exist_ok=True)
    nodes = sorted(graph.nodes, key=str)
    figure = Figure(figsize=_figure_size(len(nodes)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_axis_off()
    title, subtitle = _titles(graph, size_by, size_label, note)
    title_text = figure.suptitle(title, x=0.01, ha="left", fontsize=15, fontweight="bold")
    axes.set_title(subtitle, loc="left", fontsize=11, color="#444444")
    if nodes:
        _draw_network(figure, axes, graph, nodes, size_by, max_labels, _marked(graph, marked))
    else:
        axes.text(
            0.5, 0.5, EMPTY_MESSAGE, ha="center", va="center", fontsize=16,
            color="#555555", transform=axes.transAxes,
        )  # fmt: skip
        _settle_layout(figure)
    title_text.set_x(axes.get_position().x0)  # line the title up with the subtitle
    figure.savefig(png_path, dpi=PNG_DPI, facecolor="white", bbox_inches="tight")
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "nhskg"}):  # text stays text
        figure.savefig(
            svg_path, format="svg", facecolor="white", bbox_inches="tight",
            metadata={"Date": None},
        )  # fmt: skip
    return [png_path, svg_path]


def _output_paths(output: Path) -> tuple[Path, Path]:
    stem = output.with_suffix("") if output.suffix.lower() in {".png", ".svg"} else output
    return stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")


def _figure_size(node_count: int) -> tuple[float, float]:
    width = min(20.0, 12.0 + max(0, node_count - 30) / 20)
    return width, min(15.0, width * 0.75)


def _escape(text: str) -> str:
    return text.replace("$", r"\$")  # a pair of dollars would switch on mathtext


def _marked(
    graph: nx.Graph, marked: Mapping[tuple[Any, Any], str] | None
) -> dict[frozenset[Any], str]:
    """The marked ties of the graph, by their ends (either order)."""
    return {
        frozenset(edge): kind
        for edge, kind in (marked or {}).items()
        if kind in MARKED_TIES and graph.has_edge(*edge)
    }


def _titles(
    graph: nx.Graph, size_by: Mapping[str, float] | None, size_label: str, note: str = ""
) -> tuple[str, str]:
    title = str(graph.graph.get("title") or "Partnership network")
    details = [str(graph.graph["filters"])] if graph.graph.get("filters") else []
    if size_by is not None:
        details.append(f"node size: {size_label or 'score'}")
    if note:
        details.append(note)
    subtitle = "\n".join(textwrap.wrap("; ".join(details), 120))
    return _escape(title), _escape(subtitle)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _sizes(
    graph: nx.Graph, nodes: list[Any], size_by: Mapping[str, float] | None, *, largest: float
) -> list[float]:
    """Marker areas from MIN_AREA up to `largest`, in proportion to the score."""
    if size_by is None:
        scores = [float(graph.degree(node)) for node in nodes]
    else:
        scores = [float(size_by.get(node, 0.0) or 0.0) for node in nodes]
    scores = [score if math.isfinite(score) and score > 0 else 0.0 for score in scores]
    top = max(scores, default=0.0)
    smallest = min(MIN_AREA, largest / 4)
    if top <= 0:
        return [(smallest + largest) / 3] * len(nodes)
    return [smallest + (largest - smallest) * score / top for score in scores]


def _largest_area(figure: Figure, unit: float) -> float:
    """The largest marker area (points²) that leaves neighbours apart in this layout.

    Nodes of a component stand at least 0.42·SPREAD·unit apart (in data units), and
    the plot is about 85% of the figure's height for 2.4 data units.
    """
    points_per_unit = figure.get_figheight() * 72 * 0.85 / 2.4
    diameter = 0.8 * 0.42 * SPREAD * unit * points_per_unit  # a gap between the largest
    return min(MAX_AREA, max(MIN_AREA * 2, diameter**2))


def _type_colours(graph: nx.Graph, nodes: list[Any]) -> dict[str, Any]:
    """The palette's fixed colour of each type in the picture."""
    return {
        str(graph.nodes[node].get("type", "")): colour_of(str(graph.nodes[node].get("type", "")))
        for node in nodes
    }


def _edge_width(weight: Any) -> float:
    if not _is_number(weight):
        return 1.0
    return min(4.0, max(0.8, 0.8 + 0.6 * (float(weight) - 1)))


def _edge_style(data: Mapping[str, Any]) -> Any:
    return PRESUMED_DASH if data.get("presumed") is True else "solid"


def _draw_network(
    figure: Figure,
    axes: Axes,
    graph: nx.Graph,
    nodes: list[Any],
    size_by: Mapping[str, float] | None,
    max_labels: int,
    marked: Mapping[frozenset[Any], str],
) -> None:
    positions, unit = layout(graph, nodes)
    largest = _largest_area(figure, unit)
    sizes = dict(zip(nodes, _sizes(graph, nodes, size_by, largest=largest), strict=True))
    colours = _type_colours(graph, nodes)
    edges = sorted_edges(graph)
    plain = [e for e in edges if frozenset(e[:2]) not in marked]
    axes.add_collection(
        LineCollection(
            [[positions[u], positions[v]] for u, v, _ in plain],
            linewidths=[_edge_width(data.get("weight")) for _, _, data in plain],
            linestyles=[_edge_style(data) for _, _, data in plain] or "solid",
            colors=EDGE_COLOUR,
            alpha=0.55,
            zorder=1,
        )
    )
    for kind, (colour, _) in MARKED_TIES.items():
        ties = [e for e in edges if marked.get(frozenset(e[:2])) == kind]
        if ties:
            axes.add_collection(
                LineCollection(
                    [[positions[u], positions[v]] for u, v, _ in ties],
                    linewidths=[max(2.5, _edge_width(data.get("weight"))) for *_, data in ties],
                    linestyles=[_edge_style(data) for *_, data in ties],
                    colors=colour,
                    alpha=0.9,
                    zorder=1.5,
                )
            )
    groups: dict[tuple[bool, str], list[Any]] = {}
    for node in nodes:
        data = graph.nodes[node]
        groups.setdefault((data.get("kind") == "body", str(data.get("type", ""))), []).append(node)
    for (is_body, type_), members in sorted(groups.items()):
        axes.scatter(
            [positions[node][0] for node in members],
            [positions[node][1] for node in members],
            s=[sizes[node] for node in members],
            color=colours[type_],
            marker="s" if is_body else "o",
            edgecolors="white",
            linewidths=1.0,
            zorder=3 if is_body else 2,
        )
    _draw_legend(
        axes,
        graph,
        groups,
        colours,
        presumed=any(_presumed(d) for *_, d in edges),
        marked=sorted(set(marked.values()), key=list(MARKED_TIES).index),
    )
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    axes.set_xlim(min(xs) - 0.15, max(xs) + 0.15)
    axes.set_ylim(min(ys) - 0.15, max(ys) + 0.2)
    _settle_layout(figure)  # before measuring labels
    ranks = {kind: rank for rank, kind in enumerate(MARKED_TIES)}
    first: dict[Any, int] = {}
    for ends, kind in marked.items():
        for node in ends:
            first[node] = min(first.get(node, ranks[kind]), ranks[kind])
    _draw_labels(figure, axes, graph, nodes, positions, sizes, max_labels, first=first)


def _presumed(data: Mapping[str, Any]) -> bool:
    return data.get("presumed") is True


def _settle_layout(figure: Figure) -> None:
    """Run the constrained layout once, then keep the axes where it put them."""
    figure.draw_without_rendering()
    figure.set_layout_engine("none")


LabelSpot = tuple[float, float, str, str]  # offset in points (dx, dy), ha, va


def _label_spots(radius: float) -> list[LabelSpot]:
    """Candidate label positions around a marker of `radius` points, best first:
    above, below, right, left, then the four corners."""
    gap, corner = radius + 2, radius * 0.75 + 1
    sides = [(0, 1, "center", "bottom"), (0, -1, "center", "top")]
    sides += [(1, 0, "left", "center"), (-1, 0, "right", "center")]
    corners = [(1, 1, "left", "bottom"), (-1, 1, "right", "bottom")]
    corners += [(1, -1, "left", "top"), (-1, -1, "right", "top")]
    return [(x * gap, y * gap, ha, va) for x, y, ha, va in sides] + [
        (x * corner, y * corner, ha, va) for x, y, ha, va in corners
    ]


def _draw_labels(
    figure: Figure,
    axes: Axes,
    graph: nx.Graph,
    nodes: list[Any],
    positions: Mapping[Any, Position],
    sizes: Mapping[Any, float],
    max_labels: int,
    *,
    first: Mapping[Any, int] | None = None,
) -> None:
    """Label up to `max_labels` nodes, those in `first` (by its rank) then the largest,
    each where it covers no other label.

    When every node can have a label, a label may cover another node's marker if it
    must; otherwise nodes whose label would cover a marker go without, and the next
    largest get one instead.
    """
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # attached in draw()
    renderer = canvas.get_renderer()
    pixels = figure.dpi / 72  # per point
    anchors = {node: tuple(axes.transData.transform(positions[node])) for node in nodes}
    halves = np.array([math.sqrt(sizes[node]) / 2 * pixels for node in nodes])
    centres = np.array([anchors[node] for node in nodes])
    markers = np.column_stack([centres - halves[:, None], centres + halves[:, None]])
    taken = [  # labels keep clear of the legend and the subtitle
        artist.get_window_extent(renderer)
        for artist in (axes.get_legend(), axes.title)
        if artist is not None and artist.get_visible()
    ]
    taken = [box for box in taken if box.width > 0 and box.height > 0]
    may_cover = len(nodes) <= max_labels
    early = first or {}
    ranked = sorted(
        nodes, key=lambda node: (early.get(node, len(MARKED_TIES)), -sizes[node], str(node))
    )
    placed = 0
    for node in ranked[: 3 * max(0, max_labels)]:
        if placed >= max_labels:
            break
        label = str(graph.nodes[node].get("label") or node)
        text = "\n".join(textwrap.wrap(label, LABEL_WRAP)) or label
        spots = _label_spots(math.sqrt(sizes[node]) / 2)
        annotation = _annotate(axes, text, positions[node], spots[0])
        extent = annotation.get_window_extent(renderer)
        others = np.delete(markers, nodes.index(node), axis=0)
        best: tuple[int, LabelSpot, Bbox] | None = None
        for spot in spots:
            box = _spot_box(anchors[node], spot, extent.width, extent.height, pixels)
            covered = _count_overlaps(box, others)
            if any(box.overlaps(other) for other in taken) or (covered and not may_cover):
                continue
            if best is None or covered < best[0]:
                best = (covered, spot, box)
            if not covered:
                break
        annotation.remove()
        if best is not None:  # a label over another marker goes without its white box
            _annotate(axes, text, positions[node], best[1], boxed=not best[0])
            taken.append(best[2])
            placed += 1


def _count_overlaps(box: Bbox, extents: np.ndarray) -> int:
    """How many of the boxes (rows x0, y0, x1, y1) overlap `box`."""
    overlap = (
        (extents[:, 0] < box.x1)
        & (extents[:, 2] > box.x0)
        & (extents[:, 1] < box.y1)
        & (extents[:, 3] > box.y0)
    )
    return int(overlap.sum())


def _spot_box(
    anchor: tuple[float, ...], spot: LabelSpot, width: float, height: float, pixels: float
) -> Bbox:
    """Where (in pixels, with a margin) a label of this size would stand at `spot`."""
    dx, dy, ha, va = spot
    x = anchor[0] + dx * pixels - {"left": 0.0, "center": 0.5, "right": 1.0}[ha] * width
    y = anchor[1] + dy * pixels - {"bottom": 0.0, "center": 0.5, "top": 1.0}[va] * height
    return Bbox.from_bounds(x, y, width, height).padded(2 * pixels)


def _annotate(
    axes: Axes, text: str, xy: Position, spot: LabelSpot, *, boxed: bool = True
) -> Annotation:
    dx, dy, ha, va = spot
    return axes.annotate(
        text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
        fontsize=LABEL_FONT_SIZE, color="#1a1a1a", bbox=_LABEL_BOX if boxed else None,
        parse_math=False, zorder=4,
    )  # fmt: skip


def _draw_legend(
    axes: Axes,
    graph: nx.Graph,
    groups: Mapping[tuple[bool, str], list[Any]],
    colours: Mapping[str, Any],
    *,
    presumed: bool = False,
    marked: list[str] | None = None,
) -> None:
    two_mode = any(is_body for is_body, _ in groups)
    handles: list[Line2D] = []
    headings: set[int] = set()
    for section, is_body in (("Organisations", False), ("Bodies", True)):
        entries = _legend_entries(graph, groups, is_body)
        if two_mode and entries:
            headings.add(len(handles))
            handles.append(Line2D([], [], linestyle="none", label=section))
        for type_label, type_, count in entries:
            handles.append(
                Line2D(
                    [], [], linestyle="none", marker="s" if is_body else "o", markersize=10,
                    markerfacecolor=colour_of(type_), markeredgecolor="white",
                    label=_escape(f"{type_label} ({count})"),
                )
            )  # fmt: skip
    if presumed or marked:
        headings.add(len(handles))
        handles.append(Line2D([], [], linestyle="none", label="Links"))
    for kind in marked or []:
        colour, label = MARKED_TIES[kind]
        handles.append(Line2D([], [], color=colour, linewidth=2.5, label=label))
    if presumed:
        handles.append(Line2D([], [], color=EDGE_COLOUR, label="evidenced on the day"))
        handles.append(
            Line2D(
                [], [], color=EDGE_COLOUR, linestyle=PRESUMED_DASH,
                label="presumed (after its last evidence)",
            )
        )  # fmt: skip
    legend = axes.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=10,
        title="Type",
        title_fontproperties={"weight": "bold", "size": 11},
        alignment="left",
    )
    for index, text in enumerate(legend.get_texts()):
        if index in headings:
            text.set_fontweight("bold")


def _legend_entries(
    graph: nx.Graph, groups: Mapping[tuple[bool, str], list[Any]], is_body: bool
) -> list[tuple[str, str, int]]:
    """(label, type, count) of the organisations' or the bodies' legend, in the
    palette's order; the types the palette has no colour for, all drawn in its grey,
    are one entry that names them: "other: engagement event, funding item (3)"."""
    entries = []
    others: list[tuple[str, int]] = []
    for (body, type_), members in groups.items():
        if body != is_body:
            continue
        label = _type_label(graph, members)
        if type_ in COLOURS:
            entries.append((label, type_, len(members)))
        else:
            others.append((label, len(members)))
    entries.sort(key=lambda entry: (preference(entry[1]), entry[0].casefold(), entry[1]))
    if others:
        named = sorted({label for label, _ in others if label != "other"}, key=str.casefold)
        label = "other" + (": " + ", ".join(named) if named else "")
        entries.append((label, "", sum(count for _, count in others)))
    return entries


def _type_label(graph: nx.Graph, members: list[Any]) -> str:
    data = graph.nodes[members[0]]
    return str(data.get("type_label") or data.get("type") or "other")
