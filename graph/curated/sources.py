"""The source documents: their texts (data/sources/*.txt, unchanged) and metadata
(data/sources/documents.yaml), and finding a quote in a text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nhskg.graph.curated.yamlio import CuratedFileError, line_of, load_with_lines
from nhskg.graph.dates import DateError, VagueDate, parse_date, written_between

CONTEXT = 32  # characters of prefix and suffix kept with each quote


@dataclass(frozen=True)
class Quote:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass
class SourceDocument:
    identifier: str  # the file name, e.g. 000_ab1d5f3ab4a972f1.txt
    text: str
    title: str
    date: VagueDate | None
    date_from: VagueDate | None
    date_until: VagueDate | None
    date_text: str | None
    publisher: str | None
    audience: str | None
    concerns: list[str]
    authors: list[str]
    sponsors: list[str]
    description: str | None
    meta_line: int
    quotes: list[Quote] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.identifier.rsplit(".", 1)[0]

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The days the document may have been written on."""
        return written_between(self.date, self.date_from, self.date_until)

    def find(self, exact: str, *, occurrence: int | None, where: str) -> Quote:
        """Locate ``exact``: it must occur, and only once unless ``occurrence`` says which."""
        if not exact:
            raise CuratedFileError(f"{where}: the quote is empty")
        starts = []
        i = self.text.find(exact)
        while i >= 0:
            starts.append(i)
            i = self.text.find(exact, i + 1)
        if not starts:
            raise CuratedFileError(
                f"{where}: quote not found verbatim in {self.identifier}: {exact[:80]!r}"
            )
        if occurrence is None and len(starts) > 1:
            raise CuratedFileError(
                f"{where}: quote occurs {len(starts)} times in {self.identifier}; "
                f"quote more of the sentence or add occurrence: N ({exact[:60]!r})"
            )
        n = occurrence or 1
        if not 1 <= n <= len(starts):
            raise CuratedFileError(
                f"{where}: occurrence {n} asked, but the quote occurs {len(starts)} times"
            )
        start = starts[n - 1]
        end = start + len(exact)
        return Quote(
            exact,
            start,
            end,
            self.text[max(0, start - CONTEXT) : start],
            self.text[end : end + CONTEXT],
        )


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _date(value: Any, where: str) -> VagueDate | None:
    if value is None:
        return None
    try:
        return parse_date(str(value))
    except DateError as exc:
        raise CuratedFileError(f"{where}: {exc}") from None


def load_sources(folder: Path) -> dict[str, SourceDocument]:
    """Every document described in documents.yaml, with its text; keyed by file name."""
    meta_path = folder / "documents.yaml"
    data = load_with_lines(meta_path)
    docs: dict[str, SourceDocument] = {}
    known = {
        "identifier",
        "title",
        "date",
        "date_from",
        "date_until",
        "date_text",
        "publisher",
        "audience",
        "concerns",
        "description",
        "author",
        "sponsor",
        "quote",
        "__line__",
        "__lines__",
    }
    for entry in data.get("documents") or []:
        where = f"{meta_path}:{line_of(entry)}"
        unknown = sorted(set(entry) - known)
        if unknown:
            raise CuratedFileError(
                f"{meta_path}:{line_of(entry, unknown[0])}: unknown field '{unknown[0]}'"
            )
        for needed in ("identifier", "title"):
            if not entry.get(needed):
                raise CuratedFileError(f"{where}: field '{needed}' is required")
        identifier = entry["identifier"]
        path = folder / identifier
        if not path.is_file():
            raise CuratedFileError(
                f"{meta_path}:{line_of(entry, 'identifier')}: no file {identifier} in {folder}"
            )
        doc = SourceDocument(
            identifier=identifier,
            text=path.read_text(encoding="utf-8"),
            title=" ".join(str(entry["title"]).split()),
            date=_date(entry.get("date"), f"{meta_path}:{line_of(entry, 'date')}: field 'date'"),
            date_from=_date(
                entry.get("date_from"),
                f"{meta_path}:{line_of(entry, 'date_from')}: field 'date_from'",
            ),
            date_until=_date(
                entry.get("date_until"),
                f"{meta_path}:{line_of(entry, 'date_until')}: field 'date_until'",
            ),
            date_text=entry.get("date_text"),
            publisher=entry.get("publisher"),
            audience=entry.get("audience"),
            concerns=list(entry.get("concerns") or []),
            authors=_list(entry.get("author")),
            sponsors=_list(entry.get("sponsor")),
            description=" ".join(str(entry["description"]).split())
            if entry.get("description")
            else None,
            meta_line=line_of(entry),
        )
        raw_quotes = entry.get("quote") or []
        for exact in raw_quotes if isinstance(raw_quotes, list) else [raw_quotes]:
            where = f"{meta_path}:{line_of(entry, 'quote')}: field 'quote'"
            doc.quotes.append(doc.find(str(exact), occurrence=None, where=where))
        if doc.date is None and (doc.date_from is None or doc.date_until is None):
            raise CuratedFileError(f"{where}: give 'date', or both 'date_from' and 'date_until'")
        docs[identifier] = doc
    return docs
