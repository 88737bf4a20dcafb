"""Where each node of a network picture goes.

Each connected component gets a spring layout with a fixed seed (the same network
always gives the same picture) in a square cell sized by its number of nodes, nodes
pushed apart enough for their markers, and the cells packed in rows, largest first,
lone organisations last.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np

LAYOUT_SEED = 20130301
SPREAD = 1.1  # least distance between nodes, × 1/√n of the layout
LAYOUT_ASPECT = 1.25  # width : height of the plot area, beside the legend

Position = tuple[float, float]


def sorted_edges(graph: nx.Graph) -> list[tuple[Any, Any, dict[str, Any]]]:
    return sorted(graph.edges(data=True), key=lambda edge: (str(edge[0]), str(edge[1])))


def layout(graph: nx.Graph, nodes: list[Any]) -> tuple[dict[Any, Position], float]:
    """Each connected component spring-laid in a square cell, the cells packed in rows.

    Laid out together, small components drift to the edges and squeeze the large
    ones into the middle. Here each component gets a cell whose area grows with its
    number of nodes (largest first, lone nodes last, grouped by type), and the cells
    are packed in rows as large as fits a box of LAYOUT_ASPECT : 1 (2 high). Returns
    the positions and the side of a lone node's cell.
    """
    components = sorted(
        (sorted(component, key=str) for component in nx.connected_components(graph)),
        key=lambda members: (-len(members), str(members[0])),
    )
    linked = [members for members in components if len(members) > 1]
    singles = sorted(
        (members[0] for members in components if len(members) == 1),
        key=lambda node: (str(graph.nodes[node].get("type", "")), str(node)),
    )
    cells: list[list[Any]] = linked + [[node] for node in singles]
    unit = 2.0 / math.sqrt(len(cells[0]))  # the largest component fills the height
    while True:
        packed, height = _pack(cells, unit, width=2 * LAYOUT_ASPECT)
        if height <= 2.0 + 1e-9 or unit < 1e-3:
            break
        unit *= 0.95
    positions: dict[Any, Position] = {}
    for members, (x, y), side in packed:
        radius = side * 0.42
        positions.update(_spring(graph, members, radius=radius, centre=(x, y)))
    return positions, unit


def _pack(
    cells: list[list[Any]], unit: float, *, width: float
) -> tuple[list[tuple[list[Any], Position, float]], float]:
    """Shelf-pack square cells of side unit·√size left to right, top to bottom.

    Returns each cell's members, centre and side, and the height used; lone nodes
    start a row of their own.
    """
    placed: list[tuple[list[Any], Position, float]] = []
    x, top, row_height = 0.0, 0.0, 0.0
    for index, members in enumerate(cells):
        side = unit * math.sqrt(len(members))
        first_single = len(members) == 1 and (index == 0 or len(cells[index - 1]) > 1)
        if x > 0 and (x + side > width + 1e-9 or first_single):
            x, top, row_height = 0.0, top + row_height, 0.0
        placed.append((members, (x + side / 2 - width / 2, 1.0 - top - side / 2), side))
        x, row_height = x + side, max(row_height, side)
    return placed, top + row_height


def _spring(
    graph: nx.Graph, members: list[Any], *, radius: float, centre: Position
) -> dict[Any, Position]:
    """Spring layout of one connected component, scaled to `radius` around `centre`."""
    x, y = centre
    if len(members) <= 2:  # a lone node, or a pair side by side
        offsets = [0.0] if len(members) == 1 else [-0.8 * radius, 0.8 * radius]
        return {node: (x + dx, y) for node, dx in zip(members, offsets, strict=True)}
    component = nx.Graph()
    component.add_nodes_from(members)
    component.add_edges_from(sorted_edges(graph.subgraph(members)))
    k = 1.6 / math.sqrt(len(members))  # a little looser than networkx's default
    try:
        spring = nx.spring_layout(component, k=k, weight="weight", seed=LAYOUT_SEED)
    except ImportError:  # 500 nodes or more need scipy for the spring layout
        spring = nx.circular_layout(component)
    points = _spread(np.array([spring[node] for node in members], dtype=float))
    points = nx.rescale_layout(points, scale=radius) + np.array(centre)
    return {node: (float(px), float(py)) for node, (px, py) in zip(members, points, strict=True)}


def _spread(points: np.ndarray, *, rounds: int = 50) -> np.ndarray:
    """Push apart nodes closer than SPREAD/√n (in a [-1, 1]² layout), a little each round.

    A spring layout draws a clique of 17 partners as a dot beside a chain of four;
    this keeps its shape but gives each node room for its marker.
    """
    count = len(points)
    if count > 1500:  # the pairwise distances would not fit in memory comfortably
        return points
    least = SPREAD / math.sqrt(count)
    for _ in range(rounds):
        points = nx.rescale_layout(points, scale=1.0)
        apart = points[:, None, :] - points[None, :, :]
        distance = np.hypot(apart[..., 0], apart[..., 1])
        np.fill_diagonal(distance, least)
        short = distance < least
        if not short.any():
            break
        push = np.where(short, (least - distance) / np.maximum(distance, 1e-9), 0.0)
        points = points + 0.25 * (apart * push[..., None]).sum(axis=1)
    return points


def place(graph: nx.Graph) -> nx.Graph:
    """Give each node ``x`` and ``y``, screen-like (y down), from :func:`layout`: the same
    network is always drawn the same way, spread wider the more nodes it has."""
    if graph.number_of_nodes() == 0:
        return graph
    nodes = sorted(graph.nodes, key=str)
    positions, _ = layout(graph, nodes)
    scale = 60.0 * math.sqrt(len(nodes)) + 40.0
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"] = round(x * scale, 1)
        graph.nodes[node]["y"] = round(-y * scale, 1)
    return graph
