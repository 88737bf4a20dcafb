"""A new document's title and date: given as options, or read from the document, never
guessed. What is read from the running text keeps the words it was read from (the
``quote`` of the document's entry in documents.yaml), so the build checks them.

Read, in this order: a title from the first heading at the top of the text (an HTML
<h1>, a Markdown ``#`` heading, a line in bold), else the file's own title (HTML
<title>, a PDF's Title unless it is a file name); a date from a date line near the top
("January 2018", "27 September 2018", "Date: Thursday 1 October 2015", "Board: 27
SEPTEMBER 2018"), else an HTML <meta> date. A PDF's creation date dates the file, not
the paper, and is not used. What cannot be read is asked for (``ask``) or refused with
an error naming the option to give.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from nhskg.graph.dates import DateError, VagueDate, parse_date, written_between
from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.extract import Extracted

TOP_LINES = 12  # a date or title line is looked for in the first 12 lines with text
TOP_CHARS = 2000

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th|<sup>(?:st|nd|rd|th)</sup>)?"
_DATE_FORMS = [
    re.compile(
        rf"\b{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+{_MONTH}\s*,?\s+(?P<year>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_MONTH}\s*,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
]
_MARKUP = re.compile(r"<[^>]+>|[*_#`>|]+")
_DATE_LABEL = re.compile(r"\b(?:date|dated|issued|published)\s*[:\-–]?\s*$", re.IGNORECASE)
_FILE_NAME = re.compile(r"^(?:microsoft \w+ - )|\.(?:docx?|pdf|pptx?|xlsx?|odt|rtf)$", re.I)


@dataclass
class Given:
    """The metadata given as options (None: read it from the document)."""

    title: str | None = None
    date: str | None = None
    date_from: str | None = None
    date_until: str | None = None
    date_text: str | None = None
    publisher: str | None = None
    concerns: list[str] = field(default_factory=list)


@dataclass
class Metadata:
    """A document's entry in documents.yaml (without its identifier), and where each
    value came from (``origins``: field -> "given", "asked", or what it was read from)."""

    title: str
    date: VagueDate | None
    date_from: VagueDate | None
    date_until: VagueDate | None
    date_text: str | None
    publisher: str | None
    concerns: list[str]
    quotes: list[str]
    origins: dict[str, str]

    @property
    def day(self) -> tuple[dt.date, dt.date]:
        """The first and last day the document may have been written on."""
        return written_between(self.date, self.date_from, self.date_until)


Ask = Callable[[str], str]


def _parse(value: str, option: str, where: str) -> VagueDate:
    try:
        return parse_date(value)
    except DateError as exc:
        raise IngestError(f"{where}: {option}: {exc}") from None


def _top(text: str) -> list[tuple[int, int]]:
    """(start, end) of the first lines with text."""
    lines = []
    for m in re.finditer(r"[^\n]*", text[:TOP_CHARS]):
        if m.group().strip():
            lines.append((m.start(), m.end()))
            if len(lines) == TOP_LINES:
                break
    return lines


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split()).strip(" :;,.–-")


def _vague(m: re.Match[str]) -> VagueDate | None:
    month_text = m.group("month").casefold().rstrip(".")
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text]
    year = int(m.group("year"))
    day = m.groupdict().get("day")
    try:
        return parse_date(
            f"{year:04d}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"
        )
    except DateError:
        return None


def unique_quote(text: str, start: int, end: int) -> str | None:
    """The words text[start:end], lengthened to their whole line and then the lines after
    it until they occur once in ``text`` (a documents.yaml quote must be unique)."""
    candidates = [text[start:end]]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    candidates.append(text[line_start:line_end].strip())
    for _ in range(3):
        nxt = text.find("\n", line_end + 1)
        line_end = len(text) if nxt < 0 else nxt
        candidates.append(text[line_start:line_end].strip())
    for quote in candidates:
        if quote and text.count(quote) == 1:
            return quote
    return None


def read_date(text: str) -> tuple[VagueDate, str] | None:
    """A date line near the top of the text: (the date, the words it was read from).

    A date counts when it is its line's only words, follows a label such as "Date:", or
    ends a line after a colon ("Health and Wellbeing Board: 27 September 2018"); a
    date inside a sentence does not. A labelled date is preferred, then the first.
    """
    found: list[tuple[int, int, VagueDate, int, int]] = []
    for line_start, line_end in _top(text):
        line = text[line_start:line_end]
        for form in _DATE_FORMS:
            for m in form.finditer(line):
                date = _vague(m)
                if date is None:
                    continue
                before, after = line[: m.start()], line[m.end() :]
                if _DATE_LABEL.search(_MARKUP.sub(" ", before)):
                    rank = 0
                elif not _plain(before) and not _plain(after):
                    rank = 1
                elif not _plain(after) and before.rstrip(" *_").endswith(":"):
                    rank = 2
                else:
                    continue
                found.append((rank, line_start + m.start(), date, m.start(), m.end()))
            if any(f[1] >= line_start for f in found):
                break  # the most precise form that matched on this line
    if not found:
        return None
    rank, offset, date, _, _ = min(found, key=lambda f: (f[0], f[1]))
    length = len(_match_at(text, offset))
    quote = unique_quote(text, offset, offset + length)
    return (date, quote or text[offset : offset + length])


def _match_at(text: str, offset: int) -> str:
    for form in _DATE_FORMS:
        m = form.match(text, offset)
        if m:
            return m.group()
    return ""


_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_BOLD = re.compile(r"^\s*(\*\*|__)(?P<title>[^*_].*?)\1\s*$", re.DOTALL)


def read_title(text: str) -> tuple[str, str] | None:
    """A heading at the top of the text: a Markdown ``#`` heading, or a block (one or more
    lines) wholly in bold before any sentence; (the title, its words as written)."""
    top = _top(text)
    for i, (start, end) in enumerate(top):
        line = text[start:end]
        if m := _HEADING.match(line):
            return _plain(m.group("title")), m.group("title")
        block_end = end
        for j in range(i, min(i + 3, len(top))):  # a bold block of up to three lines
            block_end = top[j][1]
            block = text[start:block_end]
            if (m := _BOLD.match(block)) and _plain(m.group("title")):
                words = m.group("title").strip()
                return _plain(words), words
            if j + 1 < len(top) and text[block_end : top[j + 1][0]].count("\n") > 1:
                break  # a blank line ends the block
        if len(_plain(line).split()) > 25:
            break  # a paragraph: no heading before it
    return None


def given_dates(
    given: Given, where: str
) -> tuple[VagueDate | None, VagueDate | None, VagueDate | None]:
    """The dates given as options (date, date_from, date_until), checked: one date, or a
    span of two in order; IngestError naming the option otherwise."""
    if given.date and (given.date_from or given.date_until):
        raise IngestError(f"{where}: give --date, or --date-from and --date-until, not both")
    if given.date:
        return _parse(given.date, "--date", where), None, None
    if not (given.date_from or given.date_until):
        return None, None, None
    if not (given.date_from and given.date_until):
        raise IngestError(f"{where}: give both --date-from and --date-until")
    date_from = _parse(given.date_from, "--date-from", where)
    date_until = _parse(given.date_until, "--date-until", where)
    if date_from.first > date_until.last:
        raise IngestError(f"{where}: --date-from is after --date-until")
    return None, date_from, date_until


def describe(found: Extracted, given: Given, ask: Ask | None = None) -> Metadata:
    """The document's metadata from the options ``given``, else read from ``found``,
    else asked for (``ask``), else an IngestError naming the option to give."""
    where = str(found.path)
    origins: dict[str, str] = {}
    quotes: list[str] = []
    text = found.text

    title = " ".join((given.title or "").split()) or None
    if title:
        origins["title"] = "given (--title)"
    elif (heading := found_heading(found)) is not None:
        title, words = heading
        origins["title"] = "read from the heading at the top of the text"
        if (quote := _quote_of(text, words)) is not None:
            quotes.append(quote)
    elif found.title and not _FILE_NAME.search(found.title):
        title = found.title
        origins["title"] = f"read from the {'<title>' if found.kind == 'html' else 'PDF Title'}"
        if (quote := _quote_of(text, title)) is not None:
            quotes.append(quote)
    elif ask is not None:
        title = " ".join(ask(f"Title of {found.path.name}: ").split()) or None
        origins["title"] = "asked"
    if not title:
        raise IngestError(f"{where}: no title could be read from the document; give --title")

    date, date_from, date_until = given_dates(given, where)
    date_text = given.date_text
    if date is not None:
        origins["date"] = "given (--date)"
    elif date_from is not None:
        origins["date"] = "given (--date-from, --date-until)"
    elif (line := read_date(text)) is not None:
        date, words = line
        origins["date"] = f"read from the text: {words!r}"
        if text.count(words) == 1 and words not in quotes:
            quotes.append(words)
    elif found.date and (meta := _meta_date(found.date)) is not None:
        date = meta
        origins["date"] = f"read from {found.date_source}: {found.date!r}"
    elif ask is not None:
        while date is None:
            answer = ask(f"Date of {found.path.name} (YYYY-MM-DD, YYYY-MM or YYYY): ").strip()
            try:
                date = parse_date(answer)
            except DateError as exc:
                if not answer:
                    raise IngestError(f"{where}: no date given; give --date") from None
                print(f"  {exc}", file=sys.stderr)
        origins["date"] = "asked"
    if date is None and date_from is None:
        raise IngestError(
            f"{where}: no date could be read from the document; give --date "
            "(YYYY-MM-DD, YYYY-MM or YYYY), or --date-from and --date-until"
        )
    return Metadata(
        title=title,
        date=date,
        date_from=date_from,
        date_until=date_until,
        date_text=date_text,
        publisher=given.publisher,
        concerns=sorted(set(given.concerns)),
        quotes=quotes,
        origins=origins,
    )


def found_heading(found: Extracted) -> tuple[str, str] | None:
    """The title a heading gives: at the top of a text, or an HTML page's first <h1>."""
    if found.kind == "text":
        return read_title(found.text)
    if found.kind == "html" and found.heading:
        return found.heading, found.heading
    return None


def _quote_of(text: str, words: str) -> str | None:
    """``words`` as a quote, when the text holds them once."""
    return words if words and text.count(words) == 1 else None


def _meta_date(value: str) -> VagueDate | None:
    m = re.match(r"(\d{4}(?:-\d\d(?:-\d\d)?)?)", value.strip())
    if not m:
        return None
    try:
        return parse_date(m.group(1))
    except DateError:
        return None
