"""The names the mention finder looks for, and who bore each one when.

A :class:`Gazetteer` is built from two sources. The reference landscape gives every
organisation with its recorded names over time (:mod:`name_periods`), its open and
close dates, its organisation types and the change events that succeeded it; each
recorded name also yields the forms writers use for it ("NHS Luton CCG" is also "Luton
CCG" and "Luton Clinical Commissioning Group"; "East London NHS Foundation Trust" is
also "East London Foundation Trust"), each form carrying the period of the name it
comes from, and the initials of the name's distinctive words ("BLMK"). The curated
records (data/curated/*.yaml) give the aliases curators tied to organisations and the
bodies they introduced (boards, programme offices, forums...), except the records of
the documents named in ``exclude``: the leave-one-document-out evaluation takes each
document's own records away from what the pipeline may use.

Names of people, sites and papers are kept apart (:attr:`Gazetteer.other_names`): they
are not organisations, and the finder must not take them for one.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import RdfFormat, parse

from nhskg.graph.ingest.name_forms import (
    COMMON_ABBREVIATIONS,
    JOINING_WORDS,
    WORDS,
    and_variants,
    clean,
    initials,
    name_forms,
)
from nhskg.graph.namespaces import SKOS
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.reference.model import Landscape, Organisation
from nhskg.graph.reference.name_periods import name_periods
from nhskg.graph.settings import Settings

# Entity kinds of the curated format that are not organisations (see curated/schema.py).
NOT_ORGANISATION_KINDS = frozenset({"person", "site", "stated-group", "business-case", "paper"})

# Kinds of curated bodies that are national: a name of one is its name anywhere. Other
# bodies (boards, forums, senates, Healthwatch...) are local to the area they serve.
NATIONAL_KINDS = frozenset({"nhs-england", "regulator", "national-body"})

_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Form:
    """Words that name ``ref``: where they come from and when the name was borne.

    ``source`` is ``name`` (a recorded reference name or a form of it), ``initials`` (the
    initials of a recorded name), ``alias`` (a curated alias record) or ``entity`` (the
    name or an alias of a curated body). ``start``/``end`` bound the period the name was
    the organisation's (None: open); curated forms have no period.
    """

    text: str
    ref: str
    source: str
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""  # how the form was made ("the recorded name", "without 'NHS'", ...)
    documents: tuple[str, ...] = ()  # the curated documents that give it

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Body:
    """An organisation of the reference landscape, or a body a curated record introduced."""

    ref: str
    kinds: tuple[tuple[str, dt.date | None, dt.date | None], ...]  # (type key, start, end)
    names: tuple[NameSpan, ...]
    opened: dt.date | None = None
    closed: dt.date | None = None
    successors: tuple[tuple[dt.date, str], ...] = ()  # (change date, resulting ref)
    areas: tuple[str, ...] = ()  # refs it lies within (footprints, regions, parents)
    curated: bool = False
    documents: tuple[str, ...] = ()
    known_from: dt.date | None = None  # the first day a reference file knows it, if no opening

    def open_on(self, day: dt.date) -> bool:
        return (self.opened is None or self.opened <= day) and (
            self.closed is None or day <= self.closed
        )

    def name_on(self, day: dt.date) -> str:
        for span in self.names:
            if (span.start is None or span.start <= day) and (span.end is None or day <= span.end):
                return span.name
        return self.names[-1].name if self.names else self.ref

    @property
    def local(self) -> bool:
        """A curated body that serves one area (not a national body)."""
        return self.curated and not {k for k, _, _ in self.kinds} & NATIONAL_KINDS

    def kind_on(self, day: dt.date) -> str | None:
        best = None
        for kind, start, end in self.kinds:
            if (start is None or start <= day) and (end is None or day <= end):
                return kind
            best = best or kind
        return best


@dataclass
class Gazetteer:
    """Forms to look for, the bodies they name, and names that are not organisations."""

    forms: tuple[Form, ...]
    bodies: dict[str, Body]
    other_names: dict[str, str]  # casefolded name of a person, site, paper... -> its kind
    excluded: frozenset[str]
    site_of: dict[str, str] = field(default_factory=dict)  # a site's name -> who runs it
    # The ontology's names of organisation types ("clinical senate", "Healthwatch"): every
    # area has one, and writers name it in lower case too.
    type_names: frozenset[str] = frozenset()
    # Words of places: those of CCGs' and partnerships' names but their type words
    # ("bedfordshire", "luton", "keynes"), casefolded.
    place_words: frozenset[str] = frozenset()
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def body(self, ref: str) -> Body | None:
        return self.bodies.get(ref)


def _reference_forms(land: Landscape) -> list[Form]:
    forms: list[Form] = []
    for key in sorted(land.organisations):
        org = land.organisations[key]
        for period in name_periods(org):
            for text, note, is_initials in name_forms(period.name, org.classes):
                if is_initials:
                    if len(text) < 3 or text.upper() in COMMON_ABBREVIATIONS:
                        continue
                    forms.append(Form(text, key, "initials", period.start, period.end, note))
                    continue
                for variant in and_variants(text):
                    forms.append(Form(variant, key, "name", period.start, period.end, note))
    return forms


def _successors(land: Landscape) -> dict[str, list[tuple[dt.date, str]]]:
    out: dict[str, list[tuple[dt.date, str]]] = {}
    for change in land.changes:
        for original in change.originals:
            if original != change.resulting:
                out.setdefault(original, []).append((change.date, change.resulting))
    return {k: sorted(set(v)) for k, v in out.items()}


def _body(org: Organisation, successors: list[tuple[dt.date, str]], areas: list[str]) -> Body:
    kinds = tuple((c.concept, c.start, c.end) for c in org.classifications)
    names = tuple(NameSpan(clean(p.name), p.start, p.end) for p in name_periods(org))
    if not names:
        names = (NameSpan(org.pref_label, None, None),)
    return Body(
        ref=org.key,
        kinds=kinds,
        names=names,
        opened=org.opened,
        closed=org.closed,
        successors=tuple(successors),
        areas=tuple(sorted(set(areas))),
        known_from=org.known[0] if org.opened is None else None,
    )


__all__ = [
    "COMMON_ABBREVIATIONS",
    "JOINING_WORDS",
    "Body",
    "Form",
    "Gazetteer",
    "clean",
    "initials",
    "load_gazetteer",
]


# --- curated records ------------------------------------------------------------------


@dataclass
class _Curated:
    forms: list[Form] = field(default_factory=list)
    bodies: dict[str, Body] = field(default_factory=dict)
    other_names: dict[str, str] = field(default_factory=dict)
    site_of: dict[str, str] = field(default_factory=dict)


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _read_curated(folder: Path, exclude: frozenset[str], out: _Curated) -> None:
    for path in sorted(folder.glob("*.yaml")):
        if path.name.endswith((".candidates.yaml", ".rejected.yaml")):
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not readable YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a curated file must be a mapping")
        document = str(data.get("document") or path.stem)
        if document in exclude or path.stem in exclude or path.name in exclude:
            continue
        # The organisations the document's aliases name: where its local bodies are.
        cited = {a.get("org") for a in data.get("aliases") or [] if isinstance(a, dict)}
        cited |= {e.get("part_of") for e in data.get("entities") or [] if isinstance(e, dict)}
        place = {c for c in cited if isinstance(c, str)}
        for i, entity in enumerate(data.get("entities") or []):
            key, kind = entity.get("key"), entity.get("kind")
            if not isinstance(key, str) or not isinstance(kind, str):
                raise ValueError(f"{path}: entity {i + 1} needs a key and a kind")
            names = [entity.get("name"), *_texts(entity.get("aliases"))]
            texts = [clean(_PARENTHESIS.sub("", n)) for n in names if isinstance(n, str)]
            if kind in NOT_ORGANISATION_KINDS:
                for text in texts:
                    out.other_names.setdefault(text.casefold(), kind)
                    if kind == "site" and isinstance(entity.get("site_of"), str):
                        out.site_of.setdefault(text.casefold(), entity["site_of"])
                continue
            for text in texts:
                if text:
                    out.forms.append(
                        Form(
                            text, key, "entity", note=f"a body in {document}", documents=(document,)
                        )
                    )
            known = out.bodies.get(key)
            docs = tuple(sorted({*(known.documents if known else ()), document}))
            areas = place - {key}
            out.bodies[key] = Body(
                ref=key,
                kinds=((kind, None, None),),
                names=(NameSpan(clean(_PARENTHESIS.sub("", str(entity.get("name")))), None, None),),
                areas=tuple(sorted({*(known.areas if known else ()), *areas})),
                curated=True,
                documents=docs,
            )
        for i, alias in enumerate(data.get("aliases") or []):
            org, text = alias.get("org"), alias.get("alias")
            if not isinstance(org, str) or not isinstance(text, str):
                raise ValueError(f"{path}: alias {i + 1} needs an org and an alias")
            out.forms.append(
                Form(
                    clean(text), org, "alias", note=f"an alias in {document}", documents=(document,)
                )
            )


def _merge_documents(forms: list[Form]) -> tuple[Form, ...]:
    """One form per (text, ref, source, period), its documents joined; sorted."""
    merged: dict[tuple[Any, ...], Form] = {}
    for form in forms:
        key = (form.text, form.ref, form.source, form.start, form.end)
        known = merged.get(key)
        if known is None:
            merged[key] = form
        else:
            docs = tuple(sorted({*known.documents, *form.documents}))
            merged[key] = Form(
                known.text, known.ref, known.source, known.start, known.end, known.note, docs
            )
    return tuple(
        sorted(merged.values(), key=lambda f: (f.text, f.ref, f.source, str(f.start), str(f.end)))
    )


_LANDSCAPES: dict[Path, Landscape] = {}
_GAZETTEERS: dict[tuple[Path, Path, frozenset[str]], Gazetteer] = {}
_LOCK = threading.Lock()


def _landscape(reference_dir: Path) -> Landscape:
    if reference_dir not in _LANDSCAPES:
        _LANDSCAPES[reference_dir] = load_landscape(reference_dir)[1]
    return _LANDSCAPES[reference_dir]


def _areas(land: Landscape) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for placement in land.placements:
        within = land.ons_index.get(placement.within, placement.within)
        out.setdefault(placement.placed, []).append(within)
    return out


TYPE_WORDS = frozenset(
    {"nhs", "ccg", "clinical", "commissioning", "group", "integrated", "care", "board",
     "icb", "stp", "ics", "health", "and", "partnership", "partners", "system", "in",
     "sustainability", "transformation", "plan", "the", "of", "our", "healthier", "joined",
     "up", "together", "city", "north", "south", "east", "west", "central", "mid", "county"}
)  # fmt: skip


def place_words(land: Landscape) -> frozenset[str]:
    """The words of CCGs' and STPs' recorded names that are not type words: places."""
    out: set[str] = set()
    for org in land.organisations.values():
        if {"ClinicalCommissioningGroup", "SustainabilityAndTransformationPartnership"} & set(
            org.classes
        ):
            for name in org.names:
                out.update(w.casefold() for w in WORDS.findall(name.text))
    return frozenset(w for w in out if w not in TYPE_WORDS and w.isalpha() and len(w) > 2)


def organisation_type_names(ontology_dir: Path) -> frozenset[str]:
    """The preferred labels of the organisation type scheme (ontology/concepts.ttl),
    casefolded; none if the file is missing."""
    path = ontology_dir / "concepts.ttl"
    if not path.is_file():
        return frozenset()
    in_scheme: set[str] = set()
    labels: dict[str, str] = {}
    for quad in parse(path=str(path), format=RdfFormat.TURTLE):
        subject = quad.subject.value
        if quad.predicate == SKOS.inScheme and quad.object.value.endswith("/orgtype"):
            in_scheme.add(subject)
        elif quad.predicate == SKOS.prefLabel:
            labels[subject] = quad.object.value
    return frozenset(labels[s].casefold() for s in in_scheme if s in labels)


def load_gazetteer(settings: Settings, *, exclude: frozenset[str] = frozenset()) -> Gazetteer:
    """The gazetteer of the reference landscape and the curated records, leaving out the
    records of the documents in ``exclude`` (identifiers such as "003_f7ec335ea921a4a0.txt").
    Built once per process for each exclude set."""
    reference_dir = settings.reference_dir.resolve()
    curated_dir = (settings.data / "curated").resolve()
    key = (reference_dir, curated_dir, frozenset(exclude))
    with _LOCK:
        if key in _GAZETTEERS:
            return _GAZETTEERS[key]
        land = _landscape(reference_dir)
        successors = _successors(land)
        areas = _areas(land)
        bodies = {
            k: _body(org, successors.get(k, []), areas.get(k, []))
            for k, org in sorted(land.organisations.items())
        }
        curated = _Curated()
        if curated_dir.is_dir():
            _read_curated(curated_dir, frozenset(exclude), curated)
        for k, body in curated.bodies.items():
            bodies.setdefault(k, body)
        forms = _merge_documents(_reference_forms(land) + curated.forms)
        gazetteer = Gazetteer(
            forms,
            bodies,
            curated.other_names,
            frozenset(exclude),
            curated.site_of,
            organisation_type_names(settings.ontology_dir),
            place_words(land),
        )
        _GAZETTEERS[key] = gazetteer
        return gazetteer
