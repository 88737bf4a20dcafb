"""The reference landscape as plain records, before it becomes RDF.

Readers for each family of files (trusts, CCGs, STPs, footprints, change events)
fill one :class:`Landscape`; :mod:`nhskg.graph.reference.emit` turns it into
quads. Every record keeps the rows it was read from, which become its evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nhskg.graph.reference.readers import ReferenceFileError, Row

Period = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Rule:
    """A structural rule from landscape.yaml, cited as reasoning evidence."""

    key: str
    date: dt.date
    text: str
    source: str


@dataclass
class Name:
    """A name as one dataset records it, observed on the dataset's snapshot date."""

    text: str
    row: Row
    observed: dt.date


@dataclass
class Classification:
    """An organisation type held over a span, with how we know it."""

    concept: str
    start: dt.date | None
    end: dt.date | None
    known: Period
    basis: str
    rows: list[Row] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class Organisation:
    key: str
    classes: tuple[str, ...]  # local names in the nhskg / org vocabularies, e.g. "NHSTrust"
    ods: str | None = None
    ons: dict[str, list[Row]] = field(default_factory=dict)
    names: list[Name] = field(default_factory=list)
    pref_label: str = ""
    opened: dt.date | None = None
    closed: dt.date | None = None
    known: Period = (None, None)
    rows: list[Row] = field(default_factory=list)
    classifications: list[Classification] = field(default_factory=list)

    def add_ons(self, code: str, row: Row) -> None:
        self.ons.setdefault(code, []).append(row)

    def lifetime(self) -> Period:
        return (self.opened, self.closed)


@dataclass
class Placement:
    """Reference geography: ``placed`` lies within ``within`` during ``known``."""

    kind: str  # FootprintPlacement | HeadquartersPlacement | RegionPlacement | ParentPlacement
    placed: str
    within: str
    row: Row
    known: Period
    basis: str = "reference"
    note: str | None = None


@dataclass
class Change:
    """An org:ChangeEvent: originals become resulting on a date."""

    kind: str  # merger | succession | transfer
    date: dt.date
    originals: list[str]
    resulting: str
    rows: list[Row]
    basis: str = "reference"
    rules: list[str] = field(default_factory=list)


@dataclass
class CodeLink:
    """An ONS code tied to an ODS-coded organisation by a rule, not by a file."""

    ons: str
    ods: str
    note: str
    rows: list[Row]


@dataclass
class Landscape:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    code_links: list[CodeLink] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    # ONS code -> key of the organisation it identifies (at some time)
    ons_index: dict[str, str] = field(default_factory=dict)

    def add(self, organisation: Organisation) -> Organisation:
        """Register an organisation; a second file naming the same one gets the first record."""
        existing = self.organisations.get(organisation.key)
        if existing is not None:
            if existing.classes[0] != organisation.classes[0]:
                raise ReferenceFileError(
                    f"code {organisation.key} is read as a {organisation.classes[0]} "
                    f"but is already a {existing.classes[0]}"
                )
            return existing
        self.organisations[organisation.key] = organisation
        return organisation

    def get(self, key: str) -> Organisation | None:
        return self.organisations.get(key)

    def by_ons(self, code: str) -> Organisation | None:
        key = self.ons_index.get(code)
        return self.organisations.get(key) if key else None
