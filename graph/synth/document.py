"""A whole paper for ``nhskg synth``: a day from April 2013 to 2023 and a partnership alive
then, the paper's statements, a header (title, date, author, sponsor) and a glossary of
abbreviations, laid out as numbered paragraphs under headings; each record's quotes are found
in that text, and the paper has its entry for ``documents.yaml``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from nhskg.graph.synth.landscape import Partnership
from nhskg.graph.synth.paper import GENERATORS, Paper
from nhskg.graph.synth.vocabulary import (
    FIRST,
    KINDS_OF_PAPER,
    LAST,
    PAPERS_BY_KIND,
    TYPE_WEIGHTS,
    said,
)


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
        meta["date"], when = day.isoformat(), said(day)
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
