"""Every named query as written and as the embedded store plans it, on a published build.

    python benchmarks/plan.py [--build-dir DIR] [--data-dir DIR] [--timeout S] [--out FILE]

Each query is given its largest parameter sample as the scale benchmark draws it
(`scale_params.largest_samples`). The planned form (`QueryService.planned_text`: the
plan of :func:`nhskg.graph.query.sparql_text.lateral_groups` with the values bound, what the
product runs) goes through the query worker with ``planned=True`` and stops at the time
limit; the form as written, bound (`QueryService.bound_text`), runs on the store in this
process, where nothing can stop it, so a query of minutes takes minutes: meant for
builds of up to about a million quads. Prints a table and writes JSON (default
benchmarks/results/plan.json).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from pyoxigraph import Store

from nhskg.graph.publish import current
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import QueryService

sys.path.insert(0, str(Path(__file__).resolve().parent))
from one_build import as_written, best_of, parser, settings_of, write
from scale_params import largest_samples

RESULTS = Path(__file__).resolve().parent / "results" / "plan.json"


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__, RESULTS)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per query run")
    args = p.parse_args(argv)
    settings = settings_of(args)
    build = current(settings.build)
    store = TimeLimitedStore(build.store, timeout_s=args.timeout, allocator=settings.query_preload)
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
    write(args.out, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
