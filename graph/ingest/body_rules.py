"""Bodies the reference data lacks, named in the text: boards, committees, groups,
forums, programme offices, workstreams, programmes and partnerships.

- a run of capitalised words ending in a body's head noun ("Local Workforce Advisory
  Board"), or an acronym or capitalised start with a lower-case tail ending in one ("LLR
  BCT partnership board", "STP team"); leading noise ("The", "Does the", a month, "the
  Trust's") and a post after it ("... Group Chair") left out; the kind of body read from
  the head noun;
- another name in brackets right after a mention ("HEALTHIER TOGETHER PROGRAMME (SOUTH
  EAST MIDLANDS ACUTE SERVICES REVIEW)");
- a new programme named again without its head noun ("Healthier Together");
- the items of a list of bodies ("IM&T and Long Term Conditions workstreams").
"""

from __future__ import annotations

import re

from nhskg.graph.ingest.gazetteer import Gazetteer, clean
from nhskg.graph.ingest.mention_words import (
    CAP,
    CAPITALISED_RUN,
    ITEM,
    JOIN,
    LEADING_NOISE,
    LIST_ITEMS,
    ROLE_WORDS,
    Found,
    bare,
    overlaps,
)

# A capitalised start, a few lower-case words and a body's head ("LLR BCT partnership board").
_LOWER_WORD = r"(?!the\b|a\b|an\b|of\b|to\b)[a-z][a-z-]*"
LOWER_TAIL = re.compile(
    rf"(?P<lead>{CAP}(?:[ \t]+{CAP}){{0,3}})(?:[ \t]+{_LOWER_WORD}){{0,4}}?[ \t]+"
    rf"(?:board|group|forum|committee|workstream|work-stream|office|team)\b"
)
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
BODY_LIST = re.compile(LIST_ITEMS + rf"(?P<head>{'|'.join(BODY_LIST_HEADS)})\b")
PERSON_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "sir", "dame", "professor", "prof"})
# Last words of another name of an organisation or body given in brackets.
NAME_HEADS = frozenset(
    {*BODY_HEADS, "review", "trust", "ccg", "partnership", "programme", "system", "council"}
)
PAREN_NAME = re.compile(rf"\(\s*(?P<name>{CAP}(?:[ \t]+(?:{JOIN}[ \t]+)*{CAP}){{1,}})\s*\)")
_QUOTED_NAME = re.compile(r"[‘“\"'](?P<name>[A-Z][^‘’“”\"\n]{1,60}?)[’”\"']\s+\S+$")


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


def _phrases(text: str) -> list[tuple[int, int]]:
    """Candidate names of bodies: capitalised runs (split where "and" joins two names) and
    capitalised starts with a lower-case tail ending in a head noun; leading noise dropped."""
    spans: list[tuple[int, int]] = []
    for match in CAPITALISED_RUN.finditer(text):
        pieces = [(match.start(), match.end())]
        for joint in re.finditer(r"[ \t]+(?:and|&)[ \t]+", match.group()):
            left = match.group()[: joint.start()].split()
            if left and (
                left[-1].isupper() or bare(left[-1]) in BODY_HEADS or bare(left[-1]) in PLURAL_HEADS
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
            bare(words[0].group()) in LEADING_NOISE or bare(words[0].group()) in POSSESSIVES
        ):
            words = words[1:]
        for i, w in enumerate(words[:-2]):  # "Chair of the X Board": X Board
            if bare(w.group()) in ROLE_WORDS and bare(words[i + 1].group()) in ("of", "for"):
                rest = words[i + 2 :]
                while rest and bare(rest[0].group()) in LEADING_NOISE:
                    rest = rest[1:]
                words = rest
                break
        while len(words) > 2 and bare(words[-1].group()) in ROLE_WORDS:
            words = words[:-1]
        if words:
            out.append((start + words[0].start(), start + words[-1].end()))
    return sorted(set(out))


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
        if long is None or overlaps(start, end, found + out):
            continue
        name = [bare(w) for w in match["name"].split()]
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
        lead = rf"(?:{CAP}[ \t]+)*"
        tail = r"(?:[ \t]+(?i:programme|partnership))?(?![\w&])"
        for match in re.finditer(f"{lead}(?=[A-Z]){pattern}{tail}", text):
            start, end = match.span()
            kept = [w for w in re.finditer(r"\S+", match.group())]
            while kept and bare(kept[0].group()) in LEADING_NOISE:
                kept = kept[1:]
            start = match.start() + kept[0].start() if kept else start
            if overlaps(start, end, taken):
                continue
            name = clean(text[body.start : body.end])
            item = Found(start, end, "new-body", f"{name} named again", kind=body.kind,
                         confidence=0.55, links_from=(body.start, body.end))  # fmt: skip
            out.append(item)
            taken.append(item)
    return out


def body_lists(text: str, found: list[Found]) -> list[Found]:
    """Items of "X and Y workstreams" (boards, forums, ...): each a body of that kind."""
    out: list[Found] = []
    for match in BODY_LIST.finditer(text):
        kind = BODY_LIST_HEADS[match["head"]]
        items_start = match.start("items")
        items = list(re.finditer(ITEM, match["items"]))
        for n, item in enumerate(items):
            words = list(re.finditer(r"\S+", item.group()))
            if n == 0:  # the first item starts after any leading noise ("Bids. IM&T")
                while len(words) > 1 and bare(words[0].group()) in LEADING_NOISE:
                    words = words[1:]
            start = items_start + item.start() + words[0].start()
            end = items_start + item.end()
            if overlaps(start, end, found + out):
                continue
            why = f"an item of a list of {match['head']}"
            out.append(Found(start, end, "new-body", why, kind=kind, confidence=0.5))
    return out
