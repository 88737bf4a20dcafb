"""Storing a new document's text once in data/sources/ and describing it in
documents.yaml.

The text goes to ``NNN_<first 16 hex digits of its SHA-256>.txt`` (NNN the next free
number). A text already stored, under any name, is not stored again: its file and its
entry are reused. A new entry is appended to documents.yaml as text, so the file's
comments and layout stay as they are, and the file is read back as the build reads it
(every quote found in the text); if that fails the file is put back as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nhskg.graph.curated.sources import load_sources
from nhskg.graph.curated.yamlio import CuratedFileError, load_with_lines
from nhskg.graph.dates import VagueDate
from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.metadata import Metadata
from nhskg.graph.ingest.yaml_text import list_item

DOCUMENTS = "documents.yaml"
_NUMBERED = re.compile(r"^(\d+)_[^/]*\.txt$")


@dataclass(frozen=True)
class Stored:
    """Where a document's text is and whether this ingest added it or its entry."""

    identifier: str  # the file name in data/sources/
    path: Path
    new_text: bool
    new_entry: bool


def digest(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def find_stored(sources_dir: Path, text: str) -> Path | None:
    """The stored file holding exactly ``text``, if there is one."""
    mark = digest(text)
    named = sorted(sources_dir.glob(f"*_{mark}.txt"))
    for path in named + sorted(sources_dir.glob("*.txt")):
        if path.read_text(encoding="utf-8") == text:
            return path
    return None


def next_number(sources_dir: Path) -> int:
    numbers = [int(m[1]) for p in sources_dir.glob("*.txt") if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=-1) + 1


def store_text(sources_dir: Path, text: str) -> tuple[Path, bool]:
    """The file holding ``text`` in ``sources_dir``, written now (True) or found (False)."""
    sources_dir.mkdir(parents=True, exist_ok=True)
    found = find_stored(sources_dir, text)
    if found is not None:
        return found, False
    path = sources_dir / f"{next_number(sources_dir):03d}_{digest(text)}.txt"
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(partial, path)
    return path, True


def described(documents: Path, identifier: str) -> bool:
    """Whether documents.yaml already has an entry for ``identifier``."""
    if not documents.is_file():
        return False
    data = load_with_lines(documents)
    entries = data.get("documents") or [] if isinstance(data, dict) else []
    return any(isinstance(e, dict) and e.get("identifier") == identifier for e in entries)


def _date(value: VagueDate) -> dt.date | str:
    """A date as documents.yaml writes it: a day as a date, a month or year as its text."""
    return value.first if value.precision == "day" else value.text


def entry(identifier: str, meta: Metadata) -> dict[str, Any]:
    """The documents.yaml entry of a document, its fields in the file's order."""
    fields: dict[str, Any] = {"identifier": identifier, "title": meta.title}
    if meta.date is not None:
        fields["date"] = _date(meta.date)
    else:
        assert meta.date_from is not None and meta.date_until is not None
        fields["date_from"] = _date(meta.date_from)
        fields["date_until"] = _date(meta.date_until)
    if meta.date_text:
        fields["date_text"] = meta.date_text
    if meta.publisher:
        fields["publisher"] = meta.publisher
    if meta.concerns:
        fields["concerns"] = list(meta.concerns)
    if meta.quotes:
        fields["quote"] = list(meta.quotes)
    return fields


def entry_text(identifier: str, meta: Metadata, indent: int = 2) -> str:
    """The documents.yaml entry of a document as YAML text, a list item at ``indent``."""
    return list_item(entry(identifier, meta), indent)


def _item_indent(text: str) -> int:
    m = re.search(r"^( *)- identifier:", text, re.MULTILINE)
    return len(m.group(1)) if m else 2


def add_entry(sources_dir: Path, identifier: str, meta: Metadata) -> None:
    """Append the document's entry to documents.yaml, keeping what the file says; check it
    reads back as the build reads it, else restore the file and raise IngestError."""
    documents = sources_dir / DOCUMENTS
    before = documents.read_text(encoding="utf-8") if documents.is_file() else None
    if before is None or not re.search(r"^documents:", before, re.MULTILINE):
        head = before.rstrip("\n") + "\n\n" if before and before.strip() else ""
        text = head + "documents:\n" + entry_text(identifier, meta)
    else:
        if re.search(r"^documents:\s*\[\s*\]\s*$", before, re.MULTILINE):
            before = re.sub(r"^documents:\s*\[\s*\]\s*$", "documents:", before, flags=re.M)
        body = before.rstrip("\n") + "\n\n"
        text = body + entry_text(identifier, meta, _item_indent(before))
    documents.write_text(text, encoding="utf-8")
    try:
        docs = load_sources(sources_dir)
        if identifier not in docs:
            raise CuratedFileError(f"{documents}: the new entry for {identifier} was not read")
    except CuratedFileError as exc:
        if before is None:
            documents.unlink()
        else:
            documents.write_text(before, encoding="utf-8")
        raise IngestError(f"{documents}: could not describe {identifier}: {exc}") from None


def store(sources_dir: Path, text: str, describe: Callable[[], Metadata]) -> Stored:
    """Store the text once and describe it once. ``describe`` is called only for a
    document documents.yaml does not describe yet, before anything is written (so a
    document whose title or date is missing leaves nothing behind)."""
    found = find_stored(sources_dir, text)
    if found is not None and described(sources_dir / DOCUMENTS, found.name):
        return Stored(found.name, found, False, False)
    meta = describe()
    path, new_text = store_text(sources_dir, text)
    try:
        add_entry(sources_dir, path.name, meta)
    except IngestError:
        if new_text:
            path.unlink()
        raise
    return Stored(path.name, path, new_text, True)
