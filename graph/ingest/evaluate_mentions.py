"""How well the mention finder does on a curated document: the gold set and the scores.

**The gold set of a document** is read from its own curated file and the reference
landscape, never from the finder:

- *Organisation names.* The name forms the document's records tie to an organisation:
  each alias record (``alias`` -> ``org``); each name and alias of an entity whose kind
  is an organisation type (not a person, site, paper, business case or stated group),
  a trailing parenthesis of the curated name left out ("Clinical Senate (Healthier
  Together)" is written "Clinical Senate"); and every recorded reference name of each
  organisation the records cite (any field value that is a code of the landscape).
  Every occurrence of a form in the text is a gold mention of its ref: on word
  boundaries, any whitespace where the form has a space, ' and ’ alike, case-insensitive
  for a form of two words or more and as written for one word. Where occurrences
  overlap, the longest is kept (refs of equal spans are pooled).
- *List items.* For an alias record "Nene CCG", each "Nene" that is an item of a list
  ending in the plural of the type ("Nene and Corby CCGs": other capitalised items,
  commas, "and" or "&" between it and the plural) is a gold mention; the plural itself
  is not part of any item.
- *Abbreviations the text defines.* Where a gold mention is followed by "(ABBR)"
  whose letters are, in order, capitals of it, every ABBR written so in the text is a
  gold mention of the same refs (the curated records name some such abbreviations,
  "L&D", "ELFT", and not others, "LLR" of "Leicester, Leicestershire and Rutland").
- *Counted groups.* Each stated-group entity with a ``count`` is one gold group,
  located by its quotes and by every occurrence of its name or aliases (a trailing
  parenthesis left out).

Persons, sites, papers and business cases are not organisation mentions; uncounted
stated groups ("local councils") describe, rather than name, and are left out. No
occurrence is left out because it is hard to find.

**Scores.** A found mention (other than a counted group) is right when its span is
exactly a gold mention's span. A found counted group is right when it overlaps a quote
of a gold group with the same count; a gold group is matched when some found group is
right for it. Precision (right / found), recall (matched / gold) and F1 are over names
and groups together. Linking accuracy is the share of right mentions whose
best link is one of the gold refs; where none of the gold refs is known to the pipeline
(a body only the document's own records introduce, taken away by leave-one-document-out),
proposing a new body is the right answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from nhskg.graph.ingest.gazetteer import NOT_ORGANISATION_KINDS, Gazetteer
from nhskg.graph.ingest.model import Mention
from nhskg.graph.reference.model import Landscape
from nhskg.graph.reference.names import title_case
from nhskg.graph.settings import Settings

_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
LIST_TYPES = {"CCG": "CCGs", "Trust": "Trusts", "NHS Trust": "NHS Trusts", "Council": "Councils"}
_ITEM = r"[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*"
_LIST = re.compile(
    rf"{_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s+(?:and|&)\s+{_ITEM}\s+(?:{'|'.join(LIST_TYPES.values())})\b"
)


@dataclass(frozen=True)
class GoldMention:
    """A stretch of the text the curated records say names an organisation (or, for a
    group, a counted group: ``count`` set, the span one of its quotes)."""

    start: int
    end: int
    text: str
    refs: frozenset[str]
    count: int | None = None
    known: frozenset[str] | None = None  # the refs the pipeline could link to (None: all)


@dataclass
class MentionScores:
    """Counts of one or more documents, and the figures they give.

    A gold group is counted once however many of its quotes a found group overlaps, and
    a found group is right when it overlaps one; so precision is ``right / found`` and
    recall ``matched / gold``, which differ only by groups.
    """

    gold: int = 0  # gold names and gold groups
    found: int = 0  # found mentions, counted groups included
    right: int = 0  # found mentions that match a gold one
    matched: int = 0  # gold names and groups that some found mention matches
    names_right: int = 0  # found mentions (not groups) matching a gold name
    linked_right: int = 0  # of those, the ones whose best link is right
    gold_groups: int = 0
    found_groups: int = 0
    right_groups: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    mislinked: list[str] = field(default_factory=list)

    def __add__(self, other: MentionScores) -> MentionScores:
        out = MentionScores()
        for f in fields(self):
            setattr(out, f.name, getattr(self, f.name) + getattr(other, f.name))
        return out

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def linking_accuracy(self) -> float:
        return self.linked_right / self.names_right if self.names_right else 1.0


def _form_pattern(form: str) -> re.Pattern[str]:
    """Where ``form`` is written: on word boundaries, any whitespace for a space, ' and ’ alike,
    '&' and 'and' alike; any case for two words or more, but a form that begins with a
    capital only where the text does too."""
    parts = []
    for word in form.split():
        if word in ("&", "and"):
            parts.append("(?:&|and)")
        else:
            parts.append("".join("['’]" if c in "'’" else re.escape(c) for c in word))
    if len(parts) > 1:
        parts = ["(?i:" + p + ")" for p in parts]
        if form[:1].isupper():
            parts[0] = "(?=[A-Z])" + parts[0]
    return re.compile(r"(?<![\w&])" + r"\s+".join(parts) + r"(?![\w&])")


def _find_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    parts = [re.escape(p) for p in quote.split()]
    if not parts:
        return None
    matches = list(re.finditer(r"\s+".join(parts), text))
    if len(matches) < occurrence:
        return None
    return matches[occurrence - 1].span()


def _quotes(record: dict[str, Any]) -> list[str]:
    quote = record.get("quote")
    if isinstance(quote, str):
        return [quote]
    return [q for q in quote or [] if isinstance(q, str)]


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def gold_from_records(
    text: str,
    records: dict[str, Any],
    reference_names: Callable[[str], list[str]],
) -> list[GoldMention]:
    """The gold mentions of ``text`` from its curated ``records`` (see the module docstring).
    ``reference_names(code)`` gives an organisation's recorded names ([] for no such code)."""
    forms: dict[str, set[str]] = {}  # form -> refs
    for alias in records.get("aliases") or []:
        forms.setdefault(str(alias["alias"]), set()).add(str(alias["org"]))
    groups: list[GoldMention] = []
    for entity in records.get("entities") or []:
        key, kind = str(entity["key"]), str(entity["kind"])
        if kind == "stated-group":
            if isinstance(entity.get("count"), int):
                where = [
                    _find_quote(text, q, int(entity.get("occurrence") or 1))
                    for q in _quotes(entity)
                ]
                for name in [entity.get("name"), *(entity.get("aliases") or [])]:
                    if isinstance(name, str) and _PARENTHESIS.sub("", name).strip():
                        written = _form_pattern(_PARENTHESIS.sub("", name).strip())
                        where += [m.span() for m in written.finditer(text)]
                for span in sorted({w for w in where if w is not None}):
                    group = GoldMention(
                        *span, text[span[0] : span[1]], frozenset({key}), entity["count"]
                    )
                    groups.append(group)
            continue
        if kind in NOT_ORGANISATION_KINDS:
            continue
        for name in [entity.get("name"), *(entity.get("aliases") or [])]:
            if isinstance(name, str) and _PARENTHESIS.sub("", name).strip():
                forms.setdefault(_PARENTHESIS.sub("", name).strip(), set()).add(key)
    cited = sorted({s for s in _strings(records) if reference_names(s)})
    for code in cited:
        for name in reference_names(code):
            forms.setdefault(name, set()).add(code)
    spans: dict[tuple[int, int], set[str]] = {}
    for form in sorted(forms):
        for match in _form_pattern(form).finditer(text):
            spans.setdefault(match.span(), set()).update(forms[form])
    lists = [m.span() for m in _LIST.finditer(text)]
    for alias in records.get("aliases") or []:  # list items: "Nene" of "Nene and Corby CCGs"
        form, org = str(alias["alias"]), str(alias["org"])
        for singular, plural in LIST_TYPES.items():
            if form.endswith(" " + singular):
                for item in _form_pattern(form[: -len(singular) - 1]).finditer(text):
                    if any(
                        s <= item.start()
                        and text[item.end() : e].rstrip().endswith(plural)
                        and item.end() < e - len(plural)
                        for s, e in lists
                    ):
                        spans.setdefault(item.span(), set()).add(org)
    kept: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if not any(span[0] < e and s < span[1] for s, e in kept):
            kept.append(span)
    for match in re.finditer(r"\(\s*([A-Z][A-Za-z&]*[A-Z])\s*\)", text):  # "Long Form (ABBR)"
        before = len(text[: match.start()].rstrip())
        long = next(((s, e) for s, e in kept if e == before), None)
        if long is None or not _abbreviates(match[1], text[long[0] : long[1]]):
            continue
        for use in re.finditer(rf"(?<![\w&]){re.escape(match[1])}(?![\w&])", text):
            if not any(use.start() < e and s < use.end() for s, e in kept):
                spans.setdefault(use.span(), set()).update(spans[long])
                kept.append(use.span())
    names = [GoldMention(s, e, text[s:e], frozenset(spans[(s, e)])) for s, e in sorted(kept)]
    return names + groups


def _abbreviates(abbr: str, long: str) -> bool:
    """Whether the letters of ABBR are, in order, capitals of ``long`` from a word's first."""
    letters = [c for c in abbr.upper() if c.isalpha()]
    starts = [i for i, w in enumerate(long.split()) if w[:1].upper() == letters[0]]
    if not starts:
        return False
    rest = " ".join(long.split()[starts[0] :])
    capitals = iter(c for c in rest if c.isupper())
    return all(any(c == letter for c in capitals) for letter in letters)


def reference_names(land: Landscape) -> Callable[[str], list[str]]:
    def names(code: str) -> list[str]:
        org = land.organisations.get(code)
        if org is None:
            return []
        return sorted({title_case(n.text) for n in org.names} | {org.pref_label})

    return names


def gold_mentions(
    settings: Settings, document: str, gazetteer: Gazetteer | None = None
) -> list[GoldMention]:
    """The gold mentions of one curated document (e.g. "003_f7ec335ea921a4a0.txt"): its
    text in data/sources, its records in data/curated. With ``gazetteer`` (the one the
    pipeline ran with), each gold mention says which of its refs the pipeline knew."""
    from nhskg.graph.ingest.gazetteer import _landscape

    stem = Path(document).stem
    text_path = settings.data / "sources" / document
    records_path = settings.data / "curated" / f"{stem}.yaml"
    for path in (text_path, records_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file for document {document}")
    text = text_path.read_text(encoding="utf-8")
    records = yaml.safe_load(records_path.read_text(encoding="utf-8")) or {}
    land = _landscape(settings.reference_dir.resolve())
    gold = gold_from_records(text, records, reference_names(land))
    if gazetteer is None:
        return gold
    known = {f.ref for f in gazetteer.forms} | set(gazetteer.bodies)
    return [
        GoldMention(g.start, g.end, g.text, g.refs, g.count, frozenset(g.refs & known))
        for g in gold
    ]


def proposes_new_body(mention: Mention) -> bool:
    """A new body, or the abbreviation of one."""
    return mention.pattern == "new-body" or (
        mention.pattern == "abbreviation" and mention.kind is not None
    )


def score_mentions(gold: Iterable[GoldMention], found: Iterable[Mention]) -> MentionScores:
    """Precision, recall, F1 and linking accuracy of ``found`` against ``gold``."""
    gold = list(gold)
    names = {(g.start, g.end): g for g in gold if g.count is None}
    groups = [g for g in gold if g.count is not None]
    group_keys = sorted({k for g in groups for k in g.refs})
    scores = MentionScores(gold=len(names) + len(group_keys), gold_groups=len(group_keys))
    matched_groups: set[str] = set()
    matched_names: set[tuple[int, int]] = set()
    for m in sorted(found, key=lambda m: (m.start, m.end, m.pattern)):
        scores.found += 1
        if m.pattern == "counted-group":
            scores.found_groups += 1
            hits = {
                k
                for g in groups
                if g.count == m.count and m.start < g.end and g.start < m.end
                for k in g.refs
            }
            if hits:
                scores.right += 1
                scores.right_groups += 1
                matched_groups |= hits
            else:
                scores.wrong.append(f"{m.start}:{m.text!r} (counted group of {m.count})")
            continue
        gold_name = names.get((m.start, m.end))
        if gold_name is None or (m.start, m.end) in matched_names:
            scores.wrong.append(f"{m.start}:{m.text!r} ({m.pattern} {m.ref})")
            continue
        matched_names.add((m.start, m.end))
        scores.right += 1
        scores.names_right += 1
        refs = gold_name.refs
        known = refs if gold_name.known is None else gold_name.known
        if m.ref in refs or (not known and proposes_new_body(m)):
            scores.linked_right += 1
        else:
            scores.mislinked.append(f"{m.start}:{m.text!r} {m.ref} not {sorted(refs)}")
    scores.matched = len(matched_names) + len(matched_groups)
    for span, g in sorted(names.items()):
        if span not in matched_names:
            scores.missed.append(f"{g.start}:{g.text!r} {sorted(g.refs)}")
    for key in group_keys:
        if key not in matched_groups:
            scores.missed.append(f"group {key}")
    return scores
