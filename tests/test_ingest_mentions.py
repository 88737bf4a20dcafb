"""Finding organisation mentions in a document's text: each pattern, exact offsets, and the
same answer twice. The reference landscape is the real one (data/reference); the curated
records are a small file written here, so the tests do not depend on the five documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nhskg.graph.ingest.gazetteer import Gazetteer, load_gazetteer
from nhskg.graph.ingest.mentions import find_mentions
from nhskg.graph.ingest.model import DocumentDay, Mention, mention_ref
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

CURATED = """\
document: 900_test.txt
entities:
  - key: test-programme-board
    kind: board
    name: Test Programme Board (of a test programme)
    aliases: [Programme Board]
    quote: the Programme Board
  - key: test-person
    kind: person
    name: Dr Jane Example
    quote: Dr Jane Example
aliases:
  - org: RC1
    alias: Bedford
    quote: both organisations (Bedford and L&D)
"""

DAY_2018 = DocumentDay(dt.date(2018, 1, 1), dt.date(2018, 1, 31))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("data")
    (data / "reference").symlink_to(ROOT / "data" / "reference")
    (data / "curated").mkdir()
    (data / "curated" / "900_test.yaml").write_text(CURATED, encoding="utf-8")
    (data / "curated" / "900_test.candidates.yaml").write_text("not: [read", encoding="utf-8")
    return Settings(data_dir=data)


@pytest.fixture(scope="module")
def gazetteer(settings: Settings) -> Gazetteer:
    return load_gazetteer(settings)


def _by_text(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in mentions}


def test_full_reference_names_are_found_whatever_their_case_with_exact_offsets(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Minutes.\nUNIVERSITY HOSPITALS OF LEICESTER NHS TRUST met "
        "Leicestershire Partnership NHS Trust on Monday."
    )
    mentions = find_mentions(text, DAY_2018, gazetteer)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    found = _by_text(mentions)
    assert found["UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST"].ref == "RWE"
    assert found["UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST"].pattern == "name"
    assert found["Leicestershire Partnership NHS Trust"].ref == "RT5"
    assert found["Leicestershire Partnership NHS Trust"].start == text.index("Leicestershire P")


def test_a_name_broken_over_lines_is_one_mention_with_original_offsets(
    gazetteer: Gazetteer,
) -> None:
    text = "Chief Executive of East London\n\nFoundation Trust, said"
    (m,) = [m for m in find_mentions(text, DAY_2018, gazetteer) if m.ref == "RWK"]
    assert m.text == "East London\n\nFoundation Trust"
    assert (m.start, m.end) == (19, 48)


def test_curated_aliases_and_body_names_are_found_as_written(gazetteer: Gazetteer) -> None:
    text = "Both organisations (Bedford and the Trust) reported to the Programme Board. bedford"
    found = _by_text(find_mentions(text, DAY_2018, gazetteer))
    assert found["Bedford"].ref == "RC1"
    assert found["Bedford"].pattern == "alias"
    assert found["Programme Board"].ref == "test-programme-board"
    assert "bedford" not in found  # a one-word alias is matched only as written


def test_records_of_excluded_documents_are_not_used(settings: Settings) -> None:
    gazetteer = load_gazetteer(settings, exclude=frozenset({"900_test.txt"}))
    text = "Both organisations (Bedford and the Trust) met."
    assert [m for m in find_mentions(text, DAY_2018, gazetteer) if m.text == "Bedford"] == []
    assert load_gazetteer(settings, exclude=frozenset({"900_test.txt"})) is gazetteer


def test_the_same_text_gives_the_same_mentions(gazetteer: Gazetteer) -> None:
    text = (
        "Luton & Dunstable University Hospital (L&D) and Bedford Hospital plan to merge; "
        "the L&D board met. Bedfordshire, Milton Keynes and Luton CCGs agreed."
    )
    first = find_mentions(text, DAY_2018, gazetteer)
    second = find_mentions(text, DAY_2018, gazetteer)
    assert first == second
    assert first == sorted(first, key=lambda m: (m.start, m.end))
    assert [mention_ref(m) for m in first] == [mention_ref(m) for m in second]


def test_progress_is_reported_up_to_the_whole_text(gazetteer: Gazetteer) -> None:
    text = "Bedford Hospital NHS Trust.\n\n" * 2000
    calls: list[tuple[int, int]] = []
    find_mentions(
        text, DAY_2018, gazetteer, progress=lambda done, total: calls.append((done, total))
    )
    assert len(calls) >= 2
    assert calls[-1] == (len(text), len(text))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
