"""Benchmark `nhskg ingest` (on demand, not in CI): how long a document of 10,000
characters takes after start-up, and what `nhskg ingest evaluate` measures and costs.

Run from the repository root:

    .venv/bin/python -P benchmarks/ingest.py

Start-up (imports, the gazetteer, the mention finder's pipeline) is paid once by a first
ingest of a short document; then a document of 10,000 characters (the first paragraphs
of a curated document, cut at a paragraph end) is ingested from end to end into a copy
of data/ (read, stored, pipeline, candidates file written), five times, and the best and
the median are kept. The target of issue 25 is under 2 s. Then `nhskg ingest evaluate
--format json` runs as a command, timed as a whole, and its figures are kept beside the
targets (mention F1 >= 0.9, linking accuracy >= 0.95, statement recall >= 0.8 with
precision >= 0.5). Results: benchmarks/results/ingest.json, with the machine, date,
command and commit.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nhskg.graph.ingest.metadata import Given
from nhskg.graph.ingest.pipeline import ingest
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record import provenance

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "ingest.json"
SIZE = 10_000
SOURCE = "003_f7ec335ea921a4a0.txt"  # the longest curated document (13,155 characters)
REPEAT = 5


def document_of(size: int, text: str) -> str:
    """The first paragraphs of ``text``, at least ``size`` characters (to the end of the
    paragraph the size falls in)."""
    cut = text.find("\n\n", size)
    return text[: cut if cut > 0 else len(text)].rstrip() + "\n"


def time_ingest(work: Path) -> dict[str, Any]:
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    settings = Settings(data_dir=data, build_dir=work / "build")
    started = time.perf_counter()
    short = work / "short.txt"
    short.write_text("# Warm-up\n\nNHS Luton CCG met Bedford Hospital NHS Trust.\n", "utf-8")
    ingest(short, settings, Given(date="2018-01"))
    startup = time.perf_counter() - started
    text = document_of(SIZE, (ROOT / "data" / "sources" / SOURCE).read_text(encoding="utf-8"))
    seconds = []
    for n in range(REPEAT):
        paper = work / f"paper-{n}.txt"
        # each run a new document (a line of its own), so each is stored and described
        paper.write_text(f"# Paper {n}\n\n{text}", encoding="utf-8")
        t = time.perf_counter()
        done = ingest(paper, settings, Given(date="2018-01"))
        seconds.append(time.perf_counter() - t)
        print(f"  ingest of {len(text):,} characters: {seconds[-1]:.3f} s", file=sys.stderr)
    return {
        "document": f"the first {len(text):,} characters of data/sources/{SOURCE}",
        "characters": len(text),
        "startup_seconds": round(startup, 3),
        "best_seconds": round(min(seconds), 3),
        "median_seconds": round(statistics.median(seconds), 3),
        "runs": [round(s, 3) for s in seconds],
        "mentions": done.mentions,
        "candidates": done.written,
        "target_seconds": 2.0,
        "meets_target": min(seconds) < 2.0,
    }


def time_evaluate() -> dict[str, Any]:
    command = [str(ROOT / ".venv" / "bin" / "nhskg"), "ingest", "evaluate", "--format", "json"]
    started = time.perf_counter()
    run = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=ROOT, env=dict(os.environ)
    )
    wall = time.perf_counter() - started
    report = json.loads(run.stdout)
    return {
        "command": "nhskg ingest evaluate --format json",
        "wall_seconds": round(wall, 2),
        "overall": _numbers(report["overall"]),
        "documents": [_numbers(d) for d in report["documents"]],
        "targets": report["targets"],
    }


def _numbers(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures and counts, without the lists of missed and wrong mentions."""
    return {
        k: _numbers(v) if isinstance(v, dict) else v
        for k, v in figures.items()
        if not isinstance(v, list)
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nhskg-ingest-bench-") as folder:
        ingest_figures = time_ingest(Path(folder))
    evaluate_figures = time_evaluate()
    result = {
        **provenance(),
        "ingest_10k": ingest_figures,
        "evaluate": evaluate_figures,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    overall = {k: v for k, v in evaluate_figures["overall"].items() if not k.endswith("counts")}
    print(json.dumps({"ingest_10k": ingest_figures, "evaluate": overall}, indent=2))


if __name__ == "__main__":
    main()
