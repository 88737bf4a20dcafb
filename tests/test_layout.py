"""The repository keeps the design card's layout and the two-command set-up."""

from __future__ import annotations

import importlib
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_holds_the_design_card_layout() -> None:
    for name in ("pyproject.toml", "README.md", "Makefile"):
        assert (ROOT / name).is_file(), name
    for folder in ("ontology", "graph", "shapes", "queries", "api", "tests", "data"):
        assert (ROOT / folder).is_dir(), folder


def test_code_imports_under_the_nhskg_package_only() -> None:
    assert importlib.import_module("nhskg.graph.cli")
    assert importlib.import_module("nhskg.api")
    for bare in ("graph", "api"):
        # Another folder on sys.path may hold a module of that name (benchmarks/api.py,
        # once the benchmark tests have imported their helpers): what must not resolve
        # is the project's own code folder.
        spec = importlib.util.find_spec(bare)
        origin = Path(spec.origin).resolve() if spec and spec.origin else None
        assert origin is None or (ROOT / bare) not in origin.parents, origin


def test_console_script_nhskg_is_installed() -> None:
    script = shutil.which("nhskg", path=str(ROOT / ".venv" / "bin")) or shutil.which("nhskg")
    assert script, "the nhskg console script is not installed"
    run = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    for command in ("build", "validate", "query", "sparql", "stats"):
        assert command in run.stdout


def test_readme_setup_is_exactly_make_run_and_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", setup, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in script


def test_makefile_has_setup_run_and_test_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("setup:", "run:", "test:"):
        assert re.search(rf"^{target}", makefile, re.M), target


def test_python_is_3_11_or_newer() -> None:
    assert sys.version_info >= (3, 11)
