"""The synthetic landscape: repeatable, like the real papers, and built by the real pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nhskg.graph.building.build import build
from nhskg.graph.curated.schema import STATEMENTS
from nhskg.graph.dates import parse_date
from nhskg.graph.query.service import QueryService
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings
from nhskg.graph.synth import ICB_START, profile, synthesise

DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE = DATA / "reference"
LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for sub in ("sources", "curated")
        for p in sorted((folder / "data" / sub).iterdir())
    }


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)


@pytest.fixture(scope="module")
def moderate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 synthetic papers (scale 40)."""
    folder = tmp_path_factory.mktemp("synth")
    synthesise(40, folder, REFERENCE)
    return folder / "data"


def test_the_same_seed_and_scale_give_the_same_bytes(tmp_path: Path) -> None:
    assert synthesise(2, tmp_path / "a", REFERENCE, seed=7) == 10
    synthesise(2, tmp_path / "b", REFERENCE, seed=7)
    synthesise(2, tmp_path / "c", REFERENCE, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_the_synthetic_profile_is_within_tolerance_of_the_real_one(moderate: Path) -> None:
    real, synthetic = profile(DATA), profile(moderate)
    assert real["documents"] == 5 and synthetic["documents"] == 200
    # Statements per document: mean within 15 %.
    mean = real["statements_per_document"]["mean"]
    assert abs(synthetic["statements_per_document"]["mean"] - mean) <= 0.15 * mean
    # Statement types: every real type is used, each share within 4 points.
    for rtype, share in real["statement_types"].items():
        assert rtype in synthetic["statement_types"], rtype
        assert abs(synthetic["statement_types"][rtype] - share) <= 0.04, rtype
    # Organisation types among the organisations statements name: each within 7 points.
    kinds = set(real["organisation_types"]) | set(synthetic["organisation_types"])
    for kind in kinds:
        gap = synthetic["organisation_types"].get(kind, 0) - real["organisation_types"].get(kind, 0)
        assert abs(gap) <= 0.07, kind
    assert synthetic["organisation_types"]["council"] > 0
    # Quotes per statement within 0.3; partnerships per member organisation within 0.75,
    # with organisations in several partnerships over the years.
    assert abs(synthetic["quotes_per_statement"] - real["quotes_per_statement"]) <= 0.3
    joined, real_joined = (
        synthetic["partnerships_per_organisation"],
        real["partnerships_per_organisation"],
    )
    assert abs(joined["mean"] - real_joined["mean"]) <= 0.75
    assert joined["max"] >= 3
    # Years: those of the real papers and the rest of 2013-2023, nothing outside.
    years = {int(y) for y in synthetic["years"]}
    assert {int(y) for y in real["years"]} <= years <= set(range(2013, 2024))
    assert len(years) == 11


def test_every_quote_is_a_substring_of_its_document(moderate: Path) -> None:
    for path in sorted((moderate / "curated").glob("*.yaml")):
        paper = _read(path)
        text = (moderate / "sources" / paper["document"]).read_text(encoding="utf-8")
        records = paper["entities"] + (paper.get("aliases") or []) + paper["statements"]
        for record in records:
            quotes = record["quote"] if isinstance(record["quote"], list) else [record["quote"]]
            for quote in quotes:
                exact, occurrence = (
                    (quote["text"], int(quote["occurrence"]))
                    if isinstance(quote, dict)
                    else (quote, None)
                )
                found = text.count(exact)
                assert found == 1 if occurrence is None else found >= occurrence, (path, exact)


def test_every_organisation_named_by_code_exists_and_is_open_on_the_papers_date(
    moderate: Path,
) -> None:
    _, land = load_landscape(REFERENCE)
    meta = {d["identifier"]: d for d in _read(moderate / "sources" / "documents.yaml")["documents"]}
    refs = {
        t: [f for f, s in spec.fields.items() if s.kind in ("ref", "refs")]
        for t, spec in STATEMENTS.items()
    }
    named = 0
    for path in sorted((moderate / "curated").glob("*.yaml")):
        paper = _read(path)
        doc = meta[paper["document"]]
        first = parse_date(doc.get("date") or doc["date_from"]).first
        last = parse_date(doc.get("date") or doc["date_until"]).last
        keys = {e["key"] for e in paper["entities"]}
        for statement in paper["statements"]:
            for field in refs[statement["type"]]:
                value = statement.get(field) or []
                for ref in value if isinstance(value, list) else [value]:
                    org = land.get(ref)
                    if org is None:  # a curated entity (declared in some file) or a change
                        assert ref in keys or ref.startswith("change:"), (path, ref)
                        continue
                    named += 1
                    opened, closed = org.lifetime()
                    assert opened is None or opened <= last, (path, ref)
                    assert closed is None or first <= closed, (path, ref)
                    if "ClinicalCommissioningGroup" in org.classes:
                        assert first < ICB_START, (path, ref)  # CCGs were abolished then
    assert named > 5000


def test_a_synthetic_landscape_builds_validates_and_answers_queries(tmp_path: Path) -> None:
    synthesise(1, tmp_path, REFERENCE)
    settings = Settings(data_dir=tmp_path / "data", build_dir=tmp_path / "build")
    outcome = build(settings)
    assert outcome.published, outcome.report.as_table(limit=10)
    first = _read(tmp_path / "data" / "sources" / "documents.yaml")["documents"][0]
    service = QueryService(settings)
    members = service.run("partnership-members", {"partnership": first["concerns"][0]}).dicts()
    assert members
    assert {r["basis"].value for r in members} <= {"stated", "resolved"}  # type: ignore[union-attr]
    assert any(str(r["documents"].value).startswith("00000_") for r in members)  # type: ignore[union-attr]
