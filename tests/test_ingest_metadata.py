"""A new document's title and date: given, read from the document with the words they
were read from, or asked for; never guessed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.extract import Extracted
from nhskg.graph.ingest.metadata import Given, describe, read_date, read_title


def _text(text: str, **kw: object) -> Extracted:
    return Extracted(Path("paper.txt"), "text", text, 1, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("top", "date", "words"),
    [
        ("January 2018\n\nNews", "2018-01", "January 2018"),
        ("**27 September 2018**\n\nReport", "2018-09-27", "27 September 2018"),
        ("HEALTH AND WELLBEING BOARD: 27 SEPTEMBER 2018\n\nReport", "2018-09-27", None),
        ("Author: A Sponsor: B Date: Thursday 1 October 2015\n", "2015-10-01", None),
        ("Meeting held on\n13<sup>th</sup> February 2013\n", "2013-02-13", None),
        ("Board paper\n\nPublished: 2019-03-04\n", "2019-03-04", "2019-03-04"),
        ("Sept 2017\n", "2017-09", "Sept 2017"),
    ],
)
def test_a_date_line_at_the_top_is_read_with_its_words(
    top: str, date: str, words: str | None
) -> None:
    found = read_date(top + "\nThe board met in March 2016 to agree the plan.\n")
    assert found is not None
    assert found[0].text == date
    assert found[1] in top
    if words is not None:
        assert found[1] == words


@pytest.mark.parametrize(
    "text",
    [
        "The board met in March 2016 to agree the plan.\n",  # inside a sentence
        "Report\n\n" + "A line.\n" * 15 + "January 2018\n",  # not near the top
        "31 February 2018\n",  # not a calendar date
    ],
)
def test_a_date_inside_a_sentence_or_far_down_is_not_read(text: str) -> None:
    assert read_date(text) is None


def test_a_labelled_date_is_preferred_and_a_repeated_date_is_quoted_with_its_line() -> None:
    text = "Central Brief: January 2018\n\nIssue date: January 2018\n\nNews\n"
    date, words = read_date(text) or (None, "")
    assert date is not None and date.text == "2018-01"
    assert words == "Issue date: January 2018"  # "January 2018" alone occurs twice


def test_a_heading_or_bold_block_at_the_top_is_the_title() -> None:
    assert read_title("March 2013\n\n# Central Brief\n\nText.\n") == (
        "Central Brief",
        "Central Brief",
    )
    bold = "March 2013\n\n**PROGRESS REPORT  \nFOR PARTNERS**\n\n**1. Purpose**\n"
    assert read_title(bold) == ("PROGRESS REPORT FOR PARTNERS", "PROGRESS REPORT  \nFOR PARTNERS")
    assert read_title("A plain first line\n\nAnd a second.\n") is None
    long_first = " ".join(["word"] * 30) + "\n\n# Late heading\n"
    assert read_title(long_first) is None


def test_metadata_read_from_the_text_keeps_the_words_as_quotes() -> None:
    meta = describe(_text("27 September 2018\n\n# Update on the plan\n\nBody.\n"), Given())
    assert meta.title == "Update on the plan"
    assert meta.date is not None and meta.date.text == "2018-09-27"
    assert meta.quotes == ["Update on the plan", "27 September 2018"]
    assert meta.day == (dt.date(2018, 9, 27), dt.date(2018, 9, 27))


def test_options_win_over_what_the_document_says() -> None:
    given = Given(title="Given title", date="2018-02", publisher="QHG", concerns=["QHG", "QHG"])
    meta = describe(_text("27 September 2018\n\n# Heading\n"), given)
    assert (meta.title, meta.date and meta.date.text) == ("Given title", "2018-02")
    assert meta.quotes == [] and meta.concerns == ["QHG"] and meta.publisher == "QHG"
    span = describe(
        _text("x"),
        Given(title="T", date_from="2014-12", date_until="2015-03", date_text="2014/15"),
    )
    assert span.day == (dt.date(2014, 12, 1), dt.date(2015, 3, 31))
    assert span.date is None and span.date_text == "2014/15"


def test_html_title_and_meta_date_are_used_when_the_text_has_none() -> None:
    found = Extracted(
        Path("page.html"),
        "html",
        "Some words.\n",
        1,
        title="Board papers",
        date="2018-01-15T09:00:00Z",
        date_source='<meta name="dc.date">',
    )
    meta = describe(found, Given())
    assert meta.title == "Board papers" and meta.date is not None
    assert meta.date.text == "2018-01-15" and meta.quotes == []
    assert meta.origins["date"].startswith('read from <meta name="dc.date">')


def test_a_pdf_title_that_is_a_file_name_is_not_taken() -> None:
    found = Extracted(Path("p.pdf"), "pdf", "January 2018\nText\n", 1, title="Paper G.docx")
    with pytest.raises(IngestError, match=r"p\.pdf: no title could be read.*give --title"):
        describe(found, Given())


def test_missing_metadata_is_asked_for_or_refused_naming_the_option() -> None:
    with pytest.raises(IngestError, match="give --date"):
        describe(_text("No date here.\n"), Given(title="T"))
    answers = iter(["", "Asked title", "Sometime", "2017-11"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    with pytest.raises(IngestError, match="give --title"):
        describe(_text("No date here.\n"), Given(), ask)  # an empty answer is no title
    meta = describe(_text("No date here.\n"), Given(), ask)
    assert meta.title == "Asked title" and meta.date is not None and meta.date.text == "2017-11"
    assert meta.origins == {"title": "asked", "date": "asked"}
    assert asked[-2].startswith("Date of paper.txt")  # asked again after "Sometime"


def test_bad_date_options_are_refused() -> None:
    with pytest.raises(IngestError, match="--date: not a date"):
        describe(_text("x"), Given(title="T", date="27/09/2018"))
    with pytest.raises(IngestError, match="both --date-from and --date-until"):
        describe(_text("x"), Given(title="T", date_from="2014"))
    with pytest.raises(IngestError, match="--date-from is after --date-until"):
        describe(_text("x"), Given(title="T", date_from="2015", date_until="2014"))
