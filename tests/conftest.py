"""Shared fixtures: the national graph built once per test session, and the small
fixture slice (tests/fixtures/mini) for fast, golden-file builds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nhskg.graph.building.build import build
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MINI_DATA = ROOT / "tests" / "fixtures" / "mini" / "data"


@pytest.fixture(scope="session")
def national(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a published build of the real data in data/ (built once)."""
    settings = Settings(build_dir=tmp_path_factory.mktemp("national-build"))
    outcome = build(settings)
    assert outcome.published, outcome.report.as_table(limit=20)
    return settings


@pytest.fixture(scope="session")
def service(national: Settings) -> QueryService:
    return QueryService(national)


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """A writable copy of the mini data folder (tests may break it on purpose)."""
    target = tmp_path / "data"
    shutil.copytree(MINI_DATA, target)
    return target


@pytest.fixture
def mini(tmp_path: Path, mini_data: Path) -> Settings:
    return Settings(data_dir=mini_data, build_dir=tmp_path / "build")


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, national: Settings) -> Iterator[Settings]:
    """Point the environment (what the CLI and run_query read) at the national build."""
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(national.build))
    yield national
