"""`nhskg network ... --changes --contracts`, in-process on the national build: a
partnership's view takes its members' mergers, successions and contracts when asked."""

from __future__ import annotations

import csv
import io

import pytest

from nhskg.graph.cli import main
from nhskg.graph.settings import Settings


def _ego(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, dict[str, str]]:
    code = main(["network", "ego", "RC1", "--partnership", "QHG", "--format", "csv", *extra])
    assert code == 0
    return {row["code"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def test_network_takes_mergers_and_members_contracts_only_when_asked(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _ego(capsys)
    assert "Succession" not in plain["RC9"]["shared"]
    asked = _ego(capsys, "--changes")
    assert "Succession of Bedford Hospital NHS Trust" in asked["RC9"]["shared"]
    assert "ods-succ-2026" in asked["RC9"]["sources"]
    code = main(["network", "ego", "06F", "--partnership", "QHG", "--contracts", "-f", "csv"])
    assert code == 0
    assert "RWK" in capsys.readouterr().out, "ELFT, by its contract with Bedfordshire CCG"
