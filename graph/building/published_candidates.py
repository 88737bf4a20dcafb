"""Publish each document's candidates for the read-only candidates page.

A build reads the candidates files beside the curated ones (data/curated/
``<stem>.candidates.yaml``, written by ``nhskg ingest``) and writes, into the build's
folder, ``candidates/<stem>.json`` for each document with candidates (the document's
text, and each candidate's key, section, kind, confidence, why, offsets, quote, record
and alternatives) and ``candidates/index.json`` (how many each document has). Nothing
in them enters the graph: the page shows them as proposals, and only ``nhskg review``
moves a record into the curated data. A candidates file that cannot be read, or whose
document has no stored text, is left out with a message; a candidate whose offsets fall
outside the text is left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.ingest.candidates_file import CANDIDATES_SUFFIX, kind_of, read_candidates_file
from nhskg.graph.ingest.model import Candidate
from nhskg.graph.ingest.yaml_text import mapping_lines

FOLDER = "candidates"
INDEX = "index.json"


def _plain(value: Any) -> Any:
    """A record's values as JSON: dates and other scalars as their text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def summary(candidate: Candidate) -> str:
    """One line saying what the record proposes: its label or name, an alias and what it
    names, or else its fields but the quote (``member: 06F · organization: QHG``)."""
    record = candidate.record
    if candidate.section == "aliases":
        return f"“{record.get('alias', '')}” for {record.get('org', '')}"
    for name in ("label", "name"):
        if record.get(name):
            return str(record[name])
    shown = [
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in record.items()
        if k not in ("type", "id", "quote", "occurrence") and not isinstance(v, dict)
    ]
    return " · ".join(shown)


def _entry(candidate: Candidate, text: str) -> dict[str, Any]:
    return {
        "key": candidate.key,
        "section": candidate.section,
        "kind": kind_of(candidate),
        "confidence": candidate.confidence,
        "why": candidate.why,
        "summary": summary(candidate),
        "start": candidate.start,
        "end": candidate.end,
        "quote": text[candidate.start : candidate.end],
        "record": _plain(candidate.record),
        "recordYaml": "\n".join(mapping_lines(candidate.record)),
        "alternatives": _plain(candidate.extra.get("alternatives") or []),
        "extra": _plain({k: v for k, v in candidate.extra.items() if k != "alternatives"}),
    }


def document_candidates(path: Path, sources_dir: Path) -> tuple[dict[str, Any], int]:
    """What the page needs of one candidates file, and how many candidates were left out
    because their offsets are not in the document's text."""
    data = read_candidates_file(path)
    source = sources_dir / data.document
    if not source.is_file():
        raise CuratedFileError(f"{path}: no stored text {source} for document {data.document!r}")
    text = source.read_text(encoding="utf-8")
    fits = [c for c in data.candidates if 0 <= c.start < c.end <= len(text)]
    ordered = sorted(fits, key=lambda c: (c.start, c.end, c.key))
    return {
        "document": data.document,
        "file": path.name,
        "review": f"nhskg review {path.name}",
        "text": text,
        "candidates": [_entry(c, text) for c in ordered],
    }, len(data.candidates) - len(fits)


def publish_candidates(
    curated_dir: Path, sources_dir: Path, folder: Path, progress: Callable[[str], None]
) -> int:
    """Write ``folder``/candidates/ from every candidates file; the candidates published."""
    out = folder / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, int] = {}
    paths = sorted(curated_dir.glob(f"*{CANDIDATES_SUFFIX}")) if curated_dir.is_dir() else []
    for path in paths:
        try:
            page, misplaced = document_candidates(path, sources_dir)
        except CuratedFileError as exc:
            progress(f"  {'candidates':<10} left out: {exc}")
            continue
        if misplaced:
            progress(
                f"  {'candidates':<10} {path.name}: {misplaced} left out, their offsets are "
                "not in the document's text"
            )
        if not page["candidates"]:
            continue
        stem = path.name.removesuffix(CANDIDATES_SUFFIX)
        (out / f"{stem}.json").write_text(
            json.dumps(page, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        index[page["document"]] = len(page["candidates"])
    (out / INDEX).write_text(json.dumps(index, sort_keys=True, indent=1), encoding="utf-8")
    total = sum(index.values())
    if paths:
        progress(
            f"  {'candidates':<10} {total} proposed records of {len(index)} documents "
            "published for the candidates pages (none of them built)"
        )
    return total
