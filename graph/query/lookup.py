"""Find organisations by code, name or alias, forgiving of case and punctuation.

An :class:`OrganisationIndex` is built once per published store (the graph does not
change between builds) from the internal ``organisation-index`` query. It turns a
parameter such as ``QHG``, ``E54000024``, ``L&D`` or ``luton and dunstable
hospital`` into the organisation's IRI, and says plainly when a name is unknown
(with close matches) or ambiguous (with the candidates).

Fuzzy matching costs at most a few milliseconds whatever it is given: text past
:data:`MAX_SEARCH_CHARS` and words past :data:`MAX_SEARCH_WORDS` are ignored, each typed
word is compared once with each distinct word of the names (difflib only where the two
lengths allow a close match), and only names holding a matched word are scored.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from nhskg.graph.query.named_queries import MAX_VALUE_CHARS, ParameterError, load_query_file
from nhskg.graph.query.store import GraphStore, SelectResult

_PUNCT = re.compile(r"[^a-z0-9 ]+")
MAX_SEARCH_CHARS = MAX_VALUE_CHARS  # text past this is not matched
MAX_SEARCH_WORDS = 8  # typed words past this are not matched
MATCHES_KEPT = 4096  # typed words whose matches an index remembers
CLOSE = 0.8  # a typed word matches a name word this similar (difflib's ratio), and a name
# matches when its words' mean is at least this


def could_be_close(a: int, b: int) -> bool:
    """Whether words of lengths ``a`` and ``b`` can be :data:`CLOSE`: difflib's ratio is
    at most ``2 * min / (a + b)``, so this says no without comparing them."""
    return 2 * min(a, b) >= CLOSE * (a + b)


def _letters(word: str) -> int:
    """The set of characters of ``word`` as bits of an int (one bit a code point)."""
    bits = 0
    for c in word:
        bits |= 1 << ord(c)
    return bits


def _shown(text: str) -> str:
    """``text`` as an error message quotes it: no longer than a name may be."""
    return repr(text if len(text) <= 80 else text[:80] + "...")


def normalise(text: str) -> str:
    """Lower case, '&' read as 'and', punctuation dropped, spaces collapsed."""
    text = text.lower().replace("&", " and ").replace("'", "")
    return " ".join(_PUNCT.sub(" ", text).split())


def _name_forms(name: str) -> set[str]:
    """A name as typed, and without a leading 'NHS' or 'The', as people often write it."""
    key = normalise(name)
    forms = {key}
    for prefix in ("nhs ", "the "):
        if key.startswith(prefix) and len(key) > len(prefix):
            forms.add(key[len(prefix) :])
    return forms


@dataclass
class OrganisationIndex:
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)
    code_of: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    written: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _holding: dict[str, list[str]] | None = field(default=None, repr=False)
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _matches: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    _letters: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, store: GraphStore, queries_dir: Path) -> OrganisationIndex:
        query = load_query_file(queries_dir / "internal" / "organisation-index.rq")
        result = store.query(query.text)
        assert isinstance(result, SelectResult)
        index = cls()
        for org, kind, text in result.rows:
            assert org is not None and kind is not None and text is not None
            iri, value = org.value, text.value
            if kind.value in ("ods", "ons"):
                index.codes[value.upper()].add(iri)
                if kind.value == "ods" or iri not in index.code_of:
                    index.code_of[iri] = value
            else:
                index.written[iri].add(value)
                for form in _name_forms(value):
                    index.names[form].add(iri)
                if kind.value == "name":
                    index.labels[iri] = value
        for iri in index.labels:
            key = iri.rsplit("/", 1)[-1]
            index.code_of.setdefault(iri, key)
            index.keys[key.lower()] = iri
        return index

    def names_of(self, iri: str) -> set[str]:
        """Every name and alias of an organisation but its preferred name, each once: of
        spellings that differ only in case or punctuation, one in mixed case if there is
        one (a former name in ODS capitals and as its name period writes it)."""
        chosen: dict[str, str] = {normalise(self.labels.get(iri, "")): ""}
        for name in sorted(self.written.get(iri, set()), key=lambda n: (n == n.upper(), n)):
            chosen.setdefault(normalise(name), name)
        return {name for name in chosen.values() if name}

    def matched_name(self, iri: str, text: str) -> str | None:
        """The name or alias of ``iri`` closest to ``text`` when that is not its preferred
        name (a search by a former name says which name it found), else None."""
        typed = normalise(text[:MAX_SEARCH_CHARS])
        if not typed or normalise(self.labels.get(iri, "")) == typed:
            return None
        best = max(  # of equally close spellings, one in mixed case over ODS capitals
            sorted(self.written.get(iri, ())),
            key=lambda name: (
                difflib.SequenceMatcher(None, typed, normalise(name)).ratio(),
                name != name.upper(),
            ),
            default=None,
        )
        if best is None or normalise(best) == normalise(self.labels.get(iri, "")):
            return None
        return best

    def describe(self, iri: str) -> str:
        return f"{self.labels.get(iri, iri)} ({self.code_of.get(iri, iri.rsplit('/', 1)[-1])})"

    def candidates(self, text: str) -> set[str]:
        by_code = self.codes.get(text.strip().upper())
        if by_code:
            return by_code
        by_key = self.keys.get(text.strip().lower())
        if by_key:
            return {by_key}
        return self.names.get(normalise(text), set())

    def search(self, text: str, *, limit: int = 10) -> list[tuple[str, float]]:
        """Organisations ranked by how well their codes and names match ``text``.

        Exact code or name scores 1.0; otherwise each typed word is matched to the
        closest word of a name (the same word 1.0, a word it begins 0.95 when it has 3
        letters or more, else difflib's ratio when at least :data:`CLOSE`, else 0), and
        the score is the mean. Only the first :data:`MAX_SEARCH_CHARS` characters and
        :data:`MAX_SEARCH_WORDS` words of ``text`` count, so a search costs a few ms.
        """
        text = text[:MAX_SEARCH_CHARS]
        key = normalise(text)
        if not key:
            return []
        scores: dict[str, float] = {}
        for iri in self.candidates(text):
            scores[iri] = 1.0
        words = key.split()[:MAX_SEARCH_WORDS]
        holding = self._names_holding()
        totals: dict[str, float] = defaultdict(float)
        for word, times in Counter(words).items():
            best: dict[str, float] = {}  # each name holding a match: its closest word's score
            for name_word, score in self._word_matches(word).items():
                for name in holding[name_word]:
                    if best.get(name, 0.0) < score:
                        best[name] = score
            for name, score in best.items():
                totals[name] += times * score
        for name, total in totals.items():
            score = total / len(words)
            if score >= CLOSE:
                # prefer names with fewer extra words
                score -= 0.01 * max(0, len(name.split()) - len(words))
                for iri in self.names[name]:
                    scores[iri] = max(scores.get(iri, 0.0), round(score, 4))
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.labels.get(kv[0], kv[0])))
        return ranked[:limit]

    def _names_holding(self) -> dict[str, list[str]]:
        """Each distinct word of the names, and the names that hold it (built once)."""
        if self._holding is None:
            holding: dict[str, list[str]] = defaultdict(list)
            for name in self.names:
                for word in set(name.split()):
                    holding[word].append(name)
            by_length: dict[int, list[str]] = defaultdict(list)
            for word in holding:
                by_length[len(word)].append(word)
            self._by_length = dict(by_length)
            self._letters = {word: _letters(word) for word in holding}
            self._holding = dict(holding)
        return self._holding

    def _word_matches(self, word: str) -> dict[str, float]:
        """The words of the names that ``word`` matches, with how well (above 0)."""
        cached = self._matches.get(word)
        if cached is not None:
            return cached
        self._names_holding()
        found: dict[str, float] = {}
        matcher = difflib.SequenceMatcher(None, "", word)  # difflib caches the second
        size = len(word)
        mine = _letters(word)
        for length, candidates in self._by_length.items():
            close = could_be_close(size, length)
            if not close and (length < size or size < 3):
                continue  # neither close enough nor able to begin with it
            needed = CLOSE * (size + length) / 2  # letters in common for a close ratio
            for candidate in candidates:
                if candidate == word:
                    found[candidate] = 1.0
                elif size >= 3 and candidate.startswith(word):
                    found[candidate] = 0.95
                elif close:
                    # difflib's matches are at most the letters the two have in common:
                    # a letter one has and the other has not is never matched
                    theirs = self._letters[candidate]
                    if (
                        size - (mine & ~theirs).bit_count() < needed
                        or length - (theirs & ~mine).bit_count() < needed
                    ):
                        continue
                    matcher.set_seq1(candidate)
                    if (ratio := matcher.ratio()) >= CLOSE:
                        found[candidate] = ratio
        if len(self._matches) >= MATCHES_KEPT:
            self._matches.clear()  # a crude bound; the common words come back at once
        self._matches[word] = found
        return found

    def suggestions(self, text: str, *, limit: int = 5) -> list[str]:
        return [self.describe(iri) for iri, _score in self.search(text, limit=limit)]

    def iris(self) -> list[str]:
        """Every organisation the index can resolve a parameter to, sorted."""
        coded = {iri for iris in self.codes.values() for iri in iris}
        return sorted(set(self.code_of) | set(self.written) | coded)

    def resolve(self, param: str, text: str) -> NamedNode:
        """The one organisation ``text`` names, or a ParameterError that says why not."""
        found = self.candidates(text)
        if len(found) == 1:
            return NamedNode(next(iter(found)))
        if found:
            options = "; ".join(self.describe(i) for i in sorted(found))
            raise ParameterError(
                f"parameter '{param}': {_shown(text)} matches several organisations: {options}"
            )
        hint = self.suggestions(text)
        more = f"; did you mean: {'; '.join(hint)}" if hint else ""
        raise ParameterError(
            f"parameter '{param}': no organisation has the code or name {_shown(text)}{more}"
        )
