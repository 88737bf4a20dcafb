"""What the statement rules share: the document's sentences with the mentions in each,
what kind of body a mention names, the document's own partnership, the groups a sentence
describes without naming them, and how a candidate record is made with its quote.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nhskg.graph.curated.coverage import Sentence
from nhskg.graph.ingest.model import (
    Candidate,
    DocumentDay,
    Mention,
    candidate_key,
    mention_ref,
)

# Words that make a mention a body others belong to, lead or report to (a "hub").
_HUB_WORDS = re.compile(
    r"\b(partnership|programme|program|board|stp|sustainability and transformation|forum|"
    r"group|network|collaborative|alliance|senate|committee|office|pmo|workstream|"
    r"work-stream|together)\b",
    re.I,
)

CCG = re.compile(r"\bCCGs?\b|clinical commissioning groups?", re.I)

TRUST = re.compile(r"\btrusts?\b|\bhospitals?\b|\bproviders?\b", re.I)

TRUST_NAME = re.compile(r"\bTrusts?\b|\bHospitals?\b")  # a proper name: "Bedford Hospital"

ODS_LIKE = re.compile(r"[A-Z0-9]{3,5}")

_TYPE_NAME: dict[str, re.Pattern[str]] = {
    "ccg": CCG,
    "nhs-trust": TRUST_NAME,
    "foundation-trust": TRUST_NAME,
    "acute-trust": TRUST_NAME,
    "mental-health-trust": TRUST_NAME,
    "community-trust": TRUST_NAME,
}

SUBJECT_HUB = re.compile(
    r"^(?:[-•*]\s*)?(?:\d+\.\s*)?(?:The|This|Our) (programme|partnership|STP|system)\b(?! of\b)",
    re.I,
)

PRONOUN = re.compile(r"^(?:[-•*]\s*)?(?:\d+\.\s*)?(It|Its|They|This)\b")


@dataclass
class DocumentView:
    text: str
    when: DocumentDay
    sentences: list[Sentence]
    inside: list[list[Mention]]  # the mentions with a ref in each sentence, by offset
    hub: Mention | None  # the partnership the document is about, if its mentions say
    all_mentions: list[Mention] = field(default_factory=list)
    words_of: dict[str, list[str]] = field(default_factory=dict)  # ref -> the words naming it
    groups: list[list[Mention]] = field(default_factory=list)  # uncounted groups by sentence


def outermost(mentions: list[Mention]) -> list[Mention]:
    """The mentions not inside a longer one ("BCT" inside "BCT workstreams" is left out)."""
    return [
        m
        for m in mentions
        if not any(
            n is not m
            and n.start <= m.start
            and m.end <= n.end
            and (n.end - n.start) > (m.end - m.start)
            for n in mentions
        )
    ]


_AREA_BEFORE = re.compile(
    r"\b(?:in|across|covering|throughout|(?:people|population|residents|communities)\s+of)"
    r"\s+(?:the\s+)?$",
    re.I,
)


def area_use(text: str, m: Mention) -> bool:
    """A partnership named like a place and used as one ("three CCGs in Leicester,
    Leicestershire and Rutland", "across South Yorkshire and Bassetlaw"): an area, not a
    party, member or body."""
    ref = mention_ref(m) or ""
    return bool(
        re.fullmatch(r"Q[A-Z0-9]{2}", ref)
        and _AREA_BEFORE.search(text[max(0, m.start - 20) : m.start])
    )


_GROUP_MOD = (
    r"(?:partner|local|NHS|other|independent|voluntary|community|sector|commissioning|"
    r"locality|Healthwatch|statutory|member|participating|specialist|specialised|CCG|acute|GP|"
    r"clinical)"
)

_GROUP_PHRASE = re.compile(
    rf"\b((?:(?:all|each)\s+)?(?:{_GROUP_MOD}(?:,\s*|\s+and\s+|\s+)){{1,5}}"
    r"(?:organisations?|councils|authorities|providers|partners|commissioners|hospitals|trusts|"
    r"practices|working groups)"
    r"|(?<=\band )councils)\b",
    re.I,
)


def group_phrases(s: Sentence, found: list[Mention]) -> list[Mention]:
    """Organisations a sentence describes without counting or naming them ("partner
    organisations", "local councils", "each partner locality Healthwatch organisations"):
    stated groups, where no mention covers the words already."""
    out = []
    for g in _GROUP_PHRASE.finditer(s.text):
        start, end = s.start + g.start(1), s.start + g.end(1)
        words = g[1]
        if words.endswith("organisation") and not re.search(r"partner|member", words):
            continue
        if any(
            m.start < end and start < m.end and not (start <= m.start and m.end <= end)
            for m in found
        ):
            continue
        out.append(Mention(start, end, words, "counted-group", kind="stated-group", why="phrase"))
    return out


_ORG_NOUN_GROUP = re.compile(
    r"^\s+(work[- ]?streams|partners|partner organisations|members)\b", re.I
)


def org_noun_groups(text: str, found: list[Mention]) -> list[Mention]:
    """Groups named by an organisation and a plural noun ("BCT workstreams", "the BLMK
    partners"): one mention over both, keyed by their words."""
    out = []
    for m in found:
        tail = _ORG_NOUN_GROUP.match(text[m.end : m.end + 40])
        if tail and not is_group(m):
            end = m.end + tail.end()
            words = text[m.start : end]
            out.append(
                Mention(m.start, end, words, "counted-group", kind="stated-group", why="phrase")
            )
    return out


_BOTH = re.compile(r"\bboth (Trusts|hospitals|organisations|CCGs)\b", re.I)


def both(text: str, s: Sentence, linked: list[Mention]) -> list[Mention]:
    """ "both Trusts": the last two organisations of that type the text named before
    (within the 2,000 characters before the words), as mentions at the words."""
    out = []
    for b in _BOTH.finditer(s.text):
        at = s.start + b.start()
        noun = b[1].casefold()
        type_name = CCG if noun == "ccgs" else TRUST_NAME
        seen: list[Mention] = []
        for m in reversed([m for m in linked if at - 2000 <= m.start < at and m.links]):
            name_ok = (
                noun == "organisations"
                or type_name.search(m.text)
                or type_name.search(m.links[0].name)
            )
            if (
                name_ok
                and ODS_LIKE.fullmatch(m.links[0].ref)
                and m.ref not in {n.ref for n in seen}
            ):
                seen.append(m)
            if len(seen) == 2:
                break
        if len(seen) == 2:
            for m in reversed(seen):
                out.append(
                    Mention(at, s.start + b.end(), m.text, m.pattern, m.links, m.kind, why="both")
                )
    return out


def group_entity(doc: DocumentView, m: Mention) -> Candidate:
    record = {"key": mention_ref(m), "kind": "stated-group", "name": m.text}
    why = f"organisations the text describes without naming them: '{m.text}'"
    return make_candidate(doc, record, [(m.start, m.end)], 0.5, why, section="entities")


def has_ref(m: Mention) -> bool:
    return mention_ref(m) is not None


def is_hub(m: Mention) -> bool:
    """A body others belong to (a partnership, board, programme...), not a counted group."""
    if m.pattern == "counted-group" or m.count is not None:
        return False
    ref = mention_ref(m) or ""
    if re.fullmatch(r"Q[A-Z0-9]{2}", ref):  # STP, ICB and region codes
        return True
    if any(_ORGANISATION_NAME.search(n) for n in _name_forms(m)):
        return False  # "Leicestershire Partnership NHS Trust" is a trust, not a partnership
    return any(_HUB_WORDS.search(n) for n in _name_forms(m))


# Names that end as an organisation's name: a trust, CCG or council, whatever words before.
_ORGANISATION_NAME = re.compile(
    r"\b(?:Trust|CCG|Clinical Commissioning Group|Council|Hospitals?)$", re.I
)


def _name_forms(m: Mention) -> list[str]:
    """The mention's words and its best link's name, less a "(...)" note at the end."""
    return [m.text, *(re.sub(r"\s*\([^)]*\)\s*$", "", link.name) for link in m.links[:1])]


def is_group(m: Mention) -> bool:
    return m.pattern == "counted-group" or m.count is not None or m.kind == "stated-group"


def of_type(m: Mention, member_type: str | None) -> bool:
    pattern = _TYPE_NAME.get(member_type or "")
    if pattern is None or is_group(m) or not m.links:
        return False
    if not ODS_LIKE.fullmatch(m.links[0].ref):
        return False  # resolved members are organisations of the reference landscape
    return bool(pattern.search(m.text) or pattern.search(m.links[0].name))


_PARTNERSHIP_WORDS = re.compile(
    r"\b(partnership|programme|stp|sustainability and transformation|collaborative|alliance|"
    r"together)\b",
    re.I,
)

# A board, group or office of a programme is a unit of it, not the partnership itself.
_UNIT_WORDS = re.compile(
    r"\b(board|group|office|pmo|committee|forum|senate|network|team|workstream|work-stream)s?\b",
    re.I,
)


def document_hub(mentions: list[Mention], folded: str) -> Mention | None:
    """The partnership the document is about: the most often named hub whose words or code
    make it a partnership (an STP code, "partnership", "programme"...), else any hub;
    ties go to the one named first."""
    hubs = [m for m in mentions if is_hub(m)]
    for tier in (
        [
            m
            for m in hubs
            if re.fullmatch(r"Q[A-Z0-9]{2}", mention_ref(m) or "")
            or (
                _PARTNERSHIP_WORDS.search(" ".join(_name_forms(m)))
                and not _UNIT_WORDS.search(" ".join(_name_forms(m)))
            )
        ],
        hubs,
    ):
        if tier:
            counts: Counter[str | None] = Counter()
            for m in tier:
                counts[mention_ref(m)] += 1
            first = {mention_ref(m): m for m in reversed(tier)}
            for ref, m in first.items():
                # a new body's words may be written more often than they were found
                counts[ref] = max(counts[ref], folded.count(m.text.casefold()))
            best = min(counts, key=lambda r: (-counts[r], first[r].start))
            return first[best]
    return None


def as_partnership(hub: Mention, at: int, words: str) -> Mention:
    """The document's partnership where the sentence calls it "The programme": placed at
    those words, with the partnership's own words (so its ref is the partnership's)."""
    return Mention(at, at + len(words), hub.text, hub.pattern, hub.links, hub.kind, why="subject")


def _quote_item(text: str, start: int, end: int) -> Any:
    exact = text[start:end]
    if text.count(exact) == 1:
        return exact
    n, i = 0, text.find(exact)
    while i >= 0 and i <= start:
        n += 1
        if i == start:
            break
        i = text.find(exact, i + 1)
    return {"text": exact, "occurrence": n}


def make_candidate(
    doc: DocumentView,
    record: dict[str, Any],
    spans: list[tuple[int, int]],
    confidence: float,
    why: str,
    section: str = "statements",
) -> Candidate:
    spans = sorted(set(spans))
    items = [_quote_item(doc.text, s, e) for s, e in spans]
    full = dict(record)
    if len(items) == 1 and isinstance(items[0], dict):
        full["quote"] = items[0]["text"]
        full["occurrence"] = items[0]["occurrence"]
    else:
        full["quote"] = items[0] if len(items) == 1 else items
    start, end = spans[0]
    named = {
        ref: doc.words_of[ref]
        for value in record.values()
        for ref in (value if isinstance(value, list) else [value])
        if isinstance(ref, str) and ref in doc.words_of
    }
    extra = {"mention_words": dict(sorted(named.items()))} if named else {}
    return Candidate(
        section,
        full,
        start,
        end,
        round(confidence, 2),
        why,
        candidate_key(section, full),
        extra,
    )


def refs_of(mentions: Iterable[Mention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        ref = mention_ref(m)
        if ref and ref not in out:
            out.append(ref)
    return out


def named_as(mentions: Iterable[Mention]) -> str:
    return ", ".join(f"'{m.text}' ({mention_ref(m)})" for m in mentions)


def sentence_span(s: Sentence) -> tuple[int, int]:
    return (s.start, s.end)


def words_before(s: Sentence, m: Mention) -> str:
    return s.text[: m.start - s.start]


def words_after(s: Sentence, m: Mention) -> str:
    return s.text[m.end - s.start :]


Rule = Callable[[DocumentView, int], list[Candidate]]
