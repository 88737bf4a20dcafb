"""The README documents every command, setting and named query (Datasette's habit)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from nhskg.graph.cli import parser
from nhskg.graph.named_queries import load_query_files
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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
