"""Read and check the curated records in data/curated/*.yaml.

Every field is checked against the record format (graph/curated/schema.py); every
quote must occur verbatim in its document; every date must parse; every reference
must name an organisation of the reference landscape (ODS or ONS code), a curated
entity (by key, in any file) or a change event. Errors name file, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nhskg.graph.curated.schema import (
    ALIAS_FIELDS,
    COMMON,
    ENTITY_FIELDS,
    ENTITY_KINDS,
    STATEMENTS,
    FieldSpec,
)
from nhskg.graph.curated.sources import Quote, SourceDocument, load_sources
from nhskg.graph.curated.yamlio import CuratedFileError, fields, line_of, load_with_lines
from nhskg.graph.dates import DateError, VagueDate, parse_date
from nhskg.graph.mint import CURATED_KEY, ODS_CODE, ONS_CODE

DURATION = re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
BASES = ("stated", "resolved")
SECTIONS = ("document", "entities", "aliases", "statements", "excluded")
# Files beside the curated ones that hold machine proposals (``nhskg ingest``) and the
# proposals a person rejected: never loaded, so nothing proposed is built until accepted.
PROPOSAL_SUFFIXES = (".candidates.yaml", ".rejected.yaml")


@dataclass
class Record:
    """One entity, alias or statement, parsed and checked."""

    section: str  # entity | alias | statement
    type: str  # statement type, entity kind, or "alias"
    document: SourceDocument
    path: Path
    line: int
    values: dict[str, Any]
    quotes: list[Quote]
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, name: str | None = None) -> str:
        line = self.lines.get(name, self.line) if name else self.line
        return f"{self.path}:{line}" + (f": field '{name}'" if name else "")

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass
class Exclusion:
    """A sentence of a document that carries no fact (a heading, a form label), and why."""

    document: SourceDocument
    path: Path
    line: int
    quote: Quote
    reason: str
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, name: str | None = None) -> str:
        line = self.lines.get(name, self.line) if name else self.line
        return f"{self.path}:{line}" + (f": field '{name}'" if name else "")


@dataclass
class Curated:
    documents: dict[str, SourceDocument]
    entities: dict[str, list[Record]] = field(default_factory=dict)
    aliases: list[Record] = field(default_factory=list)
    statements: list[Record] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    ids: dict[tuple[Path, str], Record] = field(default_factory=dict)

    def entity_kind(self, key: str) -> str | None:
        records = self.entities.get(key)
        return records[0].type if records else None

    def record_by_ref(self, ref: str) -> Record | None:
        """The statement ``NNN#id`` names: the record with that id in the file of the
        document whose number is NNN (its file name up to the first underscore)."""
        number, _, key = ref.partition("#")
        for (_path, record_id), record in self.ids.items():
            if record_id == key and record.document.stem.split("_", 1)[0] == number:
                return record
        return None


@dataclass
class Context:
    """What references may name: organisation codes of the landscape, change events, rows."""

    org_codes: set[str]
    ons_to_org: dict[str, str]
    changes: set[str]  # "YYYY-MM-DD/CODE"
    concepts: dict[str, set[str]]  # scheme -> keys
    dataset_rows: dict[str, list[str]]  # dataset id -> lines of its file (1-based by index+1)
    # code -> (the last day it existed, "YYYY-MM-DD/CODE" of the change that closed it)
    closures: dict[str, tuple[dt.date, str | None]] = field(default_factory=dict)


def _parse_value(spec: FieldSpec, value: Any, where: str, ctx: Context) -> Any:
    kind = spec.kind
    if kind == "quotes":
        return _quotes(value, where)
    if kind in ("refs", "texts"):
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(i, (dict, list)) or i in (None, "") for i in items):
            raise CuratedFileError(f"{where}: expected a word or a list of words")
        return [str(i) for i in items]
    if kind == "quantity":
        return _quantity(value, where)
    if isinstance(value, (dict, list)):
        if kind == "rows":
            return _rows(value, where, ctx)
        raise CuratedFileError(f"{where}: expected a single value, not a {type(value).__name__}")
    text = str(value)
    if kind in ("ref", "text"):
        if not text.strip():
            raise CuratedFileError(f"{where}: is empty")
        return " ".join(text.split()) if kind == "text" else text
    if kind == "date":
        try:
            return parse_date(text)
        except DateError as exc:
            raise CuratedFileError(f"{where}: {exc}") from None
    if kind == "duration":
        if not DURATION.match(text):
            raise CuratedFileError(f"{where}: not an ISO 8601 duration such as P5Y: {text!r}")
        return text
    if kind == "decimal":
        if not DECIMAL.match(text):
            raise CuratedFileError(
                f"{where}: not a plain number (write 39000000, not £39m): {text!r}"
            )
        return text
    if kind == "integer":
        if not re.fullmatch(r"\d+", text):
            raise CuratedFileError(f"{where}: not a whole number: {text!r}")
        return int(text)
    if kind in ctx.concepts:
        if text not in ctx.concepts[kind]:
            options = ", ".join(sorted(ctx.concepts[kind]))
            raise CuratedFileError(f"{where}: unknown {kind} {text!r} (one of: {options})")
        return text
    if kind == "rows":
        return _rows(value, where, ctx)
    raise AssertionError(f"unhandled field kind {kind}")


QUANTITY_KEYS = ("value", "min", "max", "text")


def _quantity(value: Any, where: str) -> dict[str, str]:
    """A number of people: {value: N} or {min: N} and/or {max: N}, with text: the words."""
    if not isinstance(value, dict) or set(fields(value)) - set(QUANTITY_KEYS):
        raise CuratedFileError(
            f"{where}: expected {{value: N, text: ...}} or {{min: N, max: N, text: ...}}"
        )
    out = {k: str(value[k]) for k in QUANTITY_KEYS if k in fields(value)}
    numbers = [k for k in ("value", "min", "max") if k in out]
    if not numbers or ("value" in out and len(numbers) > 1) or not out.get("text", "").strip():
        raise CuratedFileError(
            f"{where}: give value, or min and/or max, and the document's words as text"
        )
    for k in numbers:
        if not DECIMAL.match(out[k]):
            raise CuratedFileError(f"{where}: {k} is not a plain number: {out[k]!r}")
    out["text"] = " ".join(out["text"].split())
    return out


def _quotes(value: Any, where: str) -> list[tuple[str, int | None]]:
    """Quotes as (text, occurrence): strings, or {text: ..., occurrence: N} for a repeated one."""
    items = value if isinstance(value, list) else [value]
    out: list[tuple[str, int | None]] = []
    for item in items:
        if isinstance(item, dict):
            text, occurrence = item.get("text"), str(item.get("occurrence", ""))
            if not text or not occurrence.isdigit() or set(fields(item)) - {"text", "occurrence"}:
                raise CuratedFileError(
                    f"{where}: a quote entry is a string or {{text: ..., occurrence: N}}"
                )
            out.append((str(text), int(occurrence)))
        elif isinstance(item, list) or item in (None, ""):
            raise CuratedFileError(f"{where}: expected a quote or a list of quotes")
        else:
            out.append((str(item), None))
    return out


def _rows(value: Any, where: str, ctx: Context) -> list[tuple[str, int, str]]:
    """Dataset rows, each given as {dataset: ID, row: N} or {dataset: ID, code: CODE}."""
    items = value if isinstance(value, list) else [value]
    rows = []
    for item in items:
        if not isinstance(item, dict) or "dataset" not in item or not ({"row", "code"} & set(item)):
            raise CuratedFileError(
                f"{where}: expected {{dataset: ID, row: N}} or {{dataset: ID, code: CODE}} entries"
            )
        dataset = str(item["dataset"])
        if dataset not in ctx.dataset_rows:
            raise CuratedFileError(f"{where}: unknown dataset {dataset!r}")
        lines = ctx.dataset_rows[dataset]
        if "code" in item:
            code = str(item["code"])
            found = [
                i + 1
                for i, line in enumerate(lines)
                if code in (f.strip().strip('"') for f in line.split(","))
            ]
            if len(found) != 1:
                raise CuratedFileError(
                    f"{where}: code {code!r} is on {len(found)} rows of {dataset}, "
                    "not one; give row: N"
                )
            number = found[0]
        else:
            row = str(item["row"])
            if not row.isdigit() or not 1 <= int(row) <= len(lines):
                raise CuratedFileError(f"{where}: dataset {dataset} has no row {row}")
            number = int(row)
        rows.append((dataset, number, lines[number - 1]))
    return rows


def _record(
    section: str,
    rtype: str,
    raw: dict[str, Any],
    specs: dict[str, FieldSpec],
    doc: SourceDocument,
    path: Path,
    ctx: Context,
) -> Record:
    where = f"{path}:{line_of(raw)}"
    values: dict[str, Any] = {}
    for name in fields(raw):
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs))
            raise CuratedFileError(
                f"{path}:{line_of(raw, name)}: unknown field '{name}' for {rtype} (fields: {known})"
            )
        values[name] = _parse_value(
            spec, raw[name], f"{path}:{line_of(raw, name)}: field '{name}'", ctx
        )
    for name, spec in specs.items():
        if spec.required and name not in values:
            raise CuratedFileError(f"{where}: {rtype} needs field '{name}'")
        if name not in values and spec.default is not None:
            values[name] = spec.default
    occurrence = values.get("occurrence")
    quotes = [
        doc.find(
            q, occurrence=n or occurrence, where=f"{path}:{line_of(raw, 'quote')}: field 'quote'"
        )
        for q, n in values["quote"]
    ]
    return Record(section, rtype, doc, path, line_of(raw), values, quotes, dict(raw["__lines__"]))


def _load_file(path: Path, docs: dict[str, SourceDocument], ctx: Context, curated: Curated) -> None:
    data = load_with_lines(path)
    if not isinstance(data, dict):
        raise CuratedFileError(
            f"{path}: expected a mapping with 'document', 'entities', 'aliases', 'statements'"
        )
    unknown = sorted(set(fields(data)) - set(SECTIONS))
    if unknown:
        raise CuratedFileError(
            f"{path}:{line_of(data, unknown[0])}: unknown section '{unknown[0]}'"
        )
    identifier = data.get("document")
    if identifier not in docs:
        raise CuratedFileError(
            f"{path}:{line_of(data, 'document')}: field 'document': "
            f"no source document {identifier!r}"
        )
    doc = docs[identifier]
    for raw in data.get("entities") or []:
        kind = str(raw.get("kind", ""))
        if kind not in ENTITY_KINDS and kind not in ctx.concepts["orgtype"]:
            raise CuratedFileError(
                f"{path}:{line_of(raw, 'kind')}: field 'kind': {kind!r} is not an "
                f"organisation type or one of {', '.join(ENTITY_KINDS)}"
            )
        record = _record("entity", kind, raw, ENTITY_FIELDS, doc, path, ctx)
        key = record.get("key")
        if not CURATED_KEY.match(key):
            raise CuratedFileError(
                f"{record.where('key')}: keys are lower-case words with hyphens: {key!r}"
            )
        _check_code(record, ctx)
        others = curated.entities.setdefault(key, [])
        if others and others[0].type != kind:
            raise CuratedFileError(
                f"{record.where('kind')}: {key} is a {others[0].type} in {others[0].where()}"
            )
        others.append(record)
    for raw in data.get("aliases") or []:
        curated.aliases.append(_record("alias", "alias", raw, ALIAS_FIELDS, doc, path, ctx))
    ids: dict[str, Record] = {}
    for raw in data.get("statements") or []:
        rtype = str(raw.get("type", ""))
        spec = STATEMENTS.get(rtype)
        if spec is None:
            raise CuratedFileError(
                f"{path}:{line_of(raw, 'type') or line_of(raw)}: field 'type': "
                f"{rtype!r} is not one of {', '.join(STATEMENTS)}"
            )
        raw = {k: v for k, v in raw.items() if k != "type"}
        raw["__lines__"] = {k: v for k, v in raw["__lines__"].items() if k != "type"}
        record = _record("statement", rtype, raw, {**COMMON, **spec.fields}, doc, path, ctx)
        _check_basis(record, ids)
        if record.get("id"):
            if record.get("id") in ids:
                raise CuratedFileError(
                    f"{record.where('id')}: id {record.get('id')!r} used twice in this file"
                )
            ids[record.get("id")] = record
            curated.ids[(path, record.get("id"))] = record
        curated.statements.append(record)
    for raw in data.get("excluded") or []:
        curated.exclusions.append(_exclusion(raw, doc, path))
    curated.files.append(path)


def _exclusion(raw: Any, doc: SourceDocument, path: Path) -> Exclusion:
    """An entry of ``excluded``: {quote: the sentence verbatim, reason: why, occurrence: N}."""
    if not isinstance(raw, dict):
        raise CuratedFileError(f"{path}: 'excluded' entries are {{quote: ..., reason: ...}}")
    unknown = sorted(set(fields(raw)) - {"quote", "reason", "occurrence"})
    if unknown:
        raise CuratedFileError(
            f"{path}:{line_of(raw, unknown[0])}: unknown field '{unknown[0]}' for an exclusion "
            "(fields: occurrence, quote, reason)"
        )
    for name in ("quote", "reason"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise CuratedFileError(
                f"{path}:{line_of(raw, name)}: an exclusion needs field '{name}'"
            )
    occurrence = str(raw.get("occurrence", ""))
    if occurrence and not occurrence.isdigit():
        raise CuratedFileError(
            f"{path}:{line_of(raw, 'occurrence')}: field 'occurrence': not a whole number"
        )
    where = f"{path}:{line_of(raw, 'quote')}: field 'quote'"
    quote = doc.find(raw["quote"], occurrence=int(occurrence) if occurrence else None, where=where)
    return Exclusion(
        doc, path, line_of(raw), quote, " ".join(raw["reason"].split()), dict(raw["__lines__"])
    )


def _check_code(record: Record, ctx: Context) -> None:
    """An entity's own code: an ONS or ODS code the landscape lacks, found in a cited row."""
    code = record.get("code")
    if code is None:
        if record.get("reasoning") and not record.get("reference"):
            raise CuratedFileError(f"{record.where('reasoning')}: reasoning cites 'reference' rows")
        return
    if record.type in ENTITY_KINDS or not (ODS_CODE.match(code) or ONS_CODE.match(code)):
        raise CuratedFileError(
            f"{record.where('code')}: an organisation's ONS or ODS code, not {code!r}"
        )
    if code in ctx.org_codes or code in ctx.ons_to_org:
        raise CuratedFileError(
            f"{record.where('code')}: {code} is in the reference landscape; name it by code"
        )
    rows = record.get("reference") or []
    if not any(code in (f.strip().strip('"') for f in text.split(",")) for _, _, text in rows):
        raise CuratedFileError(
            f"{record.where('code')}: cite a 'reference' row that gives the code {code}"
        )


def _check_basis(record: Record, ids: dict[str, Record]) -> None:
    basis = record.get("basis")
    if basis not in BASES:
        raise CuratedFileError(
            f"{record.where('basis')}: basis is 'stated' or 'resolved', not {basis!r}"
        )
    if basis == "resolved":
        origin = record.get("resolved_from")
        if not origin:
            raise CuratedFileError(
                f"{record.where()}: a resolved record needs 'resolved_from' "
                "(the stated record's id)"
            )
        if origin not in ids:
            raise CuratedFileError(
                f"{record.where('resolved_from')}: "
                f"no earlier record with id {origin!r} in this file"
            )
        if not record.get("reasoning") and not record.get("reference"):
            raise CuratedFileError(
                f"{record.where()}: a resolved record needs 'reasoning' or 'reference' (or both)"
            )
    elif record.get("resolved_from") or record.get("reasoning"):
        raise CuratedFileError(
            f"{record.where()}: 'resolved_from' and 'reasoning' belong to resolved records"
        )


def ref_target(value: str, curated: Curated, ctx: Context, path: Path | None = None) -> str | None:
    """What a reference names: 'org:KEY', 'entity:KEY', 'change:DATE/CODE', 'statement:ID'
    (a statement of the file at ``path``), 'record:NNN#ID' (a statement of the file of
    document NNN), or None if nothing."""
    if value.startswith("#"):
        return f"statement:{value[1:]}" if path and (path, value[1:]) in curated.ids else None
    if re.fullmatch(r"\d+#[^#\s]+", value):
        return f"record:{value}" if curated.record_by_ref(value) is not None else None
    if value.startswith("change:"):
        return value if value[len("change:") :] in ctx.changes else None
    if value in curated.entities:
        return f"entity:{value}"
    if value in ctx.org_codes:
        return f"org:{value}"
    if value in ctx.ons_to_org:
        return f"org:{ctx.ons_to_org[value]}"
    return None


def _check_refs(curated: Curated, ctx: Context) -> None:
    records = (
        [r for rs in curated.entities.values() for r in rs] + curated.aliases + curated.statements
    )
    for record in records:
        specs = (
            {**COMMON, **STATEMENTS[record.type].fields}
            if record.section == "statement"
            else (ENTITY_FIELDS if record.section == "entity" else ALIAS_FIELDS)
        )
        for name, value in record.values.items():
            spec = specs[name]
            if spec.kind not in ("ref", "refs"):
                continue
            for item in value if isinstance(value, list) else [value]:
                if ref_target(item, curated, ctx, record.path) is None:
                    raise CuratedFileError(
                        f"{record.where(name)}: unknown organisation or entity {item!r} "
                        "(use an ODS code, an ONS code, the key of a curated entity, "
                        "#id of a statement in this file, or NNN#id of a statement in "
                        "the file of document NNN)"
                    )


def curated_files(curated_dir: Path) -> list[Path]:
    """The curated files of a folder, sorted: its *.yaml files but the proposal files."""
    return sorted(p for p in curated_dir.glob("*.yaml") if not p.name.endswith(PROPOSAL_SUFFIXES))


def load_curated(sources_dir: Path, curated_dir: Path, ctx: Context) -> Curated:
    docs = load_sources(sources_dir)
    curated = Curated(docs)
    for path in curated_files(curated_dir):
        _load_file(path, docs, ctx, curated)
    _check_refs(curated, ctx)
    for doc in docs.values():
        for value in (
            ([doc.publisher] if doc.publisher else []) + doc.concerns + doc.authors + doc.sponsors
        ):
            if ref_target(value, curated, ctx) is None:
                raise CuratedFileError(
                    f"{sources_dir / 'documents.yaml'}:{doc.meta_line}: "
                    f"unknown organisation {value!r}"
                )
    return curated


def vague(value: Any) -> VagueDate | None:
    return value if isinstance(value, VagueDate) else None
