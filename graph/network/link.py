"""What one link of the network stands for: the bodies its two organisations share, and
each one's ties with their evidence.

A link of the one-mode view joins two organisations through the bodies they both take
part in (a partnership, a board, a contract, a merger). :func:`link_ties` reads, from
the two-mode view the link was projected from, each shared body and the tie of each end
to it (relationship, basis, period, presumed or not) and gives each tie the evidence of
its statements, in the shape every page shows
(:mod:`nhskg.graph.query.statement_evidence`): the quote with the document's title,
date and a link to the passage, the reference dataset's row, or the reasoning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from nhskg.graph.network.analysis import NotInNetwork
from nhskg.graph.network.views import one_mode

EvidenceOf = Callable[[Iterable[str]], dict[str, list[dict[str, Any]]]]
TIE_KEYS = ("relationship", "basis", "from", "until", "last_evidenced", "presumed")


class NoLink(NotInNetwork):
    """The two organisations share no body in the view."""


def page_of(node_id: str) -> str:
    """Our page of a node of the network: an organisation's or curated body's page, or
    the linked-data page of anything else (a contract, a merger, a stated group)."""
    bare = node_id.removeprefix("body:")
    return f"/organisations/{bare}" if "/" not in bare else f"/id/{bare}"


def link_ties(two: nx.Graph, a: str, b: str, evidence_of: EvidenceOf) -> dict[str, Any]:
    """The bodies organisations ``a`` and ``b`` share in the two-mode view ``two``,
    each with the tie of either end and its evidence; raises :class:`NoLink`."""
    for end in (a, b):
        if end not in two or two.nodes[end]["kind"] != "organisation":
            raise NoLink(f"{end} is not an organisation of this view")
    bodies = sorted(
        set(two.neighbors(a)) & set(two.neighbors(b)), key=lambda n: two.nodes[n]["label"]
    )
    if not bodies:
        raise NoLink(f"{a} and {b} share no body in this view")
    statements = [
        s for body in bodies for end in (a, b) for s in two.edges[end, body]["statements"]
    ]
    pieces = evidence_of(statements)
    shared = []
    for body in bodies:
        ties = []
        for end in (a, b):
            edge = two.edges[end, body]
            evidence = [p for s in edge["statements"] for p in pieces.get(s, [])]
            ties.append(
                {
                    "org": end,
                    "org_label": two.nodes[end]["label"],
                    **{key: edge[key] for key in TIE_KEYS},
                    "evidence": _unique(evidence),
                }
            )
        attrs = two.nodes[body]
        shared.append(
            {
                "id": body.removeprefix("body:"),
                "label": attrs["label"],
                "type_label": attrs["type_label"],
                "href": page_of(body),
                "ties": ties,
            }
        )
    projected = one_mode(two.subgraph([a, b, *bodies]))
    link = projected.edges[a, b]
    return {
        "source": {"id": a, "label": two.nodes[a]["label"], "href": page_of(a)},
        "target": {"id": b, "label": two.nodes[b]["label"], "href": page_of(b)},
        "weight": len(bodies),
        **{key: link[key] for key in ("relationship", "from", "until", "last_evidenced")},
        "presumed": link["presumed"],
        "shared": shared,
    }


def _unique(pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for piece in pieces:
        key = (piece.get("kind"), piece.get("source"), piece.get("start"), piece.get("quote"))
        if key not in seen:
            seen.add(key)
            kept.append(piece)
    return kept
