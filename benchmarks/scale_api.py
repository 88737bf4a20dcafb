"""The HTTP API at one graph size, against `oxigraph serve-read-only` on the same store.

With CLIENTS concurrent keep-alive clients (the load generator of loadgen.py):
organisation lookups `GET /api/organisations/{code}` over the codes given, first one
request per code (cold: the API caches nothing yet) and then warm; and a fixed set of
SPARQL SELECT queries sent to the API's `/sparql` and to Oxigraph's `/query`, the
same texts, with as many requests as fit in about SPARQL_BUDGET_S (the same number to
both), after one warm-up request per query. The API keeps GET answers by URL, so each
measured request carries a numbered comment that makes its URL new (`sparql`, compared
with `oxigraph_serve`, the server as shipped, and, where the product's query workers
preload a malloc library (jemalloc), with `oxigraph_serve_same_allocator`, a second
server preloading it too); `sparql_cached` repeats the plain URLs, answered from memory.
Failed requests are counted, not fatal.

Run as a script, it is this stage alone on a published build, as benchmarks/scale.py
runs it (`python -P benchmarks/scale_api.py LABEL --data DIR --build DIR [--output
FILE]`): a fresh `oxigraph serve-read-only` on the store, the neighbourhood of RC1 and
scale_common.py's API_QUERIES bound as written with the values of each one's largest sample,
as scale.py draws them (`scale_params.largest_samples`), and the machine's load average
before and after; the figures of LABEL are merged into the output file (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nhskg.graph.allocator import environment
from nhskg.graph.publish import current
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import (
    each_once,
    free_port,
    load,
    oxigraph_read_only,
    oxigraph_ready,
    serving,
    venv_command,
)
from scale_common import API_QUERIES, api_codes, child_env, machine
from scale_params import largest_samples

CLIENTS = 16
LOOKUPS_PER_CLIENT = 250
SPARQL_BUDGET_S = 30.0
SPARQL_MAX_PER_CLIENT = 40
JSON_RESULTS = "application/sparql-results+json"


def _report(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    print(f"    {name:<30} {figures}", file=sys.stderr)
    return figures


def _paths(endpoint: str, texts: Sequence[str]) -> list[str]:
    return [f"{endpoint}?query={urllib.parse.quote(text)}" for text in texts]


def _once(port: int, paths: list[str], clients: int = CLIENTS) -> dict[str, Any]:
    return each_once(port, paths, clients, accept=JSON_RESULTS, strict=False)


def measure_api(
    env: Mapping[str, str],
    served_port: int,
    codes: Sequence[str],
    sparql: Sequence[str],
    *,
    same_allocator_port: int | None = None,
) -> dict[str, Any]:
    """Start `nhskg serve` with ``env`` and measure it; ``served_port`` is an
    `oxigraph serve-read-only` already running on the same store, as shipped (the
    system's malloc), and ``same_allocator_port``, if given, another with the malloc
    library the product's query workers preload."""
    port = free_port()
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    out: dict[str, Any] = {"clients": CLIENTS, "organisations": len(codes)}
    with serving(command, f"http://127.0.0.1:{port}/api", env=env):
        lookups = [f"/api/organisations/{c}" for c in codes]
        out["lookup_cold"] = _report(
            "lookup, cold", each_once(port, lookups, CLIENTS, strict=False)
        )
        out["lookup"] = _report(
            "lookup, warm", load(port, lookups, CLIENTS, LOOKUPS_PER_CLIENT, strict=False)
        )
        first = {
            "api": _once(port, _paths("/sparql", sparql), 1),
            "oxigraph_serve": _once(served_port, _paths("/query", sparql), 1),
        }
        slowest = max(f.get("p50_ms", 1000.0) for f in first.values()) / 1000
        # CLIENTS requests at a time share two cores: about CLIENTS * each * t / 2 seconds.
        each = int(max(1, min(SPARQL_MAX_PER_CLIENT, 2 * SPARQL_BUDGET_S / (CLIENTS * slowest))))
        # The API keeps GET answers by URL: a comment numbering each request makes every
        # URL new, so both servers evaluate every query (the same texts to both).
        unique = [f"{sparql[n % len(sparql)]}\n# request {n}\n" for n in range(CLIENTS * each)]
        out["sparql_queries"] = len(sparql)
        out["sparql_first"] = first
        out["sparql"] = _report("/sparql, every URL new", _once(port, _paths("/sparql", unique)))
        out["oxigraph_serve"] = _report(
            "oxigraph /query, the same", _once(served_port, _paths("/query", unique))
        )
        if same_allocator_port is not None:
            out["oxigraph_serve_same_allocator"] = _report(
                "oxigraph /query, same malloc",
                _once(same_allocator_port, _paths("/query", unique)),
            )
        out["sparql_cached"] = _report(
            "/sparql, repeated URLs",
            load(port, _paths("/sparql", sparql), CLIENTS, each, accept=JSON_RESULTS, strict=False),
        )
    api_p50 = out["sparql"].get("p50_ms")
    served_p50 = out["oxigraph_serve"].get("p50_ms")
    if api_p50 and served_p50:
        out["sparql_ratio_p50"] = round(api_p50 / served_p50, 2)
    api_rps = out["sparql"].get("rps")
    served_rps = out["oxigraph_serve"].get("rps")
    if api_rps and served_rps:  # the p50 also says how the requests queue; this does not
        out["sparql_ratio_rps"] = round(api_rps / served_rps, 2)
    same_p50 = out.get("oxigraph_serve_same_allocator", {}).get("p50_ms")
    if api_p50 and same_p50:
        out["sparql_ratio_p50_same_allocator"] = round(api_p50 / same_p50, 2)
    return out


@contextmanager
def anchors(
    store: Path, allocator: str | None, port: int | None = None, same: int | None = None
) -> Iterator[tuple[int, int | None]]:
    """`oxigraph serve-read-only` on ``store`` as shipped and, when the product's query
    workers preload ``allocator``, a second one preloading it too: their ports (free
    ones unless given)."""
    port = port or free_port()
    with serving(oxigraph_read_only(store, port), oxigraph_ready(port)):
        if allocator is None:
            yield port, None
            return
        same = same or free_port()
        env = environment(allocator)
        with serving(oxigraph_read_only(store, same), oxigraph_ready(same), env=env):
            yield port, same


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("label", help="the scale's name in the output: real, 100, 1000, ...")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--build", type=Path, required=True)
    p.add_argument("--output", type=Path, default=Path(__file__).parent / "results/api-stage.json")
    p.add_argument("--query-timeout", type=float, default=60.0)
    args = p.parse_args(argv)
    settings = Settings(data_dir=args.data, build_dir=args.build)
    store_path = current(settings.build).store
    service = QueryService(settings, store=OxigraphStore.open_read_only(store_path))
    org = service.index.resolve("org", "RC1").value
    sparql = [f"SELECT ?p ?o WHERE {{ <{org}> ?p ?o }} LIMIT 50"]
    largest = largest_samples(service, service.store, API_QUERIES)
    sparql += [largest[n].written for n in API_QUERIES if n in largest]
    env = child_env(
        settings.data,
        settings.build,
        NHSKG_QUERY_WORKERS="2",
        NHSKG_QUERY_TIMEOUT_S=str(args.query_timeout),
    )
    entry: dict[str, Any] = {
        "quads": current(settings.build).read_manifest()["quads"],
        "api_sparql_queries": ["neighbourhood of RC1", *(n for n in API_QUERIES if n in largest)],
        "api_sparql_params": {n: s.params for n, s in largest.items()},
        "load_before": os.getloadavg(),
    }
    with anchors(store_path, settings.query_preload) as (port, same):
        entry["api"] = measure_api(env, port, api_codes(service), sparql, same_allocator_port=same)
    entry["load_after"] = os.getloadavg()
    results = json.loads(args.output.read_text()) if args.output.exists() else {"scales": {}}
    results["machine"] = machine()
    results["scales"][args.label] = entry
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(entry, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
