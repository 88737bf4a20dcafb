"""`nhskg ingest evaluate`: the pipeline measured on the curated documents, one left out
at a time.

For each curated file (data/curated/*.yaml, its text in data/sources/), the gazetteer is
built without that document's records (its aliases and entities are what a curator
found in it, so they must not help find them again), the pipeline runs on the stored
text with the document's day (its date, or the span date_from..date_until), and what it
finds is scored against the document's curated records: mentions and their links by
:mod:`evaluate_mentions`, candidate statements by :mod:`evaluate_statements`. The
overall figures are micro-averaged: each score's counts are summed over the documents
and the ratios computed from the sums. Times are those of the pipeline on each text,
after start-up (the gazetteer of each left-out set and its spaCy pipeline are built and
timed apart).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from nhskg.graph.curated.loader import curated_files
from nhskg.graph.curated.sources import load_sources
from nhskg.graph.curated.yamlio import SAFE_LOADER, CuratedFileError
from nhskg.graph.ingest.evaluate_mentions import MentionScores, gold_mentions, score_mentions
from nhskg.graph.ingest.evaluate_statements import (
    StatementScores,
    gold_statements,
    score_statements,
)
from nhskg.graph.ingest.gazetteer import load_gazetteer
from nhskg.graph.ingest.mentions import build_pipeline
from nhskg.graph.ingest.model import DocumentDay
from nhskg.graph.ingest.pipeline import ingest_text
from nhskg.graph.settings import Settings

TARGETS = {
    "mention_f1": 0.9,
    "linking_accuracy": 0.95,
    "statement_recall": 0.8,
    "statement_precision": 0.5,
}
Progress = Callable[[str], None]
S = TypeVar("S")


@dataclass
class DocumentResult:
    """One document's scores and times."""

    identifier: str
    characters: int
    mentions: MentionScores
    statements: StatementScores
    setup_seconds: float  # the gazetteer without the document, and its spaCy pipeline
    seconds: float  # the pipeline on the text, after start-up


@dataclass
class Evaluation:
    documents: list[DocumentResult]
    mentions: MentionScores  # micro-averaged: counts summed over the documents
    statements: StatementScores
    startup_seconds: float


def micro(scores: list[S]) -> S:
    """One score of the same kind whose counts are the sums of ``scores``' counts: whole
    numbers added, mappings of counts (or of tuples of counts) added key by key. Its
    ratios (precision, recall...) are then the micro-averages. (Mention scores add up
    with their own ``+``.)"""
    if not scores:
        raise ValueError("nothing to average")
    first = scores[0]
    assert dataclasses.is_dataclass(first) and not isinstance(first, type)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(first):
        items = [getattr(s, f.name) for s in scores]
        values[f.name] = _sum(items, f.name)
    return type(first)(**values)


def _sum(items: list[Any], name: str) -> Any:
    sample = items[0]
    if isinstance(sample, bool) or not isinstance(sample, (int, dict, tuple)):
        raise TypeError(f"cannot add up {name!r} ({type(sample).__name__})")
    if isinstance(sample, int):
        return sum(items)
    if isinstance(sample, tuple):
        return tuple(sum(parts) for parts in zip(*items, strict=True))
    keys = sorted({k for item in items for k in item})
    return {k: _sum([item[k] for item in items if k in item], f"{name}[{k}]") for k in keys}


def _curated(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise CuratedFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not data.get("document"):
        raise CuratedFileError(f"{path}: a curated file names its 'document'")
    return data


def evaluate(
    settings: Settings, *, only: str | None = None, progress: Progress | None = None
) -> Evaluation:
    """Leave-one-document-out over the curated documents (``only``: those whose file name
    starts with it)."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    sources = load_sources(settings.data / "sources")
    files = [
        (path, _curated(path))
        for path in curated_files(settings.data / "curated")
        if path.name != "README.md"
    ]
    if only:
        files = [(p, d) for p, d in files if str(d["document"]).startswith(only)]
    if not files:
        raise CuratedFileError(f"no curated documents to evaluate in {settings.data / 'curated'}")
    startup = time.perf_counter() - started
    results = []
    for path, data in files:
        identifier = str(data["document"])
        if identifier not in sources:
            raise CuratedFileError(f"{path}: document {identifier} is not in documents.yaml")
        doc = sources[identifier]
        when = DocumentDay(*doc.period)
        t0 = time.perf_counter()
        gazetteer = load_gazetteer(settings, exclude=frozenset({identifier}))
        build_pipeline(gazetteer)  # start-up: the mention finder's pipeline for it
        t1 = time.perf_counter()
        mentions, candidates = ingest_text(doc.text, when, gazetteer)
        t2 = time.perf_counter()
        mention_scores = score_mentions(gold_mentions(settings, identifier, gazetteer), mentions)
        statement_scores = score_statements(
            gold_statements(data, doc.text, where=str(path)), candidates, doc.text
        )
        results.append(
            DocumentResult(
                identifier, len(doc.text), mention_scores, statement_scores, t1 - t0, t2 - t1
            )
        )
        say(f"{identifier}: {len(doc.text):,} characters in {t2 - t1:.2f} s")
    return Evaluation(
        results,
        sum((r.mentions for r in results), MentionScores()),
        micro([r.statements for r in results]),
        startup,
    )


def _figures(mentions: MentionScores, statements: StatementScores) -> dict[str, float]:
    return {
        "mention_precision": round(mentions.precision, 4),
        "mention_recall": round(mentions.recall, 4),
        "mention_f1": round(mentions.f1, 4),
        "linking_accuracy": round(mentions.linking_accuracy, 4),
        "statement_precision": round(statements.precision, 4),
        "statement_recall": round(statements.recall, 4),
    }


def _counts(score: Any) -> dict[str, Any]:
    return {f.name: getattr(score, f.name) for f in dataclasses.fields(score)}


def as_json(result: Evaluation) -> dict[str, Any]:
    """The evaluation as plain data: figures and counts per document and overall."""
    overall = _figures(result.mentions, result.statements)
    return {
        "method": "leave-one-document-out over the curated documents; overall figures "
        "micro-averaged (counts summed over the documents, then the ratios)",
        "targets": TARGETS,
        "overall": {
            **overall,
            "meets_targets": {k: overall[k] >= v for k, v in TARGETS.items()},
            "mention_counts": _counts(result.mentions),
            "statement_counts": _counts(result.statements),
            "pipeline_seconds": round(sum(d.seconds for d in result.documents), 3),
            "characters": sum(d.characters for d in result.documents),
        },
        "documents": [
            {
                "document": d.identifier,
                "characters": d.characters,
                **_figures(d.mentions, d.statements),
                "seconds": round(d.seconds, 3),
                "setup_seconds": round(d.setup_seconds, 3),
                "mention_counts": _counts(d.mentions),
                "statement_counts": _counts(d.statements),
            }
            for d in result.documents
        ],
    }


def as_text(result: Evaluation) -> str:
    """The evaluation as a table: one row a document, then the micro-averaged overall."""
    head = (
        f"{'document':<26} {'chars':>7} {'mention P':>9} {'R':>6} {'F1':>6} "
        f"{'linking':>7} {'stmt P':>7} {'R':>6} {'seconds':>7}"
    )
    lines = [
        "Leave-one-document-out over the curated documents: each document's own aliases",
        "and entities left out of the gazetteer; seconds are the pipeline's on the text",
        "after start-up.",
        "",
        head,
    ]

    def row(name: str, chars: int, m: MentionScores, s: StatementScores, secs: float) -> str:
        f = _figures(m, s)
        return (
            f"{name:<26} {chars:>7,} {f['mention_precision']:>9.3f} {f['mention_recall']:>6.3f} "
            f"{f['mention_f1']:>6.3f} {f['linking_accuracy']:>7.3f} "
            f"{f['statement_precision']:>7.3f} {f['statement_recall']:>6.3f} {secs:>7.2f}"
        )

    for d in result.documents:
        lines.append(row(d.identifier, d.characters, d.mentions, d.statements, d.seconds))
    total_chars = sum(d.characters for d in result.documents)
    total_secs = sum(d.seconds for d in result.documents)
    lines.append(
        row("overall (micro)", total_chars, result.mentions, result.statements, total_secs)
    )
    overall = _figures(result.mentions, result.statements)
    lines.append("")
    verdicts = [
        f"{name.replace('_', ' ')} >= {target} ({'met' if overall[name] >= target else 'not met'})"
        for name, target in TARGETS.items()
    ]
    lines.append("targets: " + "; ".join(verdicts))
    return "\n".join(lines)


def render(result: Evaluation, fmt: str) -> str:
    """The report as text (a table) or JSON."""
    if fmt == "json":
        return json.dumps(as_json(result), indent=2, ensure_ascii=False)
    return as_text(result)


def write(result: Evaluation, out: Path, fmt: str) -> None:
    """Write the report to ``out``: JSON when its name ends in .json, else ``fmt``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = render(result, "json" if out.suffix == ".json" else fmt)
    out.write_text(text + "\n", encoding="utf-8")
