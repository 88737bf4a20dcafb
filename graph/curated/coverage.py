"""Coverage: which sentences of each document the curated statements cite.

A document is cut into sentences: each line, split after '.', '?' or '!' followed
by a space; table rows split at tabs. A sentence is cited when a quote of any
record overlaps it. A sentence is *expected* to be cited when it names something
(a capitalised word beyond its first, an acronym, a date, a number or an amount)
and is not just markup or a form label; coverage is cited expected sentences over
expected sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nhskg.graph.curated.loader import Curated, Record
from nhskg.graph.curated.sources import SourceDocument

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(*•-])")
_MARKUP = re.compile(r"<[^>]+>|\*\*|\[|\]\(#\)|#+ ")
_NAMES = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][A-Za-z&'’]+|\b[A-Z]{2,}\b|\d|£")
# Form boilerplate of paper 004 ("[Yes /No /Not applicable]") names nothing.
_BOILERPLATE = re.compile(r"\[Yes /No /Not applicable\]")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def expected(self) -> bool:
        plain = _MARKUP.sub("", self.text).strip(" -•*\t")
        if len(plain) < 3 or _BOILERPLATE.search(self.text):
            return False
        return bool(_NAMES.search(plain))


@dataclass
class DocumentCoverage:
    document: SourceDocument
    statements: int
    sentences: list[Sentence]
    cited: set[int] = field(default_factory=set)

    @property
    def expected(self) -> list[Sentence]:
        return [s for s in self.sentences if s.expected]

    @property
    def uncited(self) -> list[Sentence]:
        return [s for i, s in enumerate(self.sentences) if s.expected and i not in self.cited]

    @property
    def ratio(self) -> float:
        expected = [i for i, s in enumerate(self.sentences) if s.expected]
        if not expected:
            return 1.0
        return sum(1 for i in expected if i in self.cited) / len(expected)


def sentences(text: str) -> list[Sentence]:
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
                out.append(Sentence(start, start + len(stripped), stripped))
        offset += len(line)
    return out


def _cells(line: str) -> list[tuple[int, str]]:
    cells, pos = [], 0
    for cell in line.rstrip("\n").split("\t"):
        cells.append((pos, cell))
        pos += len(cell) + 1
    return cells


def _records(curated: Curated) -> list[Record]:
    entities = [r for rs in curated.entities.values() for r in rs]
    return entities + curated.aliases + curated.statements


def coverage(curated: Curated) -> list[DocumentCoverage]:
    report = []
    records = _records(curated)
    for identifier, doc in sorted(curated.documents.items()):
        cov = DocumentCoverage(
            doc,
            statements=sum(1 for r in curated.statements if r.document.identifier == identifier),
            sentences=sentences(doc.text),
        )
        mine = [r for r in records if r.document.identifier == identifier]
        spans = [(q.start, q.end) for r in mine for q in r.quotes]
        spans += [(q.start, q.end) for q in doc.quotes]
        for i, s in enumerate(cov.sentences):
            if any(a < s.end and s.start < b for a, b in spans):
                cov.cited.add(i)
        report.append(cov)
    return report
