"""What every benchmark result states beside its figures: the machine, the date, the
command that made it and the commit it measured (marked ``+changes`` when the work tree
differed from that commit, so a figure is never credited to code it did not run)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    run = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    return run.stdout.strip()


def cpu_model() -> str:
    """The processor's model name, as Linux gives it (else what platform says)."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    model = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "")
    return model or platform.processor()


def provenance() -> dict[str, Any]:
    """The machine, date, command and commit of a benchmark run made now."""
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += "+changes"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "command": " ".join(["python", "-P", *sys.argv]),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
    }
