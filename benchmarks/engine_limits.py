"""Where pyoxigraph's query engine crashes on a query's shape: the guard's limits' basis.

Run on demand: ``.venv/bin/python -P benchmarks/engine_limits.py`` (a few minutes).
For each shape (a long ``||`` chain, many UNION branches, many BIND or MINUS in one
group, long paths, many triple patterns, ...), queries of growing size run on an empty
in-memory store, each in a fresh process and in a thread, as the query workers run
them. A process that dies of a signal (a stack overflow is SIGSEGV) is a crash; one
that runs past ``--seconds`` is recorded as slow and the shape's growth stops there.
The first crashing size of each shape, beside the guard's limit for it
(:mod:`nhskg.graph.query.sparql_guard`), goes to ``benchmarks/results/engine-limits.json``
with the machine, date and pyoxigraph version.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nhskg.graph.query import sparql_guard

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import provenance

RESULTS = Path(__file__).parent / "results" / "engine-limits.json"
SIZES = (100, 300, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000)
SIZES_LONG = (*SIZES, 15000, 20000)

SHAPES: dict[str, tuple[Callable[[int], str], str, int, tuple[int, ...]]] = {
    # name: (query of size n, the parser's measure that counts n, the guard's limit, sizes)
    "or-chain": (
        lambda n: "SELECT * { BIND(1 AS ?a) FILTER(" + " || ".join(["?a"] * n) + ") }",
        "longest_chain",
        sparql_guard.MAX_CHAIN,
        SIZES,
    ),
    "union-branches": (
        lambda n: "SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(n)) + " }",
        "longest_chain",
        sparql_guard.MAX_CHAIN,
        SIZES,
    ),
    "path-alternatives": (
        lambda n: "SELECT * { ?s " + "|".join(["<urn:p>"] * n) + " ?o }",
        "longest_chain",
        sparql_guard.MAX_CHAIN,
        SIZES_LONG,
    ),
    "in-list": (
        lambda n: "SELECT * { BIND(1 AS ?a) FILTER(?a IN (" + ",".join(["1"] * n) + ")) }",
        "longest_chain",
        sparql_guard.MAX_CHAIN,
        SIZES_LONG,
    ),
    "binds-in-a-group": (
        lambda n: "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }",
        "largest_group",
        sparql_guard.MAX_GROUP,
        SIZES,
    ),
    "minus-in-a-group": (
        lambda n: (
            "SELECT * { ?s ?p ?o "
            + " ".join(f"MINUS {{ ?s <urn:p{i}> ?o }}" for i in range(n))
            + " }"
        ),
        "largest_group",
        sparql_guard.MAX_GROUP,
        SIZES,
    ),
    "filters-in-a-group": (
        lambda n: "SELECT * { ?s ?p ?o " + " ".join(f"FILTER(?o != {i})" for i in range(n)) + " }",
        "largest_group",
        sparql_guard.MAX_GROUP,
        SIZES,
    ),
    "triple-patterns": (
        lambda n: "SELECT * { " + " ".join(f"?s <urn:p{i}> ?o{i} ." for i in range(n)) + " }",
        "triple_patterns",
        sparql_guard.MAX_TRIPLE_PATTERNS,
        SIZES,
    ),
}

_CHILD = """
import sys, threading
from pyoxigraph import Store
query = sys.stdin.read()
def run():
    result = Store().query(query)
    if not isinstance(result, bool):
        list(result)
thread = threading.Thread(target=run)
thread.start()
thread.join()
"""


def probe(query: str, seconds: float) -> str:
    """'ok', 'crash (signal N)', 'error' or 'slow' for one query in a fresh process."""
    try:
        run = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=query,
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        return "slow"
    if run.returncode < 0:
        return f"crash (signal {-run.returncode})"
    return "ok" if run.returncode == 0 else "error"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="a probe's time limit")
    parser.add_argument("--only", choices=sorted(SHAPES), action="append")
    args = parser.parse_args()
    shapes: dict[str, object] = {}
    for name in args.only or SHAPES:
        make, measure, limit, sizes = SHAPES[name]
        runs: dict[str, str] = {}
        first_crash = None
        for n in sizes:
            started = time.monotonic()
            verdict = probe(make(n), args.seconds)
            runs[str(n)] = f"{verdict} ({time.monotonic() - started:.1f} s)"
            print(f"{name} {n}: {runs[str(n)]}", file=sys.stderr, flush=True)
            if verdict.startswith("crash"):
                first_crash = n
                break
            if verdict == "slow":
                break
        shapes[name] = {
            "measure": measure,
            "guard_limit": limit,
            "first_crash": first_crash,
            "margin": round(first_crash / limit, 1) if first_crash else None,
            "runs": runs,
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {**provenance(), "shapes": shapes},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
