"""Storing a new document's text once in data/sources/ and appending its entry to
documents.yaml, comments kept; the build accepts a document with no records yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhskg.graph.building.build import validate_sources
from nhskg.graph.curated.sources import load_sources
from nhskg.graph.dates import parse_date
from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.metadata import Metadata
from nhskg.graph.ingest.source_store import digest, entry_text, store
from nhskg.graph.settings import Settings

TEXT = "January 2018\n\n# Central Brief\n\nLuton & Dunstable \u2013 \u201cL&D\u201d: an update.\n"


def _meta(**kw: object) -> Metadata:
    values: dict[str, object] = {
        "title": "Central Brief",
        "date": parse_date("2018-01"),
        "date_from": None,
        "date_until": None,
        "date_text": None,
        "publisher": None,
        "concerns": [],
        "quotes": ["January 2018", "Central Brief"],
        "origins": {},
    }
    values.update(kw)
    return Metadata(**values)  # type: ignore[arg-type]


def _never() -> Metadata:
    raise AssertionError("a stored, described document is not described again")


def test_a_new_text_is_stored_under_the_next_number_and_its_hash(mini_data: Path) -> None:
    sources = mini_data / "sources"
    before = (sources / "documents.yaml").read_text(encoding="utf-8")
    stored = store(sources, TEXT, lambda: _meta(publisher="QHG", concerns=["QHG"]))
    assert stored.identifier == f"001_{digest(TEXT)}.txt"
    assert (stored.new_text, stored.new_entry) == (True, True)
    assert stored.path.read_bytes() == TEXT.encode("utf-8")
    after = (sources / "documents.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # appended: comments and entries kept
    doc = load_sources(sources)[stored.identifier]
    assert doc.title == "Central Brief" and doc.date and doc.date.text == "2018-01"
    assert doc.publisher == "QHG" and doc.concerns == ["QHG"]
    assert [q.exact for q in doc.quotes] == ["January 2018", "Central Brief"]


def test_the_same_text_is_stored_once_and_described_once(mini_data: Path) -> None:
    sources = mini_data / "sources"
    first = store(sources, TEXT, _meta)
    documents = (sources / "documents.yaml").read_text(encoding="utf-8")
    again = store(sources, TEXT, _never)
    assert again.identifier == first.identifier
    assert (again.new_text, again.new_entry) == (False, False)
    assert (sources / "documents.yaml").read_text(encoding="utf-8") == documents
    assert len(list(sources.glob("*.txt"))) == 2


def test_a_text_already_stored_under_another_name_is_reused(mini_data: Path) -> None:
    sources = mini_data / "sources"
    seed = sources / "000_ab1d5f3ab4a972f1.txt"  # the seeds' names are not their hashes
    stored = store(sources, seed.read_text(encoding="utf-8"), _never)
    assert stored.identifier == seed.name and not stored.new_text


def test_a_span_date_and_awkward_words_are_written_as_yaml_that_reads_back(
    mini_data: Path,
) -> None:
    sources = mini_data / "sources"
    meta = _meta(
        title='The "Working Together" Programme: yes',
        date=None,
        date_from=parse_date("2014-12"),
        date_until=parse_date("2015-03"),
        date_text="2014/15",
        quotes=["Luton & Dunstable \u2013 \u201cL&D\u201d: an update."],
    )
    stored = store(sources, TEXT, lambda: meta)
    doc = load_sources(sources)[stored.identifier]
    assert doc.title == meta.title and doc.date is None and doc.date_text == "2014/15"
    assert doc.period == (parse_date("2014-12").first, parse_date("2015-03").last)
    assert "date_from: 2014-12" in entry_text(stored.identifier, meta)


def test_an_entry_the_build_would_refuse_is_not_left_behind(mini_data: Path) -> None:
    sources = mini_data / "sources"
    before = (sources / "documents.yaml").read_text(encoding="utf-8")
    with pytest.raises(IngestError, match="quote not found verbatim"):
        store(sources, TEXT, lambda: _meta(quotes=["words the text does not hold"]))
    assert (sources / "documents.yaml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in sources.glob("*.txt")) == ["000_ab1d5f3ab4a972f1.txt"]


def test_a_missing_documents_file_is_created(tmp_path: Path) -> None:
    stored = store(tmp_path / "sources", TEXT, _meta)
    assert stored.identifier.startswith("000_")
    assert list(load_sources(tmp_path / "sources")) == [stored.identifier]


def test_the_build_accepts_an_ingested_document_with_no_records(mini: Settings) -> None:
    stored = store(mini.data / "sources", TEXT, lambda: _meta(concerns=["QHG"]))
    assert not (mini.data / "curated" / stored.path.with_suffix(".yaml").name).exists()
    report = validate_sources(mini)
    assert report.conforms, report.as_table(limit=10)
