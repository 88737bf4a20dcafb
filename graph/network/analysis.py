"""Analyses of the partnership networks, each a plain function over a view.

Ego networks, shortest connections with the evidence of every hop, centrality,
communities (Louvain, fixed seed) and how they match the partnerships, brokers and
interlocks, and what changed between two dates. Organisations are node ids of the
views (ODS codes or curated keys); :func:`node_for` turns an IRI into one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations, pairwise
from typing import Any

import networkx as nx
from scipy.sparse.linalg import ArpackNoConvergence

from nhskg.graph.network.fetch import NetworkData, short_id
from nhskg.graph.network.views import NetworkFilters, one_mode, two_mode

# Bodies that are partnerships or programmes, for brokers and community matching.
PARTNERSHIP_TYPES = frozenset(
    {"partnership", "stp", "icb", "commissioner-collaborative", "provider-collaborative"}
)
# Bodies whose shared membership is an interlock.
INTERLOCK_TYPES = frozenset(
    {
        "programme-office",
        "board",
        "workstream",
        "working-group",
        "leadership-group",
        "reference-group",
        "assurance-group",
        "forum",
    }
)
# Betweenness costs a breadth-first search from every source, O(nodes x links): exact
# while that is at most BETWEENNESS_WORK (a few seconds here), above it estimated from
# as many sources as the budget allows (never fewer than BETWEENNESS_MIN_SAMPLE),
# drawn with a fixed seed so that the ranking repeats.
BETWEENNESS_WORK = 5_000_000
BETWEENNESS_MIN_SAMPLE = 100
SEED = 42
EIGENVECTOR_ITERATION_NODES = 200


class NetworkError(ValueError):
    """An analysis cannot be done as asked; the message says why."""


class NotInNetwork(NetworkError):
    """The organisation takes part in nothing this view keeps."""


def node_for(iri: str) -> str:
    return short_id(iri)


def require(graph: nx.Graph, node: str) -> None:
    if node not in graph:
        raise NotInNetwork(
            f"{node} takes part in nothing in this view ({graph.graph.get('filters', '')})"
        )


def ego(graph: nx.Graph, node: str, hops: int = 1) -> nx.Graph:
    """The organisation, everything within ``hops`` links of it, and the links among them."""
    require(graph, node)
    if hops < 1:
        raise NetworkError("hops must be 1 or more")
    sub: nx.Graph = nx.ego_graph(graph, node, radius=hops).copy()
    sub.graph.update(graph.graph)
    label = graph.nodes[node]["label"]
    sub.graph["title"] = f"{label} ({node}) and its partners within {hops} hop(s)"
    return sub


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    source_label: str
    target_label: str
    shared: list[str]
    relationship: str
    evidence: list[dict[str, str]]
    presumed: bool = False  # the link holds on the view's day only by presumption
    last_evidenced: str = ""  # the last day its evidence covers ("" open)


@dataclass
class Connection:
    source: str
    target: str
    paths: list[list[Hop]] = field(default_factory=list)
    searched: str = ""  # the network searched, its filters, size and the ends' components

    @property
    def connected(self) -> bool:
        return bool(self.paths)

    @property
    def length(self) -> int | None:
        return len(self.paths[0]) if self.paths else None

    def describe(self) -> str:
        if not self.paths:
            text = f"no connection between {self.source} and {self.target} in this view"
            return f"{text}: {self.searched}" if self.searched else text
        n = len(self.paths)
        kind = "shortest connection" if n == 1 else f"{n} shortest connections"
        return f"{kind} of {self.length} hop(s) between {self.source} and {self.target}"


def shortest_connections(
    graph: nx.Graph,
    source: str,
    target: str,
    *,
    every: bool = False,
    limit: int = 50,
    evidence: Callable[[list[tuple[str, str]]], object] | None = None,
) -> Connection:
    """Shortest connection(s) by number of hops, each hop with the bodies and evidence.

    In the one-mode view a hop joins two organisations through the bodies they share;
    in the two-mode view (:func:`~.views.joined`) a hop joins an organisation and a body
    it takes part in, by its relationship, and either end may be a partnership or
    other body (given by its id; :func:`end_node`). With no connection, ``searched``
    says what was looked through.

    For a view built without evidence, ``evidence`` is called with the links of the
    paths found, before their hops are read, to put theirs on them (for example
    ``lambda links: add_evidence(one, data, two=two, edges=links)``).
    """
    source, target = end_node(graph, source), end_node(graph, target)
    for end in (source, target):
        if end not in graph:
            raise NotInNetwork(
                f"{end} takes part in nothing in this view ({graph.graph.get('filters', '')}); "
                f"searched the {_network_kind(graph)}: {graph.number_of_nodes()} nodes, "
                f"{graph.number_of_edges()} links"
            )
    found = Connection(source, target)
    if source == target:
        raise NetworkError("give two different organisations")
    try:
        if every:
            paths = []
            for path in nx.all_shortest_paths(graph, source, target):
                paths.append(path)
                if len(paths) >= limit:
                    break
            paths.sort()
        else:
            paths = [nx.shortest_path(graph, source, target)]
    except nx.NetworkXNoPath:
        found.searched = searched(graph, source, target)
        return found
    if evidence is not None:
        evidence(sorted({link for path in paths for link in pairwise(path)}))
    for path in paths:
        found.paths.append([_hop(graph, a, b) for a, b in pairwise(path)])
    return found


def end_node(graph: nx.Graph, node: str) -> str:
    """The node of ``node`` (an organisation id) in ``graph``: itself, or in a two-mode
    view the body it names (``body:`` + id), so that a path may start at a partnership."""
    if node not in graph and "body:" + node in graph:
        return "body:" + node
    return node


def _network_kind(graph: nx.Graph) -> str:
    if graph.graph.get("view") == "two-mode":
        each = ", one node each" if graph.graph.get("joined") else ""
        return f"two-mode network (organisations and the bodies they take part in{each})"
    return "one-mode network (organisations linked by shared bodies)"


def searched(graph: nx.Graph, source: str, target: str) -> str:
    """What a search for a connection looked through: the network, its filters, its
    size, and the component each end is in (its size and the partnerships in it)."""
    kind = _network_kind(graph)
    components = nx.number_connected_components(graph)
    text = (
        f"searched the {kind}, {graph.graph.get('filters', 'all dates')}: "
        f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links, "
        f"{components} separate components"
    )
    for end in (source, target):
        part = nx.node_connected_component(graph, end)
        text += f"; {end} is in a component of {len(part)} nodes"
        named = sorted(
            graph.nodes[n]["label"]
            for n in part
            if n != end and graph.nodes[n].get("type") in PARTNERSHIP_TYPES
        )
        if named:
            text += " with " + ", ".join(named[:4]) + (" ..." if len(named) > 4 else "")
    return text


def _hop(graph: nx.Graph, a: str, b: str) -> Hop:
    edge = graph.edges[a, b]
    shared = edge.get("shared") or [graph.nodes[edge.get("body", b)]["label"]]
    return Hop(
        a,
        b,
        graph.nodes[a]["label"],
        graph.nodes[b]["label"],
        list(shared),
        edge.get("relationship", ""),
        list(edge.get("evidence", [])),
        bool(edge.get("presumed", False)),
        str(edge.get("last_evidenced", "")),
    )


MEASURES = ("degree", "weighted_degree", "betweenness", "eigenvector")


@dataclass(frozen=True)
class CentralityResult:
    rows: list[dict[str, Any]]
    betweenness_exact: bool
    note: str


def centrality(
    graph: nx.Graph, *, by: str = "betweenness", work: int = BETWEENNESS_WORK
) -> CentralityResult:
    """Degree, weighted degree, betweenness and eigenvector centrality, ranked by ``by``.

    Betweenness is exact up to ``work`` nodes x links, else estimated from sampled
    sources (:func:`betweenness_sample`); the result's ``note`` says which.
    """
    if by not in MEASURES:
        raise NetworkError(f"unknown measure {by!r}; choose from {', '.join(MEASURES)}")
    n = graph.number_of_nodes()
    sample = betweenness_sample(graph, work=work)
    exact = sample is None
    if sample is None:
        betweenness = nx.betweenness_centrality(graph)
        note = "betweenness exact"
    else:
        betweenness = nx.betweenness_centrality(graph, k=sample, seed=SEED)
        note = (
            f"betweenness estimated from {sample} of {n} organisations as sources "
            f"(sampled with seed {SEED}; exact up to {BETWEENNESS_WORK:,} nodes x links)"
        )
    eigen = _eigenvector(graph)
    degree = nx.degree_centrality(graph) if n > 1 else dict.fromkeys(graph, 0.0)
    rows = []
    for node, attrs in graph.nodes(data=True):
        rows.append(
            {
                "code": attrs.get("code", node),
                "name": attrs.get("label", node),
                "type": attrs.get("type", ""),
                "degree": graph.degree(node),
                "degree_centrality": round(degree[node], 6),
                "weighted_degree": graph.degree(node, weight="weight"),
                "betweenness": round(betweenness[node], 6),
                "eigenvector": round(eigen[node], 6),
                "node": node,
            }
        )
    key = "degree" if by == "degree" else by
    rows.sort(key=lambda r: (-r[key], -r["degree"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return CentralityResult(rows, exact, note)


def betweenness_sample(graph: nx.Graph, *, work: int = BETWEENNESS_WORK) -> int | None:
    """How many sampled sources betweenness uses on ``graph``; None when it is exact."""
    nodes, links = graph.number_of_nodes(), max(1, graph.number_of_edges())
    sample = max(BETWEENNESS_MIN_SAMPLE, work // links)
    return None if nodes * links <= work or sample >= nodes else sample


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality per connected component, scaled by component share.

    Power iteration on a disconnected graph converges to the largest component only;
    computing each component alone keeps every organisation's score meaningful. A
    component of more than EIGENVECTOR_ITERATION_NODES organisations is solved by
    SciPy's sparse eigensolver (ARPACK): the same vector, where NetworkX's power
    iteration in Python took 9 s on the 1,551 organisations of a million quads.
    """
    scores: dict[str, float] = dict.fromkeys(graph, 0.0)
    n = graph.number_of_nodes()
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        sub = graph.subgraph(component)
        try:
            if len(component) > EIGENVECTOR_ITERATION_NODES:
                part = nx.eigenvector_centrality_numpy(sub, weight="weight")
            else:
                part = nx.eigenvector_centrality(sub, max_iter=2000, tol=1e-8, weight="weight")
        except (nx.PowerIterationFailedConvergence, ArpackNoConvergence):
            part = nx.eigenvector_centrality(sub, max_iter=2000, tol=1e-4)
        share = len(component) / n
        for node, value in part.items():
            scores[node] = value * share
    return scores


@dataclass(frozen=True)
class Community:
    number: int
    members: list[str]
    partnership: str
    partnership_label: str
    jaccard: float


@dataclass(frozen=True)
class CommunityResult:
    communities: list[Community]
    modularity: float
    match: float
    seed: int


def communities(
    one: nx.Graph, two: nx.Graph, *, seed: int = SEED, resolution: float = 1.0
) -> CommunityResult:
    """Louvain communities of the one-mode view and the partnership each best matches.

    ``match`` is the size-weighted mean Jaccard similarity between each community and
    the membership of its best-matching partnership (1.0: communities are exactly the
    partnerships).
    """
    if one.number_of_edges() == 0:
        found: list[set[str]] = [{n} for n in one]
    else:
        found = nx.community.louvain_communities(
            one, weight="weight", seed=seed, resolution=resolution
        )
    found = sorted(found, key=lambda c: (-len(c), sorted(c)))
    partnerships = _partnership_members(two)
    result = []
    weighted = 0.0
    for number, members in enumerate(found, start=1):
        best, best_label, best_j = "", "", 0.0
        for body, (label, body_members) in sorted(partnerships.items()):
            j = len(members & body_members) / len(members | body_members)
            if j > best_j:
                best, best_label, best_j = body, label, j
        weighted += best_j * len(members)
        result.append(Community(number, sorted(members), best, best_label, round(best_j, 4)))
    total = sum(len(c) for c in found) or 1
    modularity = (
        nx.community.modularity(one, found, weight="weight") if one.number_of_edges() else 0.0
    )
    return CommunityResult(result, round(modularity, 4), round(weighted / total, 4), seed)


def _partnership_members(two: nx.Graph) -> dict[str, tuple[str, set[str]]]:
    out = {}
    for node, attrs in two.nodes(data=True):
        if attrs["kind"] == "body" and attrs.get("type") in PARTNERSHIP_TYPES:
            out[node] = (attrs["label"], set(two.neighbors(node)))
    return out


@dataclass(frozen=True)
class Broker:
    node: str
    label: str
    partnerships: list[str]
    ties: list[str] = field(default_factory=list)  # "partnership: relationship body"


def brokers(two: nx.Graph, data: NetworkData | None = None) -> list[Broker]:
    """Organisations tied to more than one partnership or programme, by any kind of tie.

    A tie reaches a partnership when its body is one, or (given ``data``) when its body
    or its statement is part of one: coordinating a partnership's workstream, hosting
    its office, a contract or joint working within it, as well as membership. Each
    broker lists the partnerships it bridges and the ties that reach them.
    """
    found = []
    for node, attrs in two.nodes(data=True):
        if attrs["kind"] != "organisation":
            continue
        reached: dict[str, set[str]] = defaultdict(set)
        for body in two.neighbors(node):
            edge = two.edges[node, body]
            battrs = two.nodes[body]
            how = f"{edge.get('relationship', '')} {battrs['label']}"
            for whole in _partnerships_of(two, data, body, edge.get("statements", [])):
                reached[whole].add(how if whole != battrs["label"] else edge["relationship"])
        if len(reached) > 1:
            found.append(
                Broker(
                    node,
                    attrs["label"],
                    sorted(reached),
                    [f"{p}: {how}" for p in sorted(reached) for how in sorted(reached[p])],
                )
            )
    found.sort(key=lambda b: (-len(b.partnerships), b.label))
    return found


def _partnerships_of(
    two: nx.Graph, data: NetworkData | None, body: str, statements: list[str]
) -> set[str]:
    """The labels of the partnerships a body (or a tie's statements) is or is part of."""
    out = set()
    if two.nodes[body].get("type") in PARTNERSHIP_TYPES:
        out.add(two.nodes[body]["label"])
    if data is None:
        return out
    iri = two.nodes[body].get("iri", "")
    wholes = set(data.wholes(iri)) if iri else set()
    for statement in statements:
        wholes |= data.wholes(statement)
    for whole in wholes:
        node = "body:" + short_id(whole)
        if node in two and two.nodes[node].get("type") in PARTNERSHIP_TYPES:
            out.add(two.nodes[node]["label"])
        elif node not in two:
            key = next(iter(_types_of(data, whole)), "")
            if key in PARTNERSHIP_TYPES:
                info = data.nodes.get(whole)
                out.add(info.label if info else short_id(whole))
    return out


def _types_of(data: NetworkData, iri: str) -> list[str]:
    periods = data.types.get(iri, [])
    keys = [p.key for p in sorted(periods, key=lambda p: (-p.rank, p.key))]
    info = data.nodes.get(iri)
    return keys or ([info.class_key] if info and info.class_key else [])


@dataclass(frozen=True)
class Interlock:
    first: str
    second: str
    body: str
    body_label: str
    body_type: str
    sources: str
    presumed: bool = False  # either tie holds on the view's day only by presumption
    last_evidenced: str = ""  # the earlier last evidence of the two ties ("" open)


def interlock_bodies(two: nx.Graph) -> list[str]:
    """The programme offices, boards, groups and workstreams of a two-mode view."""
    return [
        body
        for body, attrs in two.nodes(data=True)
        if attrs["kind"] == "body" and attrs.get("type") in INTERLOCK_TYPES
    ]


def interlock_ties(two: nx.Graph) -> list[tuple[str, str]]:
    """The edges :func:`interlocks` reads the sources of (for a view built without them)."""
    return [
        (org, body)
        for body in interlock_bodies(two)
        if two.degree(body) > 1
        for org in two.neighbors(body)
    ]


def interlocks(two: nx.Graph) -> list[Interlock]:
    """Pairs of organisations that share a programme office, board, group or workstream.

    Reads the ``sources`` of the edges :func:`interlock_ties` names.
    """
    found = []
    for body in interlock_bodies(two):
        attrs = two.nodes[body]
        members = sorted(two.neighbors(body))
        for a, b in combinations(members, 2):
            sources = sorted(
                set(two.edges[a, body]["sources"].split("; "))
                | set(two.edges[b, body]["sources"].split("; ")) - {""}
            )
            ties = (two.edges[a, body], two.edges[b, body])
            evidenced = [str(e.get("last_evidenced", "")) for e in ties]
            found.append(
                Interlock(
                    a,
                    b,
                    body,
                    attrs["label"],
                    attrs.get("type", ""),
                    "; ".join(sources),
                    any(bool(e.get("presumed")) for e in ties),
                    min((d for d in evidenced if d), default=""),
                )
            )
    found.sort(key=lambda i: (i.body_label, i.first, i.second))
    return found


@dataclass(frozen=True)
class Change:
    first: date
    second: date
    nodes_added: list[str]
    nodes_removed: list[str]
    edges_added: list[tuple[str, str]]
    edges_removed: list[tuple[str, str]]
    labels: dict[str, str]

    def rows(self) -> list[dict[str, str]]:
        out = []
        for change, items in (("added", self.nodes_added), ("removed", self.nodes_removed)):
            for n in items:
                out.append(
                    {
                        "change": change,
                        "what": "organisation",
                        "a": n,
                        "b": "",
                        "names": self.labels.get(n, n),
                    }
                )
        for change, edges in (("added", self.edges_added), ("removed", self.edges_removed)):
            for a, b in edges:
                names = f"{self.labels.get(a, a)} - {self.labels.get(b, b)}"
                out.append({"change": change, "what": "link", "a": a, "b": b, "names": names})
        return out


def diff(data: NetworkData, filters: NetworkFilters, first: date, second: date) -> Change:
    """Organisations and links in the one-mode view on ``second`` but not ``first``, and back."""
    if filters.as_of or filters.start or filters.end:
        raise NetworkError("diff takes its two dates itself; leave out --as-of and the range")
    views = []
    for day in (first, second):
        views.append(one_mode(two_mode(data, _with_day(filters, day), evidence=False)))
    a, b = views
    labels: dict[str, str] = {}
    for view in views:
        labels.update({n: attrs["label"] for n, attrs in view.nodes(data=True)})
    edges_a = {tuple(sorted(e)) for e in a.edges()}
    edges_b = {tuple(sorted(e)) for e in b.edges()}
    return Change(
        first,
        second,
        sorted(set(b) - set(a)),
        sorted(set(a) - set(b)),
        sorted(edges_b - edges_a),
        sorted(edges_a - edges_b),
        labels,
    )


def _with_day(filters: NetworkFilters, day: date) -> NetworkFilters:
    fields: dict[str, Any] = dict(filters.__dict__)
    fields["as_of"] = day
    return NetworkFilters(**fields)


def edges_by_body(two: nx.Graph) -> dict[str, list[str]]:
    """Body node -> its organisations (for pictures and tables)."""
    out: dict[str, list[str]] = defaultdict(list)
    for body, attrs in two.nodes(data=True):
        if attrs["kind"] == "body":
            out[body] = sorted(two.neighbors(body))
    return dict(out)
