"""Abbreviations: "Long Form (ABBR)" defined in the text, and the initials of long names.

The long form is the mention just before the bracket whose capitals spell ABBR in order,
or the shortest run of capitalised words that does (then a new body, when its head noun
makes it one). The initials of a long name found in the text ("National Association of
Primary Care": NAPC) are an abbreviation of it where the text writes them. Every ABBR
written as defined is then a mention of the same organisation, and replaces the ranked
alternatives of known initials ("NUH" defined for Nottingham University Hospitals).
"""

from __future__ import annotations

import re

from nhskg.graph.ingest.body_rules import body_kind
from nhskg.graph.ingest.gazetteer import COMMON_ABBREVIATIONS, JOINING_WORDS, clean, initials
from nhskg.graph.ingest.mention_words import CAPITALISED_RUN, Found, distinctive, overlaps, words_of

ABBREVIATION = re.compile(r"\(\s*(?P<abbr>[A-Z][A-Za-z&]{0,8}[A-Z0-9])\s*\)")


def spells(abbr: str, long_form: str, *, from_first: bool = True) -> bool:
    """Whether ABBR's letters are, in order, capitals of ``long_form``: from its first
    capital, or (``from_first`` False, for a name already found before the bracket, as in
    "LLR BCT Clinical Leadership Group (CLG)") from any word's, ending in its last word's."""
    letters = [c.upper() for c in abbr if c.isalnum()]
    capitals = [c for c in long_form if c.isupper() or c.isdigit()]
    if not letters or not capitals:
        return False
    if from_first:
        if capitals[0] != letters[0]:
            return False
    else:
        last = long_form.split()[-1]
        if letters[-1] not in last.upper():
            return False
        starts = [w[0] for w in long_form.split() if w[:1].isupper()]
        if letters[0] not in starts:
            return False
        capitals = capitals[capitals.index(letters[0]) :]
    i = 0
    for c in capitals:
        if i < len(letters) and c == letters[i]:
            i += 1
    return i == len(letters)


def abbreviations(text: str, found: list[Found]) -> list[Found]:
    """ "Long Form (ABBR)": the long form's mention, then ABBR wherever else it is written."""
    out: list[Found] = []
    defined: dict[str, Found] = {}
    for match in ABBREVIATION.finditer(text):
        abbr = match["abbr"]
        if abbr in defined or abbr.upper() in ("NHS", "CCG", "STP", "GP"):
            continue
        before = text[: match.start()].rstrip()
        long: Found | None = None
        for f in found:
            written = text[f.start : f.end]
            if f.end == len(before) and (
                spells(abbr, written) or spells(abbr, written, from_first=False)
            ):
                long = f
        if long is None:
            run = None
            for candidate in CAPITALISED_RUN.finditer(before[-200:]):
                if candidate.end() == len(before[-200:]):
                    run = candidate
            if run is None:
                continue
            offset = len(before) - len(before[-200:])
            words = list(re.finditer(r"\S+", run.group()))
            for w in reversed(words):
                phrase = run.group()[w.start() :]
                if spells(abbr, phrase):
                    start, end = offset + run.start() + w.start(), offset + run.end()
                    ws = phrase.split()
                    kind = body_kind(ws)
                    if kind is None and not (ws[0] == "NHS" and len(ws) == 2):
                        break
                    if overlaps(start, end, found):
                        break
                    long = Found(
                        start,
                        end,
                        "new-body",
                        f"defined as {abbr} in the text",
                        kind=kind or "national-body",
                        confidence=0.6,
                    )
                    out.append(long)
                    break
        if long is None:
            continue
        defined[abbr] = long
    for f in sorted(found + out, key=lambda f: (f.start, f.end)):  # initials of long names
        if f.pattern not in ("name", "alias", "new-body", "fuzzy"):
            continue
        long_words = words_of(text[f.start : f.end])
        if len(distinctive(text[f.start : f.end])) < 3:
            continue
        if not all(w[:1].isupper() for w in long_words if w.casefold() not in JOINING_WORDS):
            continue
        abbr = initials(long_words)
        used = re.search(rf"(?<![\w&]){re.escape(abbr)}(?![\w&])", text)
        if len(abbr) >= 3 and abbr not in COMMON_ABBREVIATIONS and abbr not in defined and used:
            defined[abbr] = f
    taken = found + out
    for abbr, long in sorted(defined.items()):
        for match in re.finditer(rf"(?<![\w&]){re.escape(abbr)}(?![\w&])", text):
            start, end = match.start(), match.end()
            long_text = clean(text[long.start : long.end])
            for known in taken:  # known initials ("NUH": RX1 or RNH) as the text defines them
                if (
                    (known.start, known.end) == (start, end)
                    and known.forms
                    and all(f.source == "initials" for f in known.forms)
                ):
                    known.forms, known.links_from = list(long.forms), (long.start, long.end)
                    known.why = f"defined in the text as {long_text}"
                    known.confidence = 0.95
            if overlaps(start, end, taken) or (start >= long.start and end <= long.end):
                continue
            item = Found(
                start,
                end,
                "abbreviation",
                f"defined in the text as {long_text}",
                forms=list(long.forms),
                kind=long.kind if long.pattern == "new-body" else None,
                confidence=0.95,
                links_from=(long.start, long.end),
            )
            out.append(item)
            taken.append(item)
    return out
