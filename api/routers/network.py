"""/api/network and /api/paths: the partnership network as node-link JSON, GraphML,
dynamic GEXF or CSV (nodes, edges), and the shortest connections between two
organisations, partnerships or bodies (through the two-mode network unless asked for
the one-mode) with their evidence.

Views are built without evidence and given the evidence of what the answer holds:
every edge of the network asked for (unless ``evidence=false``), a path's hops.
On an ``as_of`` day ties presumed to hold after their last evidence are kept, each
marked ``presumed`` with the day it was ``last_evidenced`` (and ``presumed_until``,
``presumption_ended_by``); ``evidenced_only=true`` keeps only the ties evidenced on
the day."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from nhskg.api.deps import Graph, resolve_org
from nhskg.api.limits import TEXT_MAX
from nhskg.api.state import PublishedGraph
from nhskg.graph.network import analysis
from nhskg.graph.network.export import export
from nhskg.graph.network.fetch import short_id
from nhskg.graph.network.layout import place
from nhskg.graph.network.link import link_ties
from nhskg.graph.network.palette import palette_json
from nhskg.graph.network.views import (
    NetworkFilters,
    add_evidence,
    joined,
    one_mode,
    two_mode,
    without_groups,
)
from nhskg.graph.query.statement_evidence import evidence_of

router = APIRouter(tags=["network"])
TypeKey = Annotated[list[str] | None, Query(description="organisation type keys (repeatable)")]


def _filters(
    graph: PublishedGraph,
    *,
    as_of: date | None,
    type: list[str] | None,
    partnership: str | None,
    stated_only: bool = False,
    footprints: bool = False,
    evidenced_only: bool = False,
    changes: bool = False,
    contracts: bool = False,
) -> NetworkFilters:
    return NetworkFilters(
        changes=changes,
        contracts=contracts,
        as_of=as_of,
        evidenced_only=evidenced_only,
        types=frozenset(t for t in type or () if t),
        partnership=resolve_org(graph, partnership, "partnership") if partnership else None,
        stated_only=stated_only,
        footprints=footprints,
    )


def _two(graph: PublishedGraph, filters: NetworkFilters, *, groups: bool) -> tuple[nx.Graph, int]:
    """The two-mode view of ``filters``, with or without stated groups; how many left out."""
    two = two_mode(graph.network, filters, evidence=False)
    return two, 0 if groups else without_groups(two, graph.network)


# The parameters that choose which ties a view keeps (the rest say what to make of it)
FILTER_KEYS = (
    "as_of",
    "type",
    "partnership",
    "stated_only",
    "footprints",
    "evidenced_only",
    "changes",
    "contracts",
)


def _filters_of(graph: PublishedGraph, params: dict[str, Any]) -> NetworkFilters:
    return _filters(graph, **{key: params[key] for key in FILTER_KEYS})


def _view(
    graph: PublishedGraph,
    *,
    focus: str | None,
    hops: int,
    view: str,
    evidence: bool,
    groups: bool = True,
    isolates: bool = True,
    positions: bool = False,
    **params: Any,
) -> nx.Graph:
    """The view asked for; its ``hidden`` graph attribute counts the stated groups and
    the organisations with no link that were left out."""
    filters = _filters_of(graph, params)
    two, hidden_groups = _two(graph, filters, groups=groups)
    chosen = two if view == "two-mode" else one_mode(two)
    centre = short_id(resolve_org(graph, focus, "focus")) if focus else None
    if centre:
        chosen = analysis.ego(chosen, analysis.end_node(chosen, centre), hops)
    lone = [] if isolates else [n for n in chosen if chosen.degree(n) == 0 and n != centre]
    chosen.remove_nodes_from(lone)
    if evidence:
        add_evidence(chosen, graph.network, two=two)
    if positions:
        place(chosen)
    chosen.graph["hidden"] = {"groups": hidden_groups, "isolates": len(lone)}
    chosen.graph["named"] = {
        key: {
            "id": node,
            "label": chosen.nodes[node]["label"] if node in chosen else _label(graph, iri),
        }
        for key, node, iri in (
            ("partnership", short_id(filters.partnership or ""), filters.partnership),
            ("focus", centre, resolve_org(graph, focus, "focus") if focus else None),
        )
        if iri
    }
    return chosen


def _label(graph: PublishedGraph, iri: str) -> str:
    info = graph.network.nodes.get(iri)
    return info.label if info else short_id(iri)


def _export(chosen: nx.Graph, fmt: str, media: str) -> Response:
    for key in ("hidden", "named"):  # what the page says of the view, not the network's
        chosen.graph.pop(key, None)
    with tempfile.TemporaryDirectory() as folder:
        (path,) = export(chosen, fmt, Path(folder) / f"network.{fmt}")
        return Response(path.read_bytes(), media_type=media)


def _export_csv(chosen: nx.Graph, which: str) -> Response:
    """The nodes or the edges CSV of ``network export --to csv``, as a download."""
    with tempfile.TemporaryDirectory() as folder:
        nodes, edges = export(chosen, "csv", Path(folder) / "network")
        path = nodes if which == "nodes" else edges
        return Response(
            path.read_bytes(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="network-{which}.csv"'},
        )


AsOf = Annotated[
    date | None,
    Query(description="ties held on this day, those presumed after their evidence marked"),
]
EvidencedOnly = Annotated[
    bool,
    Query(description="only ties evidenced on the day, none presumed after their evidence"),
]


Changes = Annotated[
    bool,
    Query(
        description="the reference data's mergers, successions and transfers as ties "
        "(each organisation a predecessor or successor of the change)"
    ),
]
Contracts = Annotated[
    bool,
    Query(description="in a partnership's view, the contracts its members are party to"),
]


def _params(
    as_of: AsOf = None,
    type: TypeKey = None,
    partnership: Annotated[
        str | None, Query(max_length=TEXT_MAX, description="code, name or alias")
    ] = None,
    stated_only: Annotated[bool, Query(description="leave out resolved members")] = False,
    footprints: Annotated[bool, Query(description="add CCG-in-STP footprints")] = False,
    focus: Annotated[
        str | None,
        Query(max_length=TEXT_MAX, description="only this organisation's ego network"),
    ] = None,
    hops: Annotated[int, Query(ge=1, le=4)] = 1,
    view: Annotated[str, Query(pattern="^(one-mode|two-mode)$")] = "one-mode",
    evidence: Annotated[
        bool, Query(description="each link's sources and quotes (false: a lighter answer)")
    ] = True,
    evidenced_only: EvidencedOnly = False,
    groups: Annotated[
        bool,
        Query(
            description='keep the stated groups ("the seven acute hospital providers"); '
            "false: leave them out, as the network page does unless asked"
        ),
    ] = True,
    isolates: Annotated[
        bool,
        Query(description="keep organisations with no link in the view (false: leave them out)"),
    ] = True,
    positions: Annotated[
        bool, Query(description="give each node x and y: the seeded layout, the same every time")
    ] = False,
    changes: Changes = False,
    contracts: Contracts = False,
) -> dict[str, Any]:
    return {
        "changes": changes,
        "contracts": contracts,
        "groups": groups,
        "isolates": isolates,
        "positions": positions,
        "as_of": as_of,
        "type": type,
        "partnership": partnership,
        "stated_only": stated_only,
        "footprints": footprints,
        "focus": focus,
        "hops": hops,
        "view": view,
        "evidence": evidence,
        "evidenced_only": evidenced_only,
    }


Params = Annotated[dict[str, Any], Depends(_params)]


@router.get("/api/network", summary="The network as node-link JSON (d3, Cytoscape)")
def network_json(graph: Graph, params: Params) -> dict[str, Any]:
    """Organisations (and, in the two-mode view, the bodies they take part in), links with
    weight, shared bodies, relationship, basis, period (``from``, ``until``,
    ``last_evidenced``, ``presumed_from``, ``presumed_until``, ``presumption_ended_by``),
    ``presumed`` (held on the day only by presumption), sources and evidence."""
    data: dict[str, Any] = nx.node_link_data(_view(graph, **params), edges="links")
    return data


@router.get("/api/network/palette", summary="The fixed colour of each organisation type")
def network_palette() -> dict[str, Any]:
    """Each organisation type's colour (``types``, in the order of preference by which an
    organisation holding two types at once is shown as the first) and the colour of any
    other type (``other``): the web view and its legend draw with these, as
    ``nhskg network draw`` does."""
    return palette_json()


@router.get("/api/network/link", summary="What one link stands for, with its evidence")
def network_link(
    graph: Graph,
    params: Params,
    source: Annotated[str, Query(max_length=TEXT_MAX, description="organisation: code or name")],
    target: Annotated[str, Query(max_length=TEXT_MAX, description="organisation: code or name")],
) -> dict[str, Any]:
    """The bodies two organisations share in the view the other parameters make (the
    day, types, partnership, with or without stated groups), each with the tie of
    either end to it (relationship, basis, period, ``presumed``) and that tie's
    evidence: the quote with the document's title, date and a link to the passage
    (``/documents/ID#q-START``), the reference dataset's row, or the reasoning."""
    filters = _filters_of(graph, params)
    two, _ = _two(graph, filters, groups=params["groups"])
    a = short_id(resolve_org(graph, source, "source"))
    b = short_id(resolve_org(graph, target, "target"))
    store, queries = graph.service.store, graph.settings.queries_dir
    answer = link_ties(two, a, b, lambda statements: evidence_of(store, queries, statements))
    answer["filters"] = two.graph.get("filters", "")
    return answer


@router.get("/api/network.graphml", summary="The network as GraphML (Gephi, yEd)")
def network_graphml(graph: Graph, params: Params) -> Response:
    return _export(_view(graph, **params), "graphml", "application/graphml+xml")


@router.get("/api/network.gexf", summary="The network as GEXF (Gephi)")
def network_gexf(graph: Graph, params: Params) -> Response:
    return _export(_view(graph, **params), "gexf", "application/gexf+xml")


@router.get("/api/network-nodes.csv", summary="The network's nodes as CSV (pandas, spreadsheets)")
def network_nodes_csv(graph: Graph, params: Params) -> Response:
    """One row an organisation (or body): name, code, type, ``region`` on the view's day
    with ``region_code`` and ``region_basis`` (where the region came from)."""
    return _export_csv(_view(graph, **params), "nodes")


@router.get("/api/network-edges.csv", summary="The network's edges as CSV (pandas, spreadsheets)")
def network_edges_csv(graph: Graph, params: Params) -> Response:
    """One row a link: weight, relationship, basis, period, shared bodies, the evidence
    summary (``evidence_count``, ``evidence_document_count``, ``evidence_documents``,
    ``evidence_first_quote``) and the full ``evidence`` as JSON."""
    return _export_csv(_view(graph, **params), "edges")


@router.get(
    "/api/paths", summary="Shortest connections between two organisations, partnerships or bodies"
)
def paths(
    graph: Graph,
    from_: Annotated[
        str,
        Query(
            alias="from",
            max_length=TEXT_MAX,
            description="organisation, partnership or body: code, name or alias",
        ),
    ],
    to: Annotated[
        str,
        Query(
            max_length=TEXT_MAX,
            description="organisation, partnership or body: code, name or alias",
        ),
    ],
    as_of: AsOf = None,
    all: Annotated[bool, Query(description="every shortest connection, not one")] = False,
    evidenced_only: EvidencedOnly = False,
    view: Annotated[
        str,
        Query(
            pattern="^(one-mode|two-mode)$",
            description="two-mode: a hop per tie, through the bodies organisations share "
            "(partnerships, national bodies, groups, contracts, ...); one-mode: a hop per "
            "pair of organisations sharing a body",
        ),
    ] = "two-mode",
    type: TypeKey = None,
    partnership: Annotated[
        str | None,
        Query(max_length=TEXT_MAX, description="only ties within this partnership"),
    ] = None,
    groups: Annotated[bool, Query(description="false: no path through a stated group")] = True,
    changes: Changes = False,
    contracts: Contracts = False,
) -> dict[str, Any]:
    """Every hop with its relationship, the body it goes through and the evidence (document
    and quote), marked ``presumed`` where it holds on the day only by presumption. In the
    two-mode view (the default) a hop joins an organisation and a body it takes part in,
    and either end may be a partnership or other body; with no connection, ``summary`` and
    ``searched`` say what was searched: the network, the day and filters, its size and the
    component each end is in."""
    filters = _filters(
        graph,
        as_of=as_of,
        type=type,
        partnership=partnership,
        evidenced_only=evidenced_only,
        changes=changes,
        contracts=contracts,
    )
    two, _ = _two(graph, filters, groups=groups)
    source = short_id(resolve_org(graph, from_, "from"))
    target = short_id(resolve_org(graph, to, "to"))
    if view == "one-mode":
        chosen = one_mode(two)
        evidence = lambda links: add_evidence(chosen, graph.network, two=two, edges=links)  # noqa: E731
    else:
        chosen = joined(two)
        evidence = lambda links: add_evidence(chosen, graph.network, edges=links)  # noqa: E731
    found = analysis.shortest_connections(chosen, source, target, every=all, evidence=evidence)
    return {
        "from": found.source,
        "to": found.target,
        "view": view,
        "connected": found.connected,
        "summary": found.describe(),
        "searched": found.searched,
        "hops": found.length,
        "paths": [
            [
                {
                    "from": h.source,
                    "from_name": h.source_label,
                    "from_kind": _kind(chosen, h.source),
                    "to": h.target,
                    "to_name": h.target_label,
                    "to_kind": _kind(chosen, h.target),
                    "through": h.shared,
                    "relationship": h.relationship,
                    "presumed": h.presumed,
                    "last_evidenced": h.last_evidenced,
                    "evidence": h.evidence,
                }
                for h in path
            ]
            for path in found.paths
        ],
    }


def _kind(chosen: nx.Graph, node: str) -> str:
    """A path node's kind: "organisation" (drawn in the one-mode view; a partnership
    that also takes part in bodies is one) or "body"."""
    return str(chosen.nodes[node]["kind"])
