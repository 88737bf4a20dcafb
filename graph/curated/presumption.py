"""How long a stated tie is taken to hold after its last evidence.

A document shows a tie (a membership, a post, coordination, hosting, ...) on its
own date. Analysts, like LittleSis and Wikidata, read a tie with a start and no end
as holding until something ends it; this module says until when. The part past the
last evidence is *presumed*: the build marks it so (``nhskg:presumedFrom`` /
``nhskg:presumedUntil``), never as stated, and says what ended it
(``nhskg:presumptionEndedBy``).

A tie with a stated end (or a term) is not presumed to run on. Otherwise it is
presumed to hold from the day after its evidence until the day before the first of:

- a later document stating the same tie (that statement then carries it on, so one
  tie is never counted twice on a day);
- either party closing or merging away (the reference landscape's close dates,
  with the change event that closed it), or a curated body's stated end;
- the body it belongs to ending (a group's ``part_of`` chain, or the statement's
  ``part_of``);
- a later document saying it ended (an ``ending`` record, which ends it on its date,
  or the day before its document when it gives none).

The same rules give a curated body (a partnership, a board, a group) its presumed
existence after its last mention.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nhskg.graph.curated.loader import Context, Curated, Record, ref_target
from nhskg.graph.curated.schema import COMMON, ENTITY_KINDS, STATEMENTS

# Statement types that state a standing tie, as against a thing that happens on a day
# (an event, a decision, a milestone) or a status at a time (a risk, a RAG rating).
# A curated body's own type is presumed with the body (:meth:`Presumptions.for_entity`).
STANDING_TIES = frozenset(
    {
        "membership",
        "post",
        "coordination",
        "hosting",
        "leadership",
        "joint-working",
        "provision",
        "contract",
        "focus",
    }
)
# Not "classification": a document's word on the type of a reference organisation (that
# BCT is the STP) is evidenced on its date; the reference data says when the type held
# (QK1 is an STP until 30 June 2022 and an ICB from 1 July), so nothing is presumed.
KEY_KINDS = ("ref", "refs", "role", "orgtype")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Ending:
    """The last day a presumption may run to, and what ends it: a reference such as
    ``org:RC1``, ``change:2020-04-01/RC9``, ``entity:KEY``, or a statement record."""

    last_day: dt.date
    by: str | Record


@dataclass(frozen=True)
class Presumption:
    """The presumed part of a tie: from ``start`` to ``until`` (open when None)."""

    start: dt.date
    until: dt.date | None
    ended_by: str | Record | None


def next_day(day: dt.date) -> dt.date:
    return day + ONE_DAY


class Presumptions:
    """The presumed continuation of every standing tie and curated body.

    ``known`` gives a statement record's evidenced period (first and last day), as
    the emitter derives it, so both agree.
    """

    def __init__(
        self,
        curated: Curated,
        ctx: Context,
        known: Callable[[Record], tuple[dt.date, dt.date]],
    ) -> None:
        self.curated = curated
        self.ctx = ctx
        self.known = known
        self._ties: dict[tuple[Any, ...], list[Record]] = defaultdict(list)
        self._endings: dict[int, list[Record]] = defaultdict(list)
        self._ends: dict[str, Ending | None] = {}  # each target's end_of, once found
        for record in curated.statements:
            if record.type in STANDING_TIES:
                self._ties[self.tie_key(record)].append(record)
            if record.type == "ending":
                target = self._target(record.get("ends"), record)
                if isinstance(target, Record):
                    self._endings[id(target)].append(record)

    # -- what a record is about ---------------------------------------------------

    def _target(self, value: str, record: Record) -> str | Record | None:
        target = ref_target(value, self.curated, self.ctx, record.path)
        if target is None:
            return None
        kind, _, key = target.partition(":")
        if kind == "statement":
            return self.curated.ids[(record.path, key)]
        if kind == "record":
            return self.curated.record_by_ref(key)
        return target

    def tie_key(self, record: Record) -> tuple[Any, ...]:
        """What makes two statements the same tie: their type and every party, role
        and type they name (references normalised, so an ONS code and its ODS code agree)."""
        spec = STATEMENTS[record.type]
        parts: list[tuple[str, tuple[str, ...]]] = []
        for name, value in sorted(record.values.items()):
            field = spec.fields.get(name) or COMMON.get(name)
            if field is None or field.kind not in KEY_KINDS:
                continue
            items = value if isinstance(value, list) else [value]
            normal = []
            for item in items:
                target = self._target(item, record) if field.kind in ("ref", "refs") else item
                normal.append(
                    f"{target.path}#{target.get('id')}"
                    if isinstance(target, Record)
                    else str(target)
                )
            parts.append((name, tuple(sorted(normal))))
        return (record.type, tuple(parts))

    def _parties(self, record: Record) -> list[str]:
        """The organisations and curated bodies a statement names (as ``org:`` or
        ``entity:`` references), its ``part_of`` included."""
        spec = STATEMENTS[record.type]
        out = []
        for name, value in record.values.items():
            field = spec.fields.get(name)
            if field is None or field.kind not in ("ref", "refs"):
                continue
            for item in value if isinstance(value, list) else [value]:
                target = self._target(item, record)
                if isinstance(target, str) and target.partition(":")[0] in ("org", "entity"):
                    out.append(target)
        return out

    # -- when bodies end ----------------------------------------------------------

    def end_of(self, target: str) -> Ending | None:
        """The earliest known end of an organisation or body, or of what it belongs to
        (found once a target: every statement naming it asks)."""
        if target not in self._ends:
            self._ends[target] = self._end_of(target, frozenset())
        return self._ends[target]

    def _end_of(self, target: str, seen: frozenset[str]) -> Ending | None:
        if target in seen:
            return None
        kind, _, key = target.partition(":")
        endings: list[Ending] = []
        if kind == "org":
            closed = self.ctx.closures.get(key)
            if closed is not None:
                day, change = closed
                endings.append(Ending(day, f"change:{change}" if change else target))
        elif kind == "entity":
            records = self.curated.entities.get(key, [])
            ends = [r.get("end") for r in records if r.get("end")]
            if ends:
                endings.append(Ending(max(e.last for e in ends), target))
            for record in records:
                parent = record.get("part_of")
                if parent:
                    whole = self._target(parent, record)
                    if isinstance(whole, str):
                        above = self._end_of(whole, seen | {target})
                        if above is not None:
                            endings.append(above)
        return min(endings, key=lambda e: e.last_day, default=None)

    # -- presumptions -------------------------------------------------------------

    def for_statement(self, record: Record) -> Presumption | None:
        """The presumed part of a standing tie; None for other statements, for ties
        with a stated end, and where something ends the tie before its evidence does."""
        if record.type not in STANDING_TIES or record.get("end") or record.get("term"):
            return None
        _first, last = self.known(record)
        endings: list[Ending] = []
        later = [
            (self.known(other)[0], other)
            for other in self._ties[self.tie_key(record)]
            if other is not record and self.known(other)[0] > last
        ]
        if later:
            day, other = min(later, key=lambda pair: pair[0])
            endings.append(Ending(day - ONE_DAY, other))
        for party in self._parties(record):
            end = self.end_of(party)
            if end is not None:
                endings.append(end)
        for ending in self._endings.get(id(record), []):
            on = ending.get("date")
            day = on.last if on is not None else ending.document.period[0] - ONE_DAY
            endings.append(Ending(day, ending))
        return _presume(last, endings)

    def for_entity(self, key: str, last: dt.date) -> Presumption | None:
        """The presumed existence of a curated body (not a person, site or paper)
        after ``last``, its last mention; None when it has a stated end."""
        records = self.curated.entities.get(key, [])
        if not records or records[0].type in ENTITY_KINDS or any(r.get("end") for r in records):
            return None
        end = self.end_of(f"entity:{key}")
        return _presume(last, [end] if end is not None else [])


def _presume(last: dt.date, endings: list[Ending]) -> Presumption | None:
    start = next_day(last)
    first_end = min(endings, key=lambda e: e.last_day, default=None)
    if first_end is None:
        return Presumption(start, None, None)
    if first_end.last_day < start:
        return None
    return Presumption(start, first_end.last_day, first_end.by)
