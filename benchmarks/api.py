"""Benchmark the HTTP API on loopback against the in-process floor and Oxigraph's server.

Run with `make bench` (after a build). Starts `nhskg serve` and `oxigraph
serve-read-only` on the published store, then for each workload sends a bounded
number of requests from 1 and from 16 concurrent keep-alive clients (an asyncio
HTTP/1.1 load generator in loadgen.py) and records requests per second and p50/p99
latency. Workloads:

- lookup: `GET /api/organisations/{code}` over 60 organisations;
- partners: `GET /api/queries/partners?organisation={code}` over the same codes;
- floor: the partners query run in this process on pyoxigraph (no HTTP);
- anchor: the same partners SPARQL sent to `oxigraph serve-read-only` over HTTP.

Each HTTP workload runs once to warm up (the graph is immutable, so the API caches
answers per build) and is then measured. Writes benchmarks/results/api.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph

from nhskg.graph.publish import current
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.named_queries import bind, load_query_file
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import (
    free_port,
    load,
    oxigraph_read_only,
    oxigraph_ready,
    serving,
    summary,
    venv_command,
)

RESULTS = Path(__file__).parent / "results" / "api.json"
REQUESTS_PER_CLIENT = {1: 400, 16: 250}
# The partners query itself takes a few hundred milliseconds in Oxigraph: where every
# request runs it (the floor, the anchor), fewer requests give the same percentiles.
SLOW_REQUESTS_PER_CLIENT = {1: 60, 16: 8}
CODES_WANTED = 60


def measure_http(
    port: int, paths: list[str], name: str, plan: dict[int, int] = REQUESTS_PER_CLIENT
) -> dict[str, Any]:
    """A first pass over every path (cold: nothing cached yet), then the measured runs."""
    out = {"cold_1_client": load(port, paths, 1, len(paths))}
    print(f"{name}, cold: {out['cold_1_client']}", file=sys.stderr)
    for clients, each in plan.items():
        out[f"{clients}_clients"] = load(port, paths, clients, each)
        print(f"{name}, {clients} clients: {out[f'{clients}_clients']}", file=sys.stderr)
    return out


def measure_floor(store_path: Path, queries: list[str]) -> dict[str, Any]:
    store = OxigraphStore.open_read_only(store_path)
    latencies = []
    started = time.perf_counter()
    for i in range(SLOW_REQUESTS_PER_CLIENT[1]):
        t = time.perf_counter()
        store.query(queries[i % len(queries)])
        latencies.append(time.perf_counter() - t)
    return {"1_clients": summary(latencies, time.perf_counter() - started)}


def main() -> None:
    settings = Settings()
    store_path = current(settings.build).store
    index = OrganisationIndex.build(OxigraphStore.open_read_only(store_path), settings.queries_dir)
    codes = sorted(c for c in set(index.code_of.values()) if len(c) == 3 and c[0] in "R0Q")
    codes = codes[:: max(1, len(codes) // CODES_WANTED)][:CODES_WANTED]
    partners = load_query_file(settings.queries_dir / "partners.rq")
    sparql = [bind(partners, {"organisation": c}, index.resolve) for c in codes]

    api_port, anchor_port = free_port(), free_port()
    api = [venv_command("nhskg"), "serve", "--port", str(api_port)]
    anchor = oxigraph_read_only(store_path, anchor_port)
    env = os.environ | {"NHSKG_QUERY_WORKERS": "2"}
    report: dict[str, Any] = {}
    with (
        serving(api, f"http://127.0.0.1:{api_port}/api", env=env),
        serving(anchor, oxigraph_ready(anchor_port)),
    ):
        report["lookup"] = measure_http(
            api_port, [f"/api/organisations/{c}" for c in codes], "lookup"
        )
        report["partners"] = measure_http(
            api_port, [f"/api/queries/partners?organisation={c}" for c in codes], "partners"
        )
        report["floor_partners_in_process"] = measure_floor(store_path, sparql)
        print(f"floor: {report['floor_partners_in_process']}", file=sys.stderr)
        report["anchor_partners_oxigraph_server"] = measure_http(
            anchor_port,
            [f"/query?query={urllib.parse.quote(q)}" for q in sparql],
            "anchor",
            SLOW_REQUESTS_PER_CLIENT,
        )
    result = {
        "measured": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, CPython "
        f"{platform.python_version()}, pyoxigraph {pyoxigraph.__version__}",
        "organisations": len(codes),
        "results": report,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
