"""Score candidate statements against one document's curated statements.

A candidate **matches** a gold (curated) statement when

- its kind is the same (the statement ``type``);
- its organisations are the same: the refs in the type's role fields (``ROLE_FIELDS``:
  who is a member of what, who leads, hosts, provides, consults, proposes, takes part...;
  ``area`` and ``part_of`` say where and within what, not who, and are not compared), less
  refs to people, sites, papers, business cases and other statements. Codes (ODS, ONS)
  must be equal. A curated entity key is something the pipeline cannot know, so a
  candidate's ref also matches a gold entity when the words of the ref (a new body's or
  counted group's key is the ``slug`` of the mention's words) equal the words of the
  entity's key, name (less any "(...)" the curator added) or one of its aliases, once
  case, "the/of/and/all/each", plural "s" and number words ("Eight" = "8") are set aside;
  or when one word set holds the other and the smaller has at least two words. The two
  sets match when every ref of each matches a ref of the other;
- its quote's sentence matches: a sentence holding (part of) a candidate quote is a
  sentence holding (part of) one of the gold statement's quotes (sentences as
  ``nhskg coverage`` cuts them).

Precision is matched candidates over candidates; recall is matched gold statements over
gold statements (a candidate may match several gold statements and the other way round).

**The gold is restricted** to what the ingest proposes, and the statements left out are
counted by kind in ``GoldStatements.left_out``: (1) kinds the ingest does not propose
(activities, decisions, milestones, submissions, risks, focuses, principles, endings,
classifications); (2) resolved statements naming an organisation the text never names
(no alias of it in the curated file, and no entity name or alias of it in the text): the
curator resolved those from reference data, which the ingest, by design, does not do.
``StatementScores.loose_recall`` also gives the recall by kind and sentence alone, so a
reader sees how much is lost to the organisations (mentions and their links) rather than
to the cues.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nhskg.graph.curated.coverage import Sentence, sentences
from nhskg.graph.ingest.model import Candidate, slug
from nhskg.graph.ingest.statement_values import NUMBER_WORDS
from nhskg.graph.ingest.statements import PROPOSED_KINDS

ROLE_FIELDS: dict[str, tuple[str, ...]] = {
    "membership": ("member", "organization"),
    "post": ("organization",),
    "coordination": ("coordinator", "coordinated"),
    "hosting": ("host", "hosted"),
    "leadership": ("leader", "led"),
    "joint-working": ("parties",),
    "provision": ("provider", "commissioner"),
    "contract": ("provider", "commissioner"),
    "merger-proposal": ("proposers",),
    "consultation": ("consulting",),
    "event": ("organisers", "participants", "chairs", "speakers"),
    "funding": ("funder", "recipient"),
    "funding-gap": (),
}
NOT_ORGANISATIONS = frozenset({"person", "site", "paper", "business-case"})
_STOP = frozenset({"the", "of", "and", "all", "each", "a", "an", "in", "for"})
_NUMBERS = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}


@dataclass(frozen=True)
class GoldStatement:
    type: str
    organisations: frozenset[str]
    sentences: frozenset[int]
    record: dict[str, Any]


@dataclass
class GoldStatements:
    """One document's gold statements, the name forms of its entities, and what was left out."""

    statements: list[GoldStatement]
    names: dict[str, list[str]]  # entity key -> key, name, aliases
    left_out: dict[str, int] = field(default_factory=dict)  # "kind (reason)" -> count


@dataclass
class StatementScores:
    candidates: int
    gold: int
    matched_candidates: int
    matched_gold: int
    loose_matched_gold: int  # by kind and sentence alone
    by_kind: dict[str, tuple[int, int]]  # kind -> (gold, matched gold)
    left_out: dict[str, int]

    @property
    def precision(self) -> float:
        return self.matched_candidates / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def loose_recall(self) -> float:
        return self.loose_matched_gold / self.gold if self.gold else 0.0


def _plain(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not str(k).startswith("__")}


def _quote_spans(record: Mapping[str, Any], text: str, where: str) -> list[tuple[int, int]]:
    raw = record.get("quote")
    items = raw if isinstance(raw, list) else [raw]
    spans = []
    for item in items:
        if isinstance(item, Mapping):
            exact, n = str(item.get("text", "")), int(item.get("occurrence", 1))
        else:
            exact, n = str(item), int(record.get("occurrence") or 1)
        at = -1
        for _ in range(n):
            at = text.find(exact, at + 1)
            if at < 0:
                break
        if not exact or at < 0:
            raise ValueError(f"{where}: quote not found in the text: {exact[:60]!r}")
        spans.append((at, at + len(exact)))
    return spans


def _sentence_ids(spans: Iterable[tuple[int, int]], cut: list[Sentence]) -> frozenset[int]:
    return frozenset(i for i, s in enumerate(cut) for a, b in spans if a < s.end and s.start < b)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _organisations(record: Mapping[str, Any], not_orgs: set[str]) -> frozenset[str]:
    refs = set()
    for name in ROLE_FIELDS.get(str(record.get("type")), ()):
        for ref in _as_list(record.get(name)):
            if "#" not in ref and ref not in not_orgs:
                refs.add(ref)
    return frozenset(refs)


def _without_note(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def gold_statements(
    curated: Mapping[str, Any], text: str, *, where: str = "curated file"
) -> GoldStatements:
    """The gold statements of one curated file (its parsed mapping: entities, aliases,
    statements) over its document's ``text``, restricted as the module says."""
    cut = sentences(text)
    entities = [_plain(e) for e in curated.get("entities") or []]
    names = {
        str(e["key"]): [
            str(e["key"]),
            _without_note(str(e.get("name", ""))),
            *_as_list(e.get("aliases")),
        ]
        for e in entities
    }
    not_orgs = {str(e["key"]) for e in entities if e.get("kind") in NOT_ORGANISATIONS}
    aliased = {str(_plain(a).get("org")) for a in curated.get("aliases") or []}
    folded = text.casefold()

    def named(ref: str) -> bool:
        if ref in aliased:
            return True
        forms = names.get(ref, [])[1:]
        return any(f and f.casefold() in folded for f in forms)

    kept: list[GoldStatement] = []
    left_out: Counter[str] = Counter()
    for n, raw in enumerate(curated.get("statements") or []):
        record = _plain(raw)
        kind = str(record.get("type"))
        if kind not in PROPOSED_KINDS:
            left_out[f"{kind} (kind not proposed)"] += 1
            continue
        orgs = _organisations(record, not_orgs)
        if record.get("basis") == "resolved" and not all(named(r) for r in orgs):
            left_out[f"{kind} (resolved from reference data)"] += 1
            continue
        spans = _quote_spans(record, text, f"{where}: statement {n + 1}")
        kept.append(GoldStatement(kind, orgs, _sentence_ids(spans, cut), record))
    return GoldStatements(kept, names, dict(sorted(left_out.items())))


def _words(value: str) -> frozenset[str]:
    out = set()
    plain = re.sub(r"clinical[- ]commissioning[- ]groups?", "ccg", value, flags=re.I)
    for w in slug(plain).split("-"):
        if not w or w in _STOP:
            continue
        w = _NUMBERS.get(w, w)
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return frozenset(out)


def same_organisation(
    candidate_ref: str,
    gold_ref: str,
    names: Mapping[str, list[str]],
    mention_words: Iterable[str] = (),
) -> bool:
    """Whether a candidate's ref names the gold's organisation (see the module docstring);
    ``mention_words`` are the words of the mentions the candidate's ref came from."""
    if candidate_ref == gold_ref:
        return True
    forms = names.get(gold_ref)
    if not forms:
        return False  # a code: only the same code
    return any(_same_words(_words(w), forms) for w in [candidate_ref, *mention_words])


def _same_words(mine: frozenset[str], forms: list[str]) -> bool:
    if not mine:
        return False
    for form in forms:
        theirs = _words(form)
        if not theirs:
            continue
        if mine == theirs:
            return True
        small = min(mine, theirs, key=len)
        if len(small) >= 2 and (mine <= theirs or theirs <= mine):
            return True
    return False


def _sets_match(
    mine: frozenset[str],
    theirs: frozenset[str],
    names: Mapping[str, list[str]],
    words: Mapping[str, list[str]] | None = None,
) -> bool:
    known = words or {}

    def same(c: str, g: str) -> bool:
        return same_organisation(c, g, names, known.get(c, ()))

    return all(any(same(c, g) for g in theirs) for c in mine) and all(
        any(same(c, g) for c in mine) for g in theirs
    )


def score_statements(
    gold: GoldStatements, candidates: list[Candidate], text: str
) -> StatementScores:
    """Precision and recall of the statement candidates against the gold (entities and
    aliases among the candidates are not scored; person entities they propose are used
    to leave people out of the organisations compared)."""
    cut = sentences(text)
    people = {
        str(c.record.get("key"))
        for c in candidates
        if c.section == "entities" and c.record.get("kind") in NOT_ORGANISATIONS
    }
    statements = [c for c in candidates if c.section == "statements"]
    mine = [
        (
            str(c.record.get("type")),
            _organisations(c.record, people),
            _sentence_ids(_quote_spans(c.record, text, f"candidate {c.key}"), cut),
            c.extra.get("mention_words") or {},
        )
        for c in statements
    ]
    matched_c, matched_g, loose_g = set(), set(), set()
    for ci, (kind, orgs, sents, words) in enumerate(mine):
        for gi, g in enumerate(gold.statements):
            if kind != g.type or not sents & g.sentences:
                continue
            loose_g.add(gi)
            if _sets_match(orgs, g.organisations, gold.names, words):
                matched_c.add(ci)
                matched_g.add(gi)
    by_kind: dict[str, tuple[int, int]] = {}
    for gi, g in enumerate(gold.statements):
        total, hit = by_kind.get(g.type, (0, 0))
        by_kind[g.type] = (total + 1, hit + (gi in matched_g))
    return StatementScores(
        candidates=len(statements),
        gold=len(gold.statements),
        matched_candidates=len(matched_c),
        matched_gold=len(matched_g),
        loose_matched_gold=len(loose_g),
        by_kind=dict(sorted(by_kind.items())),
        left_out=gold.left_out,
    )
