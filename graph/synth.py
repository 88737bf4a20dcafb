"""A synthetic landscape for scale tests: partnership papers and curated records like the real ones.

``nhskg synth --scale N --output DIR`` writes ``DIR/data/``, which ``nhskg build`` reads as
it reads ``data/``: the real reference files (copied) and ``5 × N`` generated papers in
``sources/`` with their metadata, and one curated YAML file each in ``curated/``. A scale
test measures only what its data exercises, so the papers follow what :func:`profile`
measures on the five real ones: about fifty statements a paper in the real mix of types
(activities, memberships of stated groups resolved to their members from the reference
rows, posts, decisions, events, funding, submissions, milestones, workstream foci, joint
working, coordination, leadership, consultations, classifications, hosting, provision,
risks, contracts, and merger proposals that a later ODS merger realises), most quoted in
pieces as curators quote; CCGs, trusts, STPs/ICBs and NHS England regions named by code in
the real mix of organisation types, and the bodies the reference lacks (councils,
Healthwatch, regulators, clinical senates, the partnership's boards, offices and
workstreams, people, papers, sites) as entities; a council is named after one of the
footprint's 2013 CCGs, as no reference file lists councils. Each paper is dated from April
2013 to 2023 and concerns a partnership alive then: a programme of one or two STP
footprints until 2016-17, a commissioner or provider collaborative, the STP itself from
March 2016 (an integrated care system from July 2022) or an integrated care partnership;
so an organisation belongs to a few partnerships over the years. Every organisation named by
code is open on the paper's date (a CCG only until 30 June 2022), every quote is found in
the paper, and the same seed and scale give the same bytes. A paper builds to about 2,000
quads, so scale 1000 gives some 10 million.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
import re
import shutil
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nhskg.graph.curated.schema import STATEMENTS
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.reference.model import Landscape, Organisation

DOCUMENTS_PER_SCALE = 5
FIRST, LAST = dt.date(2013, 4, 1), dt.date(2023, 12, 31)  # CCGs open; the newest lists
STP_START, ICB_START = dt.date(2016, 3, 1), dt.date(2022, 7, 1)  # footprints named; ICBs
NEVER = dt.date.max
LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # scalars stay text, as nhskg reads them
SPLIT = 0.75  # the share of statements that quote their sentence in two or three pieces
CUTS = re.compile(r"(?<=\w)(, | by | for | on | at )(?=\w)")  # where a quote may break

# fmt: off
# Statements of each type but membership in the five real papers (see profile()).
TYPE_WEIGHTS = {
    "activity": 70, "post": 26, "decision": 15, "event": 15, "funding": 12, "submission": 10,
    "milestone": 8, "focus": 8, "joint-working": 7, "coordination": 5, "leadership": 5,
    "consultation": 4, "classification": 3, "hosting": 2, "provision": 2, "risk": 2,
    "merger-proposal": 1, "contract": 1,
}
# The profile's organisation types: reference classes and entity kinds they group.
CATEGORIES = {kind: category for category, kinds in {
    "ccg": "ClinicalCommissioningGroup ccg sub-icb-location",
    "trust": "NHSTrust nhs-trust foundation-trust acute-trust mental-health-trust "
             "community-trust ambulance-trust",
    "council": "council council-committee",
    "stp-ics": "SustainabilityAndTransformationPartnership stp icb",
    "region": "NHSEnglandRegion nhs-england-region",
    "partnership": "partnership commissioner-collaborative provider-collaborative",
    "partnership-body": "programme-office board forum working-group reference-group "
                        "leadership-group assurance-group workstream",
}.items() for kind in kinds.split()}
NOT_ORGANISATIONS = ("person", "site", "stated-group", "business-case", "paper")
# Weights by category of whom a paper names in a role.
ACTORS = {"trust": 4, "ccg": 5, "council": 1, "group": 8, "other": 6, "partnership-body": 8,
          "stp-ics": 3}
LEADERS = {"partnership-body": 4, "trust": 2, "ccg": 2, "stp-ics": 7, "partnership": 5,
           "person": 3}
# How much likelier a paper of a day is to concern each kind of partnership alive then.
PAPERS_BY_KIND = {"stp": 6, "partnership": 1, "commissioner-collaborative": 1,
                  "provider-collaborative": 1}
SECTIONS = {  # heading -> the statement types written under it
    "Partners": ("membership", "classification"),
    "Governance": ("post", "decision", "coordination", "hosting", "leadership"),
    "Programme update": ("activity", "focus", "joint-working", "provision", "contract",
                         "merger-proposal", "funding"),
    "Engagement and consultation": ("event", "consultation", "submission"),
    "Risks and milestones": ("risk", "milestone"),
}
GROUPS = {  # member type -> plural, key word, orgtype; councils are always named, as the
    "ccg": ("clinical commissioning groups", "ccgs", "ccg"),  # reference cannot resolve them
    "trust": ("NHS trusts", "trusts", "nhs-trust"),
}
POSTS = (  # title, role, the categories of organisation that have it
    ("Chief Executive", "chief-executive", ("trust", "council")),
    ("Accountable Officer", "accountable-officer", ("ccg",)),
    ("Clinical Chair", "clinical-chair", ("ccg",)),
    ("Senior Responsible Officer", "senior-responsible-officer", ("partnership", "stp-ics")),
    ("Programme Director", "director", ("partnership", "stp-ics", "partnership-body")),
    ("Director of Strategy", "director", ("trust", "ccg", "stp-ics")),
    ("Independent Chair", "chair", ("partnership", "stp-ics", "partnership-body")),
    ("Programme Lead", "lead", ("partnership-body",)),
    ("Director of Public Health", "director", ("council",)),
)
ACTIVITY = (("under-way", "is leading work on"), ("planned", "will lead work on"),
            ("completed", "has completed work on"), ("launched", "has launched work on"),
            ("not-started", "is due to start work on"))
DECISIONS = (("agreed", "agreed"), ("approved", "approved"), ("accepted", "accepted"),
             ("received", "received"), ("recommended", "recommended for approval"),
             ("signed-off", "signed off"))
FUNDING = (("secured", "has been secured"), ("allocated", "has been allocated"),
           ("committed", "has been committed"), ("applied-for", "has been applied for"))
RISKS = (("Workforce", "sufficient staff cannot be recruited or retained"),
         ("Finance", "the system does not close its financial gap"),
         ("Capital", "national capital funding is not secured"),
         ("Engagement", "clinicians and the public are not engaged early enough"),
         ("Governance", "partner boards do not agree decisions in time"),
         ("Estates", "the estate is not ready for the new models of care"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(";"))


TOPICS = _words(
    "urgent and emergency care; maternity services; stroke services; frailty; cancer pathways;"
    "mental health crisis care; children's services; diabetes care; planned care; end of life "
    "care; shared care records; estates rationalisation; workforce planning; social prescribing;"
    "integrated discharge; primary care networks; community services redesign; out of hospital "
    "care; learning disabilities; medicines optimisation; digital outpatients; elective "
    "recovery; prevention; cardiology; respiratory care; dementia care; pathology networks")
SERVICES = _words("community nursing; musculoskeletal services; diagnostic imaging; patient "
                  "transport; community paediatrics; wheelchair services; NHS 111; intermediate "
                  "care beds")
PROBLEMS = _words("variation in outcomes; a shrinking workforce; unsustainable rotas; long "
                  "waits; duplicated assessments; lack of coordination; rising demand; poor access")
OUTCOMES = _words("safe and sustainable services; care closer to home; fewer admissions; shorter "
                  "waits; one shared pathway")
MILESTONES = _words("Pre-consultation business case approved; Outline business case submitted;"
                    "New model of care launched; Shared care record live; Clinical strategy "
                    "agreed; Workforce plan signed off; Engagement report published")
EVENTS = _words("public engagement event; stakeholder event; clinical summit; listening event")
VENUES = _words("Town Hall; Civic Centre; Postgraduate Centre; Guildhall; Community Hall")
SITES = _words("Community Hospital; Health Centre; General Hospital")
PAPERS = _words("strategy; plan; report; case for change; implementation plan")
KINDS_OF_PAPER = _words("update to partner boards; programme report; status report; briefing "
                        "for the Health and Wellbeing Board; central brief")
ADJECTIVES = _words("Better; Healthier; Stronger; Joined-up; Sustainable; Fit for the Future")
FIRST_NAMES = _words("Alison; Andrew; Anita; Ben; Carol; David; Deborah; Farah; Gareth; Helen;"
                     "Imran; Jane; John; Karen; Kate; Laura; Mark; Nadia; Neil; Paul; Priya; "
                     "Rachel; Richard; Sarah; Simon; Tom; Yvonne; Zoe")
SURNAMES = _words("Ahmed; Baker; Bell; Clarke; Davies; Edwards; Evans; Green; Hall; Hughes; Jones;"
                  "Khan; Lewis; Moore; Patel; Price; Roberts; Shaw; Singh; Taylor; Turner; Walker;"
                  "Ward; Wilson; Wright; Young")
NUMBERS = _words("no; one; two; three; four; five; six; seven; eight; nine; ten")
# fmt: on
SECTION_OF = {rtype: heading for heading, rtypes in SECTIONS.items() for rtype in rtypes}


@functools.cache
def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _rank(*parts: str) -> int:
    """A repeatable shuffle key."""
    return zlib.crc32("/".join(parts).encode())


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(name: str) -> str:
    """ODS capitals as a paper writes them: LUTON AND DUNSTABLE ... -> Luton and Dunstable ..."""
    if not name.isupper():
        return name
    keep = {"nhs": "NHS", "ccg": "CCG", "icb": "ICB", "uk": "UK"}
    small = {"and", "of", "the", "for", "with", "on", "upon", "in", "at"}
    words = name.lower().split()
    return " ".join(
        keep.get(w) or (w if i and w in small else _cap(w)) for i, w in enumerate(words)
    )


def _said(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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


def _entity(key: str, kind: str, name: str, category: str, **fields: Any) -> Actor:
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
        return _slug(self.key)


def _actor(org: Organisation, category: str, start: dt.date, end: dt.date) -> Actor:
    names = tuple(sorted((n.observed, _title(n.text)) for n in org.names if "ICB - " not in n.text))
    return Actor(org.key, _title(org.pref_label), category, (), start, end, names)


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
            _entity(f"{_slug(town)}-council", "council", f"{town} Council", "council")
            for town in (towns or [place])[:6]
        ]
        staff = [_entity(_slug(n), "person", n, "person") for n in people[-14:]]
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
        out.append(Partnership(key or _slug(name), kind, name, short, start, end, areas, joins))

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


class Paper:
    """One generated paper: its paragraphs, and the curated records that quote them."""

    def __init__(self, rng: random.Random, day: dt.date, p: Partnership, alive: list[Partnership]):
        self.rng, self.day, self.p = rng, day, p
        self.place = " and ".join(a.place for a in p.areas)
        self.sections: dict[str, list[str]] = {heading: [] for heading in SECTIONS}
        self.said: set[str] = set()
        self.entities: dict[str, dict[str, Any]] = {}
        self.statements: list[dict[str, Any]] = []
        self.aliases: list[dict[str, Any]] = []
        self.named: dict[str, Actor] = {}  # CCGs and trusts named, for the abbreviations
        if p.kind == "stp":
            self.me = Actor(p.key, p.name, "stp-ics")
        else:
            dates = {"start": p.start.isoformat()}
            dates |= {"end": p.end.isoformat()} if p.end < NEVER else {}
            self.me = _entity(p.key, p.kind, p.name, "partnership", **dates)

        def unit(kind: str, name: str) -> Actor:
            key, label = f"{p.slug}-{_slug(name)}", f"{p.short} {name}"
            return _entity(key, kind, label, "partnership-body", part_of=p.key)

        def everyone(field: str) -> list[Actor]:
            found = {a.ref: a for area in p.areas for a in getattr(area, field) if a.alive(day)}
            return list(found.values())

        era = "Integrated Care Board" if day >= ICB_START else "STP"
        towns = [c.name.removesuffix(" Council") for c in everyone("councils")]
        streams = sorted(TOPICS, key=lambda t: _rank(p.key, t))[:4]
        self.cast: dict[str, list[Actor]] = {
            "ccg": everyone("ccgs"),
            "trust": everyone("trusts"),
            "council": everyone("councils"),
            "stp-ics": [self.me]
            if p.kind == "stp"
            else [
                Actor(a.stp.ref, f"{a.place} {era}", "stp-ics", (), a.stp.start, a.stp.end)
                for a in p.areas
                if a.stp.alive(day)
            ],
            "region": [a.region for a in p.areas[:1] if a.region and a.region.alive(day)],
            "partnership": [] if p.kind == "stp" else [self.me],
            "partnership-body": [
                unit("programme-office", "Programme Management Office"),
                unit("board", "Partnership Board"),
                unit("leadership-group", "Clinical Leadership Group"),
                unit("reference-group", "Clinical Reference Group"),
            ],
            "workstream": [unit("workstream", f"{t} workstream") for t in streams],
            "other": self._others(day, p.areas[0], towns),
            "person": p.areas[0].people,
            "group": [],
        }
        self.cast["partnership"] += [
            _entity(o.key, o.kind, o.name, "partnership")
            for o in alive
            if o is not p and o.kind != "stp" and set(o.areas) & set(p.areas)
        ]
        self.cast["regulator"] = [
            a for a in self.cast["other"] if a.kind in ("nhs-england", "regulator")
        ] + [
            _entity(_slug(name), "council-committee", name, "council")
            for name in (f"{town} Health and Wellbeing Board" for town in towns[:2])
        ]
        self.nhse = self.cast["other"][0]

    @staticmethod
    def _others(day: dt.date, area: Area, towns: list[str]) -> list[Actor]:
        others = [
            _entity("nhs-england", "nhs-england", "NHS England", "other"),
            _entity("care-quality-commission", "regulator", "Care Quality Commission", "other"),
            _entity("kings-fund", "national-body", "The King's Fund", "other"),
        ]
        if day < dt.date(2016, 4, 1):
            others.append(_entity("monitor", "regulator", "Monitor", "other"))
        elif day < ICB_START:
            others.append(_entity("nhs-improvement", "regulator", "NHS Improvement", "other"))
        if area.region:
            name = f"{area.region.name} Clinical Senate"
            others.append(_entity(_slug(name), "clinical-senate", name, "other"))
        for town in towns[:3]:
            name = f"Healthwatch {town}"
            others.append(_entity(_slug(name), "healthwatch", name, "other"))
        return others

    # -- writing ------------------------------------------------------------------------

    def name(self, actor: Actor) -> str:
        text = actor.called(self.day) if actor.names else actor.name
        return f"the {text}" if actor.category in ("partnership", "partnership-body") else text

    def names(self, actors: list[Actor]) -> str:
        return _listed([self.name(a) for a in actors])

    def say(self, rtype: str, sentence: str, actors: Iterable[Actor]) -> str | None:
        """Write a paragraph (None if the paper says it already); declare what it names."""
        sentence = _cap(sentence)
        if sentence in self.said:
            return None
        self.said.add(sentence)
        self.sections[SECTION_OF[rtype]].append(sentence)
        for actor in actors:
            self.declare(actor, sentence)
        return sentence

    def declare(self, actor: Actor, sentence: str) -> None:
        """An entity's record quotes the first three sentences that name it."""
        if actor.entity:
            empty = {"key": actor.ref, **dict(actor.entity), "quote": []}
            entity = self.entities.setdefault(actor.ref, empty)
            if len(entity["quote"]) < 3:
                entity["quote"].append((sentence, 0, len(sentence)))
        elif actor.names and actor.category in ("ccg", "trust"):
            self.named.setdefault(actor.ref, actor)

    def record(self, rtype: str, said: str, /, **values: Any) -> None:
        """A statement quoting ``said``; most quote it in pieces, as curators do."""
        fields = {k: v for k, v in values.items() if v not in (None, [], "")}
        quote, start = [], 0
        if self.rng.random() < SPLIT:
            cuts = [m.start() for m in CUTS.finditer(said)]
            for cut in sorted(self.rng.sample(cuts, min(len(cuts), self.rng.randint(1, 2)))):
                quote.append((said, start, cut))
                start = cut + 2 if said.startswith(", ", cut) else cut + 1
        quote.append((said, start, len(said)))
        self.statements.append({"type": rtype, **fields, "quote": quote})

    def state(self, rtype: str, sentence: str, actors: Iterable[Actor], **values: Any) -> bool:
        """Write ``sentence`` and a record of ``rtype`` quoting it (False if said before)."""
        said = self.say(rtype, sentence, actors)
        if said:
            self.record(rtype, said, **values)
        return said is not None

    def pick(
        self, weights: dict[str, int], *, until: dt.date | None = None, but: tuple[Actor, ...] = ()
    ) -> Actor | None:
        """One of the cast: a category by weight, then one of it (open on ``until``)."""
        skip = {a.ref for a in but}
        pools, chances = [], []
        for category, weight in weights.items():
            pool = self.cast.get(category) or []
            if skip or until:
                pool = [a for a in pool if a.ref not in skip and (not until or a.alive(until))]
            if pool:
                pools.append(pool)
                chances.append(weight)
        return self.rng.choice(self.rng.choices(pools, chances)[0]) if pools else None

    def one(self, weights: dict[str, int], *, but: tuple[Actor, ...] = ()) -> Actor:
        actor = self.pick(weights, but=but)
        assert actor is not None, weights  # the weights name a category always cast
        return actor

    def some(self, weights: dict[str, int], count: int, *, but: tuple[Actor, ...]) -> list[Actor]:
        out: list[Actor] = []
        for _ in range(count):
            if actor := self.pick(weights, but=(*but, *out)):
                out.append(actor)
        return out

    def when(self, low: int, high: int) -> dt.date:
        return min(LAST, max(FIRST, self.day + dt.timedelta(days=self.rng.randint(low, high))))

    def paper(self) -> Actor:
        topic, kind = self.rng.choice(TOPICS), self.rng.choice(PAPERS)
        key, name = f"{self.p.slug}-{_slug(topic)}-{_slug(kind)}", f"{topic} {kind}"
        return _entity(
            key,
            "paper",
            f"{_cap(name)} ({self.p.short})",
            "paper",
            subtype=kind,
            part_of=self.p.key,
        )

    # -- the partnership and its members -------------------------------------------------

    def introduce(self) -> None:
        """The first paragraph: what the partnership is (an STP's names become aliases)."""
        p = self.p
        if p.kind == "stp":
            stp = "Sustainability and Transformation Partnership"
            what = "Integrated Care System" if self.day >= ICB_START else stp
            sentence = f"{p.name} ({p.short}) is the {what} for {self.place}."
        else:
            sentence = (
                f"The {p.name} ({p.short}) is a {p.kind.replace('-', ' ')} of health and care "
                f"organisations across {self.place}."
            )
        said = self.say("classification", sentence, [self.me])
        assert said is not None  # the paper's first paragraph
        if p.kind == "stp":
            for alias in (p.name, p.short):
                self.aliases.append({"org": p.key, "alias": alias, "quote": [(said, 0, len(said))]})
        else:
            self.entities[p.key]["aliases"] = [p.short]
        self.intro = said

    def members(self) -> None:
        """Members by kind: a stated group resolved from the reference rows, or by name."""
        p, rng = self.p, self.rng
        for kind in p.joins:
            if kind == "nhs-england":
                found = [self.nhse]
            else:
                found = sorted(self.cast[kind], key=lambda a: _rank(p.key, a.ref))
                found = found[: {"ccg": 8, "trust": 5}.get(kind, 3)]  # the same ones each time
            if not found:
                continue
            if kind not in GROUPS or len(found) < 2 or rng.random() >= 0.7:
                self.states(
                    "membership",
                    f"{self.name(self.me)} brings together {self.names(found)}.",
                    found,
                    organization=p.key,
                )
                continue
            plural, word, orgtype = GROUPS[kind]
            count = NUMBERS[len(found)] if len(found) < len(NUMBERS) else str(len(found))
            group = _entity(
                f"{p.slug}-{_slug(count)}-{word}",
                "stated-group",
                f"the {count} {plural} of {p.short}",
                "group",
                count=str(len(found)),
                member_type=orgtype,
            )
            said = self.say(
                "membership",
                f"The {count} {plural} of {self.place} are partners in {self.name(self.me)}.",
                [group],
            )
            if not said:
                continue
            self.cast["group"].append(group)
            self.record("membership", said, id=word, member=group.ref, organization=p.key)
            for actor in found:
                rows = [a.rows[actor.ref] for a in p.areas if actor.ref in a.rows][:1]
                self.record(
                    "membership",
                    said,
                    member=actor.ref,
                    organization=p.key,
                    basis="resolved",
                    resolved_from=word,
                    reasoning=f"{self.name(actor)} ({actor.ref}) is one of the {plural} "
                    f"of the {self.place} footprint open on {self.day.isoformat()} in "
                    "the reference lookups and the ODS successions.",
                    reference=[{"dataset": d, "row": str(n)} for d, n in rows],
                )
        board, group = self.cast["partnership-body"][1], self.cast["partnership-body"][3]
        for body, who, weights in (
            (board, "the chief executives", {"group": 3, "council": 1}),
            (group, "clinical leaders", {"group": 2, "ccg": 1, "trust": 1}),
        ):
            member = self.one(weights)
            self.state(
                "membership",
                f"{self.name(body)} includes {who} of {self.name(member)}.",
                [body, member],
                member=member.ref,
                organization=body.ref,
                role="member",
            )

    def states(self, rtype: str, sentence: str, members: list[Actor], **values: Any) -> None:
        """One sentence naming several members: one record each, all quoting it."""
        if said := self.say(rtype, sentence, members):
            for actor in members:
                self.record(rtype, said, member=actor.ref, **values)

    # -- one statement of a type; False when the paper cannot say one ----------------------

    def activity(self) -> bool:
        topic, (status, verb) = self.rng.choice(TOPICS), self.rng.choice(ACTIVITY)
        leader = self.one(LEADERS)
        parts = self.some(ACTORS, self.rng.randint(1, 3), but=(leader, self.me))
        return self.state(
            "activity",
            f"{self.name(leader)} {verb} {topic}, working with {self.names(parts)}.",
            [leader, *parts],
            label=_cap(topic),
            leaders=[leader.ref],
            participants=[a.ref for a in parts],
            status=status,
            part_of=self.p.key,
        )

    def post(self) -> bool:
        org = self.one(
            {
                "trust": 4,
                "ccg": 4,
                "council": 1,
                "stp-ics": 6,
                "partnership": 4,
                "partnership-body": 6,
            }
        )
        person = self.one({"person": 1})
        title, role, _ = self.rng.choice([t for t in POSTS if org.category in t[2]])
        return self.state(
            "post",
            f"{person.name} is the {title} of {self.name(org)}.",
            [person, org],
            organization=org.ref,
            title=title,
            person=person.ref,
            role=role,
        )

    def decision(self) -> bool:
        by = self.one({"partnership-body": 3, "stp-ics": 2, "partnership": 2, "ccg": 1, "trust": 1})
        paper = self.paper()
        (kind, verb), on = self.rng.choice(DECISIONS), self.when(-60, -1)
        return self.state(
            "decision",
            f"At its meeting on {_said(on)} {self.name(by)} {verb} the {paper.name}.",
            [by, paper],
            by=[by.ref],
            kind=kind,
            on=[paper.ref],
            date=on.isoformat(),
        )

    def event(self) -> bool:
        topic, kind, on = self.rng.choice(TOPICS), self.rng.choice(EVENTS), self.when(-90, 120)
        town = self.rng.choice(self.cast["council"]).name.removesuffix(" Council")
        where = f"the {self.rng.choice(VENUES)}, {town}"
        hosts = [self.me, *self.some({"trust": 1, "ccg": 1}, self.rng.randint(0, 1), but=())]
        speaker = self.one({"person": 1}) if self.rng.random() < 0.5 else None
        held = "was held" if on <= self.day else "will be held"
        by = f", with {speaker.name} speaking" if speaker else ""
        return self.state(
            "event",
            f"A {kind} on {topic} {held} at {where} on {_said(on)}, "
            f"organised by {self.names(hosts)}{by}.",
            [*hosts, *([speaker] if speaker else [])],
            label=f"{_cap(kind)} on {topic}",
            place=where,
            date=on.isoformat(),
            organisers=[a.ref for a in hosts],
            speakers=[speaker.ref] if speaker else [],
            status="planned" if on > self.day else None,
            part_of=self.p.key,
        )

    def funding(self) -> bool:
        millions = self.rng.choice((0.5, 1, 1.2, 2, 2.5, 4, 6, 8, 12, 18, 25, 40, 48, 60))
        (status, verb), purpose = self.rng.choice(FUNDING), self.rng.choice(TOPICS)
        to = self.one({"trust": 2, "ccg": 1, "stp-ics": 2, "partnership": 2})
        site = None
        if to.category == "trust" and self.rng.random() < 0.5:
            town = self.rng.choice(self.cast["council"]).name.removesuffix(" Council")
            name = f"{town} {self.rng.choice(SITES)}"
            site = _entity(f"{to.ref.lower()}-{_slug(name)}", "site", name, "site", site_of=to.ref)
        at = f" at {site.name}" if site else ""
        return self.state(
            "funding",
            f"£{millions:g} million {verb} from NHS England for "
            f"{purpose}{at}, to be spent by {self.name(to)}.",
            [to, self.nhse, *([site] if site else [])],
            amount=str(round(millions * 1_000_000)),
            purpose=purpose,
            site=site.ref if site else None,
            funder=[self.nhse.ref],
            recipient=[to.ref],
            status=status,
            part_of=self.p.key,
        )

    def submission(self) -> bool:
        paper, on = self.paper(), self.when(-90, 90)
        by = self.me if self.rng.random() < 0.5 else self.one({"ccg": 1, "trust": 1})
        to = self.one({"regulator": 3, "region": 1})
        if on <= self.day:
            sentence = (
                f"{self.name(by)} submitted the {paper.name} to {self.name(to)} on {_said(on)}."
            )
        else:
            sentence = (
                f"The {paper.name} will be submitted to {self.name(to)} by "
                f"{self.name(by)} in {on:%B %Y}."
            )
        return self.state(
            "submission",
            sentence,
            [by, to, paper],
            submitted=[paper.ref],
            by=[by.ref],
            to=[to.ref],
            date=on.isoformat() if on <= self.day else on.strftime("%Y-%m"),
            status="submitted" if on <= self.day else "planned",
        )

    def milestone(self) -> bool:
        label, due = self.rng.choice(MILESTONES), self.when(30, 400)
        rag, text = self.rng.choice(("red", "amber", "green", "not-started")), f"{due:%B %Y}"
        return self.state(
            "milestone",
            f"Milestone: {label} by the end of {text} "
            f"({self.p.short}; status {rag.replace('-', ' ')}).",
            [],
            label=label,
            target_date=due.strftime("%Y-%m"),
            target_text=f"by the end of {text}",
            rag=rag,
            part_of=self.p.key,
        )

    def risk(self) -> bool:
        (label, what), rag = self.rng.choice(RISKS), self.rng.choice(("red", "amber", "green"))
        update = f"Mitigations are reviewed monthly by the {self.p.short} Partnership Board."
        return self.state(
            "risk",
            f"{label}: there is a risk that {what}. {update} Status: {rag.capitalize()}.",
            [],
            label=label,
            description=f"There is a risk that {what}.",
            update=update,
            rag=rag,
            part_of=self.p.key,
        )

    def focus(self) -> bool:
        stream, label = self.rng.choice(self.cast["workstream"]), self.rng.choice(TOPICS)
        problems, outcome = self.rng.sample(PROBLEMS, 3), self.rng.choice(OUTCOMES)
        return self.state(
            "focus",
            f"{self.name(stream)} is focusing on {label}: the problems are "
            f"{_listed(problems)}; the desired outcome is {outcome}.",
            [stream],
            workstream=stream.ref,
            label=_cap(label),
            problems=problems,
            outcome=outcome,
        )

    def joint_working(self) -> bool:
        parties = self.some(
            {"ccg": 3, "trust": 3, "council": 1, "stp-ics": 1}, self.rng.randint(2, 3), but=()
        )
        purpose = f"improve {self.rng.choice(TOPICS)}"
        return len(parties) > 1 and self.state(
            "joint-working",
            f"{self.names(parties)} will work closely together to {purpose}.",
            parties,
            parties=[a.ref for a in parties],
            purpose=purpose,
            part_of=self.p.key,
        )

    def coordination(self) -> bool:
        office = self.cast["partnership-body"][0]
        what = self.rng.choice([self.me, *self.cast["workstream"]])
        return self.state(
            "coordination",
            f"The work of {self.name(what)} is coordinated by {self.name(office)}.",
            [office, what],
            coordinator=[office.ref],
            coordinated=[what.ref],
            area_text=self.place,
        )

    def leadership(self) -> bool:
        stream = self.rng.choice(self.cast["workstream"])
        leader = self.one({"person": 2, "trust": 2, "ccg": 1, "partnership-body": 1})
        return self.state(
            "leadership",
            f"{self.name(leader)} leads {self.name(stream)}.",
            [leader, stream],
            leader=[leader.ref],
            led=[stream.ref],
        )

    def consultation(self) -> bool:
        topic, start = self.rng.choice(TOPICS), self.when(30, 300)
        who = self.me if self.rng.random() < 0.6 else self.one({"ccg": 1, "stp-ics": 1})
        return self.state(
            "consultation",
            f"A public consultation on {topic}, led by "
            f"{self.name(who)}, is planned to start in {start:%B %Y}.",
            [who],
            label=f"Public consultation on {topic}",
            topics=[topic],
            consulting=[who.ref],
            planned_start=start.strftime("%Y-%m"),
            status="planned",
            part_of=self.p.key,
        )

    def classification(self) -> bool:
        if any(s["type"] == "classification" for s in self.statements):
            return False
        kind = self.p.kind
        if kind == "stp":
            kind = "icb" if self.day >= ICB_START else "stp"
        self.record("classification", self.intro, organisation=self.p.key, classified_as=kind)
        return True

    def hosting(self) -> bool:
        office = self.cast["partnership-body"][0]
        host = self.one({"ccg": 3, "trust": 1, "stp-ics": 1})
        return self.state(
            "hosting",
            f"{self.name(office)} is hosted by {self.name(host)}.",
            [office, host],
            host=host.ref,
            hosted=office.ref,
        )

    def provision(self) -> bool:
        trust, buyer = self.pick({"trust": 1}), self.pick({"ccg": 3, "stp-ics": 1})
        service = self.rng.choice(SERVICES)
        if not trust or not buyer:
            return False
        return self.state(
            "provision",
            f"{self.name(trust)} provides {service} for {self.place}, commissioned by "
            f"{self.name(buyer)}.",
            [trust, buyer],
            provider=[trust.ref],
            service=service,
            commissioner=[buyer.ref],
            area_text=self.place,
        )

    def contract(self) -> bool:
        start = dt.date(self.day.year + (self.day.month >= 4), 4, 1)
        trust = self.pick({"trust": 1}, until=start)
        buyer = self.pick({"ccg": 3, "stp-ics": 1}, until=start)
        service = self.rng.choice(SERVICES)
        value, years = self.rng.randint(2, 60), self.rng.randint(3, 7)
        if not trust or not buyer or start > LAST:
            return False
        return self.state(
            "contract",
            f"{self.name(buyer)} has awarded {self.name(trust)} a "
            f"{years}-year contract for {service} worth £{value}m a year from "
            f"{_said(start)}.",
            [buyer, trust],
            label=f"{_cap(service)} contract",
            provider=[trust.ref],
            commissioner=[buyer.ref],
            service=service,
            start=start.isoformat(),
            term=f"P{years}Y",
            annual_value=str(value * 1_000_000),
            status="announced",
        )

    def merger_proposal(self) -> bool:
        """Open organisations of the footprint that the ODS files merge within two years."""
        bodies = {a.ref: a for a in self.cast["ccg"] + self.cast["trust"]}
        soon = [
            (on, olds, new)
            for area in self.p.areas
            for on, olds, new in area.mergers
            if self.day < on <= self.day + dt.timedelta(days=730) and all(o in bodies for o in olds)
        ]
        if not soon:
            return False
        on, olds, new = self.rng.choice(soon)
        names = self.names([bodies[o] for o in olds])
        return self.state(
            "merger-proposal",
            f"{names} have announced their proposal to merge by {_said(on)}.",
            [bodies[o] for o in olds],
            label=f"Proposed merger of {names}",
            proposers=olds,
            status="proposed",
            realised_by=f"change:{on.isoformat()}/{new}",
        )


GENERATORS = {rtype: getattr(Paper, rtype.replace("-", "_")) for rtype in TYPE_WEIGHTS}


def _abbreviation(name: str) -> str | None:
    words = name.removeprefix("NHS ").removesuffix(" CCG").split()
    letters = "".join(w[0] for w in words if w[:1].isupper() and w != "NHS")
    return None if len(letters) < 2 else letters + (" CCG" if name.endswith(" CCG") else "")


def compose(index: int, seed: int, plans: list[Partnership]) -> dict[str, Any]:
    """Paper ``index``: its file stem, text, curated records and documents.yaml entry."""
    rng = random.Random(f"{seed}/{index}")
    alive: list[Partnership] = []
    while not alive:  # a day some partnership is alive on (the first start in April 2013)
        day = FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1))
        alive = [p for p in plans if p.start <= day <= p.end]
    p = rng.choices(alive, [PAPERS_BY_KIND[a.kind] for a in alive])[0]
    paper = Paper(rng, day, p, alive)
    paper.introduce()
    paper.members()
    target = max(len(paper.statements) + 12, min(80, max(30, round(rng.gauss(52, 10)))))
    kinds, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    for _ in range(4 * target):
        if len(paper.statements) >= target:
            break
        GENERATORS[rng.choices(kinds, weights)[0]](paper)
    # The header: title, date (a day, a month or a financial year), author and sponsor.
    title = f"{p.name}: {rng.choice(KINDS_OF_PAPER)}"
    meta: dict[str, Any] = {"identifier": "", "title": title}
    precision = rng.random()
    if precision < 0.7:
        meta["date"], when = day.isoformat(), _said(day)
    elif precision < 0.9:
        meta["date"], when = day.strftime("%Y-%m"), f"{day:%B %Y}"
    else:
        year = day.year - (day.month < 4)
        when = f"{year}/{(year + 1) % 100:02d}"
        meta |= {"date_from": f"{year}-04", "date_until": f"{year + 1}-03", "date_text": when}
    header = [title, f"Date: {when}"]
    for role in ("author", "sponsor"):
        person = paper.one({"person": 1}) if rng.random() < 0.4 else None
        if person and person.ref not in meta.values():
            header.append(f"{role.capitalize()}: {person.name}")
            meta[role] = person.ref
            paper.declare(person, header[-1])
    glossary = []
    for actor in sorted(paper.named.values(), key=lambda a: a.ref)[:6]:
        full = paper.name(actor)
        if short := _abbreviation(full):
            glossary.append(f"{short}: {full}")
            paper.aliases.append(
                {"org": actor.ref, "alias": short, "quote": [(glossary[-1], 0, len(glossary[-1]))]}
            )
    text, where = _text(header, paper.sections, glossary)
    for record in (*paper.entities.values(), *paper.aliases, *paper.statements):
        record["quote"] = _quotes(record["quote"], text, where)
    stem = f"{index:05d}_{hashlib.sha256(f'{seed}/{index}'.encode()).hexdigest()[:16]}"
    meta |= {
        "identifier": f"{stem}.txt",
        "publisher": p.key,
        "concerns": [p.key],
        "audience": "The boards of partner organisations",
        "description": f"A {title.split(': ', 1)[1]} of the {p.name} for {paper.place}.",
    }
    curated = {
        "document": f"{stem}.txt",
        "entities": list(paper.entities.values()),
        "aliases": paper.aliases,
        "statements": paper.statements,
    }
    return {"stem": stem, "text": text, "curated": curated, "meta": meta}


def _text(
    header: list[str], sections: dict[str, list[str]], glossary: list[str]
) -> tuple[str, dict[str, int]]:
    """The paper's text (numbered paragraphs under headings) and where each line starts."""
    blocks = [("", line) for line in header]
    number = 0
    for heading, paragraphs in sections.items():
        blocks += [("", heading)] if paragraphs else []
        for sentence in paragraphs:
            number += 1
            blocks.append((f"{number}. ", sentence))
    blocks += [("", "Abbreviations"), *(("", line) for line in glossary)] if glossary else []
    where, at = {}, 0
    for prefix, line in blocks:
        where[line] = at + len(prefix)
        at += len(prefix) + len(line) + 2
    return "\n\n".join(prefix + line for prefix, line in blocks) + "\n", where


def _quotes(pieces: list[tuple[str, int, int]], text: str, where: dict[str, int]) -> Any:
    """Quotes as a curator writes them; one that occurs more than once says which it is."""
    out: list[Any] = []
    for line, start, end in pieces:
        quote = line[start:end]
        if text.count(quote) < 2:
            out.append(quote)
            continue
        starts, at = [], text.find(quote)
        while at >= 0:
            starts.append(at)
            at = text.find(quote, at + 1)
        out.append({"text": quote, "occurrence": str(starts.index(where[line] + start) + 1)})
    return out[0] if len(out) == 1 and isinstance(out[0], str) else out


def synthesise(scale: int, output: Path, reference: Path, *, seed: int = 42) -> int:
    """Write the synthetic data folder; return how many documents it holds."""
    if scale < 1:
        raise ValueError("--scale must be 1 or more")
    data = output / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(reference, data / "reference")
    (data / "sources").mkdir(parents=True)
    (data / "curated").mkdir()
    plans = partnerships(areas(reference, seed), seed)
    metas = []
    for index in range(scale * DOCUMENTS_PER_SCALE):
        doc = compose(index, seed, plans)
        (data / "sources" / f"{doc['stem']}.txt").write_text(doc["text"], encoding="utf-8")
        (data / "curated" / f"{doc['stem']}.yaml").write_text(
            _dump(doc["curated"]), encoding="utf-8"
        )
        metas.append(doc["meta"])
    (data / "sources" / "documents.yaml").write_text(_dump({"documents": metas}), encoding="utf-8")
    return len(metas)


# -- YAML as PyYAML's block style writes it, many times faster --------------------------------

PLAIN = re.compile(r"[A-Za-z][\w ,.'()&£/-]*")  # read back as the same string
RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def _dump(value: Any) -> str:
    out: list[str] = []
    _emit(value, 0, out)
    return "\n".join(out) + "\n"


def _scalar(value: Any) -> str:
    text = str(value)
    if PLAIN.fullmatch(text) and text.lower() not in RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a double-quoted YAML one


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2 if isinstance(item, dict) else indent, out)
            else:
                out.append(f"{pad}{key}: {'[]' if item == [] else _scalar(item)}")
        return
    for item in value:
        if isinstance(item, dict):
            lines: list[str] = []
            _emit(item, indent + 2, lines)
            out += [f"{pad}- {lines[0][indent + 2 :]}", *lines[1:]]
        else:
            out.append(f"{pad}- {_scalar(item)}")


# -- the profile ---------------------------------------------------------------------------


def _shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values()) or 1
    return {k: round(v / total, 4) for k, v in counts.most_common()}


def _per_record(papers: list[dict[str, Any]], section: str) -> float:
    quotes = [r.get("quote") for paper in papers for r in paper.get(section) or []]
    return round(sum(len(q) if isinstance(q, list) else 1 for q in quotes) / (len(quotes) or 1), 2)


def profile(data_dir: Path) -> dict[str, Any]:
    """What a data folder's curated papers look like: the figures the generator follows.

    Statements per document and the share of each statement type; the share of each
    organisation type among the organisations that statements refer to (reference classes
    and entity kinds grouped as in ``CATEGORIES``, with other organisations as
    ``other-body``; people, papers, sites and stated groups left out); for each
    organisation that is a member of a partnership (an STP/ICS or a curated partnership or
    collaborative), how many it belongs to; quotes per record; and the documents' years.
    """
    _, land = load_landscape(data_dir / "reference")
    papers = [
        yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {}
        for path in sorted((data_dir / "curated").glob("*.yaml"))
    ]
    kinds = {e["key"]: e["kind"] for paper in papers for e in paper.get("entities") or []}

    def category(ref: Any) -> str | None:
        org = (land.get(ref) or land.by_ons(ref)) if isinstance(ref, str) else None
        if org is not None:
            return CATEGORIES.get(org.classes[0])
        kind = kinds.get(ref) if isinstance(ref, str) else None
        return None if kind in (None, *NOT_ORGANISATIONS) else CATEGORIES.get(kind, "other-body")

    refs = {
        t: [f for f, spec in s.fields.items() if spec.kind in ("ref", "refs")]
        for t, s in STATEMENTS.items()
    }
    types: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    joined: dict[str, set[str]] = defaultdict(set)
    sizes = []
    for paper in papers:
        sizes.append(len(paper.get("statements") or []))
        for s in paper.get("statements") or []:
            types[s.get("type")] += 1
            for name in refs.get(s.get("type"), []):
                value = s.get(name)
                orgs.update(
                    c for r in (value if isinstance(value, list) else [value]) if (c := category(r))
                )
            partnership = category(s.get("organization")) in ("stp-ics", "partnership")
            if s.get("type") == "membership" and partnership and category(s.get("member")):
                joined[s["member"]].add(s["organization"])
    meta = yaml.load(
        (data_dir / "sources" / "documents.yaml").read_text(encoding="utf-8"), Loader=LOADER
    )
    years = Counter(
        str(d.get("date") or d.get("date_from"))[:4] for d in meta.get("documents") or []
    )
    belong = Counter(len(v) for v in joined.values())
    n = len(papers) or 1
    return {
        "documents": len(papers),
        "statements_per_document": {
            "mean": round(sum(sizes) / n, 1),
            "min": min(sizes, default=0),
            "max": max(sizes, default=0),
        },
        "entities_per_document": round(sum(len(p.get("entities") or []) for p in papers) / n, 1),
        "aliases_per_document": round(sum(len(p.get("aliases") or []) for p in papers) / n, 1),
        "quotes_per_statement": _per_record(papers, "statements"),
        "quotes_per_entity": _per_record(papers, "entities"),
        "statement_types": _shares(types),
        "organisation_types": _shares(orgs),
        "partnerships_per_organisation": {
            "organisations": len(joined),
            "mean": round(sum(k * v for k, v in belong.items()) / (len(joined) or 1), 2),
            "max": max(belong, default=0),
            "counts": dict(sorted(belong.items())),
        },
        "years": dict(sorted(years.items())),
    }
