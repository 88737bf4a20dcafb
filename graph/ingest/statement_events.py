"""Statement rules for things that happen: consultations (status only from the words,
hoped-for dates), merger proposals, and events with their dates, organisers and
participants.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from nhskg.graph.curated.coverage import Sentence
from nhskg.graph.ingest.model import (
    Candidate,
    Mention,
    mention_ref,
    slug,
)
from nhskg.graph.ingest.statement_context import (
    CCG,
    TRUST_NAME,
    DocumentView,
    as_partnership,
    is_group,
    is_hub,
    make_candidate,
    named_as,
    outermost,
    refs_of,
    sentence_span,
)
from nhskg.graph.ingest.statement_posts import HONORIFIC, PERSON, affiliation, person_entity, posts
from nhskg.graph.ingest.statement_values import dates_in

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
            # "will" only in the consultation's own clause (no comma between)
            r"(consultation[^,;.]{0,60}\bwill\b|\bwill\b[^,;.]{0,60}consultation|planned|"
            r"plans? to|intended|targeted|proposals for consultation|from \d)",
            re.I,
        ),
        "planned",
    ),
]


def consultation(doc: DocumentView, i: int) -> list[Candidate]:
    s = doc.sentences[i]
    inside = sorted([*doc.inside[i], *doc.groups[i]], key=lambda m: (m.start, -m.end))
    cue = _CONSULT.search(s.text)
    hope = re.search(r"\bhope (?:to \w+ )?(?:in|by)\s+((?:19|20)\d{2})\b", s.text)
    spans = [sentence_span(s)]
    if not cue and hope and i > 0 and (cue := _CONSULT.search(doc.sentences[i - 1].text)):
        # "... formal consultation would be undertaken. The system remains committed to
        # doing this, which we hope to announce in 2019."
        spans.insert(0, sentence_span(doc.sentences[i - 1]))
    if not cue:
        return []
    status = next(((key, m[1]) for pat, key in _CONSULT_STATUS if (m := pat.search(s.text))), None)
    if status is None and not hope:
        return []
    # commissioners consult: CCGs (or groups of them) first, else a partnership
    consulting = [
        m
        for m in inside
        if CCG.search(m.text) or (m.links and CCG.search(m.links[0].name)) or m.member_type == "ccg"
    ] or [m for m in inside if is_hub(m)]
    topic = re.search(
        r"((?:(?:formal|public|full|statutory|further)\s+){0,3}consultation)(?:\s+on\s+([^,.;]+))?",
        doc.text[spans[0][0] : spans[-1][1]],
        re.I,
    )
    subject = (
        re.split(r"\s+(?:is|are|was|were|has|have|had|will|which)\s+", topic[2] or "")[0]
        if topic
        else ""
    )
    label = (topic[1] + (f" on {subject}" if subject else "")) if topic else "consultation"
    label = label[0].upper() + label[1:]
    record: dict[str, Any] = {"type": "consultation", "label": label}
    if consulting:
        record["consulting"] = refs_of(consulting)
    dates = [d for d in dates_in(s.text, s.start, doc.when) if d.value]
    why = [f"cue '{cue[0]}'"]
    if hope:
        record["hoped_for"] = hope[1]
        record["date_text"] = hope[0]
        why.append(f"hoped-for date '{hope[0]}'")
    elif (
        dates
        and status
        and status[0] == "launched"
        and re.search(r"launched (?:on|in)\s*$", doc.text[s.start : dates[0].start])
    ):
        record["start"] = dates[0].value
        why.append(f"launched on '{dates[0].text}' {dates[0].note}".rstrip())
    elif dates and status and status[0] == "planned":
        record["planned_start"] = dates[0].value
        record["date_text"] = dates[0].text
        why.append(f"date '{dates[0].text}' {dates[0].note}".rstrip())
    # status is required: a consultation only hoped for is "proposed"
    record["status"] = status[0] if status else "proposed"
    why.append(f"status word '{status[1]}'" if status else "no status word: hoped for, so proposed")
    if consulting:
        why.append(f"consulting {named_as(consulting)}")
    return [make_candidate(doc, record, spans, 0.45, "; ".join(why))]


_MERGE = re.compile(r"\bmerg(?:e|er|ing)\b", re.I)


def _clauses(s: Sentence) -> list[tuple[int, int]]:
    """The sentence's clauses: split at ";" and at ", and" / ", but" / ", which"."""
    cuts = [
        0,
        *(m.end() for m in re.finditer(r";|,\s+(?:and|but|which|while)\b", s.text)),
        len(s.text),
    ]
    return [(s.start + a, s.start + b) for a, b in pairwise(cuts)]


def merger(doc: DocumentView, i: int) -> list[Candidate]:
    s, inside = doc.sentences[i], outermost(doc.inside[i])
    cue = _MERGE.search(s.text)
    if not cue:
        return []
    # those that merge: trusts, CCGs and the like (not a regulator a case goes to)
    proposers = [
        m
        for m in inside
        if not is_group(m)
        and not is_hub(m)
        and any(
            TRUST_NAME.search(n) or CCG.search(n) for n in [m.text, *(k.name for k in m.links[:1])]
        )
    ]
    refs = refs_of(proposers)
    if len(refs) < 2:
        return []
    first = {r: next(m for m in proposers if mention_ref(m) == r) for r in refs}
    label = "Proposed merger of " + " and ".join(first[r].text for r in refs)
    record: dict[str, Any] = {"type": "merger-proposal", "label": label, "proposers": refs}
    why = [f"cue '{cue[0]}'; proposers {named_as(first.values())}"]
    if re.search(r"\bpropos(?:al|ed|e)\b", s.text, re.I):
        record["status"] = "proposed"
        why.append("status word 'proposal'")
    # a date in the clause that speaks of the merger, not in another ("..., and a business
    # case will be submitted in September")
    clause = next(c for c in _clauses(s) if c[0] <= s.start + cue.start() < c[1])
    dates = [
        d
        for d in dates_in(s.text, s.start, doc.when)
        if d.value and clause[0] <= d.start < clause[1]
    ]
    if dates:
        record["date"] = dates[0].value
        record["date_text"] = dates[0].text
        why.append(f"date '{dates[0].text}' {dates[0].note}".rstrip())
    return [make_candidate(doc, record, [sentence_span(s)], 0.6, "; ".join(why))]


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


def _event_told_before(doc: DocumentView, i: int, cue: re.Match[str]) -> list[Candidate]:
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
        record["chairs"] = [slug(HONORIFIC.sub("", chair[1]))]
        why += f"; chaired by '{chair[1]}'"
    speaker = _SPEAKER.search(s.text)
    if speaker:
        record["speakers"] = [slug(HONORIFIC.sub("", speaker[1]))]
        why += f"; speaker '{speaker[1]}'"
    if _EVENT_PLANNED.search(s.text) or _EVENT_PLANNED.search(prev.text):
        record["status"] = "planned"
    out = [make_candidate(doc, record, [sentence_span(prev), sentence_span(s)], 0.45, why)]
    for name, at in ((chair, chair and chair.start(1)), (speaker, speaker and speaker.start(1))):
        if name:
            start = s.start + int(at or 0)
            out.append(person_entity(doc, name[1], start, start + len(name[1])))
    return out


_LABEL_STOP = frozenset(
    {
        *("in", "with", "at", "on", "of", "the", "a", "an", "has", "have", "had", "been"),
        *("will", "be", "was", "were", "and", "to", "for", "by", "this", "that", "these"),
        *("those", "two", "three", "several", "number", "series", "further", "is", "are"),
        "from",
    }
)


def events(doc: DocumentView, i: int) -> list[Candidate]:
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
        spans = [sentence_span(s)]
        groups: list[Mention] = []
        # its participants: the counted groups its section names ("sit on one of seven
        # different working groups"), up to the next such line
        for j in range(i + 1, min(len(doc.sentences), i + 13)):
            if _HEADING_EVENT.match(doc.sentences[j].text):
                break
            found = [m for m in doc.inside[j] if is_group(m) and m.count and m.why != "phrase"]
            if found:
                groups += found
                spans.append(sentence_span(doc.sentences[j]))
        if groups:
            record["participants"] = refs_of(groups)
            why += f"; participants named in its section: {named_as(groups)}"
        return [make_candidate(doc, record, spans, 0.6, why)]
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
    if typed:
        # the event word nearest before the first date names it ("overview summits will
        # take place on 27th October", not "clinical summits planned by ...")
        near = [c for c in _EVENT.finditer(s.text) if s.start + c.start() < typed[0].start]
        cue = near[-1] if near else cue
    # the words naming it: the run of words before the event word, stopped by the first
    # little word ("with public events" -> "public events")
    before = re.findall(r"[\w'’&-]+", s.text[: cue.start()])
    run: list[str] = []
    for word in reversed(before[-5:]):
        if word.casefold() in _LABEL_STOP or word[0].isdigit():
            break
        run.insert(0, word)
    label = " ".join([*run, cue[1]])
    employers = {c.record["organization"] for c in posts(doc, i) if c.record.get("type") == "post"}
    inside = [
        m for m in outermost(inside) if not affiliation(s, m) and mention_ref(m) not in employers
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
        orgs.insert(0, as_partnership(first, first.start, first.text))
        if first.why == "phrase":
            orgs[0] = Mention(first.start, first.end, first.text, first.pattern, why="subject")
    subject = [m for m in orgs if m.why == "subject"]
    others = [m for m in orgs if m.why != "subject"]
    if subject:
        base["organisers"] = refs_of(subject)
    if others:
        base["participants"] = refs_of(others)
    if hubs:
        base["part_of"] = mention_ref(hubs[0])
    if _EVENT_PLANNED.search(s.text):
        base["status"] = "planned"
    why = f"cue '{cue[1]}'" + (f"; '{happen[1]}'" if happen else "")
    spans = [sentence_span(s)]
    people: list[Candidate] = []
    for pattern, role in ((_CHAIRED_BY, "chairs"), (_SPEAKER, "speakers")):
        said = pattern.search(s.text)
        if said:
            base[role] = [slug(HONORIFIC.sub("", said[1]))]
            at = s.start + said.start(1)
            people.append(person_entity(doc, said[1], at, at + len(said[1])))
            why += f"; {role[:-1]} '{said[1]}'"
    if i + 1 < len(doc.sentences) and re.search(r"\bon the day\b", doc.sentences[i + 1].text):
        # "... will support discussion on the day": who takes part, in the next sentence
        more = [m for m in outermost(doc.inside[i + 1]) if mention_ref(m) != doc_ref]
        if more:
            base["participants"] = refs_of([*others, *more])
            spans.append(sentence_span(doc.sentences[i + 1]))
            why += f"; 'on the day' in the next sentence: {named_as(more)}"
    if not typed:
        return [make_candidate(doc, base, spans, 0.4, why), *people]
    out = people
    for d in typed:
        record = dict(base)
        record["date"] = d.value
        if d.note or not re.search(r"\d{4}", d.text):
            record["date_text"] = d.text
        note = f"; date '{d.text}'" + (f" ({d.note})" if d.note else "")
        out.append(make_candidate(doc, record, spans, 0.5, why + note))
    return out
