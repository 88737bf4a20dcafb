"""A synthetic landscape for scale tests: documents and curated records like the real ones.

``nhskg synth --scale N --output DIR`` writes ``DIR/data/`` that ``nhskg build`` reads
as it reads ``data/``: the real reference files (copied), and ``5 × N`` generated
partnership papers in ``sources/`` with their metadata and one curated YAML file each
in ``curated/``. Each paper concerns a real STP footprint and names real CCGs and
trusts of it (from the ONS CCG-to-STP and Health Foundation trust-to-STP lookups); its
records are memberships, a programme office that coordinates the programme, a
workstream led by a trust with its clinical focus, an engagement event, a contract
and a consultation, every one quoting a sentence of the generated text exactly. The
same seed and scale give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

DOCUMENTS_PER_SCALE = 5
FOCI = (
    "stroke",
    "maternity",
    "urgent care",
    "frailty",
    "cancer",
    "mental health",
    "children's services",
    "diabetes",
    "ophthalmology",
    "planned care",
)
SERVICES = (
    "community nursing",
    "musculoskeletal services",
    "diagnostic imaging",
    "patient transport",
    "community paediatrics",
    "wheelchair services",
)
PLACES = (
    "the Town Hall",
    "the Civic Centre",
    "the Postgraduate Centre",
    "the Guildhall",
    "the Community Hall",
    "the Education Centre",
)
ADJECTIVES = ("Better", "Healthier", "Stronger", "Joined-up", "Sustainable", "Together")


@dataclass(frozen=True)
class Footprint:
    ons: str
    name: str
    ccgs: list[tuple[str, str]]
    trusts: list[tuple[str, str]]


def footprints(reference: Path) -> list[Footprint]:
    """STP footprints with their CCGs (April 2019) and trusts (2017/18)."""
    ccgs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    with (reference / "ons_ccg19_stp19_lookup_2019-04.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            ccgs[row["STP19CD"]].append((row["CCG19CDH"], row["CCG19NM"]))
            names[row["STP19CD"]] = row["STP19NM"]
    trusts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (reference / "hf_trust_stp_lookup_2017-18.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            trusts[row["STP_code"]].append((row["code"], row["Trust"]))
    return [
        Footprint(ons, names[ons], sorted(ccgs[ons]), sorted(trusts[ons]))
        for ons in sorted(ccgs)
        if trusts.get(ons)
    ]


def _document(index: int, fp: Footprint, rng: random.Random, seed: int) -> dict[str, Any]:
    """One paper: its text, metadata and curated records."""
    stem = f"{index:05d}_{hashlib.sha256(f'{seed}/{index}'.encode()).hexdigest()[:16]}"
    day = date(2019, 6, 1) + timedelta(days=rng.randrange(240))
    members_ccg = rng.sample(fp.ccgs, min(len(fp.ccgs), rng.randint(1, 4)))
    members_trust = rng.sample(fp.trusts, min(len(fp.trusts), rng.randint(1, 3)))
    members = members_ccg + members_trust
    programme = f"{rng.choice(ADJECTIVES)} {fp.name.split('(')[0].strip()} Programme {index}"
    key = f"synth-{index}"
    focus = rng.choice(FOCI)
    lead = members_trust[0]
    place = rng.choice(PLACES)
    event_day = day - timedelta(days=rng.randint(5, 60))
    service = rng.choice(SERVICES)
    value = rng.randint(2, 60)
    sentences = {
        "members": f"The {programme} brings together "
        + ", ".join(name for _, name in members[:-1])
        + (f" and {members[-1][1]}" if len(members) > 1 else members[0][1])
        + ".",
        "pmo": f"The {programme} Office coordinates the work of the {programme}.",
        "lead": f"{lead[1]} leads the {focus} workstream of the {programme}.",
        "event": f"A public engagement event on {focus} was held at {place} on "
        f"{event_day.day} {event_day:%B %Y}.",
        "contract": f"{members_ccg[0][1]} has awarded {lead[1]} a contract for {service} worth "
        f"£{value}m a year from 1 April 2020.",
        "consultation": f"A public consultation on {focus} in the {programme} area is planned.",
    }
    text = (
        "\n\n".join(
            [f"{programme}: update to partner boards", f"{day:%d %B %Y}", *sentences.values()]
        )
        + "\n"
    )
    statements: list[dict[str, Any]] = [
        {"type": "membership", "member": code, "organization": key, "quote": sentences["members"]}
        for code, _ in members
    ]
    statements += [
        {
            "type": "coordination",
            "coordinator": [f"{key}-office"],
            "coordinated": [key],
            "quote": sentences["pmo"],
        },
        {
            "type": "leadership",
            "leader": [lead[0]],
            "led": [f"{key}-{_slug(focus)}"],
            "quote": sentences["lead"],
        },
        {
            "type": "event",
            "label": f"Public engagement event on {focus}",
            "place": place,
            "date": event_day.isoformat(),
            "part_of": key,
            "quote": sentences["event"],
        },
        {
            "type": "contract",
            "label": f"{service} contract",
            "provider": [lead[0]],
            "commissioner": [members_ccg[0][0]],
            "service": service,
            "start": "2020-04-01",
            "annual_value": value * 1_000_000,
            "quote": sentences["contract"],
        },
        {
            "type": "consultation",
            "label": f"Consultation on {focus}",
            "status": "planned",
            "part_of": key,
            "quote": sentences["consultation"],
        },
    ]
    curated = {
        "document": f"{stem}.txt",
        "entities": [
            {"key": key, "kind": "partnership", "name": programme, "quote": sentences["pmo"]},
            {
                "key": f"{key}-office",
                "kind": "programme-office",
                "name": f"{programme} Office",
                "part_of": key,
                "quote": sentences["pmo"],
            },
            {
                "key": f"{key}-{_slug(focus)}",
                "kind": "workstream",
                "name": f"{focus.capitalize()} workstream ({programme})",
                "part_of": key,
                "quote": sentences["lead"],
            },
        ],
        "statements": statements,
    }
    meta = {
        "identifier": f"{stem}.txt",
        "title": f"{programme}: update to partner boards",
        "date": day.isoformat(),
        "concerns": [key],
    }
    return {"stem": stem, "text": text, "curated": curated, "meta": meta}


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


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
    prints = footprints(reference)
    rng = random.Random(seed)
    metas = []
    count = scale * DOCUMENTS_PER_SCALE
    for index in range(count):
        doc = _document(index, rng.choice(prints), rng, seed)
        (data / "sources" / f"{doc['stem']}.txt").write_text(doc["text"], encoding="utf-8")
        (data / "curated" / f"{doc['stem']}.yaml").write_text(
            yaml.safe_dump(doc["curated"], sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
        metas.append(doc["meta"])
    (data / "sources" / "documents.yaml").write_text(
        yaml.safe_dump({"documents": metas}, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return count
