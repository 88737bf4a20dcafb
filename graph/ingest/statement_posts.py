"""Statement rules for posts: a person named with a title and an organisation, titles
of a body ("led by a Clinical Chair"), bodies named only in a post, and posts whose
organisation is the document's partnership (inferred, and said so); people as entities.
"""

from __future__ import annotations

import re
from typing import Any

from nhskg.graph.curated.coverage import Sentence
from nhskg.graph.ingest.mention_rules import body_kind
from nhskg.graph.ingest.model import (
    Candidate,
    Mention,
    mention_ref,
    slug,
)
from nhskg.graph.ingest.statement_context import (
    PRONOUN,
    DocumentView,
    is_group,
    is_hub,
    make_candidate,
    named_as,
    outermost,
    sentence_span,
    words_after,
    words_before,
)

PERSON = (
    r"(?:(?:Dr|Professor|Prof|Sir|Dame|Mr|Mrs|Ms|Miss|Cllr|Councillor)\.?\s+)?"
    r"[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?){1,2}"
)

HONORIFIC = re.compile(r"^(?:Dr|Professor|Prof|Sir|Dame|Mr|Mrs|Ms|Miss|Cllr|Councillor)\.?\s+")

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

_PERSON_TITLE = re.compile(
    rf"({PERSON})(?:,\s+|\s+(?:has\s+been|was|is|will\s+be)\s+appointed\s+(?:as\s+)?(?:the\s+)?)"
    rf"([A-Za-z][A-Za-z &'’-]{{1,80}}?)(?:,\s*|\s+(?:of|at|for)\s+(?:the\s+)?)$"
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


def affiliation(s: Sentence, m: Mention) -> bool:
    """A mention that says where a person works ("Chief Executive, Kings Fund")."""
    return bool(_AFFILIATION.search(words_before(s, m)[-80:]))


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


def _body_phrase(doc: DocumentView, s: Sentence, at: int, out: list[Candidate]) -> Mention | None:
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
    out.append(make_candidate(doc, record, [(body.start, body.end)], 0.4, why, section="entities"))
    return body


_CONTACT = re.compile(rf"^Name and (?:Job )?Title:\s*({PERSON}),\s*([A-Z][^,;\n]{{2,80}})$")

_BARE_TITLE = re.compile(
    r"\b(?:The|the)\s+(?:role\s+of\s+)?((?:joint\s+)?(?:[A-Z][\w-]*\s+){0,2}"
    r"(?:SROs?|Senior Responsible Officers?|Lead|Leads))\b(?!\s+(?:for|of|at)\b)"
)


def _posts_of_the_partnership(doc: DocumentView, s: Sentence) -> list[Candidate]:
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
        record["person"] = slug(HONORIFIC.sub("", name))
        if _role(title):
            record["role"] = _role(title)
        at = s.start + contact.start(1)
        why = f"a contact field: '{name}', '{title}'; {inferred}"
        return [
            make_candidate(doc, record, [sentence_span(s)], 0.35, why),
            person_entity(doc, name, at, at + len(name)),
        ]
    bare = _BARE_TITLE.search(s.text)
    if bare:
        title = bare[1]
        record = {"type": "post", "organization": hub_ref, "title": title}
        if _role(title):
            record["role"] = _role(title)
        why = f"title '{title}' with no organisation named; {inferred}"
        return [make_candidate(doc, record, [sentence_span(s)], 0.3, why)]
    return []


def _role(title: str) -> str | None:
    return next((key for pat, key in _ROLE if pat.search(title)), None)


def person_entity(doc: DocumentView, name: str, start: int, end: int) -> Candidate:
    plain = HONORIFIC.sub("", name)
    record = {"key": slug(plain), "kind": "person", "name": name}
    return make_candidate(
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
    doc: DocumentView, s: Sentence, inside: list[Mention]
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
        or any(_PERSON_TITLE.search(words_before(s, m)) for m in inside)
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
            make_candidate(doc, record, [(body.start, body.end)], 0.35, why, section="entities")
        )
    return bodies, entities


_BODY_CHAIRED_BY = re.compile(rf"^\s*(?:is|are|will be|was)\s+(chaired|led)\s+by\s+({PERSON})")


def posts(doc: DocumentView, i: int) -> list[Candidate]:
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
        why = f"{cue}; title '{title}'; in {named_as([org])}"
        if person:
            name = person[0]
            record["person"] = slug(HONORIFIC.sub("", name))
            out.append(person_entity(doc, name, person[1], person[2]))
            why += f"; held by '{name}'"
        role = _role(title)
        if role:
            record["role"] = role
        out.append(make_candidate(doc, record, [sentence_span(s)], 0.6 if person else 0.45, why))

    inside = outermost(inside)
    for m in inside:
        if is_group(m):
            continue
        before, after = words_before(s, m), words_after(s, m)
        pt = _PERSON_TITLE.search(before)
        if pt:
            at = s.start + pt.start(1)
            post(m, pt[2], (pt[1], at, at + len(pt[1])), "'Name, title, organisation'")
            # "Chair of X and Y trustee": a second title after the organisation
            more = re.match(r"^\s+and\s+", after)
            if more:
                for n in inside:
                    if n.start == m.end + more.end():
                        tail = _ORG_TITLE.match(words_after(s, n))
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
    for chair_of in inside:
        # "The Partnership Board is chaired by Cllr John Smith": the body's chair
        chaired = _BODY_CHAIRED_BY.match(words_after(s, chair_of))
        if chaired and not is_group(chair_of):
            name = chaired[2]
            start = chair_of.end + chaired.start(2)
            title = "Chair" if chaired[1] == "chaired" else "Lead"
            post(chair_of, title, (name, start, start + len(name)), f"'... {chaired[1]} by Name'")
    if not out and doc.hub is not None:
        out += _posts_of_the_partnership(doc, s)
    led = _LED_BY_TITLES.search(s.text)
    if led:
        at = s.start + led.start()
        before_m = [m for m in inside if m.end <= at]
        body = before_m[-1] if before_m else _body_phrase(doc, s, at, out)
        if body is None and PRONOUN.match(s.text) and i > 0:
            hubs = [m for m in doc.inside[i - 1] if is_hub(m)]
            body = hubs[-1] if hubs else None
        if body is not None:
            for title in re.split(r"\s+and\s+(?:a |an |the )?", led[1]):
                post(body, title, None, "'led by a title'")
    return out
