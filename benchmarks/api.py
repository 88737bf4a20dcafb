"""Benchmark the HTTP API on loopback against the in-process floor and Oxigraph's server.

Run with `make bench` (after a build). Starts `nhskg serve` and `oxigraph
serve-read-only` on the published store, then for each workload sends a bounded
number of requests from 1 and from 16 concurrent keep-alive clients (an asyncio
HTTP/1.1 load generator in this file) and records requests per second and p50/p99
latency. Workloads:

- lookup: `GET /api/organisations/{code}` over 60 organisations;
- partners: `GET /api/queries/partners?organisation={code}` over the same codes;
- floor: the partners query run in this process on pyoxigraph (no HTTP);
- anchor: the same partners SPARQL sent to `oxigraph serve-read-only` over HTTP.

Each HTTP workload runs once to warm up (the graph is immutable, so the API caches
answers per build) and is then measured. Writes benchmarks/results/api.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph

from nhskg.graph.lookup import OrganisationIndex
from nhskg.graph.named_queries import bind, load_query_file
from nhskg.graph.publish import current
from nhskg.graph.settings import Settings
from nhskg.graph.store import OxigraphStore

RESULTS = Path(__file__).parent / "results" / "api.json"
REQUESTS_PER_CLIENT = {1: 400, 16: 250}
# The partners query itself takes a few hundred milliseconds in Oxigraph: where every
# request runs it (the floor, the anchor), fewer requests give the same percentiles.
SLOW_REQUESTS_PER_CLIENT = {1: 60, 16: 8}
CODES_WANTED = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _one_client(host: str, port: int, paths: list[str], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path in paths:
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode("latin-1"))
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            chunked = False
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(host: str, port: int, paths: list[str], clients: int, each: int) -> dict[str, Any]:
    latencies: list[float] = []
    plans = [[paths[(c * 7 + i) % len(paths)] for i in range(each)] for c in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(_one_client(host, port, plan, latencies) for plan in plans))
    elapsed = time.perf_counter() - started
    return _summary(latencies, elapsed)


def _summary(latencies: list[float], elapsed: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
    }


def measure_http(
    port: int, paths: list[str], name: str, plan: dict[int, int] = REQUESTS_PER_CLIENT
) -> dict[str, Any]:
    """A first pass over every path (cold: nothing cached yet), then the measured runs."""
    out = {"cold_1_client": asyncio.run(_load("127.0.0.1", port, paths, 1, len(paths)))}
    print(f"{name}, cold: {out['cold_1_client']}", file=sys.stderr)
    for clients, each in plan.items():
        out[f"{clients}_clients"] = asyncio.run(_load("127.0.0.1", port, paths, clients, each))
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
    return {"1_clients": _summary(latencies, time.perf_counter() - started)}


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def main() -> None:
    settings = Settings()
    store_path = current(settings.build).store
    index = OrganisationIndex.build(OxigraphStore.open_read_only(store_path), settings.queries_dir)
    codes = sorted(c for c in set(index.code_of.values()) if len(c) == 3 and c[0] in "R0Q")
    codes = codes[:: max(1, len(codes) // CODES_WANTED)][:CODES_WANTED]
    partners = load_query_file(settings.queries_dir / "partners.rq")
    sparql = [bind(partners, {"organisation": c}, index.resolve) for c in codes]

    bin_dir = Path(sys.executable).parent
    api_port, anchor_port = free_port(), free_port()
    env = os.environ | {"NHSKG_QUERY_WORKERS": "2"}
    api = subprocess.Popen(
        [str(bin_dir / "nhskg"), "serve", "--port", str(api_port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    oxigraph = shutil.which("oxigraph", path=str(bin_dir)) or "oxigraph"
    anchor = subprocess.Popen(
        [
            oxigraph,
            "serve-read-only",
            "--location",
            str(store_path),
            "--bind",
            f"127.0.0.1:{anchor_port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    report: dict[str, Any] = {}
    try:
        wait_for(f"http://127.0.0.1:{api_port}/api", api)
        wait_for(f"http://127.0.0.1:{anchor_port}/query?query=ASK%7B%7D", anchor)
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
    finally:
        for process in (api, anchor):
            process.terminate()
            process.wait(timeout=10)
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
