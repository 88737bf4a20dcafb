"""Coverage: which sentences of each document the curated statements cite.

A document is cut into sentences: each line, split after '.', '?' or '!' followed
by a space; table rows split at tabs. A sentence's *words* are its runs of letters
and digits once markup tags are taken out ("13<sup>th</sup>" is the one word
"13th"); a piece with no letter outside tags (a list number such as "14.") is not
a sentence.

Every sentence is taken to carry a fact unless the document's curated file lists
it under ``excluded`` (headings, form labels and fields, page furniture, sentences
that state nothing), each with its reason. A sentence is **cited** when more than
half of its words lie inside the quotes of statements (entities', aliases' and the
document's own metadata quotes do not count). Coverage is cited fact-bearing
sentences over fact-bearing sentences. An excluded sentence is not counted even
where a statement quotes it (statements quote headings and table headers as
context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nhskg.graph.curated.loader import Curated, Exclusion
from nhskg.graph.curated.sources import SourceDocument
from nhskg.graph.curated.yamlio import CuratedFileError

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(*•-])")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")
_LETTER = re.compile(r"[^\W\d_]")
MOST = 0.5  # a sentence is cited when more than this share of its words is quoted


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def words(self) -> list[tuple[int, int]]:
        """The document offsets of each word (runs of letters and digits outside tags)."""
        tags = {i for m in _TAG.finditer(self.text) for i in range(m.start(), m.end())}
        kept = [i for i in range(len(self.text)) if i not in tags]
        plain = "".join(self.text[i] for i in kept)
        return [
            (self.start + kept[m.start()], self.start + kept[m.end() - 1] + 1)
            for m in _WORD.finditer(plain)
        ]


@dataclass
class DocumentCoverage:
    document: SourceDocument
    statements: int
    sentences: list[Sentence]
    cited: set[int] = field(default_factory=set)
    excluded: dict[int, Exclusion] = field(default_factory=dict)

    @property
    def fact_bearing(self) -> list[Sentence]:
        return [s for i, s in enumerate(self.sentences) if i not in self.excluded]

    @property
    def cited_sentences(self) -> list[Sentence]:
        return [
            s for i, s in enumerate(self.sentences) if i in self.cited and i not in self.excluded
        ]

    @property
    def uncited(self) -> list[Sentence]:
        return [
            s
            for i, s in enumerate(self.sentences)
            if i not in self.cited and i not in self.excluded
        ]

    @property
    def excluded_sentences(self) -> list[tuple[Sentence, Exclusion]]:
        return [(self.sentences[i], e) for i, e in sorted(self.excluded.items())]

    @property
    def ratio(self) -> float:
        facts = len(self.fact_bearing)
        return len(self.cited_sentences) / facts if facts else 1.0


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` that have at least one word, with their offsets."""
    out: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for cell_start, cell in _cells(line):
            pos = 0
            for piece in _SPLIT.split(cell):
                at = cell.find(piece, pos)
                pos = at + len(piece)
                stripped = piece.strip()
                if not stripped:
                    continue
                start = offset + cell_start + at + (len(piece) - len(piece.lstrip()))
                sentence = Sentence(start, start + len(stripped), stripped)
                if _LETTER.search(_TAG.sub("", stripped)):
                    out.append(sentence)
        offset += len(line)
    return out


def _cells(line: str) -> list[tuple[int, str]]:
    cells, pos = [], 0
    for cell in line.rstrip("\n").split("\t"):
        cells.append((pos, cell))
        pos += len(cell) + 1
    return cells


def is_cited(sentence: Sentence, spans: list[tuple[int, int]]) -> bool:
    """More than half of the sentence's words lie wholly inside the given quote spans."""
    words, merged = sentence.words, _merged(spans)
    inside = sum(1 for a, b in words if any(s <= a and b <= e for s, e in merged))
    return inside > MOST * len(words)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def coverage(curated: Curated) -> list[DocumentCoverage]:
    """Per document: its sentences, those statements cite and those its file excludes.

    Raises :class:`CuratedFileError` (file and line) for an exclusion whose quote
    covers no whole sentence.
    """
    report = []
    for identifier, doc in sorted(curated.documents.items()):
        mine = [r for r in curated.statements if r.document.identifier == identifier]
        cov = DocumentCoverage(doc, statements=len(mine), sentences=sentences(doc.text))
        spans = _merged([(q.start, q.end) for r in mine for q in r.quotes])
        for i, s in enumerate(cov.sentences):
            if is_cited(s, spans):
                cov.cited.add(i)
        for exclusion in curated.exclusions:
            if exclusion.document.identifier != identifier:
                continue
            q = exclusion.quote
            hits = [
                i
                for i, s in enumerate(cov.sentences)
                if all(q.start <= a and b <= q.end for a, b in s.words)
            ]
            if not hits:
                raise CuratedFileError(
                    f"{exclusion.where('quote')}: the excluded quote covers no whole sentence "
                    f"of {identifier} (quote the sentence entire): {q.exact[:60]!r}"
                )
            for i in hits:
                cov.excluded[i] = exclusion
        report.append(cov)
    return report
