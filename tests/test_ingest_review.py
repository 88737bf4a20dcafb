"""`nhskg review`: accepting moves a record into the curated file, where the build accepts
it; rejecting is remembered; an edited record is checked like any other; a record the
loader refuses is refused with its message; the terminal loop runs on standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_samples import (
    DOCUMENT,
    STEM,
    activity,
    all_candidates,
    boards,
    county_alias,
    document_text,
    new_body,
    sample,
)
from loopback import venv_command

from nhskg.graph.building.build import build
from nhskg.graph.cli import main
from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.ingest.candidates_file import (
    candidates_path,
    read_candidates,
    read_rejections,
    rejections_path,
    write_candidates,
)
from nhskg.graph.ingest.review import RecordRefused, accept, append_record, reject
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings


@pytest.fixture
def proposed(mini: Settings) -> Path:
    """The mini document's candidates file, written as ingest writes it."""
    text = document_text(mini.data)
    path = candidates_path(mini.data / "curated", DOCUMENT)
    assert write_candidates(path, DOCUMENT, all_candidates(text)) == 4
    return path


def curated(mini: Settings) -> Path:
    return mini.data / "curated" / f"{STEM}.yaml"


def env(mini: Settings, **more: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    out.update(NHSKG_DATA_DIR=str(mini.data), NHSKG_BUILD_DIR=str(mini.build), **more)
    return out


def test_accepting_adds_the_record_to_the_curated_file_and_the_build_accepts_it(
    mini: Settings, proposed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = curated(mini).read_text(encoding="utf-8")
    key = activity(document_text(mini.data)).key
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    assert main(["review", proposed.name, "--accept", key]) == 0
    after = curated(mini).read_text(encoding="utf-8")
    # appended as text: every line of the file, comments included, is still there in order
    kept = iter(after.splitlines())
    assert all(line in kept for line in before.splitlines())
    assert "  - type: activity\n    label: Update to the Boards of partner organisations" in after
    assert "candidate:" not in after
    assert key not in {c.key for c in read_candidates(proposed)}
    outcome = build(mini)
    assert outcome.published, outcome.report.as_table(limit=10)
    rows = QueryService(mini).store.query(
        "SELECT ?a WHERE { GRAPH ?g { ?a <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Update to the Boards of partner organisations on progress of the programme" } }'
    )
    assert len(list(rows)) == 1


def test_a_new_entity_goes_to_the_entities_section(mini: Settings, proposed: Path) -> None:
    done = accept(proposed, new_body(document_text(mini.data)).key, mini)
    lines = curated(mini).read_text(encoding="utf-8").splitlines()
    assert lines[done.line - 1] == "  - key: healthier-together-information-bank"
    section = max(
        n for n, line in enumerate(lines[: done.line]) if not line.startswith((" ", "#")) and line
    )
    assert lines[section] == "entities:"


def test_the_curated_file_is_created_when_the_document_has_none(
    mini: Settings, proposed: Path
) -> None:
    curated(mini).unlink()  # a new document: its entry names no curated entity yet
    meta = mini.data / "sources" / "documents.yaml"
    lines = meta.read_text(encoding="utf-8").splitlines(keepends=True)
    meta.write_text(
        "".join(line for line in lines if "healthier-together" not in line), encoding="utf-8"
    )
    accept(proposed, county_alias(document_text(mini.data)).key, mini)
    text = curated(mini).read_text(encoding="utf-8")
    assert text.startswith(f"document: {DOCUMENT}\n\naliases:\n  - org: 06F\n")


def test_rejecting_is_remembered_and_not_proposed_again(mini: Settings, proposed: Path) -> None:
    text = document_text(mini.data)
    key = county_alias(text).key
    result = subprocess.run(
        [venv_command("nhskg"), "review", str(proposed), "--reject", key, "--reason", "a county"],
        env=env(mini),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert key not in {c.key for c in read_candidates(proposed)}
    assert read_rejections(rejections_path(proposed.parent, DOCUMENT))[key].reason == "a county"
    assert write_candidates(proposed, DOCUMENT, all_candidates(text)) == 3
    assert key not in {c.key for c in read_candidates(proposed)}


def test_an_edited_record_is_accepted_and_its_proposal_not_made_again(
    mini: Settings, proposed: Path
) -> None:
    text = document_text(mini.data)
    original = activity(text)
    edited = {**original.record, "label": "Progress update to the partner organisations' Boards"}
    accept(proposed, original.key, mini, record=edited)
    assert "label: Progress update to the partner organisations' Boards" in curated(mini).read_text(
        encoding="utf-8"
    )
    assert write_candidates(proposed, DOCUMENT, all_candidates(text)) == 3  # not the original
    assert original.key not in {c.key for c in read_candidates(proposed)}


def test_an_edit_whose_quote_is_not_in_the_text_is_refused_naming_the_field(
    mini: Settings, proposed: Path
) -> None:
    before = curated(mini).read_text(encoding="utf-8")
    original = county_alias(document_text(mini.data))
    edited = {**original.record, "quote": "First drafts came from Bedfordshire"}
    with pytest.raises(RecordRefused) as refused:
        accept(proposed, original.key, mini, record=edited)
    message = str(refused.value)
    assert message.startswith("not accepted: ")
    assert f"{curated(mini)}:" in message and "field 'quote': quote not found verbatim" in message
    assert curated(mini).read_text(encoding="utf-8") == before
    assert original.key in {c.key for c in read_candidates(proposed)}


def test_an_unknown_organisation_code_is_refused(mini: Settings, proposed: Path) -> None:
    original = county_alias(document_text(mini.data))
    with pytest.raises(RecordRefused, match=r"field 'org': unknown organisation or entity 'ZZZ'"):
        accept(proposed, original.key, mini, record={**original.record, "org": "ZZZ"})


def test_a_quote_found_twice_is_refused(mini: Settings, proposed: Path) -> None:
    original = county_alias(document_text(mini.data))
    with pytest.raises(RecordRefused, match=r"field 'quote': quote occurs \d+ times"):
        accept(proposed, original.key, mini, record={**original.record, "quote": "CCGs"})


def test_a_record_already_in_the_curated_file_is_not_added_twice(
    mini: Settings, proposed: Path
) -> None:
    key = activity(document_text(mini.data)).key
    accept(proposed, key, mini)
    write_candidates(proposed, DOCUMENT, [activity(document_text(mini.data))])
    assert read_candidates(proposed) == []  # accepted: no longer proposed


def test_unknown_key_names_the_file(mini: Settings, proposed: Path) -> None:
    with pytest.raises(CuratedFileError, match=rf"{proposed}: no candidate with key 'nope'"):
        reject(proposed, "nope")


def test_appending_to_an_empty_flow_section_and_before_a_later_one() -> None:
    text = "# notes\ndocument: d.txt\n\naliases: []\n\n# the statements\nstatements:\n  - type: x\n"
    out, line = append_record(text, "d.txt", "aliases", {"org": "RC1", "alias": "B", "quote": "q"})
    assert out == (
        "# notes\ndocument: d.txt\n\naliases:\n  - org: RC1\n    alias: B\n    quote: q\n\n"
        "# the statements\nstatements:\n  - type: x\n"
    )
    assert out.splitlines()[line - 1] == "  - org: RC1"
    out, line = append_record(text, "d.txt", "entities", {"key": "k", "kind": "board"})
    assert out.startswith(
        "# notes\ndocument: d.txt\n\nentities:\n  - key: k\n    kind: board\n\naliases: []"
    )


def test_list_prints_one_line_per_candidate(
    mini: Settings,
    proposed: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    assert main(["review", str(proposed), "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        [boards(document_text(mini.data)).key, "entities", "stated-group"],
        [new_body(document_text(mini.data)).key, "entities", "paper"],
        [county_alias(document_text(mini.data)).key, "aliases", "alias"],
        [activity(document_text(mini.data)).key, "statements", "activity"],
    ]


def test_the_terminal_loop_accepts_rejects_edits_and_refuses_on_stdin(
    mini: Settings, proposed: Path
) -> None:
    answers = "\n".join(
        [
            "maybe",  # not an answer: asked again
            "s",  # the two new entities: skipped
            "s",
            "r",  # the county alias: rejected
            "a county, not the CCG",
            "e",  # the activity: edited, first with a quote the text lacks
            "type: activity",
            "label: Update to the Boards",
            "quote: an update on progress against everything",
            ".",
            "e",  # then right
            "type: activity",
            "label: Update to the Boards",
            "part_of: healthier-together",
            "quote: an update on progress against all aspects of the programme",
            ".",
        ]
    )
    result = subprocess.run(
        [venv_command("nhskg"), "review", proposed.name],
        input=answers + "\n",
        env=env(mini),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "── 2 of 4: entities · paper · confidence 0.55" in out
    assert "»the information bank that will support CCGs« as they take the process forward" in out
    assert "06F NHS BEDFORDSHIRE CCG (score 0.41)" in out
    assert "Answer a, e, r, s or q." in out
    assert "refused: not accepted: " in out and "field 'quote': quote not found verbatim" in out
    assert f"accepted: added to {curated(mini)}" in out
    assert "2 candidates left" in result.stderr
    text = document_text(mini.data)
    assert [c.key for c in read_candidates(proposed)] == [boards(text).key, new_body(text).key]
    assert "label: Update to the Boards\n" in curated(mini).read_text(encoding="utf-8")
    rejected = read_rejections(rejections_path(proposed.parent, DOCUMENT))
    assert rejected[county_alias(document_text(mini.data)).key].reason == "a county, not the CCG"


def test_edit_opens_the_editor_named_by_editor(
    mini: Settings, proposed: Path, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('alias: Bedfordshire', 'alias: Bedfordshire CCG'))\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [venv_command("nhskg"), "review", str(proposed)],
        input="s\ns\ne\nq\n",
        env=env(mini, EDITOR=f"{sys.executable} {editor}"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "accepted: added to" in result.stdout
    text = curated(mini).read_text(encoding="utf-8")
    assert "  - org: 06F\n    alias: Bedfordshire CCG\n    quote: First drafts" in text


def test_an_editor_that_does_not_start_is_said_and_the_question_asked_again(
    mini: Settings, proposed: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [venv_command("nhskg"), "review", str(proposed)],
        input="s\ns\ne\nq\n",
        env=env(mini, EDITOR=str(tmp_path / "no-such-editor")),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"refused: could not start the editor ({tmp_path / 'no-such-editor'})" in result.stdout
    assert result.stdout.count("[a]ccept, [e]dit") == 4  # asked again after the refusal
    assert len(read_candidates(proposed)) == 4


def test_a_statement_about_a_proposed_entity_is_accepted_with_that_entity(
    mini: Settings, tmp_path: Path
) -> None:
    text = document_text(mini.data)
    group = boards(text)
    record = {
        "type": "membership",
        "member": "partner-organisation-boards",
        "organization": "healthier-together",
        "quote": "provide the Boards of partner organisations with an update on progress",
    }
    statement = sample(text, "statements", record, 0.5, "test")
    path = candidates_path(mini.data / "curated", DOCUMENT)
    write_candidates(path, DOCUMENT, [group, statement])
    done = accept(path, statement.key, mini)
    assert done.with_entities == ("partner-organisation-boards",)
    lines = curated(mini).read_text(encoding="utf-8").splitlines()
    assert lines.index("  - key: partner-organisation-boards") < done.line - 1
    assert lines[done.line - 1] == "  - type: membership"
    assert read_candidates(path) == []  # both taken out of the candidates file
    outcome = build(mini)
    assert outcome.published, outcome.report.as_table(limit=10)
