"""A document's text, read from plain text, HTML or PDF, with what the file says about
itself (an HTML <title> and <meta> date, a PDF's Title): the first step of ingest.

Plain text (.txt, .md) is read as UTF-8. HTML keeps the visible text, block elements as
line breaks, scripts and styles dropped, entities decoded, runs of spaces (non-breaking
ones too) as one space. PDF is read page by page with PDFium; a page set in columns is
read column by column (see :mod:`pdf_columns`), and lines the layout wrapped are joined
(:func:`unwrap`), so that a sentence is one line. A file that cannot be read raises
:class:`IngestError` naming the file and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.pdf_columns import page_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Extracted:
    """The text of one file and what the file itself says about the document.

    ``title`` and ``date`` are what the file's own markup or metadata give (an HTML
    <title> and <meta> date, a PDF's Title), not read from the running text;
    ``date_source`` says where the date came from.
    """

    path: Path
    kind: str  # "text" | "html" | "pdf"
    text: str
    pages: int
    title: str | None = None
    date: str | None = None
    date_source: str | None = None
    heading: str | None = None  # an HTML page's first <h1>, as its text shows it


def extract(path: Path, progress: Progress | None = None) -> Extracted:
    """Read ``path`` as text, HTML or PDF (by its suffix, else by its first bytes)."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_dir():
        raise IngestError(f"{path}: is a folder, not a document")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    kind = _kind(path, raw)
    if kind == "pdf":
        found = _pdf(path, raw, progress)
    elif kind == "html":
        found = _html(path, raw)
    else:
        found = Extracted(path, "text", _plain(path, raw), 1)
    if not found.text.strip():
        raise IngestError(f"{path}: no text in the {found.kind} file")
    return found


def _kind(path: Path, raw: bytes) -> str:
    suffix = path.suffix.casefold()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if raw.startswith(b"%PDF-"):
        return "pdf"
    head = raw[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _decode(path: Path, raw: bytes, encoding: str = "utf-8") -> str:
    if b"\x00" in raw[:8192] and encoding == "utf-8":
        raise IngestError(f"{path}: a binary file, not text (it holds NUL bytes)")
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: not {encoding.upper()} text (byte {exc.start} cannot be read); "
            "convert it to UTF-8 first"
        ) from None
    except LookupError:
        raise IngestError(f"{path}: declares an unknown character set {encoding!r}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain(path: Path, raw: bytes) -> str:
    return _decode(path, raw)


# --- HTML -----------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A paragraph-like element ends with a blank line; a line-like one with a line break.
_PARAGRAPH = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "figure",
    "address",
    "hr",
    "form",
    "fieldset",
}
_LINE = {"div", "li", "tr", "dt", "dd", "caption", "figcaption", "summary", "details"}
_CELL = {"td", "th"}
_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "math", "object"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# <meta> names and properties that give a document's date (Dublin Core, citation, Open Graph)
_DATE_META = (
    "dcterms.issued",
    "dc.date.issued",
    "citation_publication_date",
    "citation_date",
    "article:published_time",
    "dcterms.date",
    "dc.date",
    "date",
    "dcterms.created",
    "dc.date.created",
    "pubdate",
    "publication_date",
)


class _Visible(HTMLParser):
    """Collects the visible text (one list of pieces), the <title> and the <meta> tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0  # depth inside elements whose text is not shown
        self.pre = 0
        self.title_parts: list[str] | None = None
        self.title: str | None = None
        self.meta: dict[str, str] = {}
        self.h1_parts: list[str] | None = None
        self.heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            named = {k: (v or "") for k, v in attrs}
            key = (
                named.get("name") or named.get("property") or named.get("itemprop") or ""
            ).strip()
            if key and "content" in named:
                self.meta.setdefault(key.casefold(), named["content"].strip())
            return
        if tag == "title" and self.title is None:
            self.title_parts = []
            return
        if tag in _HIDDEN and tag not in _VOID:
            self.hidden += 1
            return
        if tag == "pre":
            self.pre += 1
        if tag == "h1" and self.heading is None and not self.hidden:
            self.h1_parts = []
        self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            return  # <svg/> and the like hold nothing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split()) or None
            self.title_parts = None
            return
        if tag in _HIDDEN and tag not in _VOID:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag == "h1" and self.h1_parts is not None:
            self.heading = " ".join("".join(self.h1_parts).split()) or None
            self.h1_parts = None
        self._break(tag)

    def _break(self, tag: str) -> None:
        if self.hidden:
            return
        if tag == "br":
            self.pieces.append("\n")  # each <br> is a line break of its own
        elif tag in _PARAGRAPH or tag in _LINE:
            # breaks do not stack: </li><li> is one line break, </p><p> one blank line
            want = "\n\n" if tag in _PARAGRAPH else "\n"
            tail = "".join(self.pieces[-4:]).rstrip(" ")
            have = len(tail) - len(tail.rstrip("\n")) if tail else 2
            if have < len(want):
                self.pieces.append(want[have:])
        elif tag in _CELL:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.hidden:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
        if self.pre:
            self.pieces.append(data.replace("\n", "\n\x00"))  # kept lines, marked
        else:
            self.pieces.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.pieces)
        lines = []
        for line in joined.split("\n"):
            if line.startswith("\x00"):  # a line of <pre>: its own spaces kept
                lines.append(line[1:].rstrip())
            else:
                lines.append(" ".join(line.split()))
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _html(path: Path, raw: bytes) -> Extracted:
    encoding = "utf-8"
    if not raw.startswith(b"\xef\xbb\xbf") and (m := _CHARSET.search(raw[:4096])):
        encoding = m.group(1).decode("ascii").casefold()
        if encoding in ("utf8", "utf-8"):
            encoding = "utf-8"
    parser = _Visible()
    parser.feed(_decode(path, raw, encoding))
    parser.close()
    date, source = None, None
    for name in _DATE_META:
        if parser.meta.get(name):
            date, source = parser.meta[name], f'<meta name="{name}">'
            break
    return Extracted(path, "html", parser.text(), 1, parser.title, date, source, parser.heading)


# --- PDF ------------------------------------------------------------------------------


_WRAPPED = re.compile(r"(?<=[^\s.!?:;])[ \t]*\n[ \t]*(?=[a-z])")
_HYPHENATED = re.compile(r"(?<=[A-Za-z]-)\n[ \t]*(?=[a-z])")


def unwrap(text: str) -> str:
    """A PDF page's lines joined where the layout, not the writer, broke them: a line
    that does not end a sentence or a clause (. ! ? : ;) followed by one that starts
    with a small letter is one line, with a space between. Headings, list items and
    paragraphs (a next line with a capital, a digit or a bullet) keep their breaks. A
    word hyphenated over two lines is joined with its hyphen ("work-\\nstream" is
    "work-stream": whether the hyphen is the writer's cannot be told)."""
    return _WRAPPED.sub(" ", _HYPHENATED.sub("", text))


def _pdf(path: Path, raw: bytes, progress: Progress | None) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.casefold():
            problem = "the PDF is encrypted (it needs a password); give a copy without one"
        else:
            problem = f"not a readable PDF ({message.removeprefix('Failed to load document ')})"
        raise IngestError(f"{path}: {problem}") from None
    try:
        pages = []
        count = len(pdf)
        for number in range(count):
            page = pdf[number]
            try:
                pages.append(unwrap(page_text(page)))
            finally:
                page.close()
            if progress and (number + 1 == count or (number + 1) % 10 == 0):
                progress(f"{path.name}: read page {number + 1} of {count}")
        meta = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise IngestError(f"{path}: a damaged PDF ({exc})") from None
    finally:
        pdf.close()
    text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
    title = " ".join(meta.get("Title", "").split()) or None
    return Extracted(path, "pdf", text + "\n" if text else "", count, title)
