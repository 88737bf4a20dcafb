"""The candidates file: the curated format with a candidate block per record, read back as
written, the same bytes for the same candidates, rejected and accepted ones left out, and
never loaded as curated data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from ingest_samples import (
    DOCUMENT,
    STEM,
    accepted_alias,
    activity,
    all_candidates,
    boards,
    county_alias,
    document_text,
    new_body,
)

from nhskg.graph.curated.context import build_context
from nhskg.graph.curated.loader import load_curated
from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.ingest.candidates_file import (
    add_rejection,
    candidates_path,
    read_candidates,
    read_candidates_file,
    read_rejections,
    rejections_path,
    remove_candidate,
    write_candidates,
)
from nhskg.graph.ingest.model import Candidate
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings


def test_paths_sit_beside_the_curated_file(tmp_path: Path) -> None:
    assert candidates_path(tmp_path, DOCUMENT) == tmp_path / f"{STEM}.candidates.yaml"
    assert rejections_path(tmp_path, DOCUMENT) == tmp_path / f"{STEM}.rejected.yaml"


def test_written_candidates_read_back_equal(mini_data: Path, tmp_path: Path) -> None:
    text = document_text(mini_data)
    wanted = [activity(text), county_alias(text), new_body(text)]
    path = candidates_path(tmp_path, DOCUMENT)
    assert write_candidates(path, DOCUMENT, wanted) == 3
    got = read_candidates_file(path)
    assert got.document == DOCUMENT
    order = sorted(wanted, key=lambda c: ("entities", "aliases", "statements").index(c.section))
    assert got.candidates == order
    assert text[got.candidates[1].start : got.candidates[1].end].startswith("First drafts")


def test_scalars_that_look_like_numbers_dates_or_words_keep_their_type(tmp_path: Path) -> None:
    record = {
        "type": "event",
        "label": "yes",
        "date": "2018-01-01",
        "day": dt.date(2018, 1, 1),
        "count": 3,
        "amount": "39000000",
        "quote": ["a: b # c", "line one\nline two", " padded ", "’curly’ – dash"],
    }
    candidate = Candidate("statements", record, 5, 9, 0.5, "why: because", key="k1")
    path = tmp_path / "x.candidates.yaml"
    write_candidates(path, "x.txt", [candidate])
    assert read_candidates(path) == [candidate]
    assert "’curly’ – dash" in path.read_text(encoding="utf-8")  # not escaped


def test_output_is_sorted_and_the_same_for_the_same_candidates(
    mini_data: Path, tmp_path: Path
) -> None:
    text = document_text(mini_data)
    one, two = (
        tmp_path / "a" / f"{STEM}.candidates.yaml",
        tmp_path / "b" / f"{STEM}.candidates.yaml",
    )
    candidates = [activity(text), county_alias(text), new_body(text)]
    write_candidates(one, DOCUMENT, candidates)
    write_candidates(two, DOCUMENT, list(reversed(candidates)))
    assert one.read_bytes() == two.read_bytes()
    body = one.read_text(encoding="utf-8")
    assert body.index("entities:") < body.index("aliases:") < body.index("statements:")
    assert body.startswith("# Candidate records for 000_ab1d5f3ab4a972f1.txt")
    assert "none of them is built until a person accepts it" in body
    assert f"nhskg review {STEM}.candidates.yaml\n" in body


def test_the_file_is_the_curated_format_with_a_candidate_block(
    mini_data: Path, tmp_path: Path
) -> None:
    text = document_text(mini_data)
    path = candidates_path(tmp_path, DOCUMENT)
    write_candidates(path, DOCUMENT, [county_alias(text)], header="ingested from board.pdf")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (alias,) = data["aliases"]
    assert {k: v for k, v in alias.items() if k != "candidate"} == county_alias(text).record
    block = alias["candidate"]
    assert block["confidence"] == 0.41 and block["why"].startswith("list item")
    assert block["offsets"] == [county_alias(text).start, county_alias(text).end]
    assert [a["ref"] for a in block["alternatives"]] == ["06F", "QHG"]
    assert "# ingested from board.pdf" in path.read_text(encoding="utf-8")


def test_rejected_and_accepted_candidates_are_left_out(mini_data: Path) -> None:
    text = document_text(mini_data)
    folder = mini_data / "curated"  # the mini curated file already holds accepted_alias
    path = candidates_path(folder, DOCUMENT)
    add_rejection(rejections_path(folder, DOCUMENT), DOCUMENT, county_alias(text), "a county")
    assert write_candidates(path, DOCUMENT, all_candidates(text)) == 3
    keys = {c.key for c in read_candidates(path)}
    assert keys == {activity(text).key, new_body(text).key, boards(text).key}
    assert accepted_alias(text).key not in keys
    (rejected,) = read_rejections(rejections_path(folder, DOCUMENT)).values()
    assert rejected.reason == "a county" and rejected.record == county_alias(text).record


def test_a_rejection_is_recognised_by_its_record_when_the_key_changed(mini_data: Path) -> None:
    text = document_text(mini_data)
    folder = mini_data / "curated"
    add_rejection(rejections_path(folder, DOCUMENT), DOCUMENT, county_alias(text))
    renamed = county_alias(text)
    renamed.key = "another-run"
    assert write_candidates(candidates_path(folder, DOCUMENT), DOCUMENT, [renamed]) == 0


def test_removing_a_candidate_keeps_the_others_and_the_header(
    mini_data: Path, tmp_path: Path
) -> None:
    text = document_text(mini_data)
    path = candidates_path(tmp_path, DOCUMENT)
    write_candidates(path, DOCUMENT, [activity(text), new_body(text)], header="from a PDF")
    remove_candidate(path, activity(text).key)
    assert read_candidates(path) == [new_body(text)]
    assert "# from a PDF" in path.read_text(encoding="utf-8")
    with pytest.raises(CuratedFileError, match="no candidate with key"):
        remove_candidate(path, activity(text).key)


def test_a_broken_candidate_block_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.candidates.yaml"
    path.write_text(
        "document: x.txt\naliases:\n  - org: RC1\n    alias: B\n    quote: B\n"
        "    candidate:\n      key: k\n      why: w\n      offsets: [1, 2]\n",
        encoding="utf-8",
    )
    with pytest.raises(CuratedFileError, match=rf"{path}:7: field 'candidate': needs confidence"):
        read_candidates(path)


def test_the_curated_loader_ignores_candidates_and_rejections(
    mini: Settings, mini_data: Path
) -> None:
    catalog, land = load_landscape(mini.reference_dir)
    ctx = build_context(catalog, land, mini.ontology_dir)
    before = load_curated(mini_data / "sources", mini_data / "curated", ctx)
    text = document_text(mini_data)
    folder = mini_data / "curated"
    write_candidates(candidates_path(folder, DOCUMENT), DOCUMENT, all_candidates(text))
    add_rejection(rejections_path(folder, DOCUMENT), DOCUMENT, county_alias(text))
    after = load_curated(mini_data / "sources", folder, ctx)
    assert after.files == before.files
    assert [r.values for r in after.statements] == [r.values for r in before.statements]
    assert [r.values for r in after.aliases] == [r.values for r in before.aliases]
    assert sorted(after.entities) == sorted(before.entities)
