"""graph/ is laid out by pipeline stage, and imports run downhill between the stages.

Each folder under graph/ is one stage; the modules directly under graph/ are shared
(settings, namespaces, dates, errors, ...) or the entry points (the command line, the
notebook functions). A module may import anything in its own stage and the stages
ALLOWED lists for it, nothing else: querying never imports building or validation,
the shared modules import no stage, and nothing under graph/ imports api/ but the
command line's ``serve``, which starts the API.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The modules directly under graph/ that every stage may use. Each imports only others
# of these (dates uses namespaces, mint and emit use both, settings uses allocator).
SHARED = {
    "allocator",  # the query workers' memory allocator
    "concepts",  # the ontology's concept schemes
    "dates",
    "emit",  # quads into named graphs with the evidence pattern (curated, reference, dump)
    "errors",
    "loopback",  # test and benchmark servers on loopback addresses
    "mint",  # IRIs
    "namespaces",
    "publish",  # the published build folder: written by building, leased by query and api
    "settings",
}
# The modules directly under graph/ that start things: they may import every stage.
ENTRY = {"__init__", "cli", "docs_pages", "notebook"}  # docs_pages: python -m, writes docs/

# Which layers each layer may import, besides itself. Downhill only:
#   entry (cli, notebook) -> building -> validation -> query -> shared
#   building -> curated -> reference -> shared;  synth -> curated, reference
#   network -> query;  api -> network, query
ALLOWED: dict[str, set[str]] = {
    "shared": set(),
    "reference": {"shared"},
    "curated": {"reference", "shared"},
    "synth": {"curated", "reference", "shared"},
    "query": {"shared"},
    "network": {"query", "shared"},
    "validation": {"query", "shared"},
    "building": {"validation", "query", "ingest", "curated", "reference", "shared"},
    "entry": {"building", "validation", "query", "network", "synth", "ingest", "curated"}
    | {"reference"}
    | {"shared"},
    "ingest": {"curated", "reference", "shared"},
    "api": {"network", "query", "shared"},
}
# The one import of api/ from graph/: `nhskg serve` builds the API app and runs it.
API_FROM_GRAPH = {"graph/cli.py"}


def layer_of_module(parts: list[str]) -> str | None:
    """The layer of a module named by its path under nhskg (["graph", "query", "store"])."""
    if not parts:
        return None
    if parts[0] == "api":
        return "api"
    if parts[0] != "graph":
        return None
    if len(parts) == 1:
        return "entry"  # the package itself: nhskg.graph's __init__
    name = parts[1]
    if name in SHARED:
        return "shared"
    if name in ENTRY:
        return "entry"
    return name  # a stage: building, validation, query, network, curated, ...


def imported_modules(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """Every nhskg name a file imports (at the top or inside a function), as a path."""
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nhskg."):
                    found.append((node.lineno, alias.name.split(".")[1:]))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not node.module.startswith("nhskg."):
                continue
            # from nhskg.graph import mint: the module is nhskg.graph.mint
            parts = node.module.split(".")[1:]
            found.extend((node.lineno, [*parts, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"line {node.lineno}: a relative import; name nhskg.* instead")
    return found


def uphill_imports(root: Path) -> list[str]:
    """`file:line imports module (layer -> layer)` for each import against ALLOWED."""
    wrong: list[str] = []
    for folder in ("graph", "api"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            own = layer_of_module(list(relative.with_suffix("").parts))
            assert own in ALLOWED, f"{relative}: say in ALLOWED what layer {own} may import"
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
            for line, parts in imported_modules(tree):
                other = layer_of_module(parts)
                if other is None or other == own:
                    continue
                if other == "api" and relative.as_posix() in API_FROM_GRAPH:
                    continue
                if other not in ALLOWED[own]:
                    module = "nhskg." + ".".join(parts)
                    wrong.append(f"{relative}:{line} imports {module} ({own} -> {other})")
    return wrong


def test_every_module_under_graph_belongs_to_a_layer() -> None:
    stages = {p.name for p in (ROOT / "graph").iterdir() if (p / "__init__.py").is_file()}
    assert stages <= set(ALLOWED), stages - set(ALLOWED)
    top = {p.stem for p in (ROOT / "graph").glob("*.py")}
    assert top == SHARED | ENTRY, (
        f"say whether these are shared or entry points: {top ^ (SHARED | ENTRY)}"
    )


def test_imports_run_downhill_between_stages() -> None:
    wrong = uphill_imports(ROOT)
    assert not wrong, "imports against the stages' direction:\n" + "\n".join(wrong)


def test_an_uphill_import_is_caught(tmp_path: Path) -> None:
    for folder in ("graph/query", "graph/building", "api"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "graph" / "building" / "build.py").write_text(
        "from nhskg.graph.query.store import GraphStore\n"  # downhill: fine
    )
    (tmp_path / "graph" / "query" / "store.py").write_text(
        "def f():\n    from nhskg.graph.building import build\n"  # uphill, inside a function
    )
    (tmp_path / "graph" / "settings.py").write_text("import nhskg.api.app\n")  # graph -> api
    assert uphill_imports(tmp_path) == [
        "graph/query/store.py:2 imports nhskg.graph.building.build (query -> building)",
        "graph/settings.py:1 imports nhskg.api.app (shared -> api)",
    ]


def test_benchmark_scripts_import_each_other_without_a_circle() -> None:
    folder = ROOT / "benchmarks"
    scripts = {p.stem for p in folder.glob("*.py")}
    imports: dict[str, set[str]] = {}
    for name in scripts:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        used = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        used |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imports[name] = used & scripts - {name}

    def circle_from(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        for other in sorted(imports[name]):
            found = circle_from(other, [*path, name])
            if found:
                return found
        return None

    for name in sorted(scripts):
        circle = circle_from(name, [])
        assert circle is None, "benchmarks import in a circle: " + " -> ".join(circle or [])
