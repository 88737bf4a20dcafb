"""`nhskg coverage`: a sentence is cited only by statement quotes covering most of its words;
headings and labels are listed as excluded in the curated file and reported apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_curated import curated_file, replace, validate_error

from nhskg.graph.building.dump import read_curated
from nhskg.graph.cli import main
from nhskg.graph.curated.coverage import coverage, sentences
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings

ACCEPTED = (
    "The Clinical Senate report was accepted by the Programme Board at its meeting on "
    "13<sup>th</sup> March 2013 and has now been published."
)


def report(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(settings.data))
    assert main(["coverage", "--format", "json", "--document", "000"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    return doc


def uncited(doc: dict) -> set[str]:
    return {s["text"] for s in doc["uncited"]}


def exclude(settings: Settings, quote: str, reason: str = "heading") -> int:
    """Append an `excluded` entry to the mini document's curated file; return its line."""
    path = curated_file(settings.data)
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    if "\nexcluded:\n" not in text:
        text += "\nexcluded:\n"
    line = text.count("\n") + 1
    path.write_text(
        text + f"  - quote: {json.dumps(quote)}\n    reason: {reason}\n", encoding="utf-8"
    )
    return line


def test_a_statement_quote_covering_few_of_a_sentences_words_does_not_cite_it(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ACCEPTED not in uncited(report(mini, monkeypatch, capsys))
    # the one statement quoting the sentence now quotes 6 of its 20 words
    replace(
        curated_file(mini.data),
        f"    quote: {ACCEPTED}\n",
        "    quote: The Clinical Senate report was accepted\n",
    )
    assert ACCEPTED in uncited(report(mini, monkeypatch, capsys))
    # 13 of its 20 words ("13<sup>th</sup>" is one word, "13th") are more than half: cited
    replace(
        curated_file(mini.data),
        "    quote: The Clinical Senate report was accepted\n",
        "    quote: The Clinical Senate report was accepted by the Programme Board at its meeting\n",
    )
    assert ACCEPTED not in uncited(report(mini, monkeypatch, capsys))


def test_an_entity_quote_does_not_cite_a_sentence(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sentence = "Work continues on the development of the out of hospital care strategies."
    text = curated_file(mini.data).read_text(encoding="utf-8")
    entities = text[: text.index("\nstatements:\n")]
    assert f"quote: {sentence}" in entities and f"quote: {sentence}" not in text[len(entities) :]
    assert sentence in uncited(report(mini, monkeypatch, capsys))


def test_an_excluded_sentence_is_reported_as_excluded_not_as_uncited(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = report(mini, monkeypatch, capsys)
    assert "Purpose**" in uncited(before) and before["excluded"] == []
    exclude(mini, "1. Purpose", "heading of section 1")
    after = report(mini, monkeypatch, capsys)
    assert "Purpose**" not in uncited(after)
    assert [(s["text"], s["reason"]) for s in after["excluded"]] == [
        ("Purpose**", "heading of section 1")
    ]
    assert after["fact_bearing"] == before["fact_bearing"] - 1
    assert after["cited"] == before["cited"]
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    assert main(["coverage", "--document", "000", "--excluded"]) == 0
    out = capsys.readouterr().out
    assert f"; {len(after['uncited'])} uncited; 1 excluded" in out
    assert "excluded @" in out and "(heading of section 1): Purpose**" in out


def test_an_excluded_quote_not_in_the_document_fails_naming_file_and_line(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = exclude(mini, "7. Appendices")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{curated_file(mini.data)}:{line}: field 'quote'" in err
    assert "not found verbatim" in err and "7. Appendices" in err


def test_an_exclusion_without_a_reason_fails_naming_file_and_line(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\nexcluded:\n  - quote: 1. Purpose\n"
    path.write_text(text, encoding="utf-8")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{text.count(chr(10))}" in err and "needs field 'reason'" in err


def test_an_exclusion_covering_part_of_a_sentence_is_refused(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = exclude(mini, "The purpose of this paper", "no fact")
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    assert main(["coverage"]) == 2
    err = capsys.readouterr().err
    assert f"{curated_file(mini.data)}:{line}: field 'quote'" in err
    assert "covers no whole sentence" in err


def test_sentences_drop_list_numbers_and_count_words_outside_tags() -> None:
    text = "**1. Purpose**\n- 14.\nOn 8<sup>th</sup> March the board met.\n"
    found = sentences(text)
    assert [s.text for s in found] == ["Purpose**", "On 8<sup>th</sup> March the board met."]
    assert [text[a:b] for a, b in found[1].words] == [
        "On",
        "8<sup>th",  # "8th": the tag is taken out, the superscript joins its number
        "March",
        "the",
        "board",
        "met",
    ]


def test_each_document_cites_at_least_95_percent_of_its_fact_bearing_sentences() -> None:
    settings = Settings()
    catalog, land = load_landscape(settings.reference_dir)
    loaded = read_curated(settings, catalog, land)
    assert loaded is not None
    report = coverage(loaded[1])
    assert len(report) == 5
    for doc in report:
        facts = len(doc.fact_bearing)
        assert facts >= 30, doc.document.identifier
        assert len(doc.cited_sentences) >= 0.95 * facts, (
            doc.document.identifier,
            [s.text for s in doc.uncited],
        )
        # an excluded sentence is never also counted among the uncited
        assert not {s.start for s in doc.uncited} & {s.start for s, _ in doc.excluded_sentences}


def test_the_modelling_page_gives_the_coverage_the_command_reports() -> None:
    settings = Settings()
    catalog, land = load_landscape(settings.reference_dir)
    loaded = read_curated(settings, catalog, land)
    assert loaded is not None
    page = (Path(__file__).parent.parent / "docs" / "modelling.md").read_text(encoding="utf-8")
    for doc in coverage(loaded[1]):
        row = next(
            line for line in page.splitlines() if line.startswith(f"| {doc.document.stem[:3]} ")
        )
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[3:5] == [
            f"{len(doc.cited_sentences)} of {len(doc.fact_bearing)}",
            str(len(doc.excluded_sentences)),
        ], row


def test_an_excluded_heading_is_not_counted_as_cited_where_a_statement_quotes_it(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the membership statement 'partners' quotes the title line as its evidence
    before = report(mini, monkeypatch, capsys)
    exclude(mini, "PROGRESS REPORT FOR ALL PARTNER ORGANISATIONS", "the document's title")
    after = report(mini, monkeypatch, capsys)
    assert after["cited"] == before["cited"] - 1
    assert after["fact_bearing"] == before["fact_bearing"] - 1
    assert [s["text"] for s in after["excluded"]] == [
        "PROGRESS REPORT FOR ALL PARTNER ORGANISATIONS**"
    ]
