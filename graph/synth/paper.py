"""One generated paper's statements: its paragraphs and the curated records that quote them.

Papers follow what :func:`~nhskg.graph.synth.measure.profile` measures on the five real ones:
about fifty statements a paper in the real mix of types (activities, memberships of stated
groups resolved to their members from the reference rows, posts, decisions, events, funding,
submissions, milestones, workstream foci, joint working, coordination, leadership,
consultations, classifications, hosting, provision, risks, contracts, and merger proposals that
a later ODS merger realises), most quoted in pieces as curators quote; CCGs, trusts, STPs/ICBs
and NHS England regions named by code in the real mix of organisation types, each open on the
paper's date, and the bodies the reference lacks (councils, Healthwatch, regulators, clinical
senates, the partnership's boards, offices and workstreams, people, papers, sites) as entities.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable
from typing import Any

from nhskg.graph.synth.landscape import Actor, Area, Partnership, entity
from nhskg.graph.synth.vocabulary import (
    ACTIVITY,
    ACTORS,
    DECISIONS,
    EVENTS,
    FIRST,
    FUNDING,
    GROUPS,
    ICB_START,
    LAST,
    LEADERS,
    MILESTONES,
    NEVER,
    NUMBERS,
    OUTCOMES,
    PAPERS,
    POSTS,
    PROBLEMS,
    RISKS,
    SECTION_OF,
    SECTIONS,
    SERVICES,
    SITES,
    TOPICS,
    TYPE_WEIGHTS,
    VENUES,
    cap,
    listed,
    rank,
    said,
    slug,
)

SPLIT = 0.75  # the share of statements that quote their sentence in two or three pieces
CUTS = re.compile(r"(?<=\w)(, | by | for | on | at )(?=\w)")  # where a quote may break


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
            self.me = entity(p.key, p.kind, p.name, "partnership", **dates)

        def unit(kind: str, name: str) -> Actor:
            key, label = f"{p.slug}-{slug(name)}", f"{p.short} {name}"
            return entity(key, kind, label, "partnership-body", part_of=p.key)

        def everyone(field: str) -> list[Actor]:
            found = {a.ref: a for area in p.areas for a in getattr(area, field) if a.alive(day)}
            return list(found.values())

        era = "Integrated Care Board" if day >= ICB_START else "STP"
        towns = [c.name.removesuffix(" Council") for c in everyone("councils")]
        streams = sorted(TOPICS, key=lambda t: rank(p.key, t))[:4]
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
            entity(o.key, o.kind, o.name, "partnership")
            for o in alive
            if o is not p and o.kind != "stp" and set(o.areas) & set(p.areas)
        ]
        self.cast["regulator"] = [
            a for a in self.cast["other"] if a.kind in ("nhs-england", "regulator")
        ] + [
            entity(slug(name), "council-committee", name, "council")
            for name in (f"{town} Health and Wellbeing Board" for town in towns[:2])
        ]
        self.nhse = self.cast["other"][0]

    @staticmethod
    def _others(day: dt.date, area: Area, towns: list[str]) -> list[Actor]:
        others = [
            entity("nhs-england", "nhs-england", "NHS England", "other"),
            entity("care-quality-commission", "regulator", "Care Quality Commission", "other"),
            entity("kings-fund", "national-body", "The King's Fund", "other"),
        ]
        if day < dt.date(2016, 4, 1):
            others.append(entity("monitor", "regulator", "Monitor", "other"))
        elif day < ICB_START:
            others.append(entity("nhs-improvement", "regulator", "NHS Improvement", "other"))
        if area.region:
            name = f"{area.region.name} Clinical Senate"
            others.append(entity(slug(name), "clinical-senate", name, "other"))
        for town in towns[:3]:
            name = f"Healthwatch {town}"
            others.append(entity(slug(name), "healthwatch", name, "other"))
        return others

    # -- writing ------------------------------------------------------------------------

    def name(self, actor: Actor) -> str:
        text = actor.called(self.day) if actor.names else actor.name
        return f"the {text}" if actor.category in ("partnership", "partnership-body") else text

    def names(self, actors: list[Actor]) -> str:
        return listed([self.name(a) for a in actors])

    def say(self, rtype: str, sentence: str, actors: Iterable[Actor]) -> str | None:
        """Write a paragraph (None if the paper says it already); declare what it names."""
        sentence = cap(sentence)
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
        key, name = f"{self.p.slug}-{slug(topic)}-{slug(kind)}", f"{topic} {kind}"
        return entity(
            key,
            "paper",
            f"{cap(name)} ({self.p.short})",
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
                found = sorted(self.cast[kind], key=lambda a: rank(p.key, a.ref))
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
            group = entity(
                f"{p.slug}-{slug(count)}-{word}",
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
            label=cap(topic),
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
            f"At its meeting on {said(on)} {self.name(by)} {verb} the {paper.name}.",
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
            f"A {kind} on {topic} {held} at {where} on {said(on)}, "
            f"organised by {self.names(hosts)}{by}.",
            [*hosts, *([speaker] if speaker else [])],
            label=f"{cap(kind)} on {topic}",
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
            site = entity(f"{to.ref.lower()}-{slug(name)}", "site", name, "site", site_of=to.ref)
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

    def funding_gap(self) -> bool:
        millions, years = self.rng.choice((20, 45, 90, 150, 240, 400, 750)), self.rng.choice((3, 5))
        return self.state(
            "funding-gap",
            f"The current estimate for {self.p.short} is a £{millions:g} million gap over the "
            f"next {years} years if services continue to be provided as they are.",
            [],
            label=f"Estimated funding gap for {self.p.short}",
            amount=str(millions * 1_000_000),
            area_text=self.p.short,
            period_length=f"P{years}Y",
            period_text=f"over the next {years} years",
            condition="if services continue to be provided as they are",
            part_of=self.p.key,
        )

    def principle(self) -> bool:
        topic = self.rng.choice(TOPICS)
        return self.state(
            "principle",
            f"Involving patients and the public in {topic} is essential to shaping services.",
            [],
            label=f"Involvement in {topic} is essential",
            part_of=self.p.key,
        )

    def submission(self) -> bool:
        paper, on = self.paper(), self.when(-90, 90)
        by = self.me if self.rng.random() < 0.5 else self.one({"ccg": 1, "trust": 1})
        to = self.one({"regulator": 3, "region": 1})
        if on <= self.day:
            sentence = (
                f"{self.name(by)} submitted the {paper.name} to {self.name(to)} on {said(on)}."
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
            f"{listed(problems)}; the desired outcome is {outcome}.",
            [stream],
            workstream=stream.ref,
            label=cap(label),
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
            f"{said(start)}.",
            [buyer, trust],
            label=f"{cap(service)} contract",
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
            f"{names} have announced their proposal to merge by {said(on)}.",
            [bodies[o] for o in olds],
            label=f"Proposed merger of {names}",
            proposers=olds,
            status="proposed",
            realised_by=f"change:{on.isoformat()}/{new}",
        )


GENERATORS = {rtype: getattr(Paper, rtype.replace("-", "_")) for rtype in TYPE_WEIGHTS}
