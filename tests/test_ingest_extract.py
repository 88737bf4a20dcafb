"""Reading a document's text: plain text, HTML, and PDF page by page and column by column;
an unreadable file is refused naming the file and what is wrong."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.extract import extract, unwrap

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _make_pdfs():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_pdfs", FIXTURES / "make_pdfs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pdf_fixtures_are_what_their_script_writes() -> None:
    make = _make_pdfs()
    for name, writer in make.FIXTURES.items():
        assert (FIXTURES / name).read_bytes() == writer(), (
            f"run tests/fixtures/make_pdfs.py ({name})"
        )


def test_a_two_column_pdf_page_reads_column_by_column() -> None:
    make = _make_pdfs()
    pages: list[str] = []
    found = extract(FIXTURES / "two_columns.pdf", pages.append)
    assert found.kind == "pdf" and found.pages == 2
    assert pages == ["two_columns.pdf: read page 2 of 2"]
    text = found.text
    # each column's lines follow each other (one sentence, its wrapped lines joined),
    # the left column before the right one
    left, right = " ".join(make.LEFT), " ".join(make.RIGHT)
    assert left in text and right in text
    assert text.index(left) < text.index(right)
    # nothing interleaved: no line holds words of both columns
    for line in text.splitlines():
        assert not (any(w in line for w in make.LEFT) and any(w in line for w in make.RIGHT))
    # the title across the page comes first, page two after page one
    assert text.index(make.TITLE) < text.index(left)
    assert text.index(right) < text.index(make.PAGE_TWO[1])
    assert found.title == make.TITLE


def test_a_pdf_in_one_column_keeps_pdfium_order(tmp_path: Path) -> None:
    make = _make_pdfs()
    text = extract(FIXTURES / "two_columns.pdf").text
    page_two = text[text.index(make.PAGE_TWO[0]) :]
    assert page_two == "\n".join(make.PAGE_TWO) + "\n"


def test_lines_the_layout_wrapped_are_joined_and_others_kept() -> None:
    assert unwrap("the clinical work-\nstream will meet") == "the clinical work-stream will meet"
    page = "Next steps\nThe boards will meet the\nregulator in March.\n1. Agree the plan\n\nend"
    assert unwrap(page) == (
        "Next steps\nThe boards will meet the regulator in March.\n1. Agree the plan\n\nend"
    )


def test_an_encrypted_pdf_is_refused_naming_the_file() -> None:
    with pytest.raises(IngestError, match=r"encrypted\.pdf: the PDF is encrypted"):
        extract(FIXTURES / "encrypted.pdf")


def test_a_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a PDF body\n")
    with pytest.raises(IngestError, match=r"broken\.pdf: not a readable PDF"):
        extract(path)


def test_missing_files_folders_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"nowhere\.txt: no such file"):
        extract(tmp_path / "nowhere.txt")
    with pytest.raises(IngestError, match="is a folder"):
        extract(tmp_path)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 board".encode("latin-1"))
    with pytest.raises(IngestError, match=r"latin\.txt: not UTF-8 text \(byte 3"):
        extract(latin)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(IngestError, match="binary file"):
        extract(binary)
    empty = tmp_path / "empty.md"
    empty.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"empty\.md: no text"):
        extract(empty)


def test_plain_text_is_read_as_written_with_unix_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes("\ufeffJanuary 2018\r\n\r\nLuton & Dunstable \u2013 update\r\n".encode())
    found = extract(path)
    assert found.kind == "text"
    assert found.text == "January 2018\n\nLuton & Dunstable \u2013 update\n"


def test_html_keeps_visible_text_blocks_as_lines_entities_decoded_spaces_collapsed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "brief.html"
    path.write_text(
        """<!doctype html><html><head><title>Central Brief | BLMK</title>
        <meta name="DC.date" content="2018-01-15"><style>p { color: red }</style>
        <script>var x = "<p>hidden</p>";</script></head>
        <body><h1>Central   Brief</h1><p>Luton &amp; Dunstable University
        Hospital (L&amp;D)<br>and Bedford Hospital&nbsp;NHS Trust.</p>
        <ul><li>One</li><li>Two</li></ul><noscript>Enable scripts</noscript>
        <table><tr><td>NHS</td><td>RC9</td></tr></table></body></html>""",
        encoding="utf-8",
    )
    found = extract(path)
    assert found.text == (
        "Central Brief\n\n"
        "Luton & Dunstable University Hospital (L&D)\n"
        "and Bedford Hospital NHS Trust.\n\n"  # a non-breaking space is a space
        "One\nTwo\n\n"
        "NHS RC9\n"
    )
    assert found.title == "Central Brief | BLMK"
    assert found.heading == "Central Brief"
    assert (found.date, found.date_source) == ("2018-01-15", '<meta name="dc.date">')


def test_html_in_a_declared_character_set_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(
        '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 \u2013 board</p>'
        "</body></html>".encode("cp1252")
    )
    assert extract(path).text == "Caf\u00e9 \u2013 board\n"


def test_runs_that_overlap_on_a_line_make_no_gutter() -> None:
    from nhskg.graph.ingest.pdf_columns import Run, _gutter

    overlapping = [
        Run("Line one of a long text that runs", 72, 330, 700, 710),
        Run("into the next column", 320, 500, 700, 710),
        Run("Line two of a long text that runs", 72, 330, 685, 695),
        Run("into the next column", 320, 500, 685, 695),
    ]
    assert _gutter(overlapping) is None
    apart = [Run(r.text, r.left, 300, r.bottom, r.top) if r.left == 72 else r for r in overlapping]
    assert _gutter(apart) == (300, 320)


def test_pdfium_control_characters_do_not_reach_the_text() -> None:
    from nhskg.graph.ingest.pdf_columns import CONTROLS

    assert "work\x02\nstream\x00".translate(CONTROLS) == "work-\nstream"
    assert "sub\ufffe\ncommittee".translate(CONTROLS) == "sub-\ncommittee"
