"""What the ingest stages hand each other: mentions, their links, and candidate records.

A document's text is read once (:mod:`extract`); mentions are found in it and linked on
the document's day (:mod:`mentions`, :mod:`linking`); candidate records are proposed
from the mentions and the sentences around them (:mod:`statements`) and written in the
curated format with a ``candidate`` block (:mod:`candidates_file`). Offsets are
character offsets into the stored text, end exclusive, so ``text[start:end]`` is the
mention or the quote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentDay:
    """When a document was written: ``first`` to ``last`` (one day when the date is exact).

    Linking uses ``day`` (the last possible day: the names a document can use are those in
    force when it was finished); ``first`` and ``last`` bound what is possible.
    """

    first: dt.date
    last: dt.date

    @property
    def day(self) -> dt.date:
        return self.last


@dataclass(frozen=True)
class Link:
    """One organisation a mention may name, with why and how sure.

    ``ref`` is what a curated record would write: an ODS or ONS code of the reference
    landscape, or the key of a curated entity. ``name`` is the name it bore on the
    document's day.
    """

    ref: str
    name: str
    score: float  # 0..1, the links of one mention sorted by it, best first
    why: str


@dataclass(frozen=True)
class Mention:
    """A place where the text names an organisation, a body or a counted group.

    ``pattern`` says which rule found it: ``name`` (a reference name, any period),
    ``alias`` (a curated alias or entity name), ``abbreviation`` (defined in the text as
    "Long Form (ABBR)", or a known one), ``list`` (one item of "X, Y and Z CCGs"),
    ``counted-group`` ("the N CCGs of ..."), ``fuzzy`` (a near match of a name's core),
    ``new-body`` (a board, programme office, workstream... the reference data lacks).
    ``links`` is empty for a new body or a counted group; otherwise ranked.
    """

    start: int
    end: int
    text: str
    pattern: str
    links: tuple[Link, ...] = ()
    kind: str | None = None  # for a new body: the entity kind it would be (board, ...)
    count: int | None = None  # for a counted group
    member_type: str | None = None  # for a counted group: an organisation type key
    confidence: float = 1.0
    why: str = ""

    @property
    def ref(self) -> str | None:
        """The best link's ref, if any."""
        return self.links[0].ref if self.links else None


@dataclass
class Candidate:
    """A proposed record in the curated format, with where its quote is and why.

    ``section`` is the curated file's list it would join: ``entities``, ``aliases`` or
    ``statements``. ``record`` holds the curated fields exactly as a curator would write
    them (``type``, ``member``, ``organization``, ``quote``, ...): accepting a candidate
    copies ``record`` into the curated file unchanged. ``start``/``end`` locate the (first)
    quote in the text.
    """

    section: str
    record: dict[str, Any]
    start: int
    end: int
    confidence: float
    why: str
    key: str = ""  # a stable identity: same input, same key (see candidates_file.candidate_key)
    extra: dict[str, Any] = field(default_factory=dict)


_NOT_KEY = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A curated entity key from words: lower case, hyphens ("BLMK STP team" -> blmk-stp-team)."""
    return _NOT_KEY.sub("-", text.casefold().replace("&", " and ")).strip("-")


def mention_ref(mention: Mention) -> str | None:
    """What a record would write for the mention: its best link, or the key of the new body or
    counted group it proposes (``slug`` of its text); None for a mention with neither."""
    if mention.links:
        return mention.links[0].ref
    if mention.pattern in ("new-body", "counted-group"):
        return slug(mention.text)
    return None


def candidate_key(section: str, record: dict[str, Any]) -> str:
    """A candidate's stable identity: the same proposal (section and curated fields, the
    ``candidate`` block left out) has the same key on every run, so a rejection made once
    is recognised when the document is ingested again."""
    fields = {k: v for k, v in record.items() if k != "candidate"}
    text = json.dumps([section, fields], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
