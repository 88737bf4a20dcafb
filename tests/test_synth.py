"""The synthetic landscape: repeatable, and built and validated by the real pipeline."""

from __future__ import annotations

from pathlib import Path

from nhskg.graph.build import build
from nhskg.graph.service import QueryService
from nhskg.graph.settings import Settings
from nhskg.graph.synth import synthesise

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for sub in ("sources", "curated")
        for p in sorted((folder / "data" / sub).iterdir())
    }


def test_the_same_seed_and_scale_give_the_same_bytes(tmp_path: Path) -> None:
    assert synthesise(2, tmp_path / "a", REFERENCE, seed=7) == 10
    synthesise(2, tmp_path / "b", REFERENCE, seed=7)
    synthesise(2, tmp_path / "c", REFERENCE, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_a_synthetic_landscape_builds_validates_and_answers_queries(tmp_path: Path) -> None:
    synthesise(1, tmp_path, REFERENCE)
    settings = Settings(data_dir=tmp_path / "data", build_dir=tmp_path / "build")
    outcome = build(settings)
    assert outcome.published, outcome.report.as_table(limit=10)
    service = QueryService(settings)
    members = service.run("partnership-members", {"partnership": "synth-0"}).dicts()
    assert members and all(r["basis"].value == "stated" for r in members)  # type: ignore[union-attr]
    assert all(str(r["documents"].value).startswith("00000_") for r in members)  # type: ignore[union-attr]
