"""Candidates written by hand for the mini fixture's document (tests/fixtures/mini), with
real quotes and the offsets of those quotes in its text: what `nhskg ingest` would hand
the candidates file, for the tests of the file, review and the candidates page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import MINI_DATA
from loopback import free_port, running, venv_command

from nhskg.graph.building.build import build
from nhskg.graph.ingest.candidates_file import candidates_path, write_candidates
from nhskg.graph.ingest.model import Candidate, candidate_key
from nhskg.graph.settings import Settings

DOCUMENT = "000_ab1d5f3ab4a972f1.txt"
STEM = "000_ab1d5f3ab4a972f1"


def sample(
    text: str, section: str, record: dict[str, Any], confidence: float, why: str, **extra: Any
) -> Candidate:
    quote = record["quote"]
    first = quote[0] if isinstance(quote, list) else quote
    start = text.index(first)
    assert text.count(first) == 1, first
    return Candidate(
        section=section,
        record=record,
        start=start,
        end=start + len(first),
        confidence=confidence,
        why=why,
        key=candidate_key(section, record),
        extra=dict(extra),
    )


def activity(text: str) -> Candidate:
    """A statement the mini curated file lacks (the full data's file has it)."""
    return sample(
        text,
        "statements",
        {
            "type": "activity",
            "label": "Update to the Boards of partner organisations on progress of the programme",
            "part_of": "healthier-together",
            "quote": "The purpose of this paper is to provide the Boards of partner organisations "
            "with an update on progress against all aspects of the programme since the last "
            "report in February 2013.",
        },
        0.74,
        "'the programme' is the document's own partnership; 'an update on progress' is an activity",
    )


def county_alias(text: str) -> Candidate:
    """A doubtful alias (a county name for a CCG), with ranked alternatives."""
    return sample(
        text,
        "aliases",
        {
            "org": "06F",
            "alias": "Bedfordshire",
            "quote": "First drafts have been received from Bedfordshire, Milton Keynes and Luton CCGs.",
        },
        0.41,
        "list item of 'X, Y and Z CCGs'; a county name, ambiguous",
        alternatives=[
            {"ref": "06F", "name": "NHS BEDFORDSHIRE CCG", "score": 0.41},
            {"ref": "QHG", "name": "Bedfordshire, Luton and Milton Keynes", "score": 0.22},
        ],
    )


def accepted_alias(text: str) -> Candidate:
    """An alias the mini curated file already has, word for word."""
    return sample(
        text,
        "aliases",
        {
            "org": "RC1",
            "alias": "Bedford Hospital",
            "quote": "the organisational change process for Bedford Hospital",
        },
        0.95,
        "reference name of RC1 on 2013-03-31",
    )


def new_body(text: str) -> Candidate:
    """A new entity: a body of evidence the reference data lacks."""
    return sample(
        text,
        "entities",
        {
            "key": "healthier-together-information-bank",
            "kind": "paper",
            "name": "information bank (Healthier Together)",
            "part_of": "healthier-together",
            "quote": "the information bank that will support CCGs",
        },
        0.55,
        "new body: 'the information bank', not in the reference data",
    )


def boards(text: str) -> Candidate:
    """A proposal whose quote lies inside another's (the activity's)."""
    record = {
        "key": "partner-organisation-boards",
        "kind": "stated-group",
        "name": "the Boards of partner organisations",
        "quote": "the Boards of partner organisations with an update",
    }
    return sample(text, "entities", record, 0.6, "counted group without a number")


def all_candidates(text: str) -> list[Candidate]:
    """What ingest might propose: four new records (one inside another's quote) and one
    the curated file already has."""
    return [activity(text), county_alias(text), accepted_alias(text), new_body(text), boards(text)]


def build_with_candidates(root: Path, proposals: Callable[[str], list[Candidate]]) -> Settings:
    """The mini fixture copied under ``root`` and built with ``proposals`` of its text in
    a candidates file beside its curated file."""
    shutil.copytree(MINI_DATA, root / "data")
    settings = Settings(data_dir=root / "data", build_dir=root / "build")
    text = document_text(settings.data)
    write_candidates(
        candidates_path(settings.data / "curated", DOCUMENT), DOCUMENT, proposals(text)
    )
    outcome = build(settings)
    assert outcome.published, outcome.report.as_table(limit=10)
    return settings


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """``nhskg serve`` of that build on a free loopback port; its base URL."""
    port = free_port()
    env = os.environ | {
        "NHSKG_DATA_DIR": str(settings.data),
        "NHSKG_BUILD_DIR": str(settings.build),
    }
    url = f"http://127.0.0.1:{port}"
    with running([venv_command("nhskg"), "serve", "--port", str(port)], url + "/api", env=env):
        yield url


def document_text(data: Path) -> str:
    return (data / "sources" / DOCUMENT).read_text(encoding="utf-8")
