"""What benchmarks/scale.py and its API stage (scale_api.py) both use: the machine the
figures come from, a child process's environment pointed at one scale, and the API
stage's queries and organisation codes. Both import this; neither imports the other."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph
import rdflib

from nhskg.graph.allocator import describe
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import venv_command
from record import cpu_model

CODES_WANTED = 60
# SPARQL sent to /sparql runs as written (the plan is for the product's own queries), so
# these are lookups that stay quick unplanned.
API_QUERIES = ("organisation", "stp-footprint", "trusts-in-stp", "names", "history")
STORE_VARIABLES = "NHSKG_STORE_"  # a remote store's URLs and credentials


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    total_kb = next((int(x.split()[1]) for x in meminfo if x.startswith("MemTotal:")), 0)
    server = subprocess.run(
        [venv_command("oxigraph"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": os.cpu_count(),
        "ram_gb": round(total_kb / 1024**2, 1),
        "cpu": cpu_model(),
        "arch": platform.machine(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "networkx": nx.__version__,
        "oxigraph_server": server,
        "query_allocator": describe(Settings().query_preload),
    }


def child_env(data: Path, build: Path, **extra: str) -> dict[str, str]:
    """This environment pointed at one scale's data and build (never at a remote store)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(STORE_VARIABLES)}
    return env | {"NHSKG_DATA_DIR": str(data), "NHSKG_BUILD_DIR": str(build)} | extra


def api_codes(service: QueryService) -> list[str]:
    """About CODES_WANTED trust, CCG and STP codes, spread over the sorted list."""
    codes = sorted(c for c in set(service.index.code_of.values()) if len(c) == 3 and c[0] in "R0Q")
    return codes[:: max(1, len(codes) // CODES_WANTED)][:CODES_WANTED]
