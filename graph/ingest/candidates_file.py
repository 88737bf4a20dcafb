"""The candidates file of a document and the file of its rejected candidates.

Beside a document's curated file ``<stem>.yaml`` in data/curated/, ingest writes
``<stem>.candidates.yaml``: the records it proposes, in the curated format (``document``,
``entities``, ``aliases``, ``statements``), each with a ``candidate`` block saying its key,
confidence, why it was proposed, the offsets of its quote in the text and anything more
(``alternatives`` for an ambiguous link). The curated loader skips the file: nothing in it
is built until a person accepts it (``nhskg review``), which moves the record, without
its block, into the curated file. ``<stem>.rejected.yaml`` remembers what a person
rejected, by key, so that ingesting the document again does not propose it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nhskg.graph.curated.loader import PROPOSAL_SUFFIXES, curated_files
from nhskg.graph.curated.yamlio import (
    LINE,
    LINES,
    SAFE_LOADER,
    CuratedFileError,
    line_of,
    load_with_lines,
)
from nhskg.graph.ingest.model import Candidate, candidate_key
from nhskg.graph.ingest.yaml_text import list_item, scalar

SECTIONS = ("entities", "aliases", "statements")
CANDIDATES_SUFFIX, REJECTED_SUFFIX = PROPOSAL_SUFFIXES
BLOCK = "candidate"
BLOCK_FIELDS = ("key", "confidence", "why", "offsets")


def _stem(identifier: str) -> str:
    return Path(identifier).name.rsplit(".", 1)[0]


def curated_path(curated_dir: Path, identifier: str) -> Path:
    """The document's curated file: ``<stem>.yaml`` (the document's file name without its
    extension)."""
    return curated_dir / f"{_stem(identifier)}.yaml"


def candidates_path(curated_dir: Path, identifier: str) -> Path:
    """The document's candidates file: ``<stem>.candidates.yaml``."""
    return curated_dir / f"{_stem(identifier)}{CANDIDATES_SUFFIX}"


def rejections_path(curated_dir: Path, identifier: str) -> Path:
    """The document's rejected candidates: ``<stem>.rejected.yaml``."""
    return curated_dir / f"{_stem(identifier)}{REJECTED_SUFFIX}"


def is_proposal_file(path: Path) -> bool:
    """A candidates or rejections file, which the curated loader leaves alone."""
    return path.name.endswith(PROPOSAL_SUFFIXES)


def siblings(path: Path) -> tuple[Path, Path]:
    """The curated file and the rejections file beside a candidates file."""
    if not path.name.endswith(CANDIDATES_SUFFIX):
        raise CuratedFileError(f"{path}: a candidates file's name ends in {CANDIDATES_SUFFIX}")
    stem = path.name.removesuffix(CANDIDATES_SUFFIX)
    return path.with_name(f"{stem}.yaml"), path.with_name(f"{stem}{REJECTED_SUFFIX}")


# --- comparing records ---------------------------------------------------------------------


def as_text(value: Any) -> Any:
    """A record as the curated loader reads it: every scalar as its text, a list of one
    item as the item (``quote: X`` and ``quote: [X]`` say the same)."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items() if k not in (LINE, LINES, BLOCK)}
    if isinstance(value, (list, tuple)):
        items = [as_text(v) for v in value]
        return items[0] if len(items) == 1 and not isinstance(items[0], (dict, list)) else items
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value) if not isinstance(value, float) else repr(value)


def record_key(section: str, record: dict[str, Any]) -> str:
    """The key of a record as written (its ``candidate`` block left out), however its
    scalars are typed: a record read from a curated file and the same record proposed
    have the same key."""
    return candidate_key(section, as_text(record))


def kind_of(candidate: Candidate) -> str:
    """What a candidate proposes: a statement's type, an entity's kind, or ``alias``."""
    record = candidate.record
    one = {"entities": "entity", "aliases": "alias", "statements": "statement"}
    return str(record.get("type") or record.get("kind") or one.get(candidate.section, ""))


def key_of(candidate: Candidate) -> str:
    """The candidate's own key, or the key of its record when it has none."""
    return candidate.key or record_key(candidate.section, candidate.record)


def curated_keys(curated_file: Path) -> set[str]:
    """The record keys of a curated file (empty when there is none): what is accepted."""
    if not curated_file.is_file():
        return set()
    data = load_with_lines(curated_file)
    if not isinstance(data, dict):
        return set()
    return {
        record_key(section, raw)
        for section in SECTIONS
        for raw in data.get(section) or []
        if isinstance(raw, dict)
    }


def entity_keys(curated_dir: Path) -> set[str]:
    """The entity keys the curated files of ``curated_dir`` define (none for no folder)."""
    keys: set[str] = set()
    for path in curated_files(curated_dir) if curated_dir.is_dir() else []:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        except yaml.YAMLError as exc:
            raise CuratedFileError(f"{path}: not valid YAML: {exc}") from None
        for record in data.get("entities") or [] if isinstance(data, dict) else []:
            if isinstance(record, dict) and record.get("key"):
                keys.add(str(record["key"]))
    return keys


# --- the candidates file -------------------------------------------------------------------


def _header(path: Path, identifier: str, header: str) -> list[str]:
    stem = _stem(identifier)
    lines = [
        f"Candidate records for {identifier}, proposed by `nhskg ingest`.",
        "These are machine proposals: none of them is built until a person accepts it.",
        f"Review them one by one: nhskg review {path.name}",
        "(a path, or a file name in data/curated/). Accept moves a record, without its",
        f"candidate block, into {stem}.yaml; edit changes it first; reject",
        f"remembers it in {stem}{REJECTED_SUFFIX}, so that it is not proposed",
        "again. Each candidate block says how sure the machine is (confidence, 0 to 1),",
        "why it proposed the record, and where its quote is in the text (offsets: the",
        "first character and one past the last).",
    ]
    if header.strip():
        lines += ["", *header.strip().splitlines()]
    return [f"# {line}".rstrip() for line in lines]


def _entry(candidate: Candidate, key: str) -> dict[str, Any]:
    block: dict[str, Any] = {
        "key": key,
        "confidence": candidate.confidence,
        "why": candidate.why,
        "offsets": [candidate.start, candidate.end],
    }
    for name in sorted(candidate.extra):
        if name in BLOCK_FIELDS:
            raise ValueError(f"candidate {key}: extra field {name!r} would hide the block's own")
        block[name] = candidate.extra[name]
    record = {k: v for k, v in candidate.record.items() if k != BLOCK}
    return {**record, BLOCK: block}


def render_candidates(
    path: Path,
    identifier: str,
    candidates: list[Candidate],
    *,
    header: str = "",
    leave_out: Collection[str] = (),
) -> tuple[str, int]:
    """The text of a candidates file and how many candidates it holds: each section's
    candidates sorted by offsets then key, one per key, those in ``leave_out`` left out."""
    by_section: dict[str, dict[str, Candidate]] = {s: {} for s in SECTIONS}
    for candidate in sorted(candidates, key=lambda c: (c.start, c.end, key_of(c))):
        if candidate.section not in by_section:
            raise ValueError(
                f"candidate {key_of(candidate)}: section {candidate.section!r} "
                f"is not one of {', '.join(SECTIONS)}"
            )
        key = key_of(candidate)
        if key in leave_out or record_key(candidate.section, candidate.record) in leave_out:
            continue
        by_section[candidate.section].setdefault(key, candidate)
    lines = [*_header(path, identifier, header), "", f"document: {scalar(identifier)}"]
    count = 0
    if not any(by_section.values()):
        lines += ["", "# No candidates are left to review."]
    for section in SECTIONS:
        chosen = by_section[section]
        if not chosen:
            continue
        lines += ["", f"{section}:"]
        for n, (key, candidate) in enumerate(chosen.items()):
            if n:
                lines.append("")
            lines.append(list_item(_entry(candidate, key)).rstrip("\n"))
            count += 1
    return "\n".join(lines) + "\n", count


def write_candidates(
    path: Path, identifier: str, candidates: list[Candidate], *, header: str = ""
) -> int:
    """Write the document's candidates file; return how many candidates it holds.

    Candidates already rejected (their key, or their record's, in the rejections file
    beside it) and already accepted (the same record in the curated file beside it) are
    left out. The same candidates give the same file, byte for byte.
    """
    curated_file, rejected_file = siblings(path)
    rejected = read_rejections(rejected_file)
    leave_out = set(rejected) | curated_keys(curated_file)
    leave_out |= {record_key(r.section, r.record) for r in rejected.values()}
    text, count = render_candidates(
        path, identifier, candidates, header=header, leave_out=leave_out
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return count


@dataclass
class CandidatesFile:
    """A candidates file read back: the document it is about and its candidates."""

    path: Path
    document: str
    candidates: list[Candidate]

    def find(self, key: str) -> Candidate:
        """The candidate with this key (or the only one whose key starts with it)."""
        found = [c for c in self.candidates if c.key == key] or [
            c for c in self.candidates if key and c.key.startswith(key)
        ]
        if len(found) != 1:
            what = "no candidate" if not found else f"{len(found)} candidates"
            raise CuratedFileError(f"{self.path}: {what} with key {key!r}")
        return found[0]


def _typed(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:  # load_with_lines has reported syntax errors already
        raise CuratedFileError(f"{path}: not valid YAML: {exc}") from None


def read_candidates_file(path: Path) -> CandidatesFile:
    """Read a candidates file; errors name the file, line and field."""
    lined = load_with_lines(path)
    typed = _typed(path, path.read_text(encoding="utf-8"))
    if not isinstance(lined, dict) or not isinstance(typed, dict) or "document" not in typed:
        raise CuratedFileError(f"{path}: expected a mapping with 'document' and sections")
    unknown = sorted(set(typed) - {"document", *SECTIONS})
    if unknown:
        raise CuratedFileError(
            f"{path}:{line_of(lined, unknown[0])}: unknown section {unknown[0]!r}"
        )
    out: list[Candidate] = []
    for section in SECTIONS:
        raws, lines = typed.get(section) or [], lined.get(section) or []
        if not isinstance(raws, list):
            raise CuratedFileError(f"{path}:{line_of(lined, section)}: '{section}' is a list")
        for raw, where in zip(raws, lines, strict=True):
            out.append(_candidate(path, section, raw, where))
    return CandidatesFile(path, str(typed["document"]), out)


def _candidate(path: Path, section: str, raw: Any, lined: Any) -> Candidate:
    if not isinstance(raw, dict):
        raise CuratedFileError(
            f"{path}:{line_of(lined) if isinstance(lined, dict) else 0}: "
            f"an entry of '{section}' is a mapping"
        )
    block = raw.get(BLOCK)
    where = f"{path}:{line_of(lined, BLOCK) or line_of(lined)}: field '{BLOCK}'"
    if not isinstance(block, dict):
        raise CuratedFileError(
            f"{where}: each record has a candidate block ({', '.join(BLOCK_FIELDS)})"
        )
    missing = [name for name in BLOCK_FIELDS if name not in block]
    if missing:
        raise CuratedFileError(f"{where}: needs {', '.join(missing)}")
    offsets = block["offsets"]
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
    ):
        raise CuratedFileError(f"{where}: offsets are [start, end], two whole numbers")
    confidence = block["confidence"]
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise CuratedFileError(f"{where}: confidence is a number from 0 to 1")
    return Candidate(
        section=section,
        record={k: v for k, v in raw.items() if k != BLOCK},
        start=offsets[0],
        end=offsets[1],
        confidence=float(confidence),
        why=str(block["why"]),
        key=str(block["key"]),
        extra={k: v for k, v in block.items() if k not in BLOCK_FIELDS},
    )


def read_candidates(path: Path) -> list[Candidate]:
    """The candidates of a candidates file, in the file's order."""
    return read_candidates_file(path).candidates


def remove_candidate(path: Path, key: str) -> None:
    """Rewrite the candidates file without the candidate of this key (its header kept)."""
    data = read_candidates_file(path)
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    kept = [c for c in data.candidates if c.key != key]
    if len(kept) == len(data.candidates):
        raise CuratedFileError(f"{path}: no candidate with key {key!r}")
    body, _ = render_candidates(path, data.document, kept)
    body_lines = body.splitlines()
    while body_lines and body_lines[0].startswith("#"):
        body_lines.pop(0)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(header + body_lines) + "\n", encoding="utf-8")
    tmp.replace(path)


# --- the rejections file -------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    """A candidate a person rejected: its key, section, record and the reason given."""

    key: str
    section: str
    record: dict[str, Any]
    reason: str


def read_rejections(path: Path) -> dict[str, Rejection]:
    """The rejected candidates of a rejections file by key (none when there is no file)."""
    if not path.is_file():
        return {}
    lined = load_with_lines(path)
    typed = _typed(path, path.read_text(encoding="utf-8"))
    if not isinstance(typed, dict):
        raise CuratedFileError(f"{path}: expected a mapping with 'document' and 'rejected'")
    out: dict[str, Rejection] = {}
    for raw, where in zip(typed.get("rejected") or [], lined.get("rejected") or [], strict=True):
        if not isinstance(raw, dict) or not raw.get("key") or raw.get("section") not in SECTIONS:
            raise CuratedFileError(
                f"{path}:{line_of(where) if isinstance(where, dict) else 0}: a rejection "
                f"names key, section (one of {', '.join(SECTIONS)}), record and reason"
            )
        key = str(raw["key"])
        out[key] = Rejection(
            key, raw["section"], dict(raw.get("record") or {}), str(raw.get("reason") or "")
        )
    return out


def add_rejection(path: Path, identifier: str, candidate: Candidate, reason: str = "") -> None:
    """Remember a rejected candidate: append it to the rejections file (created with its
    header when missing), keeping whatever a person wrote there."""
    if not path.is_file():
        lines = [
            f"# Candidates a person rejected for {identifier}. `nhskg ingest` does not",
            "# propose these again (matched by key, or by the same record).",
            "",
            f"document: {scalar(identifier)}",
            "",
            "rejected:",
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    entry = {
        "key": key_of(candidate),
        "section": candidate.section,
        "reason": " ".join(reason.split()),
        "record": {k: v for k, v in candidate.record.items() if k != BLOCK},
    }
    sep = "" if text.endswith("\n") else "\n"
    with path.open("a", encoding="utf-8") as out:
        out.write(sep + list_item(entry))
