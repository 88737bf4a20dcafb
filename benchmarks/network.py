"""Benchmark the network analyses on the whole national landscape.

Run with `make bench` (or `.venv/bin/python benchmarks/network.py`) after a build.
Times every analysis on the one-mode view of all organisations with reference
footprints (all trusts, CCGs, STPs and ICBs, plus the curated partnerships), all
dates, and writes the figures to benchmarks/results/network.json. `measure` does
the timing for any settings (benchmarks/scale.py runs it on each graph size).
"""

from __future__ import annotations

import json
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
from nhskg.graph.network.draw import draw
from nhskg.graph.network.export import export
from nhskg.graph.network.fetch import load_network_data
from nhskg.graph.network.views import NetworkFilters, one_mode, two_mode
from nhskg.graph.service import QueryService
from nhskg.graph.settings import Settings

RESULTS = Path(__file__).parent / "results" / "network.json"


def timed(name: str, figures: dict[str, float], fn: Callable[[], Any], repeat: int = 3) -> Any:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    figures[name] = round(best, 4)
    print(f"  {name:<40} {best:8.3f} s", file=sys.stderr)
    return result


def measure(settings: Settings, *, outputs: bool = True, repeat: int = 3) -> dict[str, Any]:
    """Time each analysis on the graph ``settings`` points at: the network's size and
    the best of ``repeat`` runs in seconds (one run for the slow ones); with
    ``outputs``, also the exports and the drawing."""
    service = QueryService(settings)
    figures: dict[str, float] = {}
    data = timed(
        "load network data (6 SPARQL queries)",
        figures,
        lambda: load_network_data(service.store, settings.queries_dir),
        repeat=1,
    )
    close = getattr(service.store, "close", None)
    if close is not None:  # the query workers: everything else works on `data`
        close()
    filters = NetworkFilters(footprints=True)
    two = timed(
        "two-mode view, all, with footprints", figures, lambda: two_mode(data, filters), repeat
    )
    one = timed("one-mode projection", figures, lambda: one_mode(two), repeat)
    timed("ego RC1, 2 hops", figures, lambda: analysis.ego(one, "RC1", 2), repeat)
    timed(
        "every shortest path 04C to RC1",
        figures,
        lambda: analysis.shortest_connections(one, "04C", "RC1", every=True),
        repeat,
    )
    timed("centrality (exact betweenness)", figures, lambda: analysis.centrality(one), repeat=1)
    saved = analysis.EXACT_BETWEENNESS_NODES
    analysis.EXACT_BETWEENNESS_NODES = 0
    try:
        timed(
            f"centrality (betweenness, {analysis.BETWEENNESS_SAMPLE} samples)",
            figures,
            lambda: analysis.centrality(one),
            repeat=1,
        )
    finally:
        analysis.EXACT_BETWEENNESS_NODES = saved
    timed("communities (Louvain, seed 42)", figures, lambda: analysis.communities(one, two), repeat)
    timed("brokers", figures, lambda: analysis.brokers(two), repeat)
    timed("interlocks", figures, lambda: analysis.interlocks(two), repeat)
    timed(
        "diff 2019-04-01 to 2021-04-01",
        figures,
        lambda: analysis.diff(data, filters, date(2019, 4, 1), date(2021, 4, 1)),
        repeat=1,
    )
    if outputs:
        with tempfile.TemporaryDirectory() as folder:
            for fmt in ("graphml", "gexf", "json", "csv"):
                timed(
                    f"export {fmt}",
                    figures,
                    lambda fmt=fmt: export(one, fmt, Path(folder) / f"net.{fmt}"),
                    repeat=1,
                )
            timed("draw PNG + SVG", figures, lambda: draw(one, Path(folder) / "net"), repeat=1)
    return {
        "network": {
            "organisations": one.number_of_nodes(),
            "links": one.number_of_edges(),
            "bodies": sum(1 for _, a in two.nodes(data=True) if a["kind"] == "body"),
            "ties": two.number_of_edges(),
        },
        "seconds": figures,
    }


def main() -> None:
    measured = measure(Settings())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "measured": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, networkx {nx.__version__}",
        **measured,
        "peak_memory_mb": round(peak_mb, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["network"]), f"peak {peak_mb:.0f} MB; wrote {RESULTS}")


if __name__ == "__main__":
    main()
