"""Dates, money and counts as a sentence writes them, typed as curated values.

``dates_in`` finds dates ("13<sup>th</sup> February 2013", "7th and 14th September",
"January 2018", "summer 2013", "in 2019") and types each as precisely as the words
allow (YYYY-MM-DD, YYYY-MM or YYYY). A date written without a year takes the year of
the document's day only when that is unambiguous: the document was written within one
calendar year, and either the month is not after the document's month, or the sentence
speaks of the future ("will", "planned") for a later month; a later month spoken of in
the past tense is the year before. Otherwise the date is left untyped (its words only).
``amounts_in`` reads money ("£39m" -> 39000000, "£200K" -> 200000, "£1 per head");
``number_word`` reads a count written in words or digits ("five", "16").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from nhskg.graph.ingest.model import DocumentDay

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_ORD = r"(?:<sup>)?(?:st|nd|rd|th)?(?:</sup>)?"
# "13th February 2013", "7th and 14th September", "Monday 29 January 2018", "1 April 2018"
_DAYS = re.compile(
    rf"\b(\d{{1,2}}){_ORD}(?:(?:\s*,\s*|\s+and\s+)(\d{{1,2}}){_ORD})*\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b"
)
_DAY_ONE = re.compile(rf"(\d{{1,2}}){_ORD}")
# "January 2018", "in September", "end of March 2013"
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:\s+(\d{{4}}))?\b")
_SEASON = re.compile(r"\b(?:(early|late|mid)[ -])?(spring|summer|autumn|winter)\s+(\d{4})\b", re.I)
_YEAR = re.compile(r"\b(?:in|by|during|from|since|until|of)\s+((?:19|20)\d{2})\b(?![/-]\d)")
_FUTURE = re.compile(
    r"\b(will|shall|planned|plan to|intended|intend|due|next|upcoming|forthcoming|save the date)\b",
    re.I,
)
_PAST = re.compile(
    r"\b(was|were|had|has been|have been|held|attended|announced|took place|published|"
    r"submitted|secured|received|launched|following)\b",
    re.I,
)


@dataclass(frozen=True)
class TextDate:
    """A date in the text: its curated value (None if the year is not known), its words,
    where they are, and how the year was decided."""

    value: str | None
    text: str
    start: int
    end: int
    note: str = ""


def _month_year(
    month: int, year: str | None, sentence: str, when: DocumentDay
) -> tuple[int | None, str]:
    if year:
        return int(year), ""
    if when.first.year != when.last.year:
        return None, "no year written and the document's date spans two years"
    doc_year, doc_month = when.last.year, when.last.month
    if month <= doc_month:
        return (
            doc_year,
            f"no year written: the document's year ({doc_year}), month not after its own",
        )
    if _FUTURE.search(sentence):
        return doc_year, f"no year written: the document's year ({doc_year}), spoken of as to come"
    if _PAST.search(sentence):
        return (
            doc_year - 1,
            f"no year written: a month after the document's, spoken of as past, so {doc_year - 1}",
        )
    return None, "no year written and the year is not certain"


def dates_in(sentence: str, offset: int, when: DocumentDay) -> list[TextDate]:
    """Every date the sentence writes, in order; ``offset`` is the sentence's start in the text."""
    out: list[TextDate] = []
    taken: list[tuple[int, int]] = []
    for m in _DAYS.finditer(sentence):
        month = MONTHS[m[3].casefold()]
        year, note = _month_year(month, m[4], sentence, when)
        days = [int(d[1]) for d in _DAY_ONE.finditer(m[0][: m.start(3) - m.start()])]
        for d in days:
            if not 1 <= d <= 31:
                continue
            value = f"{year:04d}-{month:02d}-{d:02d}" if year else None
            out.append(TextDate(value, m[0], offset + m.start(), offset + m.end(), note))
        taken.append(m.span())
    for m in _MONTH_YEAR.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m[1] == "May" and not m[2]:
            continue  # "may" the verb, capitalised at a sentence's start
        month = MONTHS[m[1].casefold()]
        year, note = _month_year(month, m[2], sentence, when)
        value = f"{year:04d}-{month:02d}" if year else None
        out.append(TextDate(value, m[0], offset + m.start(), offset + m.end(), note))
        taken.append(m.span())
    for m in _SEASON.finditer(sentence):
        out.append(TextDate(m[3], m[0], offset + m.start(), offset + m.end()))
        taken.append(m.span())
    for m in _YEAR.finditer(sentence):
        if any(a <= m.start(1) < b for a, b in taken):
            continue
        out.append(TextDate(m[1], m[0], offset + m.start(), offset + m.end()))
    return sorted(out, key=lambda d: (d.start, d.value or ""))


_MONEY = re.compile(
    r"£\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(bn|billion|m|million|k|thousand)\b)?(?:\s+(per\s+(head|person|patient|capita)(?:\s+of\s+(?:the\s+)?population)?))?",
    re.I,
)
_SCALE = {
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "k": 1_000,
    "thousand": 1_000,
}


@dataclass(frozen=True)
class Amount:
    """Money in the text: a plain number, and ``per`` for a rate ("per head of population")."""

    value: int | Decimal
    text: str
    start: int
    end: int
    per: str | None = None


def amounts_in(sentence: str, offset: int) -> list[Amount]:
    """Every sum of money in pounds the sentence writes, in order."""
    out = []
    for m in _MONEY.finditer(sentence):
        number = Decimal(m[1].replace(",", ""))
        scale = _SCALE.get((m[2] or "").casefold(), 1)
        value = number * scale
        plain: int | Decimal = int(value) if value == int(value) else value
        out.append(Amount(plain, m[0], offset + m.start(), offset + m.end(), m[3]))
    return out


NUMBER_WORDS = tuple(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ]
)
_NUMBER_WORDS = {w: i for i, w in enumerate(NUMBER_WORDS)}


def number_word(word: str) -> int | None:
    """A count written as digits or a word ("16", "Eight"); None for anything else."""
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word.casefold())
