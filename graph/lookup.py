"""Find organisations by code, name or alias, forgiving of case and punctuation.

An :class:`OrganisationIndex` is built once per published store (the graph does not
change between builds) from the internal ``organisation-index`` query. It turns a
parameter such as ``QHG``, ``E54000024``, ``L&D`` or ``luton and dunstable
hospital`` into the organisation's IRI, and says plainly when a name is unknown
(with close matches) or ambiguous (with the candidates).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from nhskg.graph.named_queries import ParameterError, load_query_file
from nhskg.graph.store import GraphStore, SelectResult

_PUNCT = re.compile(r"[^a-z0-9 ]+")


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


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
        """Every name and alias of an organisation, as written, but its preferred name."""
        return self.written.get(iri, set()) - {self.labels.get(iri, "")}

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
        closest word of a name (so small typos count), and the score is the mean.
        """
        key = normalise(text)
        if not key:
            return []
        scores: dict[str, float] = {}
        for iri in self.candidates(text):
            scores[iri] = 1.0
        words = key.split()
        for name, iris in self.names.items():
            name_words = name.split()
            total = 0.0
            for w in words:
                best = max(
                    (
                        1.0
                        if nw == w
                        else 0.95
                        if nw.startswith(w) and len(w) >= 3
                        else _ratio(w, nw)
                    )
                    for nw in name_words
                )
                total += best
            score = total / len(words)
            if score >= 0.8:
                # prefer names with fewer extra words
                score -= 0.01 * max(0, len(name_words) - len(words))
                for iri in iris:
                    scores[iri] = max(scores.get(iri, 0.0), round(score, 4))
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.labels.get(kv[0], kv[0])))
        return ranked[:limit]

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
                f"parameter '{param}': {text!r} matches several organisations: {options}"
            )
        hint = self.suggestions(text)
        more = f"; did you mean: {'; '.join(hint)}" if hint else ""
        raise ParameterError(
            f"parameter '{param}': no organisation has the code or name {text!r}{more}"
        )
