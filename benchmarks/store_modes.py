"""The published store read-only on disk against the same dump in Oxigraph's memory.

    python benchmarks/store_modes.py [--build-dir DIR] [--data-dir DIR] [--out FILE]

The product's query workers open the published RocksDB store read-only. Oxigraph also
keeps a store in memory; this measures what that would buy and cost on one build: how
long loading the dump (``graph.nq``) into memory takes, the process's peak resident
memory after it, and each named query's planned text (what the product runs) with the
middle of its parameter samples as the scale benchmark draws them (near what its p50
sees), best of three runs on each store. Both run in this process, where nothing stops
a query: a run over 5 s is not repeated. Prints a table and writes JSON (default
benchmarks/results/store-modes.json).
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from nhskg.graph.publish import current
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from one_build import as_written, best_of, parser, settings_of, write
from procs import peak_mb
from scale_params import draw_all

RESULTS = Path(__file__).resolve().parent / "results" / "store-modes.json"
ENOUGH_MS = 5000.0


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__, RESULTS).parse_args(argv)
    settings = settings_of(args)
    build = current(settings.build)
    disk = OxigraphStore.open_read_only(build.store)
    drawn = draw_all(QueryService(settings, store=disk), disk)
    before = peak_mb()
    started = time.perf_counter()
    memory = Store()
    memory.bulk_load(path=str(build.dump), format=RdfFormat.N_QUADS)
    out: dict[str, object] = {
        "build": build.path.name,
        "quads": len(memory),
        "memory_load_s": round(time.perf_counter() - started, 2),
        "peak_rss_mb_before_load": before,
        "peak_rss_mb_after_load": peak_mb(),
    }
    print(
        f"loaded {out['quads']:,} quads into memory in {out['memory_load_s']} s; peak RSS "
        f"{before} MB before, {out['peak_rss_mb_after_load']} MB after"
    )
    queries = {}
    for name, found in sorted(drawn.items()):
        if not found.samples:
            continue
        sample = found.samples[len(found.samples) // 2]
        text = sample.planned
        on_disk = best_of(partial(disk.query, text, planned=True), enough_ms=ENOUGH_MS)
        in_memory = best_of(partial(as_written, memory, text), enough_ms=ENOUGH_MS)
        queries[name] = {"params": sample.params, "disk_ms": on_disk, "memory_ms": in_memory}
        print(f"{name:<26} disk {on_disk:>10.1f} ms   memory {in_memory:>10.1f} ms")
    out["queries"] = queries
    write(args.out, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
