"""The HTTP API at one graph size, against `oxigraph serve-read-only` on the same store.

With CLIENTS concurrent keep-alive clients (the load generator of loadgen.py):
organisation lookups `GET /api/organisations/{code}` over the codes given, first one
request per code (cold: the API caches nothing yet) and then warm; and a fixed set of
SPARQL SELECT queries sent to the API's `/sparql` and to Oxigraph's `/query`, the
same texts, with as many requests as fit in about SPARQL_BUDGET_S (the same number to
both), after one warm-up request per query. The API keeps GET answers by URL, so each
measured request carries a numbered comment that makes its URL new (`sparql`, compared
with `oxigraph_serve`); `sparql_cached` repeats the plain URLs, answered from memory.
Failed requests are counted, not fatal.
"""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import each_once, free_port, load, serving, venv_command

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
    env: Mapping[str, str], served_port: int, codes: Sequence[str], sparql: Sequence[str]
) -> dict[str, Any]:
    """Start `nhskg serve` with ``env`` and measure it; ``served_port`` is an
    `oxigraph serve-read-only` already running on the same store."""
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
    return out
