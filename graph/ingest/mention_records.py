"""Candidate records from the mentions themselves: new aliases, new bodies, counted groups.

- An **alias**: a mention linked to an organisation by words that are not the name it
  bore on the document's day ("L&D", "Bedford Hospital" for Bedford Hospital NHS Trust):
  ``{org, alias, quote}``, one per organisation and wording.
- An **entity** for a body the reference data lacks (a board, a programme office...):
  ``{key, kind, name, aliases, quote}``, the other words the text uses for it (its
  abbreviation) as aliases; and for a counted group ``{key, kind: stated-group, name,
  count, member_type, quote}``.

Keys are :func:`~nhskg.graph.ingest.model.mention_ref` of the mention, so statement
candidates that cite the mention cite the same entity. Each quote is a stretch of the
text around the mention (its sentence, or more) found exactly once in the text, as the
curated loader requires; where no stretch is unique, the quote says which occurrence.
"""

from __future__ import annotations

import re
from typing import Any

from nhskg.graph.ingest.gazetteer import clean
from nhskg.graph.ingest.model import Candidate, DocumentDay, Mention, candidate_key, mention_ref
from nhskg.graph.reference.name_periods import name_key

_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\n(?=\s*[-*•]|\s*\d+\.)")
MAX_QUOTE = 600
LONG_SENTENCE = 300  # longer than this, a "sentence" is a table or a form: quote less


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line, or list item) holding text[start:end]."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    after = _SENTENCE_END.search(text, end)
    right = len(text) if after is None else after.start() + (after.group()[:1] in ".!?")
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


def _line_or_words(text: str, start: int, end: int) -> dict[str, Any] | None:
    """For a mention in an over-long "sentence" (a table, a form, a list with no stops):
    its line when that is short and unique, else the fewest whole words around it that
    occur once in the text (None if none up to MAX_QUOTE does)."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    line = text[left:right].strip()
    if len(line) <= LONG_SENTENCE and _count(text, line) == 1:
        return {"quote": line}
    left, right = start, end
    while right - left <= MAX_QUOTE:
        quote = text[left:right]
        if right - left >= len(text[start:end]) + 20 and _count(text, quote) == 1:
            return {"quote": quote}
        grown_left = text.rfind(" ", max(left - 40, 0), max(left - 1, 0))
        grown_right = text.find(" ", right + 1, right + 40)
        new_left = grown_left + 1 if grown_left >= 0 else max(left - 1, 0)
        new_right = grown_right if grown_right >= 0 else min(right + 1, len(text))
        if (new_left, new_right) == (left, right):
            return None
        left, right = new_left, new_right
        while text[left].isspace() and left < start:
            left += 1
        while text[right - 1].isspace() and right > end:
            right -= 1
    return None


def quote_around(text: str, start: int, end: int) -> dict[str, Any]:
    """A verbatim stretch of ``text`` holding [start, end) that occurs once in it:
    its sentence, grown by sentences until unique; in a "sentence" over LONG_SENTENCE
    characters (a table, a form), its line or the fewest words around it; else
    ``{"quote": ..., "occurrence": N}`` when no stretch up to MAX_QUOTE is unique."""
    left, right = _sentence(text, start, end)
    if right - left > LONG_SENTENCE:
        short = _line_or_words(text, start, end)
        if short is not None:
            return short
    while True:
        quote = text[left:right]
        if _count(text, quote) == 1:
            return {"quote": quote}
        if right - left >= MAX_QUOTE or (left == 0 and right == len(text)):
            break
        grow_right = _SENTENCE_END.search(text, right + 1)
        new_right = grow_right.end() if grow_right else len(text)
        new_left = left
        if new_right == right or right >= len(text):
            previous = [m.end() for m in _SENTENCE_END.finditer(text, 0, max(0, left - 1))]
            new_left = previous[-1] if previous else 0
        left, right = new_left, min(new_right, len(text))
        while right > end and text[right - 1].isspace():
            right -= 1
        while left < start and text[left].isspace():
            left += 1
    quote = text[left:right]
    starts = _starts(text, quote)
    return {"quote": quote, "occurrence": starts.index(left) + 1}


def _starts(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def _count(text: str, quote: str) -> int:
    return len(_starts(text, quote))


def _alternatives(m: Mention) -> str:
    if len(m.links) < 2:
        return ""
    others = ", ".join(f"{k.ref} ({k.score:.2f})" for k in m.links[1:])
    return f"; alternatives: {others}"


def _candidate(text: str, section: str, record: dict[str, Any], m: Mention, why: str) -> Candidate:
    where = quote_around(text, m.start, m.end)
    full = {**record, **where}
    start = (
        text.find(full["quote"])
        if "occurrence" not in full
        else _starts(text, full["quote"])[full["occurrence"] - 1]
    )
    return Candidate(
        section=section,
        record=full,
        start=start,
        end=start + len(full["quote"]),
        confidence=round(m.confidence, 3),
        why=why,
        key=candidate_key(section, full),
    )


def mention_records(text: str, mentions: list[Mention], when: DocumentDay) -> list[Candidate]:
    """Candidate aliases and entities from ``mentions`` of ``text`` (dated ``when``),
    sorted by where their quotes are, then by key."""
    out: list[Candidate] = []
    seen_aliases: set[tuple[str, str]] = set()
    bodies: dict[str, list[Mention]] = {}
    for m in sorted(mentions, key=lambda m: (m.start, m.end, m.pattern)):
        key = mention_ref(m)
        if key is None:
            continue
        if m.pattern == "counted-group":
            bodies.setdefault(key, []).append(m)
            continue
        if m.pattern == "new-body" or (m.pattern == "abbreviation" and m.kind is not None):
            bodies.setdefault(key, []).append(m)
            continue
        best = m.links[0]
        words = clean(m.text)
        if name_key(words) == name_key(best.name) or (best.ref, words) in seen_aliases:
            continue
        seen_aliases.add((best.ref, words))
        why = (
            f"{m.pattern}: {m.why}; '{words}' is not the name {best.ref} bore on "
            f"{when.day.isoformat()} ({best.name}); {best.why}{_alternatives(m)}"
        )
        out.append(_candidate(text, "aliases", {"org": best.ref, "alias": words}, m, why))
    for key, group in sorted(bodies.items()):
        first = next((m for m in group if m.pattern in ("new-body", "counted-group")), group[0])
        name = clean(first.text)
        if first.pattern == "counted-group":
            record: dict[str, Any] = {"key": key, "kind": "stated-group", "name": name}
            if first.count is not None:
                record["count"] = first.count
            if first.member_type is not None:
                record["member_type"] = first.member_type
            why = f"counted-group: {first.why}"
        else:
            if first.kind is None:
                continue
            record = {"key": key, "kind": first.kind, "name": name}
            others = sorted({clean(m.text) for m in group} - {name})
            if others:
                record["aliases"] = others
            why = f"{first.pattern}: {first.why}; a body the reference data lacks"
        out.append(_candidate(text, "entities", record, first, why))
    return sorted(out, key=lambda c: (c.start, c.end, c.section, c.key))
