"""Curated records: every quote, reference and date is checked, with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhskg.graph.building.build import build
from nhskg.graph.cli import main
from nhskg.graph.curated.coverage import sentences
from nhskg.graph.publish import current
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

DOC = "000_ab1d5f3ab4a972f1"


def curated_file(data: Path) -> Path:
    return data / "curated" / f"{DOC}.yaml"


def replace(path: Path, old: str, new: str) -> int:
    """Replace text in a file; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def validate_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(settings.data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(settings.build))
    assert main(["validate", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_mini_fixture_with_a_curated_document_builds(mini: Settings) -> None:
    assert build(mini).published
    service = QueryService(mini)
    rows = service.run("partnership-members", {"partnership": "Healthier Together"}).dicts()
    # the five CCGs; "all five Trusts" are what the Clinical Senate's recommendation
    # concerns, not partners (issue 22)
    assert {r["code"].value for r in rows if r["basis"].value == "resolved"} == {  # type: ignore[union-attr]
        "04G",
        "03V",
        "06F",
        "04F",
        "06P",
    }


def test_quote_not_in_the_document_names_file_line_and_field(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(
        path,
        "quote: The five CCGs will continue to work together\n",
        "quote: The six CCGs will continue to work together\n",
    )
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'quote': quote not found verbatim in {DOC}.txt" in err


def test_quote_that_occurs_twice_must_be_made_unique(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(
        path,
        "quote: formally signed off the work of the six Clinical Working Groups",
        "quote: the six Clinical Working Groups",
    )
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'quote': quote occurs 2 times" in err


def test_unknown_organisation_code_names_file_line_and_field(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(path, "    host: 06F\n", "    host: 06X\n")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'host': unknown organisation or entity '06X'" in err


def test_bad_date_names_file_line_and_field(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(path, "date: 2013-02-13", "date: 2013-02-30")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'date': not a calendar date: '2013-02-30'" in err


def test_unknown_field_and_type_are_refused(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(
        path,
        "    purpose: joint working between the two PMOs",
        "    colour: joint working between the two PMOs",
    )
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: unknown field 'colour' for joint-working" in err
    replace(path, "    colour: joint working", "    purpose: joint working")
    line = replace(path, "  - type: hosting\n    host: 06F", "  - type: housing\n    host: 06F")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'type': 'housing' is not one of" in err


def test_resolved_record_needs_what_it_resolves(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    replace(path, "    resolved_from: five-ccgs\n", "    resolved_from: no-such-id\n")
    err = validate_error(mini, monkeypatch, capsys)
    assert "field 'resolved_from': no earlier record with id 'no-such-id'" in err


def test_entity_key_must_be_lower_case_words(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = curated_file(mini.data)
    line = replace(path, "  - key: northamptonshire-pmo\n", "  - key: Northamptonshire PMO\n")
    err = validate_error(mini, monkeypatch, capsys)
    assert f"{path}:{line}: field 'key': keys are lower-case words with hyphens" in err


def test_a_broken_curated_file_never_replaces_the_published_graph(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(mini).published
    before = current(mini.build).path
    replace(curated_file(mini.data), "host: 06F", "host: 06X")
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    assert main(["build", "--quiet"]) == 2
    assert current(mini.build).path == before


def test_every_quote_is_evidence_with_exact_text_and_offsets(mini: Settings) -> None:
    build(mini)
    text = (mini.data / "sources" / f"{DOC}.txt").read_text(encoding="utf-8")
    service = QueryService(mini)
    result = service.sparql(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
           SELECT ?exact ?start ?end WHERE {
             ?e oa:hasSelector ?q , ?p . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
             ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }"""
    )
    rows = result.dicts()  # type: ignore[union-attr]
    assert len(rows) > 40
    for row in rows:
        assert text[int(row["start"].value) : int(row["end"].value)] == row["exact"].value  # type: ignore[union-attr]


def test_sentences_split_lines_tables_and_full_stops() -> None:
    text = "A first. A second one!\nCell one\tCell two\n\n**Heading**\n"
    found = [s.text for s in sentences(text)]
    assert found == ["A first.", "A second one!", "Cell one", "Cell two", "**Heading**"]
    for s in sentences(text):
        assert text[s.start : s.end] == s.text


def test_coverage_command_reports_each_document(
    mini: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    # the mini copy of 000 has neither the later statements nor an `excluded` section
    assert (
        f"{DOC}.txt: 31 statements; 20 of 44 fact-bearing sentences cited (45%); "
        "24 uncited; 0 excluded" in out
    )
    # the only record that cites this sentence now quotes another one instead
    replace(
        curated_file(mini.data),
        "    quote: The Clinical Senate report was accepted by the Programme Board at its meeting"
        " on 13<sup>th</sup> March 2013 and has now been published.\n",
        "    quote: the Clinical Senate formally signed off the work of the six Clinical Working"
        " Groups\n",
    )
    assert main(["coverage", "--uncited", "--document", "000"]) == 0
    out = capsys.readouterr().out
    assert "19 of 44" in out
    assert "uncited @" in out and "The Clinical Senate report was accepted" in out


def test_format_command_lists_every_record_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format"]) == 0
    out = capsys.readouterr().out
    for record_type in (
        "membership",
        "coordination",
        "consultation",
        "merger-proposal",
        "contract",
        "focus",
    ):
        assert f"type: {record_type}" in out
