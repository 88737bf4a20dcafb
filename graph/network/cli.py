"""`nhskg network`: the network analyses, exports and pictures on the command line.

Every subcommand takes the same filters (date or range, types, partnership, region,
stated only, footprints, stated groups, evidenced only). On a day or over a range
ties presumed to hold after their last evidence are kept and marked (``presumed``,
``last_evidenced``); ``--evidenced-only`` keeps only the ties evidenced there.
Organisations are given by ODS code, curated key, name or alias. Tables go to
standard output unless ``--output`` names a file. Views are built without evidence;
each command reads the evidence of only what it shows (a path's hops, an ego's
links, the interlocking ties, an export's edges).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from nhskg.graph.network import analysis
from nhskg.graph.network.export import FORMATS as EXPORT_FORMATS
from nhskg.graph.network.export import export
from nhskg.graph.network.fetch import (
    CHANGE_RELATIONSHIPS,
    NetworkData,
    load_network_data,
    short_id,
)
from nhskg.graph.network.tables import TABLE_FORMATS, render_rows
from nhskg.graph.network.views import NetworkFilters, add_evidence, joined, one_mode, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.text_table import WIDTH_HELP, terminal_width
from nhskg.graph.settings import Settings

SUBCOMMANDS = (
    "ego",
    "path",
    "centrality",
    "communities",
    "brokers",
    "interlocks",
    "diff",
    "export",
    "draw",
)


class NetworkUsageError(analysis.NetworkError):
    """A bad network argument (a date, a missing --output, ...)."""


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NetworkUsageError(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None


def _on(flag: bool | None, args: argparse.Namespace) -> bool:
    """A --changes or --contracts flag: as given, else on in a partnership's picture
    (where they are its members' own; the whole country's mergers would swamp a
    picture of everything)."""
    return flag if flag is not None else (args.analysis == "draw" and bool(args.partnership))


class Session:
    """The service, the network data and the filters of one command."""

    def __init__(self, args: argparse.Namespace, settings: Settings) -> None:
        self.args = args
        self.service = QueryService(settings)
        self.data: NetworkData = load_network_data(self.service.store, settings.queries_dir)
        partnership = (
            args.partnership and self.service.index.resolve("--partnership", args.partnership).value
        )
        region = args.region and short_id(self.service.index.resolve("--region", args.region).value)
        try:
            self.filters = NetworkFilters(
                as_of=_day(args.as_of, "--as-of"),
                start=_day(args.start, "--from"),
                end=_day(args.end, "--until"),
                types=frozenset(args.type or ()),
                partnership=partnership or None,
                region=region or None,
                stated_only=args.stated_only,
                footprints=args.footprints,
                groups=not args.no_groups and getattr(args, "groups", True),
                evidenced_only=args.evidenced_only,
                changes=_on(args.changes, args),
                contracts=_on(args.contracts, args),
            )
        except ValueError as error:
            raise NetworkUsageError(str(error)) from None

    def node(self, text: str, name: str) -> str:
        return short_id(self.service.index.resolve(name, text).value)

    def two(self) -> nx.Graph:
        return two_mode(self.data, self.filters, evidence=False)

    def views(self) -> tuple[nx.Graph, nx.Graph]:
        """The view asked for (``--view``, ``--ego``) and the two-mode view behind it."""
        two = self.two()
        graph = two if self.args.view == "two-mode" else one_mode(two)
        if getattr(self.args, "ego", None):
            graph = analysis.ego(graph, self.node(self.args.ego, "--ego"), self.args.hops)
        return graph, two

    def emit(self, rows: list[dict[str, Any]], columns: list[str], note: str = "") -> None:
        text = render_rows(rows, columns, self.args.format, width=self.args.width)
        if self.args.format == "table":
            width = terminal_width(self.args.width)
            comments = [self.filters.describe(), *([note] if note else [])]
            text = (
                "".join(
                    line + "\n"
                    for comment in comments
                    for line in textwrap.wrap(
                        comment, width, initial_indent="# ", subsequent_indent="# "
                    )
                )
                + text
            )
        if self.args.output:
            path = Path(self.args.output)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
        else:
            sys.stdout.write(text)


def cmd_ego(s: Session) -> None:
    two = s.two()
    graph = one_mode(two)
    centre = s.node(s.args.organisation, "organisation")
    sub = analysis.ego(graph, centre, s.args.hops)
    add_evidence(graph, s.data, two=two, edges=[(centre, n) for n in graph.neighbors(centre)])
    distance = nx.single_source_shortest_path_length(sub, centre)
    rows = []
    for node, attrs in sub.nodes(data=True):
        if node == centre:
            continue
        edge = graph.edges[centre, node] if graph.has_edge(centre, node) else {}
        rows.append(
            {
                "hops": distance[node],
                "code": attrs["code"],
                "name": attrs["label"],
                "type": attrs["type"],
                "weight": edge.get("weight", ""),
                "shared": edge.get("shared", []),
                "presumed": edge.get("presumed", ""),
                "last_evidenced": edge.get("last_evidenced", ""),
                "sources": edge.get("sources", ""),
            }
        )
    rows.sort(key=lambda r: (r["hops"], -(r["weight"] or 0), r["name"]))
    note = f"{sub.graph['title']}: {len(rows)} organisations"
    columns = ["hops", "code", "name", "type", "weight", "shared", "presumed", "last_evidenced"]
    s.emit(rows, [*columns, "sources"], note)


def cmd_path(s: Session) -> None:
    two = s.two()
    if s.args.view == "one-mode":
        graph = one_mode(two)
        evidence = lambda links: add_evidence(graph, s.data, two=two, edges=links)  # noqa: E731
    else:
        graph = joined(two)
        evidence = lambda links: add_evidence(graph, s.data, edges=links)  # noqa: E731
    found = analysis.shortest_connections(
        graph,
        s.node(s.args.source, "source"),
        s.node(s.args.target, "target"),
        every=s.args.all,
        evidence=evidence,
    )
    rows = []
    for number, path in enumerate(found.paths, start=1):
        for step, hop in enumerate(path, start=1):
            rows.append(
                {
                    "path": number,
                    "hop": step,
                    "from": hop.source_label,
                    "to": hop.target_label,
                    "through": hop.shared,
                    "relationship": hop.relationship,
                    "presumed": hop.presumed,
                    "last_evidenced": hop.last_evidenced,
                    "sources": sorted({e["source"] for e in hop.evidence}),
                    "evidence": [f"{e['source']}: {e['quote']}" for e in hop.evidence],
                }
            )
    columns = [
        "path",
        "hop",
        "from",
        "to",
        "through",
        "relationship",
        "presumed",
        "last_evidenced",
        "sources",
        "evidence",
    ]
    if not found.connected and s.args.format == "table":
        s.emit([], columns, found.describe())
        return
    s.emit(rows, columns, found.describe())


def cmd_centrality(s: Session) -> None:
    result = analysis.centrality(one_mode(s.two()), by=s.args.by)
    rows = result.rows[: s.args.top] if s.args.top else result.rows
    columns = [
        "rank",
        "code",
        "name",
        "type",
        "degree",
        "weighted_degree",
        "betweenness",
        "eigenvector",
    ]
    s.emit(rows, columns, f"ranked by {s.args.by}; {result.note}")


def cmd_communities(s: Session) -> None:
    two = s.two()
    one = one_mode(two)
    result = analysis.communities(one, two, seed=s.args.seed, resolution=s.args.resolution)
    rows = [
        {
            "community": c.number,
            "size": len(c.members),
            "best_partnership": c.partnership_label,
            "jaccard": c.jaccard,
            "members": [one.nodes[m]["label"] for m in c.members],
        }
        for c in result.communities
    ]
    note = (
        f"Louvain, seed {result.seed}; modularity {result.modularity}; "
        f"match with partnerships {result.match}"
    )
    s.emit(rows, ["community", "size", "best_partnership", "jaccard", "members"], note)


def cmd_brokers(s: Session) -> None:
    rows = [
        {
            "code": b.node,
            "name": b.label,
            "partnerships": len(b.partnerships),
            "bridges": b.partnerships,
            "ties": b.ties,
        }
        for b in analysis.brokers(s.two(), s.data)
    ]
    s.emit(rows, ["code", "name", "partnerships", "bridges", "ties"], "ties of every kind")


def cmd_interlocks(s: Session) -> None:
    two = s.two()
    add_evidence(two, s.data, edges=analysis.interlock_ties(two))
    rows = [
        {
            "first": two.nodes[i.first]["label"],
            "second": two.nodes[i.second]["label"],
            "shared": i.body_label,
            "type": i.body_type,
            "presumed": i.presumed,
            "last_evidenced": i.last_evidenced,
            "sources": i.sources,
        }
        for i in analysis.interlocks(two)
    ]
    s.emit(rows, ["first", "second", "shared", "type", "presumed", "last_evidenced", "sources"])


def cmd_diff(s: Session) -> None:
    first = _day(s.args.first, "first date")
    second = _day(s.args.second, "second date")
    assert first and second
    change = analysis.diff(s.data, s.filters, first, second)
    note = (
        f"from {first} to {second}: {len(change.nodes_added)} organisations added, "
        f"{len(change.nodes_removed)} removed; {len(change.edges_added)} links added, "
        f"{len(change.edges_removed)} removed"
    )
    s.emit(change.rows(), ["change", "what", "a", "b", "names"], note)


def cmd_export(s: Session) -> None:
    if not s.args.output:
        raise NetworkUsageError("export needs --output PATH")
    output = Path(s.args.output)
    fmt = s.args.to or output.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise NetworkUsageError(
            f"cannot tell the format from {output.name!r}; give --to ({', '.join(EXPORT_FORMATS)})"
        )
    graph, two = s.views()
    add_evidence(graph, s.data, two=two)
    for path in export(graph, fmt, output):
        print(f"wrote {path}", file=sys.stderr)


def marked_ties(graph: nx.Graph, two: nx.Graph) -> dict[tuple[str, str], str]:
    """The links of a view that go through a merger proposal, a merger or succession
    of the reference data (``change``) or a contract, by the first of those."""
    kinds = ("merger-proposal", "change", "contract")

    def kind(end: str, body: str) -> str:
        if str(two.edges[end, body]["relationship"]) in CHANGE_RELATIONSHIPS:
            return "change"
        return str(two.nodes[body]["type"])

    marked: dict[tuple[str, str], str] = {}
    for u, v, data in graph.edges(data=True):
        if graph.graph.get("view") == "one-mode":
            found = {kind(u, body) for body in data.get("bodies", [])}
        else:
            body, end = (u, v) if graph.nodes[u]["kind"] == "body" else (v, u)
            found = {kind(end, body)} if two.has_edge(end, body) else set()
        first = [k for k in kinds if k in found]
        if first:
            marked[(u, v)] = first[0]
    return marked


def cmd_draw(s: Session) -> None:
    from nhskg.graph.network.draw import draw  # matplotlib only when drawing

    if not s.args.output:
        raise NetworkUsageError("draw needs --output PATH (PNG and SVG are written)")
    graph, two = s.views()
    notes: list[str] = []
    if not s.args.isolated:
        lone = [node for node in graph if graph.degree(node) == 0]
        if lone:
            graph = graph.subgraph([node for node in graph if node not in set(lone)]).copy()
            some = f"{len(lone)} organisation{'s' if len(lone) != 1 else ''}"
            notes.append(f"{some} with no link left out (--isolated to show)")
    sizes = None
    if s.args.size_by and graph.number_of_nodes():
        result = analysis.centrality(graph, by=s.args.size_by)
        key = s.args.size_by
        sizes = {r["node"]: float(r[key]) for r in result.rows}
    for path in draw(
        graph,
        Path(s.args.output),
        size_by=sizes,
        size_label=(s.args.size_by or "degree").replace("_", " "),
        marked=marked_ties(graph, two),
        note="; ".join(notes),
    ):
        print(f"wrote {path}", file=sys.stderr)


COMMANDS = {
    "ego": cmd_ego,
    "path": cmd_path,
    "centrality": cmd_centrality,
    "communities": cmd_communities,
    "brokers": cmd_brokers,
    "interlocks": cmd_interlocks,
    "diff": cmd_diff,
    "export": cmd_export,
    "draw": cmd_draw,
}


def cmd_network(args: argparse.Namespace, settings: Settings) -> int:
    COMMANDS[args.analysis](Session(args, settings))
    return 0


def _filters() -> argparse.ArgumentParser:
    f = argparse.ArgumentParser(add_help=False)
    g = f.add_argument_group("filters")
    g.add_argument(
        "--as-of",
        help="ties held on this day (YYYY-MM-DD), those presumed after their evidence marked",
    )
    g.add_argument("--from", dest="start", help="ties held at some time from this day")
    g.add_argument("--until", dest="end", help="... up to this day")
    g.add_argument(
        "--evidenced-only",
        action="store_true",
        help="only ties evidenced on the day (or in the range), none presumed after their evidence",
    )
    g.add_argument(
        "--type",
        action="append",
        metavar="KEY",
        help="only organisations of this type key (ccg, nhs-trust, ...); repeatable",
    )
    g.add_argument("--partnership", help="only bodies of this partnership (code, name, alias)")
    g.add_argument("--region", help="only organisations in this NHS England region")
    g.add_argument(
        "--stated-only",
        action="store_true",
        help="only what documents state, not members resolved from reference data",
    )
    g.add_argument(
        "--footprints",
        action="store_true",
        help="add reference footprints: CCG in STP, trust headquarters in STP/ICB",
    )
    g.add_argument(
        "--no-groups",
        action="store_true",
        help="leave out stated groups ('the three NHS trusts') as nodes",
    )
    g.add_argument(
        "--changes",
        action=argparse.BooleanOptionalAction,
        help="mergers, successions and transfers of the reference data as ties "
        "(default: on in a partnership's draw, off elsewhere)",
    )
    g.add_argument(
        "--contracts",
        action=argparse.BooleanOptionalAction,
        help="in a partnership's view, its members' contracts too "
        "(default: on in a partnership's draw, off elsewhere)",
    )
    g.add_argument("--format", "-f", choices=TABLE_FORMATS, default="table")
    g.add_argument(
        "--width",
        type=int,
        metavar="N",
        help=WIDTH_HELP,
    )
    g.add_argument("--output", "-o", help="write to this file instead of standard output")
    return f


def add_network_parser(sub: Any) -> None:
    n = sub.add_parser("network", help="who works with whom: network analyses and exports")
    n.set_defaults(func=cmd_network)
    nets = n.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    common = _filters()

    e = nets.add_parser("ego", parents=[common], help="an organisation's partners to N hops")
    e.add_argument("organisation")
    e.add_argument("--hops", type=int, default=1)

    p = nets.add_parser(
        "path",
        parents=[common],
        help="shortest connection between two organisations or bodies, with evidence",
    )
    p.add_argument("source", help="organisation, partnership or body (code, name, alias)")
    p.add_argument("target", help="organisation, partnership or body (code, name, alias)")
    p.add_argument(
        "--view",
        choices=("two-mode", "one-mode"),
        default="two-mode",
        help="two-mode: through organisations and the bodies they share, a hop per tie "
        "(default); one-mode: organisation to organisation",
    )
    p.add_argument("--all", action="store_true", help="every shortest connection, not one")

    c = nets.add_parser("centrality", parents=[common], help="ranked centrality table")
    c.add_argument("--by", choices=analysis.MEASURES, default="betweenness")
    c.add_argument("--top", type=int, default=20, help="rows to show (0: all)")

    cm = nets.add_parser(
        "communities", parents=[common], help="Louvain communities and the partnerships they match"
    )
    cm.add_argument("--seed", type=int, default=analysis.SEED)
    cm.add_argument("--resolution", type=float, default=1.0)

    nets.add_parser(
        "brokers",
        parents=[common],
        help="organisations tied to more than one partnership, by any kind of tie",
    )
    nets.add_parser(
        "interlocks",
        parents=[common],
        help="pairs sharing a programme office, board, group or workstream",
    )

    d = nets.add_parser("diff", parents=[common], help="what changed between two dates")
    d.add_argument("first")
    d.add_argument("second")

    for name, helptext in (
        ("export", "write the network for Gephi, d3, pandas"),
        ("draw", "write a PNG and an SVG picture"),
    ):
        x = nets.add_parser(name, parents=[common], help=helptext)
        x.add_argument("--view", choices=("one-mode", "two-mode"), default="one-mode")
        x.add_argument("--ego", help="only this organisation's ego network")
        x.add_argument("--hops", type=int, default=1)
        if name == "export":
            x.add_argument(
                "--to",
                choices=EXPORT_FORMATS,
                help="file format (default: from the --output suffix)",
            )
        else:
            x.add_argument(
                "--size-by",
                choices=analysis.MEASURES,
                default="weighted_degree",
                help="node size (default: weighted degree, the number of shared bodies)",
            )
            x.add_argument(
                "--groups",
                action="store_true",
                help="draw stated groups ('the seven acute providers'), left out by default",
            )
            x.add_argument(
                "--isolated",
                action="store_true",
                help="draw organisations with no link, left out by default",
            )
