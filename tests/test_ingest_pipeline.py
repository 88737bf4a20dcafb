"""`nhskg ingest PATH` from end to end on the mini fixture: the text stored once with its
metadata, the pipeline's candidates written beside the curated files, the same input
giving the same file byte for byte, clear errors, and a build that still passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nhskg.graph.building.build import validate_sources
from nhskg.graph.cli import main
from nhskg.graph.curated.sources import load_sources
from nhskg.graph.ingest.candidates_file import key_of, read_candidates
from nhskg.graph.ingest.gazetteer import load_gazetteer
from nhskg.graph.ingest.metadata import Given
from nhskg.graph.ingest.model import DocumentDay
from nhskg.graph.ingest.pipeline import ingest, ingest_text
from nhskg.graph.ingest.source_store import digest
from nhskg.graph.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAPER = (
    "January 2018\n\n"
    "# Partnership update\n\n"
    "Bedford Hospital NHS Trust and Luton and Dunstable University Hospital NHS Foundation "
    "Trust met in December. NHS Bedfordshire CCG and NHS Luton CCG commission services from "
    "Milton Keynes University Hospital NHS Foundation Trust.\n\n"
    "NHS Luton CCG is a member of the Bedfordshire, Luton and Milton Keynes partnership.\n"
)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "update.md"
    path.parent.mkdir()
    path.write_text(PAPER, encoding="utf-8")
    return path


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(settings.data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(settings.build))


def test_ingest_stores_the_text_and_writes_what_the_pipeline_proposes(
    mini: Settings, paper: Path
) -> None:
    messages: list[str] = []
    done = ingest(paper, mini, Given(concerns=["QHG"]), progress=messages.append)
    identifier = f"001_{digest(PAPER)}.txt"
    assert done.stored.identifier == identifier
    assert (mini.data / "sources" / identifier).read_text(encoding="utf-8") == PAPER
    doc = load_sources(mini.data / "sources")[identifier]
    assert doc.title == "Partnership update" and doc.date and doc.date.text == "2018-01"
    assert doc.concerns == ["QHG"]
    assert [q.exact for q in doc.quotes] == ["Partnership update", "January 2018"]
    # the file beside the curated ones holds exactly what the pipeline proposes
    assert done.candidates_file == mini.data / "curated" / f"001_{digest(PAPER)}.candidates.yaml"
    when = DocumentDay(doc.period[0], doc.period[1])
    mentions, candidates = ingest_text(PAPER, when, load_gazetteer(mini))
    assert len(mentions) == done.mentions >= 6  # six organisations named in full
    written = read_candidates(done.candidates_file)
    assert sorted(c.key for c in written) == sorted({key_of(c) for c in candidates})
    assert done.written == len(written) == sum(done.by_kind.values())
    assert any("mentions found" in m and "proposed" in m for m in messages)


def test_the_same_input_gives_the_same_candidates_file_byte_for_byte(
    mini: Settings, paper: Path, tmp_path: Path
) -> None:
    first = ingest(paper, mini, Given())
    content = first.candidates_file.read_bytes()
    documents = (mini.data / "sources" / "documents.yaml").read_bytes()
    again = ingest(paper, mini, Given())  # stored and described already: reused
    assert not again.stored.new_text and not again.stored.new_entry
    assert again.candidates_file.read_bytes() == content
    assert (mini.data / "sources" / "documents.yaml").read_bytes() == documents
    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "mini" / "data", other)
    elsewhere = ingest(paper, Settings(data_dir=other, build_dir=tmp_path / "b2"), Given())
    assert elsewhere.candidates_file.read_bytes() == content


def test_the_build_passes_with_an_ingested_document_and_its_candidates(
    mini: Settings, paper: Path
) -> None:
    done = ingest(paper, mini, Given())
    assert done.candidates_file.is_file() and done.written > 0
    report = validate_sources(mini)
    assert report.conforms, report.as_table(limit=10)


def test_the_command_says_where_things_went_and_how_to_review(
    mini: Settings,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _env(monkeypatch, mini)
    assert main(["ingest", str(paper), "--concerns", "QHG"]) == 0
    out, err = capsys.readouterr()
    name = f"001_{digest(PAPER)}"
    assert f"{name}.txt" in out and f"{name}.candidates.yaml" in out
    assert f"nhskg review {name}.candidates.yaml" in out
    assert "date 2018-01-01 to 2018-01-31" in out
    assert "mentions found" in err and " proposed" in err  # progress on stderr


def test_a_pdf_is_ingested_with_its_title_and_date_line(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, mini)
    assert main(["ingest", str(FIXTURES / "two_columns.pdf"), "--quiet"]) == 0
    capsys.readouterr()
    docs = load_sources(mini.data / "sources")
    (new,) = [d for d in docs.values() if not d.identifier.startswith("000_")]
    assert new.title == "Bedfordshire, Luton and Milton Keynes Central Brief"
    assert new.date and new.date.text == "2018-01"
    assert "The three acute trusts of the partnership met in December" in new.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.txt"], "nowhere.txt: no such file"),
        (["--publisher", "NOT-A-CODE", "PAPER"], "--publisher NOT-A-CODE: not an ODS"),
        (["--date", "27/09/2018", "PAPER"], "--date: not a date"),
    ],
)
def test_errors_are_one_line_naming_the_file_or_option(
    mini: Settings,
    paper: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    _env(monkeypatch, mini)
    args = [str(paper) if a == "PAPER" else a for a in args]
    assert main(["ingest", *args]) == 2
    _out, err = capsys.readouterr()
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert sorted(p.name for p in (mini.data / "sources").glob("*.txt")) == [
        "000_ab1d5f3ab4a972f1.txt"
    ]


def test_a_document_without_a_date_asks_for_one_or_names_the_option(
    mini: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _env(monkeypatch, mini)
    undated = tmp_path / "undated.txt"
    undated.write_text("# A paper\n\nNHS Luton CCG met.\n", encoding="utf-8")
    assert main(["ingest", str(undated)]) == 2  # stdin is not a terminal under pytest
    assert "give --date" in capsys.readouterr().err
    assert main(["ingest", str(undated), "--date", "2019-05", "--quiet"]) == 0


def test_at_a_terminal_a_missing_title_and_date_are_asked_for(
    mini: Settings, tmp_path: Path
) -> None:
    import os
    import pty
    import subprocess
    import sys
    import time

    undated = tmp_path / "undated.txt"
    undated.write_text("NHS Luton CCG met.\n", encoding="utf-8")
    primary, secondary = pty.openpty()  # the command's terminal: we type the answers
    os.set_blocking(primary, False)
    env = {**os.environ, "NHSKG_DATA_DIR": str(mini.data), "NHSKG_BUILD_DIR": str(mini.build)}
    command = [sys.executable, "-P", "-m", "nhskg.graph.cli", "ingest", str(undated), "--quiet"]
    run = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    screen = b""
    answers = [
        (b"Title of undated.txt: ", b"Luton notes\n"),
        (b"Date of undated.txt", b"2019-05\n"),
    ]
    deadline = time.monotonic() + 60
    while run.poll() is None and time.monotonic() < deadline:
        try:
            screen += os.read(primary, 4096)
        except (BlockingIOError, OSError):
            time.sleep(0.05)
        if answers and answers[0][0] in screen:
            os.write(primary, answers.pop(0)[1])
    run.wait(timeout=10)
    os.close(primary)
    assert run.returncode == 0 and not answers, screen
    (doc,) = [d for d in load_sources(mini.data / "sources").values() if d.title == "Luton notes"]
    assert doc.date is not None and doc.date.text == "2019-05"
