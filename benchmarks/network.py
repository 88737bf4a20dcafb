"""Benchmark the network analyses on the whole national landscape, or on any build.

Run with `make bench` (or `.venv/bin/python -P benchmarks/network.py`) after a build:
it times every analysis on the one-mode view of all organisations with reference
footprints (all trusts, CCGs, STPs and ICBs, plus the curated partnerships), all
dates, and writes the figures to benchmarks/results/network.json. With `--build-dir`
(and `--data-dir`) it measures that build instead, without exports and drawing unless
`--outputs`, and merges the figures under `--label` into
benchmarks/results/network-scale.json (the scale benchmark's own build: see
benchmarks/scale.py, whose network stage runs `measure` too). Views are built without
evidence, as the command line and the API build them; the path, the interlocks and
"evidence of the whole one-mode view" (what an export of it reads) include reading
their evidence from the store, so those are timed once, before anything is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from nhskg.graph.network import analysis
from nhskg.graph.network.fetch import QUERIES, NetworkData, internal_rows, load_network_data
from nhskg.graph.network.views import NetworkFilters, add_evidence, one_mode, two_mode
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

RESULTS = Path(__file__).parent / "results" / "network.json"
SCALE_RESULTS = Path(__file__).parent / "results" / "network-scale.json"
NO_LIMIT = 10**15  # nodes x links: exact betweenness whatever the size


def timed(name: str, figures: dict[str, float], fn: Callable[[], Any], repeat: int = 3) -> Any:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    figures[name] = round(best, 4)
    print(f"  {name:<58} {best:8.3f} s", file=sys.stderr, flush=True)
    return result


def _interlocks(two: nx.Graph, data: NetworkData) -> list[analysis.Interlock]:
    add_evidence(two, data, edges=analysis.interlock_ties(two))
    return analysis.interlocks(two)


def measure(settings: Settings, *, outputs: bool = True, repeat: int = 3) -> dict[str, Any]:
    """Time each analysis on the graph ``settings`` points at: the network's size and
    the best of ``repeat`` runs in seconds (one run for the slow ones and for those
    that read evidence); with ``outputs``, also the exports and the drawing."""
    service = QueryService(settings)
    figures: dict[str, float] = {}
    data = timed(
        "load network data (6 SPARQL queries; evidence on demand)",
        figures,
        lambda: load_network_data(service.store, settings.queries_dir),
        repeat=1,
    )
    for name in QUERIES:  # again, each on its own: the slowest must stay within the limit
        timed(
            f"  query {name}",
            figures,
            lambda name=name: internal_rows(service.store, settings.queries_dir, name),
            repeat=1,
        )
    filters = NetworkFilters(footprints=True)
    two = timed(
        "two-mode view, all, with footprints",
        figures,
        lambda: two_mode(data, filters, evidence=False),
        repeat,
    )
    one = timed("one-mode projection", figures, lambda: one_mode(two), repeat)
    timed("ego RC1, 2 hops", figures, lambda: analysis.ego(one, "RC1", 2), repeat)
    found = timed(
        "every shortest path 04C to RC1, with its hops' evidence",
        figures,
        lambda: analysis.shortest_connections(
            one,
            "04C",
            "RC1",
            every=True,
            evidence=lambda links: add_evidence(one, data, two=two, edges=links),
        ),
        repeat=1,
    )
    chosen = timed(
        "centrality (betweenness as chosen)", figures, lambda: analysis.centrality(one), 1
    )
    timed(
        "centrality (exact betweenness)",
        figures,
        lambda: analysis.centrality(one, work=NO_LIMIT),
        repeat=1,
    )
    timed("communities (Louvain, seed 42)", figures, lambda: analysis.communities(one, two), repeat)
    timed("brokers (every kind of tie)", figures, lambda: analysis.brokers(two, data), repeat)
    timed("interlocks, with their ties' sources", figures, lambda: _interlocks(two, data), 1)
    timed(
        "diff 2019-04-01 to 2021-04-01",
        figures,
        lambda: analysis.diff(data, filters, date(2019, 4, 1), date(2021, 4, 1)),
        repeat=1,
    )
    batches = data.evidence.queries
    timed(
        "evidence of the whole one-mode view",
        figures,
        lambda: add_evidence(one, data, two=two),
        repeat=1,
    )
    if outputs:
        from nhskg.graph.network.draw import draw  # matplotlib only when drawing
        from nhskg.graph.network.export import export

        with tempfile.TemporaryDirectory() as folder:
            for fmt in ("graphml", "gexf", "json", "csv"):
                timed(
                    f"export {fmt}",
                    figures,
                    lambda fmt=fmt: export(one, fmt, Path(folder) / f"net.{fmt}"),
                    repeat=1,
                )
            timed("draw PNG + SVG", figures, lambda: draw(one, Path(folder) / "net"), repeat=1)
    close = getattr(service.store, "close", None)
    if close is not None:  # stop the query workers
        close()
    return {
        "network": {
            "organisations": one.number_of_nodes(),
            "links": one.number_of_edges(),
            "bodies": sum(1 for _, a in two.nodes(data=True) if a["kind"] == "body"),
            "ties": two.number_of_edges(),
            "statements": len({t.statement for t in data.ties}),
            "evidence_items": sum(len(e["evidence"]) for _, _, e in one.edges(data=True)),
        },
        "path": found.describe(),
        "betweenness": chosen.note,
        "evidence_batches": {
            "path_and_interlocks": batches,
            "whole_view": data.evidence.queries - batches,
        },
        "seconds": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, help="a build other than build/")
    parser.add_argument("--data-dir", type=Path, help="its data folder")
    parser.add_argument("--label", help="name of the graph in network-scale.json")
    parser.add_argument("--query-timeout", type=float, default=60.0, help="seconds a query")
    parser.add_argument("--outputs", action="store_true", help="exports and drawing too")
    args = parser.parse_args()
    scaled = args.build_dir is not None
    settings = (
        Settings(
            build_dir=args.build_dir,
            data_dir=args.data_dir,
            query_timeout_s=args.query_timeout,
            store_url=None,
        )
        if scaled
        else Settings()
    )
    load = [round(x, 2) for x in os.getloadavg()]
    measured = measure(settings, outputs=args.outputs or not scaled)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "measured": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, networkx {nx.__version__}",
        "load_average_before": load,
        "query_timeout_s": settings.query_timeout_s,
        **measured,
        "peak_memory_mb": round(peak_mb, 1),
        "query_workers_peak_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }
    if scaled:
        earlier = json.loads(SCALE_RESULTS.read_text()) if SCALE_RESULTS.exists() else {}
        earlier[args.label or str(args.build_dir)] = report
        target, text = SCALE_RESULTS, json.dumps(earlier, indent=2)
    else:
        target, text = RESULTS, json.dumps(report, indent=2)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    print(json.dumps(report["network"]), f"peak {peak_mb:.0f} MB; wrote {target}")


if __name__ == "__main__":
    main()
