"""Statement rules for ties between bodies: memberships (counted groups stated, and
resolved only when the text names them all), leadership, hosting, coordination and joint
working, and one body "in each" of the organisations a sentence names.
"""

from __future__ import annotations

import re
from typing import Any

from nhskg.graph.curated.coverage import Sentence
from nhskg.graph.ingest.mention_rules import BODY_HEADS
from nhskg.graph.ingest.model import (
    Candidate,
    Mention,
    mention_ref,
    slug,
)
from nhskg.graph.ingest.statement_context import (
    CCG,
    ODS_LIKE,
    PRONOUN,
    TRUST_NAME,
    DocumentView,
    group_entity,
    is_group,
    is_hub,
    make_candidate,
    named_as,
    of_type,
    outermost,
    refs_of,
    sentence_span,
)
from nhskg.graph.ingest.statement_values import number_word

_MEMBER_CUE = re.compile(
    r"\b(partners?|partnership (?:of|between|comprising)|compris(?:es|ing|e)|made up of|"
    r"membership|members? of|"
    r"established a (?:\w+ )?partnership|draws membership|brings? together|consists? of|"
    r"members include|our members)\b",
    re.I,
)

_TOGETHER_SUBJECT = re.compile(
    r"^(?:[-•*]\s*)?(?:\d+\.\s*)?((?:the\s+)?\w+\s+[\w ]{0,40}?)\s+(?:will\s+)?"
    r"(?:continue\s+to\s+)?work\s+(?:closely\s+)?together\b",
    re.I,
)


def membership(doc: DocumentView, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*doc.inside[i], *doc.groups[i]], key=lambda m: (m.start, -m.end))
    out: list[Candidate] = []
    spans = [sentence_span(s)]
    cue = _MEMBER_CUE.search(s.text)
    they = PRONOUN.match(s.text)
    together = _TOGETHER_SUBJECT.match(s.text)
    if not cue and together and doc.hub is not None:
        # "The five CCGs will continue to work together": a counted group of the document's
        # partnership, the subject of the sentence, working together in it
        lead = [
            m for m in inside if is_group(m) and m.count and m.start == s.start + together.start(1)
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
                m for m in [*doc.inside[i - 1], *doc.groups[i - 1]] if is_group(m) or not is_hub(m)
            ]
            if members:
                return _memberships(
                    doc,
                    hubs[0],
                    members,
                    [sentence_span(doc.sentences[i - 1]), *spans],
                    "'They ... through'",
                )
        return out
    groups = [m for m in inside if is_group(m)]
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
            spans = [sentence_span(doc.sentences[i - 1]), *spans]
    described = re.match(r"(?:[-•*]\s*)?A (?:similar |new |separate )?partnership\b", s.text)
    if hub is None and described and re.search(r"compris|made up of|of", cue[0], re.I):
        # "A similar partnership has also been established comprising the seven acute
        # hospital providers": a new body named by its members
        group = next((m for m in inside if is_group(m)), None)
        if group is not None:
            name = f"Partnership of {group.text}"
            at = s.start + described.start()
            hub = Mention(at, s.start + described.end(), name, "new-body", kind="partnership")
            record = {"key": mention_ref(hub), "kind": "partnership", "name": name}
            why = f"a partnership the text describes by its members: '{group.text}'"
            out.append(
                make_candidate(doc, record, [(hub.start, hub.end)], 0.4, why, section="entities")
            )
    if hub is None and doc.hub is not None and re.search(r"partner|member", cue[0], re.I):
        hub = doc.hub
    if hub is None:
        return out
    hub_ref = mention_ref(hub)
    members = [
        m
        for m in outermost(inside)
        if mention_ref(m) != hub_ref and (is_group(m) or not is_hub(m) or m in groups)
    ]
    at = s.start + cue.end()
    if re.fullmatch(r"brings? together|consists? of", cue[0], re.I):
        # the members follow at once ("brings together X, Y and Z"), not "brings together
        # the key findings ... of the six working groups"
        first = min((m for m in members if m.start >= at), key=lambda m: m.start, default=None)
        if first is None or len(doc.text[at : first.start].split()) > 2:
            return out
    if cue[0].casefold() == "partner":
        # "partner" before a noun: only the group it names is a member ("partner
        # organisations"), not the sentence's other bodies ("partner member boards and NHS
        # England")
        members = [m for m in members if m.start <= s.start + cue.start() < m.end]
    if not members:
        return out
    return out + _memberships(doc, hub, members, spans, f"cue '{cue[0]}'")


def _memberships(
    doc: DocumentView,
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
        if is_group(m):
            record["id"] = f"members-{ref}"
        record |= {"member": ref, "organization": hub_ref}
        why = f"{cue}; member {named_as([m])}; body {named_as([hub])}"
        out.append(make_candidate(doc, record, spans, confidence - 0.15 * (m.why == "phrase"), why))
        if m.why == "phrase":
            out.append(group_entity(doc, m))
        if is_group(m) and m.count:
            out += _resolved(doc, m, record, spans, min(0.5, confidence))
    return out


def _resolved(
    doc: DocumentView,
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
        if ref and ref != stated["organization"] and of_type(m, group.member_type):
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
        out.append(make_candidate(doc, record, [*spans, sentence_span(where)], confidence, why))
    return out


_LEAD_ACTIVE = re.compile(
    r"\b(?:is|are|will be)?\s*(leading(?: on)?|leads|chairing|chairs|oversees?|overseeing)\b", re.I
)

_LEAD_PASSIVE = re.compile(r"\b(led by|chaired by|overseen by)\b", re.I)


def leadership(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], outermost(doc.inside[i])
    orgs = inside
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
        why = f"cue '{cue[1]}'; leader {named_as([leader])}; led {named_as([led])}"
        return [make_candidate(doc, record, [sentence_span(s)], 0.55, why), *extra]
    return []


_LED_PAPER = re.compile(
    r"^\s*(?:the\s+)?(?:development|delivery|writing|production|preparation)\s+of\s+(?:a|an|the)\s+"
    r"((?:[\w-]+\s+){0,3}?(?:strategy|plan|business case|review|report|framework))\b",
    re.I,
)


def _led_paper(doc: DocumentView, s: Sentence, at: int, out: list[Candidate]) -> Mention | None:
    """What a body leads when it is a paper ("leading on the development of a workforce
    strategy"): proposed as a new entity of kind paper, keyed by its words."""
    m = _LED_PAPER.match(doc.text[at : s.end])
    if not m:
        return None
    start = at + m.start(1)
    paper = Mention(start, start + len(m[1]), m[1], "new-body", kind="paper", why="phrase")
    record = {"key": mention_ref(paper), "kind": "paper", "name": m[1]}
    why = f"a paper the text says is being developed: '{m[1]}'"
    out.append(
        make_candidate(doc, record, [(paper.start, paper.end)], 0.4, why, section="entities")
    )
    return paper


HOST_GAP_WORDS = 3  # words at most between the cue and the body it takes after it
_HOST_CUE = re.compile(r"\b(based (?:in|at|within)|hosted by|hosts?)\b", re.I)


def hosting(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], outermost(doc.inside[i])
    cue = _HOST_CUE.search(s.text)
    if not cue:
        return []
    at, past = s.start + cue.start(), s.start + cue.end()
    before = [m for m in inside if m.end <= at]
    # what follows the cue must follow at once ("hosts the PMO", "hosted by X"): not a
    # body further on ("will host the new office from April, with X as partner")
    after = [
        m
        for m in inside
        if m.start >= past and len(doc.text[past : m.start].split()) <= HOST_GAP_WORDS
    ]
    if not before or not after:
        return []
    if cue[1].casefold() in ("host", "hosts"):  # active: "X hosts Y", "X will host Y"
        host, hosted = before[-1], after[0]
    else:  # "Y hosted by X", "Y based in X"
        host, hosted = after[0], before[-1]
    if mention_ref(host) == mention_ref(hosted):
        return []
    record = {"type": "hosting", "host": mention_ref(host), "hosted": mention_ref(hosted)}
    why = f"cue '{cue[1]}'; host {named_as([host])}; hosted {named_as([hosted])}"
    return [make_candidate(doc, record, [sentence_span(s)], 0.55, why)]


_COORD_CUE = re.compile(r"\bco-?ordinated (?:through|by)\b|\bco-?ordinates\b", re.I)


def coordination(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], outermost(doc.inside[i])
    cue = _COORD_CUE.search(s.text)
    if not cue:
        return []
    at = s.start + cue.start()
    after = [m for m in inside if m.start >= s.start + cue.end()]
    before = [m for m in inside if m.end <= at]
    if not after:
        return []
    coordinator = after[0]
    if cue[0].casefold().endswith("ordinates"):
        # "X co-ordinates Y": the coordinator before the cue, what it coordinates after
        if not before:
            return []
        coordinator, coordinated = before[-1], after[0]
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
        f"cue '{cue[0]}'; coordinator {named_as([coordinator])}; "
        f"coordinated {named_as([coordinated])} (from {whence})"
    )
    return [make_candidate(doc, record, [sentence_span(s)], 0.5, why)]


_JOINT_CUE = re.compile(
    r"\b(work(?:ing)? (?:closely )?together|joint working|work(?:ing)? (?:closely )?with|"
    r"in partnership with|working alongside|work(?:ing)? closely)\b",
    re.I,
)


def joint_working(doc: DocumentView, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*outermost(doc.inside[i]), *doc.groups[i]], key=lambda m: (m.start, -m.end))
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
    parties = refs_of(inside)
    if len(parties) < 2:
        return []
    record = {"type": "joint-working", "parties": parties}
    why = f"cue '{cue[1]}'; parties {named_as(inside)}"
    out = [make_candidate(doc, record, [sentence_span(s)], 0.5, why)]
    return out + [group_entity(doc, m) for m in inside if m.why == "phrase"]


_ONE_IN_EACH = re.compile(
    r"\b(two|three|four|five|\d+)\s+(?:separate\s+|different\s+)?([A-Za-z]+?)s,?\s+one\s+"
    r"(?:based\s+)?in\s+each\s+(CCG|Trust|council|organisation|partner)\b"
)


def one_in_each(doc: DocumentView, i: int) -> list[Candidate]:
    """ "two separate PMOs one based in each CCG", after a sentence naming two CCGs: one
    body hosted by each (new entities named by their host), the hosting of each, and the
    coordination or joint working the sentence gives them."""
    s = doc.sentences[i]
    m = _ONE_IN_EACH.search(s.text)
    if not m or i == 0:
        return []
    count, unit, noun = number_word(m[1]), m[2], m[3]
    type_name = CCG if noun == "CCG" else TRUST_NAME
    hosts: dict[str, Mention] = {}
    for h in [*doc.inside[i - 1], *[h for h in doc.inside[i] if h.start < s.start + m.start()]]:
        ref = mention_ref(h) or ""
        if ODS_LIKE.fullmatch(ref) and (
            type_name.search(h.text) or (h.links and type_name.search(h.links[0].name))
        ):
            hosts.setdefault(ref, h)
    if len(hosts) != count:
        return []
    spans = [sentence_span(doc.sentences[i - 1]), sentence_span(s)]
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
            f"this one in {named_as([h])}"
        )
        out.append(
            make_candidate(
                doc, entity, [(s.start + m.start(), s.start + m.end())], 0.4, why, "entities"
            )
        )
        out.append(
            make_candidate(doc, {"type": "hosting", "host": ref, "hosted": key}, spans, 0.45, why)
        )
    before = s.text[: m.start()]
    if _COORD_CUE.search(before) and doc.hub is not None:
        record = {
            "type": "coordination",
            "coordinator": bodies,
            "coordinated": mention_ref(doc.hub),
        }
        why = f"'{m[0]}' coordinate the work of the document's partnership {named_as([doc.hub])}"
        out.append(make_candidate(doc, record, [sentence_span(s)], 0.4, why))
    if re.search(r"\bjoint working between (?:the|them|the two)\b", s.text[m.end() :]):
        why = f"'joint working between the two' of '{m[0]}'"
        out.append(
            make_candidate(
                doc, {"type": "joint-working", "parties": bodies}, [sentence_span(s)], 0.45, why
            )
        )
    return out
