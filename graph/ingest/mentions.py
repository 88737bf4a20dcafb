"""Find the organisations a document's text names, with exact character offsets.

A blank English spaCy pipeline (no trained model) carries two ``span_ruler`` components
built from the :class:`~nhskg.graph.ingest.gazetteer.Gazetteer`: one matches names of
two words or more whatever their case ("UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST" in
a heading), the other single words and initials only as written ("BLMK", not "blmk").
Each pattern carries its ref as its id. The text is matched with its whitespace runs
read as one space and typographic apostrophes as plain ones (a name broken over two
lines still matches); offsets are mapped back, so ``text[m.start:m.end] == m.text``.

Where matches overlap, the longest wins. Then the rules of :mod:`mention_rules` add
abbreviations defined in the text, list items, counted groups, near matches of names
and new bodies, each where no earlier match covers the words. Every mention is linked
on the document's day (:mod:`linking`); the result is sorted by (start, end).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_prefix_regex, compile_suffix_regex

from nhskg.graph.ingest import mention_rules
from nhskg.graph.ingest.gazetteer import Form, Gazetteer, clean
from nhskg.graph.ingest.linking import context_refs, elsewhere, link_forms
from nhskg.graph.ingest.mention_rules import Found
from nhskg.graph.ingest.model import DocumentDay, Link, Mention, slug

CHUNK = 20_000  # characters per piece of a long text (cut at a blank line)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Normalised:
    """The text as matched (whitespace runs as one space, ’ as ') and, for each of its
    characters, the offset of the character of the original it stands for."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(text: str, base: int = 0) -> Normalised:
    chars: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|[^\s]+", text):
        if match.group().isspace():
            chars.append(" ")
            offsets.append(base + match.start())
            continue
        for i, ch in enumerate(match.group()):
            chars.append("'" if ch == "’" else ch)
            offsets.append(base + match.start() + i)
    return Normalised("".join(chars), tuple(offsets))


def _token_key(text: str) -> str:
    return "".join(text.split()).casefold().replace("’", "'")


def _exact_only(form: Form) -> bool:
    """Match as written: initials, and single words (a place name in lower case is not a name)."""
    return form.source == "initials" or len(form.text.split()) == 1


def build_pipeline(gazetteer: Gazetteer) -> tuple[Language, dict[tuple[str, str, str], list[Form]]]:
    """The spaCy pipeline for ``gazetteer`` (cached on it) and its pattern index."""
    cached = gazetteer.cache.get("pipeline")
    if cached is not None:
        return cast(tuple[Language, dict[tuple[str, str, str], list[Form]]], cached)
    nlp = spacy.blank("en")
    markup = r"</?[A-Za-z][^<>]*>"  # "RUTLAND</u>": the tag is not part of the word
    suffixes = [*cast(list[str], nlp.Defaults.suffixes), r"(?<=[A-Za-z&])\.$", markup + "$"]
    prefixes = [*cast(list[str], nlp.Defaults.prefixes), "^" + markup]
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    lower = nlp.add_pipe(
        "span_ruler",
        name="names_any_case",
        config={"spans_key": "any_case", "phrase_matcher_attr": "LOWER", "overwrite": False},
    )
    exact = nlp.add_pipe(
        "span_ruler",
        name="names_as_written",
        config={"spans_key": "as_written", "phrase_matcher_attr": "ORTH", "overwrite": False},
    )
    index: dict[tuple[str, str, str], list[Form]] = {}
    any_case: list[dict[str, str]] = []
    as_written: list[dict[str, str]] = []
    seen: set[tuple[str, str, str, bool]] = set()
    for form in gazetteer.forms:
        text = form.text.replace("’", "'")
        key = (form.source, form.ref, _token_key(text))
        index.setdefault(key, []).append(form)
        exact_only = _exact_only(form)
        mark = (form.source, form.ref, text if exact_only else text.casefold(), exact_only)
        if mark in seen:
            continue
        seen.add(mark)
        pattern = {"label": form.source, "pattern": text, "id": form.ref}
        (as_written if exact_only else any_case).append(pattern)
    lower.add_patterns(any_case)  # type: ignore[attr-defined]
    exact.add_patterns(as_written)  # type: ignore[attr-defined]
    gazetteer.cache["pipeline"] = (nlp, index)
    return nlp, index


def _chunks(text: str) -> list[tuple[int, str]]:
    """The text in pieces of at most CHUNK characters, cut at blank lines where possible."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n\n", start + CHUNK // 2, end)
            end = cut if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


def _case_agrees(form: str, written: str) -> bool:
    """A name that begins with a capital is not written in lower case ("out of hospital" is
    not the workstream "Out of Hospital"), unless it is the name of a type of body every
    area has ("clinical senate", ``Gazetteer.type_names``)."""
    first = next((c for c in form if c.isalpha()), "")
    seen = next((c for c in written if c.isalpha()), "")
    return not (first.isupper() and seen.islower())


def _gazetteer_matches(
    text: str,
    gazetteer: Gazetteer,
    progress: Callable[[int, int], None] | None,
) -> list[Found]:
    nlp, index = build_pipeline(gazetteer)
    found: dict[tuple[int, int], Found] = {}
    pieces = _chunks(text)
    norms = [normalise(piece, base) for base, piece in pieces]
    docs = nlp.pipe(n.text for n in norms)
    for (base, piece), norm, doc in zip(pieces, norms, docs, strict=True):
        for key in ("any_case", "as_written"):
            for span in doc.spans[key]:
                forms = index.get((span.label_, span.id_, _token_key(span.text)), [])
                forms = [
                    f
                    for f in forms
                    if _case_agrees(f.text, span.text) or f.text.casefold() in gazetteer.type_names
                ]
                if not forms:
                    continue
                start, end = norm.span(span.start_char, span.end_char)
                item = found.setdefault(
                    (start, end), Found(start, end, "name", "a name in the gazetteer")
                )
                item.forms.extend(f for f in forms if f not in item.forms)
        if progress is not None:
            progress(base + len(piece), len(text))
    for item in found.values():
        sources = {f.source for f in item.forms}
        if sources & {"alias", "entity"} and "name" not in sources:
            item.pattern = "alias"
            item.why = "a curated alias or body name"
        elif sources == {"initials"}:
            item.pattern = "abbreviation"
            item.why = "known initials of a recorded name"
    return list(found.values())


PARTNERSHIP_KINDS = frozenset(
    {"stp", "icb", "partnership", "commissioner-collaborative", "provider-collaborative"}
)
_PROGRAMME = re.compile(r"[ \t]+(?:[Pp]rogramme|PROGRAMME|[Pp]artnership|PARTNERSHIP)(?![\w&])")


def with_programme(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """A partnership's name followed by "programme" or "partnership" ("BCT programme",
    "Better Care Together partnership") is one mention of the partnership."""
    for item in found:
        bodies = [gazetteer.body(f.ref) for f in item.forms]
        kinds = {k for b in bodies if b is not None for k, _, _ in b.kinds}
        after = _PROGRAMME.match(text, item.end) if kinds & PARTNERSHIP_KINDS else None
        if after and not any(f.start < after.end() and item.end <= f.start for f in found):
            item.end = after.end()
            item.why += ", with the word after it"
    return found


_PLACE_WORD = re.compile(r"[ \t]+(?:and[ \t]+)?(?P<word>[A-Z][\w'’-]*)")


def with_place(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """A body's type name followed by a place ("Healthwatch Kent", "Clinical Senate East
    Midlands") is that place's body: a new body of the type's kind, not another area's."""
    for item in found:
        written = clean(text[item.start : item.end]).casefold()
        if written not in gazetteer.type_names:
            continue
        end = item.end
        while (word := _PLACE_WORD.match(text, end)) and (
            word["word"].casefold() in gazetteer.place_words
        ):
            end = word.end()
        if end == item.end:
            continue
        place = clean(text[item.end : end])
        bodies = [gazetteer.body(f.ref) for f in item.forms]
        kinds = sorted({k for b in bodies if b is not None for k, _, _ in b.kinds})
        item.end, item.forms, item.pattern = end, [], "new-body"
        item.kind = kinds[0] if kinds else None
        item.why = f"a {written} named by its place, {place}"
        item.confidence = 0.6
    return longest_first(found)


def longest_first(found: list[Found], taken: list[tuple[int, int]] | None = None) -> list[Found]:
    """Non-overlapping matches, the longest kept where two overlap (then the earliest)."""
    kept: list[Found] = []
    spans = list(taken or [])
    for item in sorted(found, key=lambda f: (-(f.end - f.start), f.start, f.end)):
        if any(item.start < e and s < item.end for s, e in spans):
            continue
        kept.append(item)
        spans.append((item.start, item.end))
    return sorted(kept, key=lambda f: (f.start, f.end))


def find_mentions(
    text: str,
    when: DocumentDay,
    gazetteer: Gazetteer,
    progress: Callable[[int, int], None] | None = None,
) -> list[Mention]:
    """The organisation mentions of ``text``, linked on ``when.day``, sorted by offsets."""
    found = longest_first(_gazetteer_matches(text, gazetteer, progress))
    found = with_programme(text, found, gazetteer)
    found = with_place(text, found, gazetteer)
    found = mention_rules.add_rule_mentions(text, found, gazetteer)
    return _link(text, found, when, gazetteer)


def _link(text: str, found: list[Found], when: DocumentDay, gazetteer: Gazetteer) -> list[Mention]:
    by_span = {(f.start, f.end): f for f in found}
    first = [link_forms(f.forms, when, gazetteer) for f in found if f.forms]
    context = context_refs(first, gazetteer)
    links = {(f.start, f.end): link_forms(f.forms, when, gazetteer, context) for f in found}
    out: list[Mention] = []
    for item in found:
        linked = links[(item.start, item.end)]
        long = by_span.get(item.links_from) if item.links_from else None
        while long is not None and long.links_from is not None:  # to the first name
            long = by_span.get(long.links_from)
        if long is not None:
            linked = links[(long.start, long.end)]
            if long.pattern == "new-body":
                name = clean(text[long.start : long.end])
                why = f"another name of {name}, a body the reference data lacks"
                linked = (Link(slug(name), name, long.confidence, why),)
        words = text[item.start : item.end]
        if item.pattern in ("name", "alias") and elsewhere(linked, words, context, gazetteer):
            body = gazetteer.body(linked[0].ref)
            others = ", ".join(link.ref for link in linked)
            item.pattern, item.kind = "new-body", body.kind_on(when.day) if body else None
            item.why = f"other documents name local bodies so ({others}), not of this area"
            item.confidence = 0.5
        if item.pattern == "counted-group" or (item.pattern == "new-body" and long is None):
            linked = ()
        elif not linked:
            continue
        confidence = round(item.confidence * (linked[0].score if linked else 1.0), 3)
        out.append(
            Mention(
                start=item.start,
                end=item.end,
                text=text[item.start : item.end],
                pattern=item.pattern,
                links=linked,
                kind=item.kind,
                count=item.count,
                member_type=item.member_type,
                confidence=confidence,
                why=item.why,
            )
        )
    return sorted(out, key=lambda m: (m.start, m.end, m.pattern))
