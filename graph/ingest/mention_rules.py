"""Mentions a gazetteer alone misses, found by rules on the words of the text.

Each rule adds mentions only where no mention found before covers the words, except a
new body, whose longer name replaces the shorter names inside it ("LLR BCT Clinical
Leadership Group" is one body, not the partnership BCT). In order: new bodies
(:mod:`body_rules`), another name in brackets, abbreviations (:mod:`abbreviation_rules`),
programmes named again, lists of organisations, lists of bodies, counted groups
(:mod:`group_rules`) and near matches of recorded names (:mod:`near_match_rules`).
"""

from __future__ import annotations

from nhskg.graph.ingest.abbreviation_rules import abbreviations
from nhskg.graph.ingest.body_rules import (
    BODY_HEADS,
    body_kind,
    body_lists,
    bracketed_names,
    new_bodies,
    repeated_bodies,
)
from nhskg.graph.ingest.gazetteer import Gazetteer
from nhskg.graph.ingest.group_rules import counted_groups, lists
from nhskg.graph.ingest.mention_words import Found
from nhskg.graph.ingest.near_match_rules import near_matches

__all__ = ["BODY_HEADS", "Found", "add_rule_mentions", "body_kind"]


def add_rule_mentions(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """``found`` with the mentions of every rule added; sorted by (start, end)."""
    bodies = new_bodies(text, found, gazetteer)
    covered = {id(f) for b in bodies for f in found if b.start <= f.start and f.end <= b.end}
    found = [f for f in found if id(f) not in covered] + bodies
    found = found + bracketed_names(text, found)
    found = found + abbreviations(text, found)
    found = found + repeated_bodies(text, found)
    found = found + lists(text, found, gazetteer)
    found = found + body_lists(text, found)
    found = found + counted_groups(text, found)
    found = found + near_matches(text, found, gazetteer)
    return sorted(found, key=lambda f: (f.start, f.end, f.pattern))
