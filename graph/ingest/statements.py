"""Candidate statements: rule-based cues over a document's sentences and the mentions in them.

``propose_statements(text, mentions, when)`` cuts the text into sentences (the same cut
that ``nhskg coverage`` uses), looks in each for cue words, and proposes curated
statements whose organisations are the mentions inside the sentence (named by
``mention_ref``): memberships and partners (counted groups as stated groups, resolved
into members only when the document itself names exactly that many organisations of
the group's type), leadership, hosting, coordination, joint working, provision,
consultations, merger proposals, contracts, funding and funding gaps, events with their
dates, and posts (a person named in a post is proposed as an entity too). Each quote is
a whole sentence of the text (a list of sentences where a fact spans two), unique or
with ``occurrence``; dates and money are typed by :mod:`statement_values`. Nothing is
added that the sentence does not say: no status without a status word, no date without
date words, no member the text does not name. The output is sorted by offset.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nhskg.graph.curated.coverage import Sentence, sentences
from nhskg.graph.ingest.mention_rules import BODY_HEADS, body_kind
from nhskg.graph.ingest.model import (
    Candidate,
    DocumentDay,
    Mention,
    candidate_key,
    mention_ref,
    slug,
)
from nhskg.graph.ingest.statement_values import amounts_in, dates_in, number_word

# The statement types this module proposes (the evaluation restricts the gold to them).
PROPOSED_KINDS = frozenset(
    {
        "membership",
        "leadership",
        "hosting",
        "coordination",
        "joint-working",
        "provision",
        "consultation",
        "merger-proposal",
        "contract",
        "funding",
        "funding-gap",
        "event",
        "post",
    }
)

# Words that make a mention a body others belong to, lead or report to (a "hub").
_HUB_WORDS = re.compile(
    r"\b(partnership|programme|program|board|stp|sustainability and transformation|forum|"
    r"group|network|collaborative|alliance|senate|committee|office|pmo|workstream|"
    r"work-stream|together)\b",
    re.I,
)
_CCG = re.compile(r"\bCCGs?\b|clinical commissioning groups?", re.I)
_TRUST = re.compile(r"\btrusts?\b|\bhospitals?\b|\bproviders?\b", re.I)
_TRUST_NAME = re.compile(r"\bTrusts?\b|\bHospitals?\b")  # a proper name: "Bedford Hospital"
_ODS_LIKE = re.compile(r"[A-Z0-9]{3,5}")
_TYPE_NAME: dict[str, re.Pattern[str]] = {
    "ccg": _CCG,
    "nhs-trust": _TRUST_NAME,
    "foundation-trust": _TRUST_NAME,
    "acute-trust": _TRUST_NAME,
    "mental-health-trust": _TRUST_NAME,
    "community-trust": _TRUST_NAME,
}
_SUBJECT_HUB = re.compile(
    r"^(?:[-•*]\s*)?(?:\d+\.\s*)?(?:The|This|Our) (programme|partnership|STP|system)\b(?! of\b)",
    re.I,
)
_PRONOUN = re.compile(r"^(?:[-•*]\s*)?(?:\d+\.\s*)?(It|Its|They|This)\b")

PERSON = (
    r"(?:(?:Dr|Professor|Prof|Sir|Dame|Mr|Mrs|Ms|Miss|Cllr|Councillor)\.?\s+)?"
    r"[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?){1,2}"
)
_HONORIFIC = re.compile(r"^(?:Dr|Professor|Prof|Sir|Dame|Mr|Mrs|Ms|Miss|Cllr|Councillor)\.?\s+")
_TITLE_HEAD = (
    r"(?:chief executive|chair(?:man|woman|person)?|director|lead|officer|manager|head|"
    r"professor|trustee|advis[eo]r|consultant|president|secretary|commissioner|governor|"
    r"sro|senior responsible officer)"
)
_TITLE_WORD = re.compile(rf"\b{_TITLE_HEAD}s?\b", re.I)
_ROLE = [
    (re.compile(r"chief executive", re.I), "chief-executive"),
    (re.compile(r"clinical chair", re.I), "clinical-chair"),
    (re.compile(r"accountable officer", re.I), "accountable-officer"),
    (re.compile(r"\bSROs?\b|senior responsible officer", re.I), "senior-responsible-officer"),
    (re.compile(r"clinical lead", re.I), "clinical-lead"),
    (re.compile(r"\bchair", re.I), "chair"),
    (re.compile(r"\bdirector", re.I), "director"),
    (re.compile(r"\bhead\b", re.I), "head"),
    (re.compile(r"\btrustee", re.I), "trustee"),
    (re.compile(r"\bprofessor", re.I), "professor"),
    (re.compile(r"\blead\b", re.I), "lead"),
]


@dataclass
class _Doc:
    text: str
    when: DocumentDay
    sentences: list[Sentence]
    inside: list[list[Mention]]  # the mentions with a ref in each sentence, by offset
    hub: Mention | None  # the partnership the document is about, if its mentions say
    all_mentions: list[Mention] = field(default_factory=list)
    words_of: dict[str, list[str]] = field(default_factory=dict)  # ref -> the words naming it
    groups: list[list[Mention]] = field(default_factory=list)  # uncounted groups by sentence


def _outer(mentions: list[Mention]) -> list[Mention]:
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


_AREA_BEFORE = re.compile(r"\b(?:in|across|covering|throughout)\s+(?:the\s+)?$", re.I)


def _area_use(text: str, m: Mention) -> bool:
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
    r"locality|Healthwatch|statutory|member|participating|specialist|specialised|CCG|acute|"
    r"clinical)"
)
_GROUP_PHRASE = re.compile(
    rf"\b((?:(?:all|each)\s+)?(?:{_GROUP_MOD}(?:,\s*|\s+and\s+|\s+)){{1,5}}"
    r"(?:organisations?|councils|providers|partners|commissioners|hospitals|trusts|"
    r"working groups)"
    r"|(?<=\band )councils)\b",
    re.I,
)


def _group_phrases(s: Sentence, found: list[Mention]) -> list[Mention]:
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


def _org_noun_groups(text: str, found: list[Mention]) -> list[Mention]:
    """Groups named by an organisation and a plural noun ("BCT workstreams", "the BLMK
    partners"): one mention over both, keyed by their words."""
    out = []
    for m in found:
        tail = _ORG_NOUN_GROUP.match(text[m.end : m.end + 40])
        if tail and not _is_group(m):
            end = m.end + tail.end()
            words = text[m.start : end]
            out.append(
                Mention(m.start, end, words, "counted-group", kind="stated-group", why="phrase")
            )
    return out


_BOTH = re.compile(r"\bboth (Trusts|hospitals|organisations|CCGs)\b", re.I)


def _both(text: str, s: Sentence, linked: list[Mention]) -> list[Mention]:
    """ "both Trusts": the last two organisations of that type the text named before
    (within the 2,000 characters before the words), as mentions at the words."""
    out = []
    for b in _BOTH.finditer(s.text):
        at = s.start + b.start()
        noun = b[1].casefold()
        type_name = _CCG if noun == "ccgs" else _TRUST_NAME
        seen: list[Mention] = []
        for m in reversed([m for m in linked if at - 2000 <= m.start < at and m.links]):
            name_ok = (
                noun == "organisations"
                or type_name.search(m.text)
                or type_name.search(m.links[0].name)
            )
            if (
                name_ok
                and _ODS_LIKE.fullmatch(m.links[0].ref)
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


def _group_entity(doc: _Doc, m: Mention) -> Candidate:
    record = {"key": mention_ref(m), "kind": "stated-group", "name": m.text}
    why = f"organisations the text describes without naming them: '{m.text}'"
    return _candidate(doc, record, [(m.start, m.end)], 0.5, why, section="entities")


def _has_ref(m: Mention) -> bool:
    return mention_ref(m) is not None


def is_hub(m: Mention) -> bool:
    """A body others belong to (a partnership, board, programme...), not a counted group."""
    if m.pattern == "counted-group" or m.count is not None:
        return False
    ref = mention_ref(m) or ""
    if re.fullmatch(r"Q[A-Z0-9]{2}", ref):  # STP, ICB and region codes
        return True
    return any(_HUB_WORDS.search(n) for n in _name_forms(m))


def _name_forms(m: Mention) -> list[str]:
    """The mention's words and its best link's name, less a "(...)" note at the end."""
    return [m.text, *(re.sub(r"\s*\([^)]*\)\s*$", "", link.name) for link in m.links[:1])]


def _is_group(m: Mention) -> bool:
    return m.pattern == "counted-group" or m.count is not None or m.kind == "stated-group"


def _of_type(m: Mention, member_type: str | None) -> bool:
    pattern = _TYPE_NAME.get(member_type or "")
    if pattern is None or _is_group(m) or not m.links:
        return False
    if not _ODS_LIKE.fullmatch(m.links[0].ref):
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


def _document_hub(mentions: list[Mention], folded: str) -> Mention | None:
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


def _synthetic(hub: Mention, at: int, words: str) -> Mention:
    """The document's partnership where the sentence calls it "The programme": placed at
    those words, with the partnership's own words (so its ref is the partnership's)."""
    return Mention(at, at + len(words), hub.text, hub.pattern, hub.links, hub.kind, why="subject")


# --- quotes and candidates ------------------------------------------------------------------


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


def _candidate(
    doc: _Doc,
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


def _refs(mentions: Iterable[Mention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        ref = mention_ref(m)
        if ref and ref not in out:
            out.append(ref)
    return out


def _one_or_list(refs: list[str]) -> str | list[str]:
    return refs[0] if len(refs) == 1 else refs


def _names(mentions: Iterable[Mention]) -> str:
    return ", ".join(f"'{m.text}' ({mention_ref(m)})" for m in mentions)


def _span(s: Sentence) -> tuple[int, int]:
    return (s.start, s.end)


def _before(s: Sentence, m: Mention) -> str:
    return s.text[: m.start - s.start]


def _after(s: Sentence, m: Mention) -> str:
    return s.text[m.end - s.start :]


# --- rules ----------------------------------------------------------------------------------

Rule = Callable[[_Doc, int], list[Candidate]]

_MEMBER_CUE = re.compile(
    r"\b(partners?|partnership (?:of|between|comprising)|compris(?:es|ing|e)|made up of|"
    r"membership|members? of|"
    r"established a (?:\w+ )?partnership|draws membership)\b",
    re.I,
)


_TOGETHER_SUBJECT = re.compile(
    r"^(?:[-•*]\s*)?(?:\d+\.\s*)?((?:the\s+)?\w+\s+[\w ]{0,40}?)\s+(?:will\s+)?"
    r"(?:continue\s+to\s+)?work\s+(?:closely\s+)?together\b",
    re.I,
)


def _membership(doc: _Doc, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*doc.inside[i], *doc.groups[i]], key=lambda m: (m.start, -m.end))
    out: list[Candidate] = []
    spans = [_span(s)]
    cue = _MEMBER_CUE.search(s.text)
    they = _PRONOUN.match(s.text)
    together = _TOGETHER_SUBJECT.match(s.text)
    if not cue and together and doc.hub is not None:
        # "The five CCGs will continue to work together": a counted group of the document's
        # partnership, the subject of the sentence, working together in it
        lead = [
            m for m in inside if _is_group(m) and m.count and m.start == s.start + together.start(1)
        ]
        if lead and not any(is_hub(m) and m.why != "subject" for m in inside):
            return _memberships(
                doc,
                doc.hub,
                lead,
                spans,
                "inferred: a counted group, the sentence's subject, works together in the "
                "document's partnership",
                confidence=0.35,
            )
    if not cue:
        # "They do this through Better Care Together": the groups of the sentence before
        through = re.search(r"\bthrough\b", s.text)
        hubs = [m for m in inside if is_hub(m) and through and m.start - s.start > through.start()]
        if they and they[1] == "They" and hubs and i > 0:
            members = [
                m for m in [*doc.inside[i - 1], *doc.groups[i - 1]] if _is_group(m) or not is_hub(m)
            ]
            if members:
                return _memberships(
                    doc,
                    hubs[0],
                    members,
                    [_span(doc.sentences[i - 1]), *spans],
                    "'They ... through'",
                )
        return out
    groups = [m for m in inside if _is_group(m)]
    hubs = sorted(
        (m for m in inside if is_hub(m)),
        key=lambda m: (
            m.why == "subject",  # a hub the sentence names before "The programme ..."
            # for "membership", "members of": the hub nearest before the cue
            abs(cue.start() - (m.end - s.start)) if "member" in cue[0].casefold() else 0,
            m.start,
        ),
    )
    hub = None
    if hubs:
        hub = hubs[0]
    elif they and i > 0:
        before = [m for m in doc.inside[i - 1] if is_hub(m)]
        if before:
            hub = before[-1]
            spans = [_span(doc.sentences[i - 1]), *spans]
    described = re.search(r"\b[Aa] (?:similar |new |separate )?partnership\b", s.text)
    if hub is None and described and re.search(r"compris|made up of|of", cue[0], re.I):
        # "A similar partnership has also been established comprising the seven acute
        # hospital providers": a new body named by its members
        group = next((m for m in inside if _is_group(m)), None)
        if group is not None:
            name = f"Partnership of {group.text}"
            at = s.start + described.start()
            hub = Mention(at, s.start + described.end(), name, "new-body", kind="partnership")
            record = {"key": mention_ref(hub), "kind": "partnership", "name": name}
            why = f"a partnership the text describes by its members: '{group.text}'"
            out.append(
                _candidate(doc, record, [(hub.start, hub.end)], 0.4, why, section="entities")
            )
    if hub is None and doc.hub is not None and re.search(r"partner|partnership", cue[0], re.I):
        hub = doc.hub
    if hub is None:
        return out
    hub_ref = mention_ref(hub)
    members = [
        m
        for m in _outer(inside)
        if mention_ref(m) != hub_ref and (_is_group(m) or not is_hub(m) or m in groups)
    ]
    if not members:
        return out
    return out + _memberships(doc, hub, members, spans, f"cue '{cue[0]}'")


def _memberships(
    doc: _Doc,
    hub: Mention,
    members: list[Mention],
    spans: list[tuple[int, int]],
    cue: str,
    confidence: float = 0.6,
) -> list[Candidate]:
    out: list[Candidate] = []
    hub_ref = mention_ref(hub)
    seen: set[str] = set()
    for m in members:
        ref = mention_ref(m)
        if not ref or ref in seen or ref == hub_ref:
            continue
        seen.add(ref)
        record: dict[str, Any] = {"type": "membership"}
        if _is_group(m):
            record["id"] = f"members-{ref}"
        record |= {"member": ref, "organization": hub_ref}
        why = f"{cue}; member {_names([m])}; body {_names([hub])}"
        out.append(_candidate(doc, record, spans, confidence - 0.15 * (m.why == "phrase"), why))
        if m.why == "phrase":
            out.append(_group_entity(doc, m))
        if _is_group(m) and m.count:
            out += _resolved(doc, m, record, spans, min(0.5, confidence))
    return out


def _resolved(
    doc: _Doc,
    group: Mention,
    stated: dict[str, Any],
    spans: list[tuple[int, int]],
    confidence: float,
) -> list[Candidate]:
    """Members of a counted group, only when the document names exactly that many
    organisations whose names mark them as the group's type."""
    named: dict[str, Mention] = {}
    for m in doc.all_mentions:
        ref = mention_ref(m)
        if ref and ref != stated["organization"] and _of_type(m, group.member_type):
            named.setdefault(ref, m)
    if len(named) != group.count:
        return []
    out = []
    for ref, m in sorted(named.items()):
        where = next(s for s in doc.sentences if s.start <= m.start < s.end)
        record = {
            "type": "membership",
            "member": ref,
            "organization": stated["organization"],
            "basis": "resolved",
            "resolved_from": stated["id"],
            "reasoning": f"The document counts {group.count} ('{group.text}') and names exactly "
            f"{group.count} organisations of that type; '{m.text}' is one of them.",
        }
        why = (
            f"'{group.text}' counts {group.count} {group.member_type}; the document names exactly "
            f"{group.count} such organisations; this one as '{m.text}'"
        )
        out.append(_candidate(doc, record, [*spans, _span(where)], confidence, why))
    return out


_LEAD_ACTIVE = re.compile(
    r"\b(?:is|are|will be)?\s*(leading(?: on)?|leads|chairing|chairs|oversees?|overseeing)\b", re.I
)
_LEAD_PASSIVE = re.compile(r"\b(led by|chaired by|overseen by)\b", re.I)


def _leadership(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], _outer(doc.inside[i])
    orgs = [m for m in inside if not _is_group(m) or True]
    for cue_re, passive in ((_LEAD_PASSIVE, True), (_LEAD_ACTIVE, False)):
        cue = cue_re.search(s.text)
        if not cue:
            continue
        at = s.start + cue.start()
        before = [m for m in orgs if m.end <= at]
        after = [m for m in orgs if m.start >= s.start + cue.end()]
        extra: list[Candidate] = []
        if (
            after
            and not passive
            and not re.fullmatch(
                r"\s*(?:on\s+)?(?:the\s+)?", doc.text[s.start + cue.end() : after[0].start]
            )
        ):
            after = []  # "oversee the development of closer working between X": X is not led
        if before and not after and not passive:
            thing = _led_paper(doc, s, s.start + cue.end(), extra)
            after = [thing] if thing else []
        if not before or not after:
            continue
        first, second = before[-1], after[0]
        leader, led = (second, first) if passive else (first, second)
        if mention_ref(leader) == mention_ref(led):
            continue
        record = {"type": "leadership", "leader": mention_ref(leader), "led": mention_ref(led)}
        why = f"cue '{cue[1]}'; leader {_names([leader])}; led {_names([led])}"
        return [_candidate(doc, record, [_span(s)], 0.55, why), *extra]
    return []


_LED_PAPER = re.compile(
    r"^\s*(?:the\s+)?(?:development|delivery|writing|production|preparation)\s+of\s+(?:a|an|the)\s+"
    r"((?:[\w-]+\s+){0,3}?(?:strategy|plan|business case|review|report|framework))\b",
    re.I,
)


def _led_paper(doc: _Doc, s: Sentence, at: int, out: list[Candidate]) -> Mention | None:
    """What a body leads when it is a paper ("leading on the development of a workforce
    strategy"): proposed as a new entity of kind paper, keyed by its words."""
    m = _LED_PAPER.match(doc.text[at : s.end])
    if not m:
        return None
    start = at + m.start(1)
    paper = Mention(start, start + len(m[1]), m[1], "new-body", kind="paper", why="phrase")
    record = {"key": mention_ref(paper), "kind": "paper", "name": m[1]}
    why = f"a paper the text says is being developed: '{m[1]}'"
    out.append(_candidate(doc, record, [(paper.start, paper.end)], 0.4, why, section="entities"))
    return paper


_HOST_CUE = re.compile(r"\b(based (?:in|at|within)|hosted by|hosts?)\b", re.I)


def _hosting(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], _outer(doc.inside[i])
    cue = _HOST_CUE.search(s.text)
    if not cue:
        return []
    at = s.start + cue.start()
    before = [m for m in inside if m.end <= at]
    after = [m for m in inside if m.start >= s.start + cue.end()]
    if not before or not after:
        return []
    if cue[1].casefold().startswith("hosts"):
        host, hosted = before[-1], after[0]
    else:
        host, hosted = after[0], before[-1]
    if mention_ref(host) == mention_ref(hosted):
        return []
    record = {"type": "hosting", "host": mention_ref(host), "hosted": mention_ref(hosted)}
    why = f"cue '{cue[1]}'; host {_names([host])}; hosted {_names([hosted])}"
    return [_candidate(doc, record, [_span(s)], 0.55, why)]


_COORD_CUE = re.compile(r"\bco-?ordinated (?:through|by)\b|\bco-?ordinates\b", re.I)


def _coordination(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], _outer(doc.inside[i])
    cue = _COORD_CUE.search(s.text)
    if not cue:
        return []
    at = s.start + cue.start()
    after = [m for m in inside if m.start >= s.start + cue.end()]
    before = [m for m in inside if m.end <= at]
    if not after:
        return []
    coordinator = after[0]
    if cue[0].casefold().startswith("co") and "ordinates" in cue[0]:
        coordinator, after = (before[-1], after) if before else (None, after)  # type: ignore[assignment]
        if coordinator is None:
            return []
        coordinated = after[0]
    elif before:
        coordinated = before[-1]
    elif doc.hub is not None:
        coordinated = doc.hub
    else:
        return []
    if mention_ref(coordinator) == mention_ref(coordinated):
        return []
    record = {
        "type": "coordination",
        "coordinator": mention_ref(coordinator),
        "coordinated": mention_ref(coordinated),
    }
    whence = "the sentence" if coordinated in inside else "the document's partnership"
    why = (
        f"cue '{cue[0]}'; coordinator {_names([coordinator])}; "
        f"coordinated {_names([coordinated])} (from {whence})"
    )
    return [_candidate(doc, record, [_span(s)], 0.5, why)]


_JOINT_CUE = re.compile(
    r"\b(work(?:ing)? (?:closely )?together|joint working|work(?:ing)? (?:closely )?with|"
    r"in partnership with|working alongside|work(?:ing)? closely)\b",
    re.I,
)


def _joint_working(doc: _Doc, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*_outer(doc.inside[i]), *doc.groups[i]], key=lambda m: (m.start, -m.end))
    cue = next(
        (
            c
            for c in _JOINT_CUE.finditer(s.text)
            if not any(m.start < s.start + c.end() and s.start + c.start() < m.end for m in inside)
            and not re.fullmatch(r"(?:[A-Z]\w*\s+)+[A-Z]\w*", c[0])  # "Working Together": a name
        ),
        None,
    )
    if not cue:
        return []
    parties = _refs(inside)
    if len(parties) < 2:
        return []
    record = {"type": "joint-working", "parties": parties}
    why = f"cue '{cue[1]}'; parties {_names(inside)}"
    out = [_candidate(doc, record, [_span(s)], 0.5, why)]
    return out + [_group_entity(doc, m) for m in inside if m.why == "phrase"]


_PROVIDED_BY = re.compile(r"\bprovided by\b", re.I)
_SERVICE = re.compile(
    r"((?:(?:a|an|the|some)\s+)?(?:range of\s+)?[\w ,&'’-]{0,60}?services?)\s*$", re.I
)


def _provision(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], _outer(doc.inside[i])
    cue = _PROVIDED_BY.search(s.text)
    if not cue:
        return []
    after = [m for m in inside if m.start >= s.start + cue.end()]
    if not after:
        return []
    service = _SERVICE.search(s.text[: cue.start()])
    if not service:
        return []
    words = service[1].strip()
    words = re.sub(r"^.*\b(?:about|improving|for|on|to)\s+", "", words, flags=re.I) or words
    provider = after[0]
    record = {"type": "provision", "provider": [mention_ref(provider)], "service": words}
    why = f"cue 'provided by'; provider {_names([provider])}; service '{words}'"
    return [_candidate(doc, record, [_span(s)], 0.55, why)]


_CONSULT = re.compile(r"(?<![-\w])consultation\b(?! (?:narrative|business case))", re.I)
_CONSULT_STATUS = [
    (re.compile(r"\b(launched)\b", re.I), "launched"),
    (
        re.compile(
            r"\b(once (?:capital )?funding|subject to (?:\w+ )?funding|awaiting funding)\b", re.I
        ),
        "awaiting-funding",
    ),
    (re.compile(r"\b(under ?way|ongoing|in progress)\b", re.I), "under-way"),
    (re.compile(r"\b(completed|closed|concluded)\b", re.I), "completed"),
    (
        re.compile(
            r"\b(will|planned|plans? to|intended|targeted|proposals for consultation|from \d)", re.I
        ),
        "planned",
    ),
]


def _consultation(doc: _Doc, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*doc.inside[i], *doc.groups[i]], key=lambda m: (m.start, -m.end))
    cue = _CONSULT.search(s.text)
    hope = re.search(r"\bhope (?:to \w+ )?(?:in|by)\s+((?:19|20)\d{2})\b", s.text)
    spans = [_span(s)]
    if not cue and hope and i > 0 and (cue := _CONSULT.search(doc.sentences[i - 1].text)):
        # "... formal consultation would be undertaken. The system remains committed to
        # doing this, which we hope to announce in 2019."
        spans.insert(0, _span(doc.sentences[i - 1]))
    if not cue:
        return []
    status = next(((key, m[1]) for pat, key in _CONSULT_STATUS if (m := pat.search(s.text))), None)
    if status is None and not hope:
        return []
    # commissioners consult: CCGs (or groups of them) first, else a partnership
    consulting = [
        m
        for m in inside
        if _CCG.search(m.text)
        or (m.links and _CCG.search(m.links[0].name))
        or m.member_type == "ccg"
    ] or [m for m in inside if is_hub(m)]
    topic = re.search(r"consultation on ([^,.;]+)", s.text, re.I)
    label = f"Consultation on {topic[1]}" if topic else s.text[: min(len(s.text), 80)].strip()
    record: dict[str, Any] = {"type": "consultation", "label": label}
    if consulting:
        record["consulting"] = _refs(consulting)
    dates = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
    why = [f"cue '{cue[0]}'"]
    if hope:
        record["hoped_for"] = hope[1]
        record["date_text"] = hope[0]
        why.append(f"hoped-for date '{hope[0]}'")
    elif dates and status and status[0] == "planned":
        record["planned_start"] = dates[0].value
        record["date_text"] = dates[0].text
        why.append(f"date '{dates[0].text}' {dates[0].note}".rstrip())
    # status is required: a consultation only hoped for is "proposed"
    record["status"] = status[0] if status else "proposed"
    why.append(f"status word '{status[1]}'" if status else "no status word: hoped for, so proposed")
    if consulting:
        why.append(f"consulting {_names(consulting)}")
    return [_candidate(doc, record, spans, 0.45, "; ".join(why))]


_MERGE = re.compile(r"\bmerg(?:e|er|ing)\b", re.I)


def _merger(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], _outer(doc.inside[i])
    cue = _MERGE.search(s.text)
    if not cue:
        return []
    proposers = [m for m in inside if not _is_group(m) and not is_hub(m)]
    refs = _refs(proposers)
    if len(refs) < 2:
        return []
    first = {r: next(m for m in proposers if mention_ref(m) == r) for r in refs}
    label = "Proposed merger of " + " and ".join(first[r].text for r in refs)
    record: dict[str, Any] = {"type": "merger-proposal", "label": label, "proposers": refs}
    why = [f"cue '{cue[0]}'; proposers {_names(first.values())}"]
    if re.search(r"\bpropos(?:al|ed|e)\b", s.text, re.I):
        record["status"] = "proposed"
        why.append("status word 'proposal'")
    dates = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
    if dates:
        record["date"] = dates[0].value
        record["date_text"] = dates[0].text
        why.append(f"date '{dates[0].text}' {dates[0].note}".rstrip())
    return [_candidate(doc, record, [_span(s)], 0.6, "; ".join(why))]


_CONTRACT = re.compile(
    r"\b(preferred (?:bidder|provider)|new provider|awarded the contract|contract)\b", re.I
)
_TERM = re.compile(r"\bfor (?:the next |a )?(\w+) years?\b", re.I)
_COMMENCE = re.compile(r"\b(?:commence|start|begin)s?\b", re.I)


def _contract(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], doc.inside[i]
    cue = _CONTRACT.search(s.text)
    if not cue:
        return []
    providers = [
        m
        for m in inside
        if not _is_group(m) and _TRUST.search(m.text + " " + (m.links[0].name if m.links else ""))
    ]
    if not providers:
        providers = [m for m in inside if not _is_group(m) and not is_hub(m)]
    if not providers:
        return []
    provider = providers[0]
    spans = [_span(s)]
    record: dict[str, Any] = {"type": "contract"}
    service = re.search(r"\bto provide ([^.,;]+?)(?: for the next| from|$|[.,;])", s.text)
    label = service[1] if service else f"Contract with {provider.text}"
    record["label"] = label
    record["provider"] = [mention_ref(provider)]
    why = [f"cue '{cue[1]}'; provider {_names([provider])}"]
    if service:
        record["service"] = service[1]
    term = _TERM.search(s.text)
    if term and (n := number_word(term[1])):
        record["term"] = f"P{n}Y"
        why.append(f"term '{term[0]}'")
    if re.search(r"preferred (bidder|provider)", s.text, re.I):
        record["status"] = "preferred-bidder"
        why.append("status words 'preferred bidder'")
    # the next sentences of the paragraph that speak of "the contract"
    j = i + 1
    while j < len(doc.sentences) and j <= i + 2:
        nxt = doc.sentences[j]
        if doc.text.count("\n\n", s.end, nxt.start) > 1 or not re.search(
            r"\bthe contract\b", nxt.text, re.I
        ):
            break
        if doc.inside[j] and any(not _is_group(m) for m in doc.inside[j]):
            break
        money = amounts_in(nxt.text, nxt.start)
        if money and re.search(r"annual value|per (?:year|annum)|a year", nxt.text, re.I):
            record["annual_value"] = money[0].value
            record["currency"] = "GBP"
            why.append(f"annual value '{money[0].text}' in the next sentence")
        start = [d for d in dates_in(nxt.text, nxt.start, doc.when) if d.value]
        if start and _COMMENCE.search(nxt.text):
            record["start"] = start[0].value
            why.append(f"start '{start[0].text}'")
        spans.append(_span(nxt))
        j += 1
    return [_candidate(doc, record, spans, 0.55, "; ".join(why))]


_FUND_STATUS = [
    (re.compile(r"\b(secured|securing)\b", re.I), "secured"),
    (re.compile(r"\b(allocated)\b", re.I), "allocated"),
    (re.compile(r"\b(commitment|committed)\b", re.I), "committed"),
    (re.compile(r"\b(applied for|applying for|bid(?:ding)? for)\b", re.I), "applied-for"),
    (re.compile(r"\b(approved)\b", re.I), "approved"),
]
_FUND_CUE = re.compile(
    r"\b(fund(?:s|ing|ed)?|secured|allocated|commitment|committed|invest(?:ment)?|totalling|grant)\b",
    re.I,
)
_GAP = re.compile(r"\b(gap|shortfall|deficit)\b", re.I)


def _nearest_status(text: str, begin: int, end: int, at: int) -> tuple[str, str] | None:
    """The funding status word between ``begin`` and ``end`` nearest to the amount at ``at``."""
    found = [
        (abs(begin + m.start() - at), begin + m.start(), key, m[1])
        for pat, key in _FUND_STATUS
        for m in pat.finditer(text[begin:end])
    ]
    return (min(found)[2], min(found)[3]) if found else None


_IS_A_BODY = re.compile(
    r"^(?:[-•*]\s*)?([A-Z][\w-]*(?:\s+[\w-]+){0,3}?)\s+is\s+an?\s+(workstream|work-stream|programme|"
    r"project|partnership)\b"
)
_FUNDED_TO_RUN = re.compile(
    r"\bfunding\b[^.;]*?\bto\s+(?:\w+\s+){1,2}the\s+((?:[\w-]+\s+){0,4}?(?:work\s+programme|"
    r"workstream|project))\b",
    re.I,
)


def _funded_body(doc: _Doc, s: Sentence) -> tuple[Mention, Candidate] | None:
    """Who funding without an amount goes to, where the sentence says: a body it defines
    ("Social prescribing is a workstream ... has received transformation funding") or
    runs ("funding has been secured to programme manage the mental health work
    programme"), or a mention there. The body is proposed as a new entity."""
    named = _IS_A_BODY.match(s.text)
    run = _FUNDED_TO_RUN.search(s.text)
    if named:
        words, head, at = named[1], named[2], s.start + named.start(1)
    elif run:
        words, head, at = run[1], run[1].split()[-1], s.start + run.start(1)
    else:
        return None
    kind = BODY_HEADS.get(head.casefold(), "workstream")
    for m in doc.inside[doc.sentences.index(s)]:
        if m.start == at and m.text == words:
            body = m
            break
    else:
        body = Mention(at, at + len(words), words, "new-body", kind=kind, why="phrase")
    record = {"key": mention_ref(body), "kind": kind, "name": words}
    why = f"the body the funding is for, as the sentence names it: '{words}'"
    return body, _candidate(doc, record, [(body.start, body.end)], 0.4, why, section="entities")


def _funding(doc: _Doc, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    if _CONTRACT.search(s.text) and re.search(r"\bcontract\b", s.text, re.I):
        return []
    amounts = amounts_in(s.text, s.start)
    out: list[Candidate] = []
    record: dict[str, Any]
    gap = _GAP.search(s.text)
    if gap:
        for a in amounts:
            record = {
                "type": "funding-gap",
                "label": s.text[max(0, a.start - s.start - 60) : a.end - s.start + 30].strip(),
                "amount": a.value,
                "currency": "GBP",
            }
            why = f"cue '{gap[1]}'; amount '{a.text}'"
            out.append(_candidate(doc, record, [_span(s)], 0.5, why))
        return out
    cue = _FUND_CUE.search(s.text)
    if not cue:
        return out
    if not amounts:
        if not re.search(r"\bfunding\b", s.text, re.I):
            return out
        status = next(((key, m[1]) for pat, key in _FUND_STATUS if (m := pat.search(s.text))), None)
        if status is None and not re.search(r"\breceived\b", s.text, re.I):
            return out
        record = {"type": "funding"}
        purpose = re.search(r"funding (?:to |for )([^.;]+)", s.text)
        if purpose:
            record["purpose"] = purpose[1].strip()
        recipient = _funded_body(doc, s)
        if recipient is not None:
            record["recipient"] = [mention_ref(recipient[0])]
            out.append(recipient[1])
        if status:
            record["status"] = status[0]
        why = f"cue 'funding'{'; status word ' + repr(status[1]) if status else ''}"
        if recipient is not None:
            why += f"; recipient {_names([recipient[0]])}"
        return [_candidate(doc, record, [_span(s)], 0.45, why), *out]
    for k, a in enumerate(amounts):
        # the clause of this amount: up to the next amount
        end = amounts[k + 1].start if k + 1 < len(amounts) else s.end
        begin = amounts[k - 1].end if k else s.start
        status = _nearest_status(doc.text, begin, end, a.start)
        record = {"type": "funding"}
        if a.per:
            record["rate"] = a.value
            record["currency"] = "GBP"
            record["per"] = a.per
            if re.search(r"head|person|capita|patient", a.per, re.I):
                record["per_unit_code"] = "IE"
        else:
            record["amount"] = a.value
            record["currency"] = "GBP"
        purpose = re.search(
            r"\b(?:for|to)\s+([^£;]+?)(?:\s+as well as|\s+and\s+£|[.;]|$)", doc.text[a.end : end]
        )
        if purpose:
            record["purpose"] = purpose[1].strip().rstrip(",")
        if status:
            record["status"] = status[0]
        dates = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
        last_year = re.search(r"\blast year\b", s.text, re.I)
        notes = [f"cue '{cue[1]}'; amount '{a.text}'"]
        if status:
            notes.append(f"status word '{status[1]}'")
        if dates:
            record["date"] = dates[0].value
            record["date_text"] = dates[0].text
            notes.append(f"date '{dates[0].text}'")
        elif last_year and doc.when.first.year == doc.when.last.year:
            record["date"] = str(doc.when.last.year - 1)
            record["date_text"] = last_year[0]
            notes.append(f"'{last_year[0]}': the year before the document's ({doc.when.last.year})")
        out.append(_candidate(doc, record, [_span(s)], 0.6, "; ".join(notes)))
    return out


_EVENT = re.compile(
    r"\b(events?|conferences?|summits?|sessions?|meetings?|workshops?|evening|roadshows?|"
    r"drop-ins?)\b",
    re.I,
)
_HAPPEN = re.compile(
    r"\b(held|took place|take place|taking place|attended|provided|hosted|organised|"
    r"chaired by|will be|kicked off|launched|established|organised|arranged)\b",
    re.I,
)
_HEADING_EVENT = re.compile(
    r"^(?P<label>[^–\n]{3,90}?)\s+[–-]\s+(?P<date>[^–\n]+?)\s+[–-]\s+(?P<place>[^–\n]+)$"
)


_DECIDED = re.compile(
    r"\b(agreed|approved|accepted|signed off|decided|endorsed|ratified|noted)\b", re.I
)
_EVENT_PLANNED = re.compile(
    r"\bwill (?:be (?:held|taking place|chaired|undertaken)|take place|focus)\b|\b(?:is|are) "
    r"(?:planned|due|intended)\b|\bit is intended\b|\bsave the date\b",
    re.I,
)


_CHAIRED_BY = re.compile(rf"\bchaired by ({PERSON})")
_SPEAKER = re.compile(rf"\b(?:speech|talk|presentation)s? (?:from|by) ({PERSON})")


def _event_told_before(doc: _Doc, i: int, cue: re.Match[str]) -> list[Candidate]:
    """ "The evening will be chaired by ...": the event is the sentence before's subject,
    when that sentence has no event word of its own ("The first BLMK Clinical
    Conversation of 2018 will focus on ...")."""
    s = doc.sentences[i]
    if i == 0 or cue.start() > 4 or not re.match(r"(?:The|This)\s", s.text):
        return []
    prev = doc.sentences[i - 1]
    if _EVENT.search(prev.text) or doc.text.count("\n", prev.end, s.start) > 2:
        return []
    subject = re.match(r"(.{3,80}?)\s+(?:will|is|was|has|have|are|were)\b", prev.text)
    if not subject:
        return []
    record: dict[str, Any] = {"type": "event", "label": subject[1]}
    why = f"'{s.text[: cue.end()]}' is the sentence before's '{subject[1]}'"
    chair = _CHAIRED_BY.search(s.text)
    if chair:
        record["chairs"] = [slug(_HONORIFIC.sub("", chair[1]))]
        why += f"; chaired by '{chair[1]}'"
    speaker = _SPEAKER.search(s.text)
    if speaker:
        record["speakers"] = [slug(_HONORIFIC.sub("", speaker[1]))]
        why += f"; speaker '{speaker[1]}'"
    if _EVENT_PLANNED.search(s.text) or _EVENT_PLANNED.search(prev.text):
        record["status"] = "planned"
    out = [_candidate(doc, record, [_span(prev), _span(s)], 0.45, why)]
    for name, at in ((chair, chair and chair.start(1)), (speaker, speaker and speaker.start(1))):
        if name:
            start = s.start + int(at or 0)
            out.append(_person_entity(doc, name[1], start, start + len(name[1])))
    return out


def _events(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], doc.inside[i]
    heading = _HEADING_EVENT.match(s.text)
    dates = [d for d in dates_in(s.text, s.start, doc.when)]
    if heading and dates:
        d = dates[0]
        record: dict[str, Any] = {"type": "event", "label": heading["label"].strip()}
        if d.value:
            record["date"] = d.value
        record["place"] = heading["place"].strip()
        why = f"a line 'name – date – place'; date '{d.text}' {d.note}".rstrip()
        spans = [_span(s)]
        groups: list[Mention] = []
        # its participants: the counted groups its section names ("sit on one of seven
        # different working groups"), up to the next such line
        for j in range(i + 1, min(len(doc.sentences), i + 13)):
            if _HEADING_EVENT.match(doc.sentences[j].text):
                break
            found = [m for m in doc.inside[j] if _is_group(m) and m.count and m.why != "phrase"]
            if found:
                groups += found
                spans.append(_span(doc.sentences[j]))
        if groups:
            record["participants"] = _refs(groups)
            why += f"; participants named in its section: {_names(groups)}"
        return [_candidate(doc, record, spans, 0.6, why)]
    cue = _EVENT.search(s.text)
    if not cue or re.search(r"\b(?:online and )?at events\b", s.text, re.I):
        return []
    if cue[1].casefold().startswith("meeting") and _DECIDED.search(s.text):
        return []  # a board's meeting that decided something: a decision, not an event
    happen = _HAPPEN.search(s.text)
    if re.search(r"\b(?:the|this|that|these|those)\s+$", s.text[: cue.start()], re.I) and not any(
        d.value for d in dates
    ):
        return _event_told_before(doc, i, cue)
    typed = [d for d in dates if d.value]
    if not typed and not happen:
        return []
    words = s.text[: cue.end()]
    label_words = re.findall(r"[\w'’&-]+", words)[-6:]
    label = " ".join(label_words)
    label = re.sub(r"^(?:.*?\b(?:of|a|an|the|two|further)\s+)", "", label, flags=re.I) or label
    employers = {c.record["organization"] for c in _posts(doc, i) if c.record.get("type") == "post"}
    inside = [
        m for m in _outer(inside) if not _affiliation(s, m) and mention_ref(m) not in employers
    ]
    doc_ref = mention_ref(doc.hub) if doc.hub else None
    orgs = [m for m in inside if mention_ref(m) != doc_ref or m.why == "subject"]
    hubs = [m for m in inside if mention_ref(m) == doc_ref and m.why != "subject"]
    base: dict[str, Any] = {"type": "event", "label": label}
    starts = sorted([*orgs, *hubs, *doc.groups[i]], key=lambda m: m.start)
    if (
        starts
        and starts[0].start - s.start <= 4
        and re.search(r"\b(?:established|organised|arranged|provided|hosted|held)\b", s.text)
    ):
        first = starts[0]
        orgs = [m for m in orgs if m is not first]
        hubs = [m for m in hubs if m is not first]
        orgs.insert(0, _synthetic(first, first.start, first.text))
        if first.why == "phrase":
            orgs[0] = Mention(first.start, first.end, first.text, first.pattern, why="subject")
    subject = [m for m in orgs if m.why == "subject"]
    others = [m for m in orgs if m.why != "subject"]
    if subject:
        base["organisers"] = _refs(subject)
    if others:
        base["participants"] = _refs(others)
    if hubs:
        base["part_of"] = mention_ref(hubs[0])
    if _EVENT_PLANNED.search(s.text):
        base["status"] = "planned"
    why = f"cue '{cue[1]}'" + (f"; '{happen[1]}'" if happen else "")
    spans = [_span(s)]
    if i + 1 < len(doc.sentences) and re.search(r"\bon the day\b", doc.sentences[i + 1].text):
        # "... will support discussion on the day": who takes part, in the next sentence
        more = [m for m in _outer(doc.inside[i + 1]) if mention_ref(m) != doc_ref]
        if more:
            base["participants"] = _refs([*others, *more])
            spans.append(_span(doc.sentences[i + 1]))
            why += f"; 'on the day' in the next sentence: {_names(more)}"
    if not typed:
        return [_candidate(doc, base, spans, 0.4, why)]
    out = []
    for d in typed:
        record = dict(base)
        record["date"] = d.value
        if d.note or not re.search(r"\d{4}", d.text):
            record["date_text"] = d.text
        note = f"; date '{d.text}'" + (f" ({d.note})" if d.note else "")
        out.append(_candidate(doc, record, spans, 0.5, why + note))
    return out


_PERSON_TITLE = re.compile(
    rf"({PERSON}),\s+([A-Za-z][A-Za-z &'’-]{{1,80}}?)(?:,\s*|\s+(?:of|at|for)\s+(?:the\s+)?)$"
)
_TITLE_PERSON = re.compile(rf"^\s*\(\s*([A-Z][A-Za-z ]{{1,40}}?)\s+({PERSON})\s*\)")
_ORG_TITLE = re.compile(rf"^\s+((?:[A-Z][\w-]*\s+){{0,2}}(?i:{_TITLE_HEAD})s?)\b")
_TITLE_FOR = re.compile(
    rf"(?:^|\b(?:the|a|an)\s+)((?:[\w&-]+\s+){{0,3}}{_TITLE_HEAD}s?"
    rf"(?:\s+for\s+(?:[A-Z][\w&-]*\s+){{1,4}}?)?)\s*(?:for|of|at)\s+(?:the\s+)?$",
    re.I,
)
_A_TITLE = rf"(?:[A-Z][\w-]*\s+){{0,3}}(?i:{_TITLE_HEAD})"
_LED_BY_TITLES = re.compile(
    rf"\bled by (?:a |an |the )?({_A_TITLE}(?:\s+and\s+(?:a |an |the )?{_A_TITLE})?)\b"
)


_AFFILIATION = re.compile(rf"(?i:{_TITLE_HEAD})s?(?:,\s*|\s+(?:of|at)\s+(?:the\s+)?)$")


def _affiliation(s: Sentence, m: Mention) -> bool:
    """A mention that says where a person works ("Chief Executive, Kings Fund")."""
    return bool(_AFFILIATION.search(_before(s, m)[-80:]))


_BODY_PHRASE = re.compile(
    r"\b(?:a|an|the)\s+((?:[\w-]+\s+){0,3}?(?:leadership|working|reference|steering|advisory|"
    r"programme|project|delivery|clinical)\s+(?:groups?|boards?|teams?|forums?|committees?))\s*$",
    re.I,
)
_BODY_KIND = [
    ("leadership", "leadership-group"),
    ("reference", "reference-group"),
    ("board", "board"),
    ("forum", "forum"),
    ("team", "programme-office"),
    ("committee", "board"),
]


def _body_phrase(doc: _Doc, s: Sentence, at: int, out: list[Candidate]) -> Mention | None:
    """A body the sentence describes just before "led by" ("a core leadership groups"):
    proposed as a new entity (its kind from its noun), keyed by its words."""
    m = _BODY_PHRASE.search(doc.text[s.start : at])
    if not m:
        return None
    words = m[1]
    start = s.start + m.start(1)
    kind = next((k for w, k in _BODY_KIND if w in words.casefold()), "working-group")
    body = Mention(start, start + len(words), words, "new-body", kind=kind, why="phrase")
    record = {"key": mention_ref(body), "kind": kind, "name": words}
    why = f"a body the text describes before 'led by': '{words}'"
    out.append(_candidate(doc, record, [(body.start, body.end)], 0.4, why, section="entities"))
    return body


_CONTACT = re.compile(rf"^Name and (?:Job )?Title:\s*({PERSON}),\s*([A-Z][^,;\n]{{2,80}})$")
_BARE_TITLE = re.compile(
    r"\b(?:The|the)\s+(?:role\s+of\s+)?((?:joint\s+)?(?:[A-Z][\w-]*\s+){0,2}"
    r"(?:SROs?|Senior Responsible Officers?|Lead|Leads))\b(?!\s+(?:for|of|at)\b)"
)


def _posts_of_the_partnership(doc: _Doc, s: Sentence) -> list[Candidate]:
    """Posts whose organisation the sentence does not name, taken to be the document's
    partnership (inferred, and said so): a contact field ("Name and Job Title: Sarah
    Prema, Director of ...") and a capitalised lead title ("The joint SROs", "the role of
    GP Lead")."""
    assert doc.hub is not None
    hub_ref = mention_ref(doc.hub)
    inferred = f"organisation inferred: the document's partnership '{doc.hub.text}' ({hub_ref})"
    contact = _CONTACT.match(s.text)
    if contact:
        name, title = contact[1], contact[2].strip()
        record: dict[str, Any] = {"type": "post", "organization": hub_ref, "title": title}
        record["person"] = slug(_HONORIFIC.sub("", name))
        if _role(title):
            record["role"] = _role(title)
        at = s.start + contact.start(1)
        why = f"a contact field: '{name}', '{title}'; {inferred}"
        return [
            _candidate(doc, record, [_span(s)], 0.35, why),
            _person_entity(doc, name, at, at + len(name)),
        ]
    bare = _BARE_TITLE.search(s.text)
    if bare:
        title = bare[1]
        record = {"type": "post", "organization": hub_ref, "title": title}
        if _role(title):
            record["role"] = _role(title)
        why = f"title '{title}' with no organisation named; {inferred}"
        return [_candidate(doc, record, [_span(s)], 0.3, why)]
    return []


def _role(title: str) -> str | None:
    return next((key for pat, key in _ROLE if pat.search(title)), None)


def _person_entity(doc: _Doc, name: str, start: int, end: int) -> Candidate:
    plain = _HONORIFIC.sub("", name)
    record = {"key": slug(plain), "kind": "person", "name": name}
    return _candidate(
        doc,
        record,
        [(start, end)],
        0.6,
        f"a person named with a post: '{name}'",
        section="entities",
    )


_PERSON_TITLE_BODY = re.compile(
    rf"({PERSON}),\s+([^,]{{2,80}}?),\s+((?:[A-Z][\w'’]*)(?:\s+[A-Z][\w'’]*){{0,3}})(?=,|\.|\s+and\b)"
)
_AND_BODY_TITLE = re.compile(rf"\band\s+((?:[A-Z][\w'’]*\s+){{1,3}}?)(?i:({_TITLE_HEAD}))\b")


def _post_bodies(
    doc: _Doc, s: Sentence, inside: list[Mention]
) -> tuple[list[Mention], list[Candidate]]:
    """Bodies named only where a person's post is given ("Professor Chris Ham, Chief
    Executive, Kings Fund"; "... Chair of X and King's Fund trustee") that no mention
    covers: new bodies (their kind from their head noun, else national-body)."""
    found: list[tuple[int, str]] = []
    for m in _PERSON_TITLE_BODY.finditer(s.text):
        if _TITLE_WORD.search(m[2]):
            found.append((s.start + m.start(3), m[3]))
    if (
        _PERSON_TITLE.search(s.text)
        or _PERSON_TITLE_BODY.search(s.text)
        or any(_PERSON_TITLE.search(_before(s, m)) for m in inside)
    ):
        for m in _AND_BODY_TITLE.finditer(s.text):
            found.append((s.start + m.start(1), m[1].strip()))
    bodies, entities = [], []
    for at, words in found:
        if any(m.start < at + len(words) and at < m.end for m in inside):
            continue
        kind = body_kind(words.split()) or "national-body"
        body = Mention(at, at + len(words), words, "new-body", kind=kind, why="phrase")
        bodies.append(body)
        record = {"key": mention_ref(body), "kind": kind, "name": words}
        why = f"a body named where a person's post is given: '{words}'"
        entities.append(
            _candidate(doc, record, [(body.start, body.end)], 0.35, why, section="entities")
        )
    return bodies, entities


def _posts(doc: _Doc, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], doc.inside[i]
    bodies, out = _post_bodies(doc, s, inside)
    inside = sorted([*inside, *bodies], key=lambda m: (m.start, -m.end))
    seen: set[tuple[str, str]] = set()

    def post(org: Mention, title: str, person: tuple[str, int, int] | None, cue: str) -> None:
        title = title.strip()
        ref = mention_ref(org)
        if not ref or (ref, title.casefold()) in seen or not _TITLE_WORD.search(title):
            return
        seen.add((ref, title.casefold()))
        record: dict[str, Any] = {"type": "post", "organization": ref, "title": title}
        why = f"{cue}; title '{title}'; in {_names([org])}"
        if person:
            name = person[0]
            record["person"] = slug(_HONORIFIC.sub("", name))
            out.append(_person_entity(doc, name, person[1], person[2]))
            why += f"; held by '{name}'"
        role = _role(title)
        if role:
            record["role"] = role
        out.append(_candidate(doc, record, [_span(s)], 0.6 if person else 0.45, why))

    inside = _outer(inside)
    for m in inside:
        if _is_group(m):
            continue
        before, after = _before(s, m), _after(s, m)
        pt = _PERSON_TITLE.search(before)
        if pt:
            at = s.start + pt.start(1)
            post(m, pt[2], (pt[1], at, at + len(pt[1])), "'Name, title, organisation'")
            # "Chair of X and Y trustee": a second title after the organisation
            more = re.match(r"^\s+and\s+", after)
            if more:
                for n in inside:
                    if n.start == m.end + more.end():
                        tail = _ORG_TITLE.match(_after(s, n))
                        if tail:
                            post(
                                n,
                                tail[1],
                                (pt[1], at, at + len(pt[1])),
                                "'..., title of X and Y title'",
                            )
            continue
        tp = _TITLE_PERSON.match(after)
        if tp:
            at = m.end + tp.start(2)
            post(m, tp[1], (tp[2], at, at + len(tp[2])), "'organisation (title Name)'")
            continue
        tf = _TITLE_FOR.search(before)
        if tf:
            post(m, tf[1], None, "'title for/of organisation'")
            continue
        ot = _ORG_TITLE.match(after)
        if ot:
            post(m, ot[1], None, "'organisation title'")
    if not out and doc.hub is not None:
        out += _posts_of_the_partnership(doc, s)
    led = _LED_BY_TITLES.search(s.text)
    if led:
        at = s.start + led.start()
        before_m = [m for m in inside if m.end <= at]
        body = before_m[-1] if before_m else _body_phrase(doc, s, at, out)
        if body is None and _PRONOUN.match(s.text) and i > 0:
            hubs = [m for m in doc.inside[i - 1] if is_hub(m)]
            body = hubs[-1] if hubs else None
        if body is not None:
            for title in re.split(r"\s+and\s+(?:a |an |the )?", led[1]):
                post(body, title, None, "'led by a title'")
    return out


_ONE_IN_EACH = re.compile(
    r"\b(two|three|four|five|\d+)\s+(?:separate\s+|different\s+)?([A-Za-z]+?)s,?\s+one\s+"
    r"(?:based\s+)?in\s+each\s+(CCG|Trust|council|organisation|partner)\b"
)


def _one_in_each(doc: _Doc, i: int) -> list[Candidate]:
    """ "two separate PMOs one based in each CCG", after a sentence naming two CCGs: one
    body hosted by each (new entities named by their host), the hosting of each, and the
    coordination or joint working the sentence gives them."""
    s = doc.sentences[i]
    m = _ONE_IN_EACH.search(s.text)
    if not m or i == 0:
        return []
    count, unit, noun = number_word(m[1]), m[2], m[3]
    type_name = _CCG if noun == "CCG" else _TRUST_NAME
    hosts: dict[str, Mention] = {}
    for h in [*doc.inside[i - 1], *[h for h in doc.inside[i] if h.start < s.start + m.start()]]:
        ref = mention_ref(h) or ""
        if _ODS_LIKE.fullmatch(ref) and (
            type_name.search(h.text) or (h.links and type_name.search(h.links[0].name))
        ):
            hosts.setdefault(ref, h)
    if len(hosts) != count:
        return []
    spans = [_span(doc.sentences[i - 1]), _span(s)]
    kind = BODY_HEADS.get(unit.casefold(), "working-group")
    out: list[Candidate] = []
    bodies: list[str] = []
    for ref, h in hosts.items():
        host_words = h.text if noun.casefold() in h.text.casefold() else f"{h.text} {noun}"
        name = f"{unit} based in {host_words}"
        key = slug(name)
        bodies.append(key)
        entity = {"key": key, "kind": kind, "name": name}
        why = (
            f"'{m[0]}': one {unit} for each {noun} the sentence before names; "
            f"this one in {_names([h])}"
        )
        out.append(
            _candidate(
                doc, entity, [(s.start + m.start(), s.start + m.end())], 0.4, why, "entities"
            )
        )
        out.append(
            _candidate(doc, {"type": "hosting", "host": ref, "hosted": key}, spans, 0.45, why)
        )
    before = s.text[: m.start()]
    if _COORD_CUE.search(before) and doc.hub is not None:
        record = {
            "type": "coordination",
            "coordinator": bodies,
            "coordinated": mention_ref(doc.hub),
        }
        why = f"'{m[0]}' coordinate the work of the document's partnership {_names([doc.hub])}"
        out.append(_candidate(doc, record, [_span(s)], 0.4, why))
    if re.search(r"\bjoint working between (?:the|them|the two)\b", s.text[m.end() :]):
        why = f"'joint working between the two' of '{m[0]}'"
        out.append(
            _candidate(doc, {"type": "joint-working", "parties": bodies}, [_span(s)], 0.45, why)
        )
    return out


RULES: tuple[Rule, ...] = (
    _one_in_each,
    _membership,
    _leadership,
    _hosting,
    _coordination,
    _joint_working,
    _provision,
    _consultation,
    _merger,
    _contract,
    _funding,
    _events,
    _posts,
)


def propose_statements(text: str, mentions: list[Mention], when: DocumentDay) -> list[Candidate]:
    """Candidate statements (and the people they name, as entities) for one document,
    sorted by offset; the same input gives the same output."""
    cut = sentences(text)
    linked = sorted((m for m in mentions if _has_ref(m)), key=lambda m: (m.start, -m.end, m.text))
    hub = _document_hub([m for m in linked if not _area_use(text, m)], text.casefold())
    inside: list[list[Mention]] = []
    for s in cut:
        found = [
            m for m in linked if s.start <= m.start and m.end <= s.end and not _area_use(text, m)
        ]
        subject = _SUBJECT_HUB.match(s.text)
        if (
            subject
            and hub is not None
            and not any(m.start - s.start < subject.end() for m in found)
        ):
            found = [_synthetic(hub, s.start + subject.start(1), subject[1]), *found]
        found = sorted(
            [*found, *_org_noun_groups(text, found), *_both(text, s, linked)],
            key=lambda m: (m.start, -m.end, m.text),
        )
        inside.append(found)
    words_of: dict[str, set[str]] = {}
    for m in linked:
        words_of.setdefault(mention_ref(m) or "", set()).add(m.text)
    groups = [_group_phrases(s, found) for s, found in zip(cut, inside, strict=True)]
    doc = _Doc(
        text, when, cut, inside, hub, linked, {r: sorted(w) for r, w in words_of.items()}, groups
    )
    out: dict[tuple[str, str], Candidate] = {}
    for i in range(len(cut)):
        for rule in RULES:
            for c in rule(doc, i):
                # an entity is proposed once, where it is first met
                identity = str(c.record["key"]) if c.section == "entities" else c.key
                out.setdefault((c.section, identity), c)
    merged = _merge_same(doc, list(out.values()))
    return sorted(merged, key=lambda c: (c.start, c.end, c.section, c.key))


# One contract or merger proposal told of in several sentences is one candidate.
_ONE_THING = {"contract": "provider", "merger-proposal": "proposers"}


def _merge_same(doc: _Doc, candidates: list[Candidate]) -> list[Candidate]:
    groups: dict[tuple[str, str], list[Candidate]] = {}
    rest = []
    for c in sorted(candidates, key=lambda c: (c.start, c.end, c.key)):
        field_name = _ONE_THING.get(str(c.record.get("type")))
        if c.section == "statements" and field_name:
            who = c.record.get(field_name)
            refs = [str(w) for w in (who if isinstance(who, list) else [who])]
            key = (str(c.record["type"]), ",".join(sorted(refs)))
            groups.setdefault(key, []).append(c)
        else:
            rest.append(c)
    for same in groups.values():
        if len(same) == 1:
            rest.append(same[0])
            continue
        record: dict[str, Any] = {}
        spans: list[tuple[int, int]] = []
        # the richest record first: its label and fields win; others add what it lacks
        for c in sorted(same, key=lambda c: (-len(c.record), c.start)):
            for name, value in c.record.items():
                if name not in ("quote", "occurrence"):
                    record.setdefault(name, value)
        for c in same:
            spans += _spans_of(doc.text, c.record)
        why = " | ".join(c.why for c in same)
        confidence = max(c.confidence for c in same)
        ordered = {"type": record.pop("type"), **record}
        rest.append(_candidate(doc, ordered, spans, confidence, why))
    return rest


def _spans_of(text: str, record: dict[str, Any]) -> list[tuple[int, int]]:
    quote = record["quote"]
    items = quote if isinstance(quote, list) else [quote]
    out = []
    for item in items:
        exact, n = (
            (item["text"], item["occurrence"])
            if isinstance(item, dict)
            else (item, int(record.get("occurrence", 1)))
        )
        at = -1
        for _ in range(n):
            at = text.find(exact, at + 1)
        out.append((at, at + len(exact)))
    return out
