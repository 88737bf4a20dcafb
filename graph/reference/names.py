"""Readable names from the upper-case names in ODS files.

ODS writes names in capitals ("LUTON AND DUNSTABLE UNIVERSITY HOSPITAL NHS
FOUNDATION TRUST"). The graph keeps that text in its name records and uses a
title-cased form as the preferred label: acronyms stay upper case, short joining
words are lower case, and apostrophes and hyphens are handled word by word.
"""

from __future__ import annotations

import re

ACRONYMS = frozenset(
    {"NHS", "CCG", "ICB", "FT", "UK", "STP", "ICS", "PCT", "II", "III", "UCL", "CIC", "GP", "A&E"}
)
SMALL = frozenset({"and", "of", "the", "for", "on", "upon", "in", "with", "at", "by", "to", "a"})
_WORD = re.compile(r"[^\s]+")


_CODE = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{3,5}$")


def _word(token: str, first: bool) -> str:
    if token.upper() in ACRONYMS or _CODE.match(token):
        return token.upper()
    lower = token.lower()
    if not first and lower in SMALL:
        return lower
    if "-" in token:
        parts = token.split("-")
        return "-".join(
            _word(p, first and i == 0) if p.lower() not in SMALL or i == 0 else p.lower()
            for i, p in enumerate(parts)
        )
    if lower.startswith(("(", "'")) and len(lower) > 1:
        return lower[0] + _word(lower[1:], first)
    return lower[:1].upper() + lower[1:]


def title_case(name: str) -> str:
    """Title case for an upper-case ODS name.

    'KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST' becomes
    "King's College Hospital NHS Foundation Trust".
    """
    if name != name.upper():
        return name  # already mixed case: keep the source's own capitals
    tokens = _WORD.findall(name)
    return " ".join(_word(t, i == 0) for i, t in enumerate(tokens))
