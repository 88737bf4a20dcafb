"""The words mention rules work on: capitalised runs, noise words, and the match record.

:class:`Found` is a stretch of the text and what may be there, before linking; the rules
of :mod:`mention_rules` make and compare them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from nhskg.graph.ingest.gazetteer import JOINING_WORDS, Form, Gazetteer, clean


@dataclass
class Found:
    """A stretch of the text and what may be there, before linking."""

    start: int
    end: int
    pattern: str
    why: str = ""
    forms: list[Form] = field(default_factory=list)
    kind: str | None = None
    count: int | None = None
    member_type: str | None = None
    confidence: float = 1.0
    links_from: tuple[int, int] | None = None  # an abbreviation: the span of its long form


OPEN, CLOSE = "[‘'“\"]?", "[’'”\"]?"
CAP = rf"{OPEN}(?:[A-Z][A-Za-z'’]*(?:-[A-Za-z'’]+)*|[A-Z]{{2,}}|[A-Z]+&[A-Z]+){CLOSE}"
JOIN = r"(?:and|of|for|the|&|in|on|upon)"
CAPITALISED_RUN = re.compile(rf"{CAP}(?:[ \t]+(?:{JOIN}[ \t]+)*{CAP})*")
# Words that begin a sentence or a phrase but never a body's name.
LEADING_NOISE = frozenset(
    {"the", "a", "an", "our", "this", "that", "these", "those", "their", "its", "his", "her",
     "each", "every", "all", "both", "any", "some", "does", "do", "did", "is", "are", "was",
     "were", "will", "can", "should", "would", "could", "may", "must", "how", "what", "why",
     "when", "where", "which", "who", "whilst", "while", "if", "as", "at", "by", "from", "to",
     "with", "within", "update", "brief", "briefing", "report", "following", "dear", "next",
     "new", "january", "february", "march", "april", "june", "july", "august",
     "september", "october", "november", "december", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday", "and", "of", "for", "in", "on", "upon", "&"}
)  # fmt: skip
# Words after a body's name that name a post or a meeting of it ("PPI Assurance Group Chair").
ROLE_WORDS = frozenset(
    {"chair", "chairs", "chairman", "chairperson", "lead", "leads", "director", "manager",
     "executive", "officer", "head", "clerk", "vice-chair", "deputy", "trustee",
     "member", "members", "meeting", "meetings", "secretary", "sponsor", "report", "minutes"}
)  # fmt: skip
ITEM = r"[A-Z][A-Za-z'’&-]*(?:[ \t]+(?:upon[ \t]+|on[ \t]+)?[A-Z][A-Za-z'’&-]*){0,4}"
LIST_ITEMS = rf"(?P<items>{ITEM}(?:\s*,\s*{ITEM})*\s*,?\s+(?:and|&)\s+{ITEM})\s+"


def words_of(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9&][A-Za-z0-9'’&-]*", text)


def distinctive(text: str) -> list[str]:
    return [w.casefold() for w in words_of(text) if w.casefold() not in JOINING_WORDS]


def overlaps(start: int, end: int, found: list[Found]) -> bool:
    return any(start < f.end and f.start < end for f in found)


def bare(word: str) -> str:
    return word.strip("‘'“\"’”").casefold()


def forms_by_text(gazetteer: Gazetteer) -> dict[str, list[Form]]:
    cached = gazetteer.cache.get("forms_by_text")
    if cached is None:
        cached = {}
        for form in gazetteer.forms:
            if form.source != "initials":
                cached.setdefault(clean(form.text).casefold(), []).append(form)
        gazetteer.cache["forms_by_text"] = cached
    return cast(dict[str, list[Form]], cached)
