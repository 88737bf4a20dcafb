"""Accept, edit or reject a candidate: what ``nhskg review`` does to the files.

Accepting appends the record, without its candidate block, to the right section of the
document's curated file as YAML text (the file's comments and text are kept; the file
is created with its ``document:`` line when missing) and takes it out of the candidates
file. Before anything is written, the curated data is loaded with the record in place,
as the build loads it (every quote found verbatim and once in the document's text, every
reference known, every field checked); a record the loader refuses is refused with the
loader's message, which names the field. Rejecting records the candidate's key, record
and reason in the rejections file and takes it out of the candidates file. An edited
record that is accepted also leaves its original proposal's key in the rejections file,
so that ingesting the document again does not propose the unedited record.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nhskg.graph.curated.context import build_context
from nhskg.graph.curated.loader import Context, curated_files, load_curated
from nhskg.graph.curated.yamlio import SAFE_LOADER, CuratedFileError
from nhskg.graph.ingest.candidates_file import (
    BLOCK,
    add_rejection,
    curated_keys,
    entity_keys,
    read_candidates_file,
    record_key,
    remove_candidate,
    siblings,
)
from nhskg.graph.ingest.model import Candidate
from nhskg.graph.ingest.yaml_text import list_item, mapping_lines, scalar
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings

CURATED_ORDER = ("document", "entities", "aliases", "statements", "excluded")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
EDITED_REASON = "edited before it was accepted; the edited record is in the curated file"


class RecordRefused(CuratedFileError):
    """A record the curated loader does not accept; the message names file, line, field."""


@dataclass(frozen=True)
class Accepted:
    """Where an accepted record went: the curated file and the line its entry starts on,
    and the keys of the proposed entities accepted with it (those it names)."""

    path: Path
    line: int
    with_entities: tuple[str, ...] = ()


def resolve_file(name: str, settings: Settings) -> Path:
    """A candidates file given as a path, or as a file name in data/curated/."""
    path = Path(name)
    if path.is_file():
        return path
    inside = settings.data / "curated" / path.name
    if path.name == name and inside.is_file():
        return inside
    raise CuratedFileError(f"{name}: no such candidates file (nor in {inside.parent})")


def record_text(record: dict[str, Any]) -> str:
    """The record as it is written in a curated file (its candidate block left out)."""
    return "\n".join(mapping_lines({k: v for k, v in record.items() if k != BLOCK})) + "\n"


def parse_record(text: str, where: str) -> dict[str, Any]:
    """A record a person wrote or edited, as YAML text: a mapping of its fields."""
    try:
        value = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RecordRefused(f"{where}{line}: not valid YAML: {problem}") from None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # written as a list item ("- type: ...")
    if not isinstance(value, dict) or not value:
        raise RecordRefused(f"{where}: expected the record's fields (field: value, one a line)")
    return {str(k): v for k, v in value.items() if k != BLOCK}


# --- appending to a curated file -----------------------------------------------------------


def _sections(lines: list[str]) -> dict[str, int]:
    """The line index of each top-level key of a curated file's text."""
    out: dict[str, int] = {}
    for n, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if match:
            out.setdefault(match.group(1), n)
    return out


def append_record(
    text: str, identifier: str, section: str, record: dict[str, Any]
) -> tuple[str, int]:
    """The curated file's text with ``record`` appended to ``section``, and the 1-based line
    where the new entry starts. Everything else in the text is kept as it was."""
    if not text.strip():
        text = f"document: {scalar(identifier)}\n"
    lines = text.splitlines()
    heads = _sections(lines)
    if section in heads:
        head = heads[section]
        match = _TOP_KEY.match(lines[head])
        assert match is not None
        rest = match.group(2).split("#", 1)[0].strip()
        if rest not in ("", "[]"):
            raise CuratedFileError(
                f"section '{section}' (line {head + 1}) is not a block list; "
                "write its entries one per line, '  - ...'"
            )
        if rest == "[]":
            lines[head] = f"{section}:"
        after = [n for n in heads.values() if n > head]
        stop = min(after) if after else len(lines)
        last = head  # the section's last indented line (comments above the next key stay)
        for n in range(head + 1, stop):
            if lines[n].strip() and lines[n][0] in " \t-":
                last = n
        indent = 2
        for n in range(head + 1, stop):
            item = re.match(r"^(\s*)- ", lines[n])
            if item:
                indent = len(item.group(1))
                break
        entry = list_item(record, indent).rstrip("\n").split("\n")
        gap = [""] if last > head else []
        at = last + 1
        new = lines[:at] + gap + entry + lines[at:]
        return "\n".join(new) + "\n", at + len(gap) + 1
    entry = list_item(record, 2).rstrip("\n").split("\n")
    later = [heads[s] for s in CURATED_ORDER[CURATED_ORDER.index(section) + 1 :] if s in heads]
    at = min(later) if later else len(lines)
    # step back over the blank lines and the comments that head the later section
    while at > 0 and (not lines[at - 1].strip() or (later and lines[at - 1].startswith("#"))):
        at -= 1
    block = ["", f"{section}:", *entry] + ([""] if at < len(lines) and lines[at].strip() else [])
    new = lines[:at] + block + lines[at:]
    return "\n".join(new) + "\n", at + 3


# --- checking a record as the build does ---------------------------------------------------


def load_context(settings: Settings) -> Context:
    """What curated references may name: the landscape's codes, changes and concepts."""
    catalog, land = load_landscape(settings.reference_dir)
    return build_context(catalog, land, settings.ontology_dir)


def check_curated_text(
    curated_dir: Path, curated_file: Path, text: str, settings: Settings, ctx: Context
) -> None:
    """Load the curated data as the build does, with ``curated_file`` holding ``text``;
    raise the loader's error, its scratch paths put back to the real file's."""
    with tempfile.TemporaryDirectory(prefix="nhskg-review-") as scratch:
        folder = Path(scratch)
        for path in curated_files(curated_dir):
            if path.name != curated_file.name:
                shutil.copyfile(path, folder / path.name)
        (folder / curated_file.name).write_text(text, encoding="utf-8")
        try:
            load_curated(settings.data / "sources", folder, ctx)
        except CuratedFileError as exc:
            message = str(exc).replace(str(folder / curated_file.name), str(curated_file))
            raise RecordRefused(message.replace(str(folder), str(curated_dir))) from None


# --- what a record needs -------------------------------------------------------------------


def _strings(value: Any) -> set[str]:
    """Every string in a record's values (refs sit in strings, lists and mappings)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    return set()


def needed_entities(
    candidates: list[Candidate], record: dict[str, Any], defined: set[str]
) -> list[Candidate]:
    """The proposed entities a record names that no curated file defines yet (and those they
    name in turn, a body's part_of): a statement about a proposed board or stated group can
    only be accepted with it. In the order to append them, each before what names it."""
    proposed = {str(c.record.get("key")): c for c in candidates if c.section == "entities"}
    found: list[Candidate] = []
    seen = set(defined)
    todo = sorted(_strings({k: v for k, v in record.items() if k != "key"}))
    while todo:
        ref = todo.pop(0)
        if ref in seen or ref not in proposed:
            continue
        seen.add(ref)
        entity = proposed[ref]
        found.insert(0, entity)
        todo += sorted(_strings({k: v for k, v in entity.record.items() if k != "key"}))
    return found


# --- the actions -----------------------------------------------------------------------------


def accept(
    path: Path,
    key: str,
    settings: Settings,
    *,
    record: dict[str, Any] | None = None,
    ctx: Context | None = None,
) -> Accepted:
    """Move the candidate ``key`` (or ``record``, an edited version of it) into the
    document's curated file, once the curated data loads with it; refuse otherwise. The
    proposed entities it names that no curated file defines are moved with it, first."""
    data = read_candidates_file(path)
    candidate = data.find(key)
    chosen = {k: v for k, v in (record or candidate.record).items() if k != BLOCK}
    curated_file, rejected_file = siblings(path)
    if record_key(candidate.section, chosen) in curated_keys(curated_file):
        raise RecordRefused(f"{curated_file}: already holds this record; nothing to accept")
    before = curated_file.read_text(encoding="utf-8") if curated_file.is_file() else ""
    others = [c for c in data.candidates if c.key != candidate.key]
    needed = needed_entities(others, chosen, entity_keys(path.parent))
    for entity in needed:
        entity_record = {k: v for k, v in entity.record.items() if k != BLOCK}
        before, _ = append_record(before, data.document, entity.section, entity_record)
    text, line = append_record(before, data.document, candidate.section, chosen)
    try:
        check_curated_text(path.parent, curated_file, text, settings, ctx or load_context(settings))
    except RecordRefused as refused:
        raise RecordRefused(
            f"not accepted: {refused} (checked as the build checks it, the record appended "
            f"at line {line})"
        ) from None
    curated_file.write_text(text, encoding="utf-8")
    if record is not None and record_key(candidate.section, chosen) != record_key(
        candidate.section, candidate.record
    ):
        add_rejection(rejected_file, data.document, candidate, EDITED_REASON)
    for done in [candidate, *needed]:
        remove_candidate(path, done.key)
    return Accepted(curated_file, line, tuple(str(e.record.get("key")) for e in needed))


def reject(path: Path, key: str, reason: str = "") -> Candidate:
    """Remember the candidate ``key`` as rejected (with the reason) and take it out."""
    data = read_candidates_file(path)
    candidate = data.find(key)
    _, rejected_file = siblings(path)
    add_rejection(rejected_file, data.document, candidate, reason)
    remove_candidate(path, candidate.key)
    return candidate
