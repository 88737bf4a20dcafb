"""The README and docs/ document every command, setting and named query (Datasette's
habit), and the generated pages (settings, named queries) say what the code says now."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from nhskg.graph.cli import parser
from nhskg.graph.docs_pages import pages
from nhskg.graph.query.named_queries import load_query_files
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README = "\n".join(page.read_text(encoding="utf-8") for page in DOCS)


def commands() -> list[str]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize("command", commands())
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"nhskg {command}" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"NHSKG_{name.upper()}" in README


@pytest.mark.parametrize("name", [q.name for q in load_query_files(ROOT / "queries")])
def test_every_named_query_is_documented(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.parametrize("path", sorted(pages(ROOT)), ids=lambda p: p.name)
def test_generated_pages_say_what_the_code_says(path: Path) -> None:
    expected = pages(ROOT)[path]
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is out of date: run python -m nhskg.graph.docs_pages"
    )


def test_readme_is_a_short_tour_that_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 12 * 1024
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in readme, page.name


def test_links_between_docs_pages_resolve() -> None:
    import re

    for page in DOCS:
        for target in re.findall(
            r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")
        ):
            assert (page.parent / target).resolve().is_file(), f"{page.name} links {target}"


def test_the_readme_counts_the_named_queries_there_are() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"lists the (\d+) named queries", readme)
    assert said, "the README's tour says how many named queries there are"
    assert int(said.group(1)) == len(load_query_files(ROOT / "queries"))
