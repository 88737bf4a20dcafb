"""The footprints papers are about and their partnerships over the years.

Each STP footprint of the reference landscape holds the CCGs and trusts it ever held (and those
that merged into them), councils named after its 2013 CCGs (no reference file lists councils),
people and the ODS mergers among them; every organisation named by code carries the days a paper
may name it (a CCG only until 30 June 2022). Each footprint has a programme of one or two
footprints until 2016-17, perhaps a commissioner or a provider collaborative, the STP itself
from March 2016 (an integrated care system from July 2022) and an integrated care partnership,
so an organisation belongs to a few partnerships over the years.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.reference.model import Landscape, Organisation
from nhskg.graph.synth.vocabulary import (
    ADJECTIVES,
    FIRST,
    FIRST_NAMES,
    ICB_START,
    NEVER,
    STP_START,
    SURNAMES,
    slug,
    title,
)


@dataclass(frozen=True)
class Actor:
    """Something a paper names: a reference organisation by code, or a curated entity."""

    ref: str
    name: str
    category: str  # a profile category, or group, person, paper, site, other
    entity: tuple[tuple[str, Any], ...] = ()  # a curated entity's record fields, kind first
    start: dt.date = dt.date.min
    end: dt.date = NEVER
    names: tuple[tuple[dt.date, str], ...] = ()  # a reference organisation's dated names

    def alive(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def called(self, day: dt.date) -> str:
        """Its name as a paper of that day writes it."""
        earlier = [text for seen, text in self.names if seen <= day]
        return earlier[-1] if earlier else self.names[0][1] if self.names else self.name

    @property
    def kind(self) -> str:
        return str(self.entity[0][1]) if self.entity else self.category


def entity(key: str, kind: str, name: str, category: str, **fields: Any) -> Actor:
    return Actor(key, name, category, (("kind", kind), ("name", name), *fields.items()))


@dataclass(eq=False)
class Area:
    """An STP footprint over the years: the CCGs and trusts it ever held (and those that
    merged into them), councils named after its 2013 CCGs, people, and ODS mergers."""

    stp: Actor
    place: str
    region: Actor | None
    ccgs: list[Actor]
    trusts: list[Actor]
    councils: list[Actor]
    people: list[Actor]
    rows: dict[str, tuple[str, int]]  # code -> the reference row placing it here
    mergers: list[tuple[dt.date, list[str], str]]  # (date, originals, resulting)


@dataclass(frozen=True)
class Partnership:
    key: str  # the STP's ODS code, or a curated key
    kind: str  # stp, partnership, commissioner-collaborative or provider-collaborative
    name: str
    short: str
    start: dt.date
    end: dt.date
    areas: tuple[Area, ...]
    joins: tuple[str, ...]  # which of the areas' organisations are its members

    @property
    def slug(self) -> str:
        return slug(self.key)


def _actor(org: Organisation, category: str, start: dt.date, end: dt.date) -> Actor:
    names = tuple(sorted((n.observed, title(n.text)) for n in org.names if "ICB - " not in n.text))
    return Actor(org.key, title(org.pref_label), category, (), start, end, names)


def _bodies(land: Landscape) -> dict[str, Actor]:
    """Every CCG, trust, STP/ICB and region, with the days a paper may name it."""
    out = {}
    for org in land.organisations.values():
        cls, (opened, closed) = org.classes[0], org.lifetime()
        start, end = opened or dt.date.min, closed or NEVER
        if cls == "ClinicalCommissioningGroup":
            ccg = [c.end for c in org.classifications if c.concept == "ccg" and c.end]
            end = min(end, *ccg, ICB_START - dt.timedelta(days=1))
            out[org.key] = _actor(org, "ccg", start, end)
        elif cls == "NHSTrust":
            out[org.key] = _actor(org, "trust", start, end)
        elif cls == "SustainabilityAndTransformationPartnership" and org.ods:
            out[org.key] = _actor(org, "stp-ics", max(start, STP_START), end)
        elif cls == "NHSEnglandRegion":
            name = f"NHS England's {org.pref_label} region"
            out[org.key] = Actor(org.key, name, "region", (), org.known[0] or start, end)
    return out


def areas(reference: Path, seed: int) -> list[Area]:
    """The STP footprints of the reference landscape, with all they ever held."""
    _, land = load_landscape(reference)
    bodies = _bodies(land)
    held: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    regions: dict[str, tuple[dt.date, str]] = {}
    for p in land.placements:
        if p.within not in bodies or p.placed not in bodies:
            continue
        if p.kind == "RegionPlacement":
            seen = p.known[0] or FIRST
            if p.placed not in regions or regions[p.placed][0] <= seen:
                regions[p.placed] = (seen, p.within)  # its latest region
        else:
            held[p.within].setdefault(p.placed, (p.row.dataset, p.row.number))
    earlier: dict[str, list[str]] = defaultdict(list)
    mergers = []
    for change in land.changes:
        if change.kind in ("merger", "succession"):
            earlier[change.resulting] += change.originals
            if change.kind == "merger" and all(o in bodies for o in change.originals):
                mergers.append((change.date, change.originals, change.resulting))
    people = [f"{a} {b}" for a in FIRST_NAMES for b in SURNAMES]
    random.Random(f"{seed}/people").shuffle(people)
    out = []
    for code in sorted(held):
        codes, todo = set(held[code]), list(held[code])
        while todo:  # and the CCGs and trusts that merged into those, recursively
            for old in earlier.get(todo.pop(), []):
                if old in bodies and old not in codes:
                    codes.add(old)
                    todo.append(old)
        stp = bodies[code]
        place = min((n for _, n in stp.names if not n.startswith("NHS")), key=lambda n: (len(n), n))
        ccgs = [bodies[c] for c in sorted(codes) if bodies[c].category == "ccg"]
        towns = sorted(
            c.name[4:-4]
            for c in ccgs
            if c.start.year == 2013
            and c.name.startswith("NHS ")
            and c.name.endswith(" CCG")
            and "," not in c.name
        )
        councils = [
            entity(f"{slug(town)}-council", "council", f"{town} Council", "council")
            for town in (towns or [place])[:6]
        ]
        staff = [entity(slug(n), "person", n, "person") for n in people[-14:]]
        del people[-14:]
        out.append(
            Area(
                stp,
                place,
                bodies[regions[code][1]] if code in regions else None,
                ccgs,
                [bodies[c] for c in sorted(codes) if bodies[c].category == "trust"],
                councils,
                staff,
                {c: held[code][c] for c in codes if c in held[code]},
                [m for m in mergers if m[2] in codes],
            )
        )
    return out


def partnerships(places: list[Area], seed: int) -> list[Partnership]:
    """Each footprint's partnerships over the years, some programmes spanning a neighbour."""
    rng = random.Random(f"{seed}/partnerships")
    by_region: dict[str, list[Area]] = defaultdict(list)
    for area in places:
        by_region[area.region.ref if area.region else ""].append(area)
    out: list[Partnership] = []

    def add(
        name: str,
        kind: str,
        start: dt.date,
        end: dt.date,
        areas: tuple[Area, ...],
        joins: tuple[str, ...],
        key: str | None = None,
    ) -> None:
        short = "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())
        out.append(Partnership(key or slug(name), kind, name, short, start, end, areas, joins))

    def day(first: dt.date, spread: int) -> dt.date:
        return first + dt.timedelta(days=rng.randrange(spread))

    for area in places:
        near = [a for a in by_region[area.region.ref if area.region else ""] if a is not area]
        spans = (area, rng.choice(near)) if near and rng.random() < 0.25 else (area,)
        name = f"{rng.choice(ADJECTIVES)} {' and '.join(a.place for a in spans)} Programme"
        joins = ("ccg", "trust", "council") if rng.random() < 0.5 else ("ccg", "trust")
        add(name, "partnership", day(FIRST, 300), day(STP_START, 400), spans, joins)
        if rng.random() < 0.35:
            add(
                f"{area.place} Commissioners Working Together",
                "commissioner-collaborative",
                day(dt.date(2014, 1, 1), 500),
                day(dt.date(2019, 3, 31), 1000),
                (area,),
                ("ccg", "nhs-england"),
            )
        everyone = ("ccg", "trust", "council")
        name = f"{rng.choice(ADJECTIVES)} {area.place} Together"
        add(name, "stp", STP_START, area.stp.end, (area,), everyone[: 2 + (rng.random() < 0.4)],
            key=area.stp.ref)  # fmt: skip
        if rng.random() < 0.5:
            add(
                f"{area.place} Provider Collaborative",
                "provider-collaborative",
                day(dt.date(2019, 4, 1), 900),
                NEVER,
                (area,),
                ("trust",),
            )
        add(
            f"{area.place} Integrated Care Partnership",
            "partnership",
            ICB_START,
            NEVER,
            (area,),
            ("stp-ics", "council"),
        )
    return out
