"""What the benchmarks of one published build share: their options, timing and output.

`plan.py` and `store_modes.py` each take ``--build-dir``/``--data-dir`` (the settings'
defaults when left out) and ``--out``, time queries best of a few runs, and write one
JSON file of results.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from nhskg.graph.query.query_worker import QueryTimeout
from nhskg.graph.settings import Settings


def parser(doc: str, results: Path) -> argparse.ArgumentParser:
    """The options every such benchmark takes; ``doc`` is its module docstring."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--build-dir", type=Path)
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--out", type=Path, default=results)
    return p


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings with the build and data folders given on the command line."""
    given = {k: v for k, v in (("build_dir", args.build_dir), ("data_dir", args.data_dir)) if v}
    return Settings(**given)


def as_written(store: Store, text: str) -> list[object]:
    """Every solution of ``text`` on a bare pyoxigraph store, over the union of graphs."""
    return list(store.query(text, use_default_graph_as_union=True))  # type: ignore[arg-type]


def best_of(
    run: Callable[[], object], runs: int = 3, enough_ms: float | None = None
) -> float | None:
    """Fastest of ``runs`` runs in milliseconds; None when one overran the time limit.
    With ``enough_ms``, a run that takes longer is not repeated."""
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run()
        except QueryTimeout:
            return None
        times.append((time.perf_counter() - started) * 1000)
        if enough_ms is not None and times[-1] > enough_ms:
            break
    return round(min(times), 2)


def write(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
