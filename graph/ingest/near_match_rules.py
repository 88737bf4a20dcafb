"""Near matches of recorded names (rapidfuzz): a run of capitalised words ending in an
organisation's head noun ("Great Ormond Street Hospital") whose distinctive words begin
as, and are most of, a recorded name's ("Great Ormond Street Hospital for Children").
A name other documents give a person, a site or a paper is not taken for one, except a
site's name for the organisation that runs it.
"""

from __future__ import annotations

from typing import cast

from rapidfuzz import fuzz, process

from nhskg.graph.ingest.gazetteer import Form, Gazetteer, clean
from nhskg.graph.ingest.mention_words import CAPITALISED_RUN, Found, distinctive, overlaps

# Heads of a run of capitalised words that may be an organisation a writer misspelt.
FUZZY_HEADS = frozenset(
    {
        "hospital",
        "hospitals",
        "trust",
        "ccg",
        "healthcare",
        "health",
        "partnership",
        "services",
        "group",
        "care",
        "board",
        "authority",
    }
)
FUZZY_CUTOFF = 88.0


def _fuzzy_choices(gazetteer: Gazetteer) -> tuple[list[str], list[list[Form]]]:
    cached = gazetteer.cache.get("fuzzy_choices")
    if cached is None:
        by_text: dict[str, list[Form]] = {}
        for form in gazetteer.forms:
            if form.source == "name" and len(distinctive(form.text)) >= 2:
                by_text.setdefault(" ".join(distinctive(form.text)), []).append(form)
        keys = sorted(by_text)
        cached = (keys, [by_text[k] for k in keys])
        gazetteer.cache["fuzzy_choices"] = cached
    return cast(tuple[list[str], list[list[Form]]], cached)


def near_matches(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Capitalised runs ending in an organisation head noun that nearly match a name."""
    keys, forms = _fuzzy_choices(gazetteer)
    out: list[Found] = []
    for match in CAPITALISED_RUN.finditer(text):
        words = distinctive(match.group())
        if len(words) < 2 or words[-1] not in FUZZY_HEADS:
            continue
        if overlaps(match.start(), match.end(), found + out):
            continue
        other = gazetteer.other_names.get(clean(match.group()).casefold())
        query = " ".join(words)
        best = process.extract(
            query, keys, scorer=fuzz.token_set_ratio, score_cutoff=FUZZY_CUTOFF, limit=5
        )
        chosen: list[Form] = []
        top = 0.0
        for key, score, i in best:
            target = key.split()
            if target[0] != words[0] or len(set(words) & set(target)) / len(set(target)) < 0.7:
                continue
            if not set(words) <= set(target):
                score = min(score, fuzz.ratio(query, key))
                if score < FUZZY_CUTOFF:
                    continue
            if score > top:
                chosen, top = list(forms[i]), score
            elif score == top:
                chosen.extend(forms[i])
        if other is not None:  # a person's, a site's, a paper's name in other documents
            runs = gazetteer.site_of.get(clean(match.group()).casefold())
            chosen = [f for f in chosen if f.ref == runs]  # a site stands for its operator
        if chosen:
            names = sorted({f.text for f in chosen})
            out.append(
                Found(
                    match.start(),
                    match.end(),
                    "fuzzy",
                    f"near {names[0]} ({top:.0f}/100)",
                    forms=chosen,
                    confidence=round(top / 100 * 0.9, 3),
                )
            )
    return out
