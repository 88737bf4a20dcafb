"""Organisations named together: lists ("Bedfordshire, Milton Keynes and Luton CCGs")
and counted groups ("the three CCGs of Leicester, Leicestershire and Rutland").

- **lists**: each item that, with the singular of the head ("Luton CCG"), is a known
  name becomes a mention of it (the longest tail of the item that is one);
- **counted groups**: a number, up to four other words and a plural organisation type
  ("all five Trusts", "16 BLMK partners", "the two acute hospitals"), with the area after
  it ("of ...", "in ..."); ``count`` and ``member_type`` an organisation type key.
"""

from __future__ import annotations

import re

from nhskg.graph.ingest.gazetteer import Gazetteer, clean
from nhskg.graph.ingest.mention_words import ITEM, LIST_ITEMS, Found, forms_by_text, overlaps

NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "both": 2,
}  # fmt: skip
# Plural organisation types and the organisation type key of their members (None: any).
GROUP_TYPES: list[tuple[str, str | None]] = [
    (r"clinical commissioning groups?|CCGs", "ccg"),
    (r"acute (?:hospital )?(?:trusts|providers|hospitals)|acute hospitals", "acute-trust"),
    (r"(?:NHS )?foundation trusts", "foundation-trust"),
    (r"mental health trusts", "mental-health-trust"),
    (r"community (?:services )?trusts", "community-trust"),
    (r"ambulance trusts", "ambulance-trust"),
    (r"(?:NHS )?trusts", "nhs-trust"),
    (r"sustainability and transformation (?:partnerships|plans)|STPs", "stp"),
    (r"integrated care boards|ICBs", "icb"),
    (r"(?:local )?councils|local authorities", "council"),
    (r"working groups?|clinical working groups", "working-group"),
    (r"work[- ]?streams|priorities", "workstream"),
    (r"boards", "board"),
    (r"(?:GP )?practices|primary care networks|PCNs", "primary-care"),
    (r"partners|partner organisations|organisations|commissioners|providers", None),
]  # fmt: skip
_NUMBER = r"(?:\d{1,3}|" + "|".join(k for k in NUMBERS if k != "both") + r")"
COUNTED = re.compile(
    rf"\b(?:(?P<det>the|all(?: of)?(?: the)?|these|those)\s+)?(?P<n>{_NUMBER})\s+"
    rf"(?P<words>(?:(?:(?!and\b|or\b|of\b|to\b|in\b)[A-Za-z][\w'’-]*|and(?=\s+[A-Z]))\s+){{0,4}}?)"
    rf"(?P<head>{'|'.join(f'(?:{p})' for p, _ in GROUP_TYPES)})\b",
    re.IGNORECASE,
)
# The area after a counted group ("of Leicester, Leicestershire and Rutland").
_AREA_WORD = r"[A-Z][\w'’-]*"
GROUP_AREA = re.compile(
    rf"[ \t]+(?:of|in|across|within)[ \t]+(?:the[ \t]+)?(?P<area>{_AREA_WORD}"
    rf"(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]+)(?!and\b){_AREA_WORD})*)"
)
LIST_HEADS: dict[str, str] = {
    "ccgs": "CCG",
    "clinical commissioning groups": "Clinical Commissioning Group",
    "trusts": "Trust",
    "nhs trusts": "NHS Trust",
    "foundation trusts": "Foundation Trust",
    "nhs foundation trusts": "NHS Foundation Trust",
    "councils": "Council",
    "stps": "STP",
    "icbs": "ICB",
}
LIST = re.compile(
    LIST_ITEMS + rf"(?P<head>(?i:{'|'.join(sorted(LIST_HEADS, key=len, reverse=True))}))\b"
)


def lists(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Items of "X, Y and Z CCGs" that name a known organisation with the head's singular."""
    forms = forms_by_text(gazetteer)
    out: list[Found] = []
    for match in LIST.finditer(text):
        singular = LIST_HEADS[clean(match["head"]).casefold()]
        items_start = match.start("items")
        for item in re.finditer(rf"{ITEM}", match["items"]):
            words = list(re.finditer(r"\S+", item.group()))
            if item.group().casefold() in ("and",):
                continue
            for w in words:  # the longest tail of the item that is a known name
                core = item.group()[w.start() :]
                known = forms.get(clean(f"{core} {singular}").casefold())
                if not known:
                    continue
                start = items_start + item.start() + w.start()
                end = items_start + item.end()
                if not overlaps(start, end, found + out):
                    out.append(
                        Found(
                            start,
                            end,
                            "list",
                            f"an item of a list of {match['head']}: {clean(core)} {singular}",
                            forms=known,
                            confidence=0.9,
                        )
                    )
                break
    return out


def counted_groups(text: str, found: list[Found]) -> list[Found]:
    """ "the three CCGs", "16 BLMK partners": a number and a plural organisation type."""
    out: list[Found] = []
    for match in COUNTED.finditer(text):
        number = match["n"].casefold()
        count = int(number) if number.isdigit() else NUMBERS[number]
        if count < 2:
            continue
        head = clean(match["head"])
        member_type = None
        for pattern, key in GROUP_TYPES:
            if re.fullmatch(pattern, head, re.IGNORECASE):
                member_type = key
                break
        start = match.start("det") if match["det"] else match.start("n")
        end = match.end()
        why = f"a count ({count}) of {head}"
        if where := GROUP_AREA.match(text, end):  # "the three CCGs of Leicester, ... Rutland"
            end = where.end()
            why += f" of {clean(where['area'])}"
        if overlaps(start, end, [f for f in found + out if f.pattern == "counted-group"]):
            continue
        out.append(
            Found(
                start,
                end,
                "counted-group",
                why,
                count=count,
                member_type=member_type,
                confidence=0.8,
            )
        )
    return out
