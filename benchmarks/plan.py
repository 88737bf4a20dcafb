"""Every named query as written and as the embedded store plans it, on a published build.

    python benchmarks/plan.py [--build-dir DIR] [--data-dir DIR] [--timeout S] [--out FILE]

Each query is given its largest parameter sample as the scale benchmark draws it
(`scale_params.largest_samples`). The planned form (`QueryService.planned_text`: the
plan of :func:`nhskg.graph.sparql_text.lateral_groups` with the values bound, what the
product runs) goes through the query worker with ``planned=True`` and stops at the time
limit; the form as written, bound (`QueryService.bound_text`), runs on the store in this
process, where nothing can stop it, so a query of minutes takes minutes: meant for
builds of up to about a million quads. Prints a table and writes JSON (default
benchmarks/results/plan.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pyoxigraph import Store

from nhskg.graph.publish import current
from nhskg.graph.query_worker import QueryTimeout, TimeLimitedStore
from nhskg.graph.service import QueryService
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_params import largest_samples

RESULTS = Path(__file__).resolve().parent / "results" / "plan.json"


def as_written(store: Store, text: str) -> list[object]:
    return list(store.query(text, use_default_graph_as_union=True))  # type: ignore[arg-type]


def best_of(run: Callable[[], object], runs: int = 3) -> float | None:
    """Fastest of ``runs`` runs in milliseconds; None when one overran the time limit."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run()
        except QueryTimeout:
            return None
        times.append((time.perf_counter() - started) * 1000)
    return round(min(times), 2)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir", type=Path)
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per query run")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    given = {k: v for k, v in (("build_dir", args.build_dir), ("data_dir", args.data_dir)) if v}
    settings = Settings(**given)
    build = current(settings.build)
    store = TimeLimitedStore(build.store, timeout_s=args.timeout)
    raw = Store.read_only(str(build.store))
    try:
        service = QueryService(settings, store=store)
        samples = largest_samples(service, store)
        out = {"build": build.path.name, "quads": len(store), "timeout_s": args.timeout}
        queries = {}
        for name, sample in samples.items():
            written = best_of(partial(as_written, raw, sample.written))
            planned = best_of(partial(store.query, sample.planned, planned=True))
            queries[name] = {
                "params": sample.params,
                "as_written_ms": written,
                "planned_ms": planned,
            }
            print(
                f"{name:<26} as written {written if written is not None else 'over limit':>12}"
                f"   planned {planned if planned is not None else 'over limit':>12}"
            )
        out["queries"] = queries
    finally:
        store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
