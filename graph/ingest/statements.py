"""Candidate statements: rule-based cues over a document's sentences and the mentions in them.

``propose_statements(text, mentions, when)`` cuts the text into sentences (the same cut
that ``nhskg coverage`` uses), gives each its mentions (:mod:`statement_context`: areas
left out, the document's partnership found, groups the sentence describes added), runs
the rules of :mod:`statement_ties` (memberships, leadership, hosting, coordination, joint
working), :mod:`statement_money` (provision, contracts, funding, funding gaps),
:mod:`statement_events` (consultations, merger proposals, events) and
:mod:`statement_posts` (posts, and the people in them as entities) over every sentence,
and returns the candidates sorted by offset, one contract or merger proposal told of in
several sentences merged into one. Organisations are named by ``mention_ref``; each
quote is a whole sentence (a list where a fact spans several), unique or with
``occurrence``; dates and money are typed by :mod:`statement_values`. Nothing is added
that the text does not say: no status without a status word, no date without date
words, no member the text does not name. A few rules infer the organisation from the
document's partnership (a post with none named, a counted group that "works together");
those have low confidence and say so in ``why``.
"""

from __future__ import annotations

from typing import Any

from nhskg.graph.curated.coverage import sentences
from nhskg.graph.ingest.model import (
    Candidate,
    DocumentDay,
    Mention,
    mention_ref,
)
from nhskg.graph.ingest.statement_context import (
    SUBJECT_HUB,
    DocumentView,
    Rule,
    area_use,
    as_partnership,
    both,
    document_hub,
    group_entity,
    group_phrases,
    has_ref,
    make_candidate,
    org_noun_groups,
)
from nhskg.graph.ingest.statement_events import consultation, events, merger
from nhskg.graph.ingest.statement_money import contract, funding, provision
from nhskg.graph.ingest.statement_posts import posts
from nhskg.graph.ingest.statement_ties import (
    coordination,
    hosting,
    joint_working,
    leadership,
    membership,
    one_in_each,
)

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

RULES: tuple[Rule, ...] = (
    one_in_each,
    membership,
    leadership,
    hosting,
    coordination,
    joint_working,
    provision,
    consultation,
    merger,
    contract,
    funding,
    events,
    posts,
)


def propose_statements(text: str, mentions: list[Mention], when: DocumentDay) -> list[Candidate]:
    """Candidate statements (and the people they name, as entities) for one document,
    sorted by offset; the same input gives the same output."""
    cut = sentences(text)
    linked = sorted((m for m in mentions if has_ref(m)), key=lambda m: (m.start, -m.end, m.text))
    hub = document_hub([m for m in linked if not area_use(text, m)], text.casefold())
    inside: list[list[Mention]] = []
    for s in cut:
        found = [
            m for m in linked if s.start <= m.start and m.end <= s.end and not area_use(text, m)
        ]
        subject = SUBJECT_HUB.match(s.text)
        if (
            subject
            and hub is not None
            and not any(m.start - s.start < subject.end() for m in found)
        ):
            found = [as_partnership(hub, s.start + subject.start(1), subject[1]), *found]
        found = sorted(
            [*found, *org_noun_groups(text, found), *both(text, s, linked)],
            key=lambda m: (m.start, -m.end, m.text),
        )
        inside.append(found)
    words_of: dict[str, set[str]] = {}
    for m in linked:
        words_of.setdefault(mention_ref(m) or "", set()).add(m.text)
    groups = [group_phrases(s, found) for s, found in zip(cut, inside, strict=True)]
    doc = DocumentView(
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
    merged += _described_groups(doc, merged)
    return sorted(merged, key=lambda c: (c.start, c.end, c.section, c.key))


def _described_groups(doc: DocumentView, candidates: list[Candidate]) -> list[Candidate]:
    """The stated-group entities for the groups a sentence describes ("local councils",
    "BCT workstreams") that a statement uses and no candidate proposes yet, so that every
    key a statement names is one an accepted file declares."""
    proposed = {str(c.record.get("key")) for c in candidates if c.section == "entities"}
    used = {
        str(ref)
        for c in candidates
        if c.section == "statements"
        for value in c.record.values()
        for ref in (value if isinstance(value, list) else [value])
        if isinstance(ref, str)
    }
    described: dict[str, Mention] = {}
    for m in [*(m for found in doc.inside for m in found), *(m for g in doc.groups for m in g)]:
        ref = mention_ref(m)
        if m.why == "phrase" and ref and ref in used and ref not in proposed:
            described.setdefault(ref, m)
    return [group_entity(doc, m) for _, m in sorted(described.items())]


# One contract or merger proposal told of in several sentences is one candidate.
_ONE_THING = {"contract": "provider", "merger-proposal": "proposers"}


def _merge_same(doc: DocumentView, candidates: list[Candidate]) -> list[Candidate]:
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
        rest.append(make_candidate(doc, ordered, spans, confidence, why))
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
