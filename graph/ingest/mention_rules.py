"""Mentions a gazetteer alone misses, found by rules on the words of the text.

Each rule adds mentions only where no mention found before covers the words, except a
new body, whose longer name replaces the shorter names inside it ("LLR BCT Clinical
Leadership Group" is one body, not the partnership BCT):

- **new bodies**: a run of capitalised words ending in a body's head noun (Board,
  Committee, Group, Forum, Office, Team, Workstream, Programme, Partnership...), the
  kind of body read from the head noun;
- **abbreviations defined in the text**: "Long Form (ABBR)", the letters of ABBR in
  order among the capitals of the long form; the long form is the mention just before
  the bracket, or the shortest run of capitalised words that spells it. Every other
  ABBR, written as defined, is then a mention of the same organisation;
- **lists**: "Bedfordshire, Milton Keynes and Luton CCGs": each item that, with the
  singular of the head ("Luton CCG"), is a known name becomes a mention of it;
- **counted groups**: "the three CCGs", "all five Trusts", "16 BLMK partners", "two
  acute hospitals": a number, up to three other words, and a plural organisation type;
- **near matches**: a run of capitalised words ending in an organisation's head noun
  ("Luton and Dunstable Hospital") whose distinctive words are, in order of first
  word, most of a recorded name's ("Luton and Dunstable University Hospital"); scored by
  rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from rapidfuzz import fuzz, process

from nhskg.graph.ingest.gazetteer import (
    COMMON_ABBREVIATIONS,
    JOINING_WORDS,
    Form,
    Gazetteer,
    clean,
    initials,
)


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


# --- words ---------------------------------------------------------------------------

_OPEN, _CLOSE = "[‘'“\"]?", "[’'”\"]?"
_CAP = rf"{_OPEN}(?:[A-Z][A-Za-z'’]*(?:-[A-Za-z'’]+)*|[A-Z]{{2,}}|[A-Z]+&[A-Z]+){_CLOSE}"
_JOIN = r"(?:and|of|for|the|&|in|on|upon)"
CAPITALISED_RUN = re.compile(rf"{_CAP}(?:[ \t]+(?:{_JOIN}[ \t]+)*{_CAP})*")
# A capitalised start, a few lower-case words and a body's head ("LLR BCT partnership board").
_LOWER_WORD = r"(?!the\b|a\b|an\b|of\b|to\b)[a-z][a-z-]*"
LOWER_TAIL = re.compile(
    rf"(?P<lead>{_CAP}(?:[ \t]+{_CAP}){{0,3}})(?:[ \t]+{_LOWER_WORD}){{0,4}}?[ \t]+"
    rf"(?:board|group|forum|committee|workstream|work-stream|office|team)\b"
)
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
# An organisation's own words before its body's name ("the Trust's Audit Committee").
POSSESSIVES = frozenset(
    f"{noun}{mark}s"
    for noun in ("trust", "board", "council", "ccg", "stp", "partnership", "programme", "group")
    for mark in "'’"
)
PLURAL_HEADS = frozenset(
    {"boards", "groups", "forums", "committees", "networks", "senates", "offices", "teams"}
)

# Head nouns of bodies the reference data lacks, and the entity kind each makes.
BODY_HEADS: dict[str, str] = {
    "board": "board",
    "committee": "board",
    "group": "working-group",
    "forum": "forum",
    "office": "programme-office",
    "pmo": "programme-office",
    "team": "programme-office",
    "association": "national-body",
    "commission": "national-body",
    "authority": "national-body",
    "workstream": "workstream",
    "work-stream": "workstream",
    "programme": "partnership",
    "partnership": "partnership",
    "senate": "clinical-senate",
    "network": "clinical-network",
    "collaborative": "partnership",
    "alliance": "partnership",
    "panel": "working-group",
}
GROUP_KINDS = {
    "reference": "reference-group",
    "leadership": "leadership-group",
    "assurance": "assurance-group",
    "working": "working-group",
}
# Nouns of institutions named "X of Y" ("National Association of Primary Care").
INSTITUTIONS = frozenset(
    {"association", "society", "college", "institute", "federation", "confederation"}
)
# Heads that, after a known organisation's name, only repeat that organisation's name.
SAME_BODY_HEADS = frozenset({"programme", "partnership", "network", "alliance", "collaborative"})
# Generic names of organisation types: not a body of their own.
TYPE_NAMES = frozenset(
    {
        "sustainability and transformation partnership",
        "sustainability and transformation partnerships",
        "clinical commissioning group",
        "clinical commissioning groups",
        "integrated care board",
        "integrated care system",
        "foundation trust",
        "nhs trust",
        "nhs foundation trust",
        "working group",
        "local authority",
        "local authorities",
        "health authority",
        "working groups",
    }
)

# Ends of organisations' names (the reference data's types): never a new body.
ORGANISATION_TYPE_ENDINGS = (
    "clinical commissioning group",
    "integrated care board",
    "nhs trust",
    "foundation trust",
)

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
_ITEM = r"[A-Z][A-Za-z'’&-]*(?:[ \t]+(?:upon[ \t]+|on[ \t]+)?[A-Z][A-Za-z'’&-]*){0,4}"
_LIST_ITEMS = rf"(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s+(?:and|&)\s+{_ITEM})\s+"
LIST = re.compile(
    _LIST_ITEMS + rf"(?P<head>(?i:{'|'.join(sorted(LIST_HEADS, key=len, reverse=True))}))\b"
)
# Plural heads of lists of bodies ("IM&T and Long Term Conditions workstreams").
BODY_LIST_HEADS = {
    "workstreams": "workstream",
    "work-streams": "workstream",
    "work streams": "workstream",
    "boards": "board",
    "committees": "board",
    "forums": "forum",
    "working groups": "working-group",
    "reference groups": "reference-group",
}
BODY_LIST = re.compile(_LIST_ITEMS + rf"(?P<head>{'|'.join(BODY_LIST_HEADS)})\b")
# Words after a body's name that name a post or a meeting of it ("PPI Assurance Group Chair").
ROLE_WORDS = frozenset(
    {"chair", "chairs", "chairman", "chairperson", "lead", "leads", "director", "manager",
     "executive", "officer", "head", "clerk", "vice-chair", "deputy", "trustee",
     "member", "members", "meeting", "meetings", "secretary", "sponsor", "report", "minutes"}
)  # fmt: skip

ABBREVIATION = re.compile(r"\(\s*(?P<abbr>[A-Z][A-Za-z&]{0,8}[A-Z0-9])\s*\)")
# Heads of a run of capitalised words that may be an organisation a writer misspelt.
FUZZY_HEADS = frozenset(
    {
        "hospital",
        "hospitals",
        "trust",
        "ccg",
        "healthcare",
        "health",
        "partnership",
        "services",
        "group",
        "care",
        "board",
        "authority",
    }
)
FUZZY_CUTOFF = 88.0


# --- helpers -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9&][A-Za-z0-9'’&-]*", text)


def _distinctive(text: str) -> list[str]:
    return [w.casefold() for w in _words(text) if w.casefold() not in JOINING_WORDS]


def _overlaps(start: int, end: int, found: list[Found]) -> bool:
    return any(start < f.end and f.start < end for f in found)


def _forms_by_text(gazetteer: Gazetteer) -> dict[str, list[Form]]:
    cached = gazetteer.cache.get("forms_by_text")
    if cached is None:
        cached = {}
        for form in gazetteer.forms:
            if form.source != "initials":
                cached.setdefault(clean(form.text).casefold(), []).append(form)
        gazetteer.cache["forms_by_text"] = cached
    return cast(dict[str, list[Form]], cached)


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


# --- rules ---------------------------------------------------------------------------


def body_kind(words: list[str]) -> str | None:
    """The entity kind a run of words names, from its head noun (None: not a body)."""
    if len(words) < 2:
        return None
    lower = [w.casefold() for w in words]
    for i, word in enumerate(lower[:-2]):
        if word in INSTITUTIONS and lower[i + 1] == "of":
            return "national-body"  # "National Association of Primary Care"
    head = lower[-1]
    if head == "group" and words[-2].casefold() in GROUP_KINDS:
        return GROUP_KINDS[words[-2].casefold()]
    if head == "stream" and words[-2].casefold() == "work":
        return "workstream"
    return BODY_HEADS.get(head)


def _bare(word: str) -> str:
    return word.strip("‘'“\"’”").casefold()


def _phrases(text: str) -> list[tuple[int, int]]:
    """Candidate names of bodies: capitalised runs (split where "and" joins two names) and
    capitalised starts with a lower-case tail ending in a head noun; leading noise dropped."""
    spans: list[tuple[int, int]] = []
    for match in CAPITALISED_RUN.finditer(text):
        pieces = [(match.start(), match.end())]
        for joint in re.finditer(r"[ \t]+(?:and|&)[ \t]+", match.group()):
            left = match.group()[: joint.start()].split()
            if left and (
                left[-1].isupper()
                or _bare(left[-1]) in BODY_HEADS
                or _bare(left[-1]) in PLURAL_HEADS
            ):
                cut = match.start() + joint.start()
                start, end = pieces.pop()
                pieces += [(start, cut), (match.start() + joint.end(), end)]
        spans.extend(pieces)
    for match in LOWER_TAIL.finditer(text):
        lead = match.group("lead").split()
        if re.match(r"[ \t]+(?:and|or)\b", text[match.end("lead") :]):
            continue  # "BCT PMO and workstream lead": two things
        first = lead[0]
        if not first.isupper() and _sentence_start(text, match.start()) and len(lead) == 1:
            continue
        spans.append((match.start(), match.end()))
    out = []
    for start, end in spans:
        words = list(re.finditer(r"\S+", text[start:end]))
        while words and (
            _bare(words[0].group()) in LEADING_NOISE or _bare(words[0].group()) in POSSESSIVES
        ):
            words = words[1:]
        for i, w in enumerate(words[:-2]):  # "Chair of the X Board": X Board
            if _bare(w.group()) in ROLE_WORDS and _bare(words[i + 1].group()) in ("of", "for"):
                rest = words[i + 2 :]
                while rest and _bare(rest[0].group()) in LEADING_NOISE:
                    rest = rest[1:]
                words = rest
                break
        while len(words) > 2 and _bare(words[-1].group()) in ROLE_WORDS:
            words = words[:-1]
        if words:
            out.append((start + words[0].start(), start + words[-1].end()))
    return sorted(set(out))


_QUOTED_NAME = re.compile(r"[‘“\"'](?P<name>[A-Z][^‘’“”\"\n]{1,60}?)[’”\"']\s+\S+$")


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t")
    return not before or before[-1] in ".:;!?\n*#-•>"


def new_bodies(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Names of bodies (see :func:`_phrases`) ending in a body's head noun, not already known."""
    out: list[Found] = []
    for start, end in sorted(_phrases(text), key=lambda s: (s[0], -s[1])):  # longest first
        words = [w.strip("‘'“\"’”") for w in text[start:end].split()]
        kind = body_kind(words)
        if kind is None or words[-1] == "Team":
            continue  # a capitalised "Team" is a service's ("Looked After Children's Health Team")
        described = re.search(r"(?:^|\s)(?:a|an|A|An)[ \t]+$", text[max(0, start - 4) : start])
        if described and words[-1].casefold() in SAME_BODY_HEADS:
            continue  # "a Transformational Change Programme": a description, not a name
        quoted = _QUOTED_NAME.match(text, start, end)
        if quoted and words[-1].casefold() in SAME_BODY_HEADS:
            start, end = quoted.span("name")  # "the “Working Together” Programme"
        phrase = clean(text[start:end])
        if phrase.casefold() in TYPE_NAMES or phrase.casefold() in gazetteer.other_names:
            continue
        if any(phrase.casefold().endswith(" " + t) for t in ORGANISATION_TYPE_ENDINGS):
            continue  # an organisation the reference data should hold, not a new body
        inside = [f for f in found if start <= f.start and f.end <= end]
        if any(f.start < end and start < f.end and f not in inside for f in found + out):
            continue
        if any(f.start == start and f.end == end for f in inside):
            continue  # a known name already
        if words[-1].casefold() in SAME_BODY_HEADS and any(
            f.start == start and f.forms and " " not in clean(text[f.end : end]) for f in inside
        ):
            continue  # "Better Care Together Programme": the organisation itself
        out.append(
            Found(
                start,
                end,
                "new-body",
                f"a name ending in '{words[-1]}'",
                kind=kind,
                confidence=0.6,
            )
        )
    return out


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
                    if _overlaps(start, end, found):
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
        long_words = _words(text[f.start : f.end])
        if len(_distinctive(text[f.start : f.end])) < 3:
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
            if _overlaps(start, end, taken) or (start >= long.start and end <= long.end):
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


PERSON_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "sir", "dame", "professor", "prof"})
# Last words of another name of an organisation or body given in brackets.
NAME_HEADS = frozenset(
    {*BODY_HEADS, "review", "trust", "ccg", "partnership", "programme", "system", "council"}
)
PAREN_NAME = re.compile(rf"\(\s*(?P<name>{_CAP}(?:[ \t]+(?:{_JOIN}[ \t]+)*{_CAP}){{1,}})\s*\)")


def bracketed_names(text: str, found: list[Found]) -> list[Found]:
    """ "Name (Other Name)": the other name, in capitals and brackets right after a mention,
    is a mention of the same body ("HEALTHIER TOGETHER PROGRAMME (SOUTH EAST MIDLANDS
    ACUTE SERVICES REVIEW)")."""
    out: list[Found] = []
    ends = {f.end: f for f in found if f.pattern != "counted-group"}
    for match in PAREN_NAME.finditer(text):
        before = len(text[: match.start()].rstrip())
        long = ends.get(before)
        start, end = match.span("name")
        if long is None or _overlaps(start, end, found + out):
            continue
        name = [_bare(w) for w in match["name"].split()]
        long_upper = text[long.start : long.end].isupper()
        if name[0] in PERSON_TITLES or not (
            (long_upper and match["name"].isupper()) or name[-1] in NAME_HEADS
        ):
            continue  # "(SRO Kate Shields)": a person, not another name
        pattern = "new-body" if long.pattern == "new-body" else "alias"
        why = f"another name of {clean(text[long.start : long.end])}, in brackets after it"
        out.append(Found(start, end, pattern, why, forms=list(long.forms), kind=long.kind,
                         confidence=0.7, links_from=(long.start, long.end)))  # fmt: skip
    return out


def repeated_bodies(text: str, found: list[Found]) -> list[Found]:
    """A new programme or partnership named again without its head noun: "Healthier
    Together" after "Healthier Together Programme", with the capitalised words just before
    it and a "programme" or "partnership" just after it."""
    out: list[Found] = []
    taken = list(found)
    for body in sorted(found, key=lambda f: (f.start, f.end)):
        if body.pattern != "new-body" or body.links_from is not None:
            continue
        words = text[body.start : body.end].split()
        if len(words) < 3 or words[-1].casefold() not in SAME_BODY_HEADS:
            continue
        core = [w.strip("‘'“\"’”") for w in words[:-1]]
        pattern = r"(?<![\w&])" + r"\s+".join(f"(?i:{re.escape(w)})" for w in core)
        lead = rf"(?:{_CAP}[ \t]+)*"
        tail = r"(?:[ \t]+(?i:programme|partnership))?(?![\w&])"
        for match in re.finditer(f"{lead}(?=[A-Z]){pattern}{tail}", text):
            start, end = match.span()
            kept = [w for w in re.finditer(r"\S+", match.group())]
            while kept and _bare(kept[0].group()) in LEADING_NOISE:
                kept = kept[1:]
            start = match.start() + kept[0].start() if kept else start
            if _overlaps(start, end, taken):
                continue
            name = clean(text[body.start : body.end])
            item = Found(start, end, "new-body", f"{name} named again", kind=body.kind,
                         confidence=0.55, links_from=(body.start, body.end))  # fmt: skip
            out.append(item)
            taken.append(item)
    return out


def lists(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Items of "X, Y and Z CCGs" that name a known organisation with the head's singular."""
    forms = _forms_by_text(gazetteer)
    out: list[Found] = []
    for match in LIST.finditer(text):
        singular = LIST_HEADS[clean(match["head"]).casefold()]
        items_start = match.start("items")
        for item in re.finditer(rf"{_ITEM}", match["items"]):
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
                if not _overlaps(start, end, found + out):
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


def body_lists(text: str, found: list[Found]) -> list[Found]:
    """Items of "X and Y workstreams" (boards, forums, ...): each a body of that kind."""
    out: list[Found] = []
    for match in BODY_LIST.finditer(text):
        kind = BODY_LIST_HEADS[match["head"]]
        items_start = match.start("items")
        items = list(re.finditer(_ITEM, match["items"]))
        for n, item in enumerate(items):
            words = list(re.finditer(r"\S+", item.group()))
            if n == 0:  # the first item starts after any leading noise ("Bids. IM&T")
                while len(words) > 1 and _bare(words[0].group()) in LEADING_NOISE:
                    words = words[1:]
            start = items_start + item.start() + words[0].start()
            end = items_start + item.end()
            if _overlaps(start, end, found + out):
                continue
            why = f"an item of a list of {match['head']}"
            out.append(Found(start, end, "new-body", why, kind=kind, confidence=0.5))
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
        if _overlaps(start, end, [f for f in found + out if f.pattern == "counted-group"]):
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


def _fuzzy_choices(gazetteer: Gazetteer) -> tuple[list[str], list[list[Form]]]:
    cached = gazetteer.cache.get("fuzzy_choices")
    if cached is None:
        by_text: dict[str, list[Form]] = {}
        for form in gazetteer.forms:
            if form.source == "name" and len(_distinctive(form.text)) >= 2:
                by_text.setdefault(" ".join(_distinctive(form.text)), []).append(form)
        keys = sorted(by_text)
        cached = (keys, [by_text[k] for k in keys])
        gazetteer.cache["fuzzy_choices"] = cached
    return cast(tuple[list[str], list[list[Form]]], cached)


def near_matches(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Capitalised runs ending in an organisation head noun that nearly match a name."""
    keys, forms = _fuzzy_choices(gazetteer)
    out: list[Found] = []
    for match in CAPITALISED_RUN.finditer(text):
        words = _distinctive(match.group())
        if len(words) < 2 or words[-1] not in FUZZY_HEADS:
            continue
        if _overlaps(match.start(), match.end(), found + out):
            continue
        other = gazetteer.other_names.get(clean(match.group()).casefold())
        query = " ".join(words)
        best = process.extract(
            query, keys, scorer=fuzz.token_set_ratio, score_cutoff=FUZZY_CUTOFF, limit=5
        )
        chosen: list[Form] = []
        top = 0.0
        for key, score, i in best:
            target = key.split()
            if target[0] != words[0] or len(set(words) & set(target)) / len(set(target)) < 0.7:
                continue
            if not set(words) <= set(target):
                score = min(score, fuzz.ratio(query, key))
                if score < FUZZY_CUTOFF:
                    continue
            if score > top:
                chosen, top = list(forms[i]), score
            elif score == top:
                chosen.extend(forms[i])
        if other is not None:  # a person's, a site's, a paper's name in other documents
            runs = gazetteer.site_of.get(clean(match.group()).casefold())
            chosen = [f for f in chosen if f.ref == runs]  # a site stands for its operator
        if chosen:
            names = sorted({f.text for f in chosen})
            out.append(
                Found(
                    match.start(),
                    match.end(),
                    "fuzzy",
                    f"near {names[0]} ({top:.0f}/100)",
                    forms=chosen,
                    confidence=round(top / 100 * 0.9, 3),
                )
            )
    return out


def add_rule_mentions(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """``found`` with the mentions of every rule added; sorted by (start, end)."""
    bodies = new_bodies(text, found, gazetteer)
    covered = {id(f) for b in bodies for f in found if b.start <= f.start and f.end <= b.end}
    found = [f for f in found if id(f) not in covered] + bodies
    found = found + bracketed_names(text, found)
    found = found + abbreviations(text, found)
    found = found + repeated_bodies(text, found)
    found = found + lists(text, found, gazetteer)
    found = found + body_lists(text, found)
    found = found + counted_groups(text, found)
    found = found + near_matches(text, found, gazetteer)
    return sorted(found, key=lambda f: (f.start, f.end, f.pattern))
