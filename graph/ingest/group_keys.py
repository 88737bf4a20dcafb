"""Keys for the groups a document counts or describes without naming them ("councils",
"the 16 partners", "local GP practices").

A stated group is the document's own: another paper's "councils" are other councils, or
the same ones counted another day. Keys are words (``mention_ref`` slugs the group's
words), and the curated loader takes one key declared in two files as one entity, so two
accepted documents that both speak of "councils" would merge their groups. A stated
group's key therefore carries the document's number ("councils-005"), and every record
that names the group is renamed with it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from nhskg.graph.ingest.model import Candidate, candidate_key

GROUP_KIND = "stated-group"
# Fields that hold the document's words, never a key: left as they are.
WORDS = frozenset(
    {"quote", "label", "name", "aliases", "alias", "description", "title", "date_text"}
    | {"reasoning", "purpose", "service", "per", "text", "condition", "proposed_name"}
)


def _renamed(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    if isinstance(value, dict):
        return {renames.get(k, k): _renamed(v, renames) for k, v in value.items()}
    return value


def scoped_group_keys(candidates: list[Candidate], identifier: str) -> list[Candidate]:
    """The candidates with each proposed stated group's key suffixed by the document's
    number (from its identifier, ``005_...txt``), in the group's record and in every
    record that names it; each changed candidate's key recomputed from its record."""
    number = identifier.split("_", 1)[0]
    renames = {
        str(c.record["key"]): f"{c.record['key']}-{number}"
        for c in candidates
        if c.section == "entities"
        and c.record.get("kind") == GROUP_KIND
        and c.record.get("key")
        and not str(c.record["key"]).endswith(f"-{number}")
    }
    if not renames:
        return candidates
    out = []
    for c in candidates:
        record = {k: v if k in WORDS else _renamed(v, renames) for k, v in c.record.items()}
        extra = {
            k: {renames.get(r, r): words for r, words in v.items()}  # refs to their words
            if k == "mention_words" and isinstance(v, dict)
            else _renamed(v, renames)
            for k, v in c.extra.items()
        }
        if record == c.record and extra == c.extra:
            out.append(c)
            continue
        out.append(replace(c, record=record, extra=extra, key=candidate_key(c.section, record)))
    return out
