"""Which organisation a name named on the document's day.

A matched form may belong to several organisations, or to one that was not open on
the day. Each possible ref is scored (0..1) from how the form was found and from the
dates: the organisation bore the name on the day and was open (best); it was open but
bore the name in another period; it had closed, and a change event names its successor
(the successor is proposed, the closed organisation kept as an alternative), unless it
closed within the days the document's date allows; it opened only later (kept; scored
low, less low within a year: CCGs were named before they opened); no file gives its
opening and none knows it before the day, and only a recorded name (not a curated
alias) matched (kept, scored half: an STP's name in a paper from before STPs may name
the area). Ties left by the
dates are broken by the document's other mentions: a ref that lies in the same
footprint or region as the organisations the document names unambiguously, or is one
of them, is preferred. Every possible ref is kept, best first, each with its reason in
words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from nhskg.graph.ingest.gazetteer import Body, Form, Gazetteer
from nhskg.graph.ingest.model import DocumentDay, Link

SOURCE_SCORE = {"alias": 0.9, "name": 0.9, "entity": 0.85, "initials": 0.6}
SOURCE_WORDS = {
    "alias": "a curated alias",
    "name": "a recorded name",
    "entity": "the name of a curated body",
    "initials": "the initials of a recorded name",
}
MAX_LINKS = 5
SOON = 366  # days: a body opening this soon after the document may be named in it already
CONTEXT_BONUS = 0.08


def _day(day: dt.date) -> str:
    return day.isoformat()


def _successor_on(body: Body, day: dt.date, gazetteer: Gazetteer) -> tuple[Body, str] | None:
    """The organisation that succeeded ``body`` and was open on ``day`` (following chains)."""
    seen = {body.ref}
    current = body
    steps: list[str] = []
    while current.successors:
        later = [(d, r) for d, r in current.successors if d <= day and r not in seen]
        if not later:
            return None
        change_day, ref = later[-1]
        nxt = gazetteer.body(ref)
        if nxt is None:
            return None
        steps.append(f"{nxt.name_on(change_day)} ({ref}) succeeded it on {_day(change_day)}")
        seen.add(ref)
        if nxt.open_on(day):
            return nxt, "; ".join(steps)
        current = nxt
    return None


def _score_ref(
    ref: str, forms: Sequence[Form], when: DocumentDay, gazetteer: Gazetteer
) -> list[Link]:
    day = when.day
    form = max(forms, key=lambda f: (SOURCE_SCORE.get(f.source, 0.5), f.holds_on(day)))
    base = SOURCE_SCORE.get(form.source, 0.5)
    how = f"{SOURCE_WORDS.get(form.source, form.source)} ({form.note})" if form.note else ""
    body = gazetteer.body(ref)
    if body is None:
        return [Link(ref, form.text, round(base * 0.9, 3), f"{how}; no record of {ref} here")]
    name = body.name_on(day)
    if body.curated:
        return [Link(ref, name, round(base, 3), f"{how}, {ref}")]
    named = any(f.holds_on(day) for f in forms if f.source in ("name", "initials"))
    if form.source in ("alias", "entity"):
        named = True
    recorded = form.source in ("name", "initials")  # not a curator's alias: that was read
    if recorded and body.open_on(day) and body.known_from is not None and day < body.known_from:
        why = (
            f"{how}; no reference record knows {ref} before {_day(body.known_from)} and none "
            f"gives its opening: it may not have existed on {_day(day)} (the words may name "
            "its area, not it)"
        )
        return [Link(ref, name, round(base * 0.5, 3), why)]
    if body.open_on(day):
        if named:
            return [Link(ref, name, round(base, 3), f"{how}; {ref} bore it on {_day(day)}")]
        periods = ", ".join(
            f"{f.start or '…'} to {f.end or '…'}" for f in forms if f.source == "name"
        )
        why = f"{how}; {ref} bore it ({periods}), and on {_day(day)} was named {name}"
        return [Link(ref, name, round(base * 0.8, 3), why)]
    if body.closed is not None and when.first <= body.closed < day:
        why = (
            f"{how}; {ref} closed on {_day(body.closed)}, within the days the document's "
            f"date allows ({_day(when.first)} to {_day(day)})"
        )
        links = [Link(ref, name, round(base * 0.9, 3), why)]
        after = _successor_on(body, day, gazetteer)
        if after is not None:
            why = f"{how}; {after[1]}, if the document is from after that"
            links.append(Link(after[0].ref, after[0].name_on(day), round(base * 0.5, 3), why))
        return links
    if body.closed is not None and body.closed < day:
        after = _successor_on(body, day, gazetteer)
        closed = f"{ref} closed on {_day(body.closed)}"
        if after is not None:
            nxt, steps = after
            why = f"{how}; {closed}; {steps}"
            return [
                Link(nxt.ref, nxt.name_on(day), round(base * 0.85, 3), why),
                Link(ref, name, round(base * 0.35, 3), f"{how}; {closed}, before the document"),
            ]
        return [Link(ref, name, round(base * 0.45, 3), f"{how}; {closed}, no successor known")]
    opened = body.opened.isoformat() if body.opened else "later"
    if body.opened is not None and (body.opened - day).days <= SOON:
        why = f"{how}; {ref} opened on {opened}, within a year after the document (a body is "
        why += "often named before it opens)"
        return [Link(ref, name, round(base * 0.6, 3), why)]
    return [Link(ref, name, round(base * 0.2, 3), f"{how}; {ref} opened only on {opened}")]


def near(body: Body | None, context: frozenset[str], gazetteer: Gazetteer) -> bool:
    """Whether ``body`` is one of, within, or beside the organisations in ``context``."""
    if body is None or not context:
        return False
    if body.ref in context or set(body.areas) & context:
        return True
    for ref in context:
        other = gazetteer.body(ref)
        if other is not None and (body.ref in other.areas or set(body.areas) & set(other.areas)):
            return True
    return False


def elsewhere(
    links: tuple[Link, ...], words: str, context: frozenset[str], gazetteer: Gazetteer
) -> bool:
    """Whether ``words`` name, in general terms, only local bodies other documents introduced
    for another area than this document's: they are then a body of this document's own (a
    "Clinical Senate" of another programme is not this programme's). A name with a place
    in it ("Leicestershire County Council") names the same body wherever it is written."""
    if any(w.casefold() in gazetteer.place_words for w in re.findall(r"[\w'’-]+", words)):
        return False
    bodies = [gazetteer.body(link.ref) for link in links]
    return bool(bodies) and all(
        b is not None and b.local and not near(b, context, gazetteer) for b in bodies
    )


def link_forms(
    forms: Iterable[Form],
    when: DocumentDay,
    gazetteer: Gazetteer,
    context: frozenset[str] = frozenset(),
) -> tuple[Link, ...]:
    """The refs ``forms`` may name on the document's day, best first (at most five)."""
    by_ref: dict[str, list[Form]] = {}
    for form in forms:
        by_ref.setdefault(form.ref, []).append(form)
    best: dict[str, Link] = {}
    for ref in sorted(by_ref):
        for link in _score_ref(ref, by_ref[ref], when, gazetteer):
            if len(by_ref) > 1 and near(gazetteer.body(link.ref), context, gazetteer):
                link = Link(
                    link.ref,
                    link.name,
                    round(min(1.0, link.score + CONTEXT_BONUS), 3),
                    f"{link.why}; the document names organisations of the same area",
                )
            known = best.get(link.ref)
            if known is None or link.score > known.score:
                best[link.ref] = link
    ranked = sorted(best.values(), key=lambda k: (-k.score, k.ref))
    return tuple(ranked[:MAX_LINKS])


def context_refs(
    linked: Iterable[tuple[Link, ...]], gazetteer: Gazetteer, threshold: float = 0.8
) -> frozenset[str]:
    """The organisations of the reference landscape the document names without doubt: a
    mention's only link, scored well."""
    out = set()
    for links in linked:
        if len(links) == 1 and links[0].score >= threshold:
            body = gazetteer.body(links[0].ref)
            if body is not None and not body.curated:
                out.add(links[0].ref)
    return frozenset(out)
