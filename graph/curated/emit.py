"""Turn curated records into quads, one named graph per source document.

Each record becomes a node with the evidence pattern of :mod:`nhskg.graph.emit`:
its quotes as Web Annotation evidence, ``nhskg:basis`` stated or resolved (a
resolved record also cites its reasoning and any dataset rows, and points to the
stated record it resolves), its stated dates, and ``nhskg:knownFrom`` /
``nhskg:knownUntil``: the stated start and end, or else the document's date. A
standing tie, and a curated body, with no stated end also carries its presumed
continuation (:mod:`~nhskg.graph.curated.presumption`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator
from functools import cached_property
from typing import Any

from pyoxigraph import Literal, NamedNode

from nhskg.graph import mint
from nhskg.graph.curated.loader import Context, Curated, Record, ref_target
from nhskg.graph.curated.presumption import Presumption, Presumptions
from nhskg.graph.curated.schema import COMMON, ENTITY_KINDS, STATEMENTS, FieldSpec
from nhskg.graph.curated.sources import SourceDocument
from nhskg.graph.dates import VagueDate, day
from nhskg.graph.emit import GraphWriter, QuadSink
from nhskg.graph.namespaces import (
    DCAT,
    DCTERMS,
    DECISION,
    FOAF,
    NHSKG,
    ORG,
    ORGTYPE,
    PROV,
    RAG,
    RDFS,
    ROLE,
    SCHEMA,
    SKOS,
    STATUS,
    TIME,
    XSD,
)

CONCEPT_NS = {"role": ROLE, "status": STATUS, "rag": RAG, "decision": DECISION, "orgtype": ORGTYPE}
UNIT_KINDS = {
    "programme-office": NHSKG.ProgrammeOffice,
    "board": NHSKG.Board,
    "forum": NHSKG.Group,
    "working-group": NHSKG.Group,
    "reference-group": NHSKG.Group,
    "leadership-group": NHSKG.Group,
    "assurance-group": NHSKG.Group,
    "workstream": NHSKG.Workstream,
    "nhs-england-region": NHSKG.NHSEnglandRegion,
}
DURATION_PARTS = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")
COLLABORATION_KINDS = {"partnership", "commissioner-collaborative", "provider-collaborative", "stp"}


def curated_graph(stem: str) -> NamedNode:
    return mint.named_graph("curated", stem)


def entity_iri(kind: str, key: str) -> NamedNode:
    if kind == "person":
        return mint.thing("person", key)
    if kind == "site":
        return mint.thing("site", key)
    if kind == "stated-group":
        return mint.thing("group", key)
    if kind in ("business-case", "paper"):
        return mint.thing("paper", key)
    return mint.org(key)


class CuratedEmitter:
    """Emits the records of the documents in ``stems`` (all documents when None).

    References resolve against the whole of ``curated`` whichever documents are
    emitted, so emitting documents batch by batch gives the same quads as all at once.
    """

    def __init__(
        self,
        curated: Curated,
        ctx: Context,
        sink: QuadSink,
        stems: Collection[str] | None = None,
    ) -> None:
        self.curated = curated
        self.ctx = ctx
        self.sink = sink
        self.stems = stems
        self._by_id: dict[tuple[Any, Any], NamedNode] | None = None
        # an entity's IRI, from all its records: found once, not at each reference to it
        # (a scan of every record of the entity per reference made the dump quadratic)
        self._entity_nodes: dict[str, NamedNode] = {}
        self._facts: dict[str, tuple[set[str], tuple[dt.date, dt.date], Presumption | None]] = {}
        self.presumptions = Presumptions(curated, ctx, lambda r: known_period(r, r.get("end")))

    def wanted(self, doc: SourceDocument) -> bool:
        return self.stems is None or doc.stem in self.stems

    @cached_property
    def _records_by_stem(self) -> dict[str, list[Record]]:
        """Every entity, alias and statement record under the stem of its document."""
        out: dict[str, list[Record]] = {}
        records = [r for rs in self.curated.entities.values() for r in rs]
        for record in records + self.curated.aliases + self.curated.statements:
            out.setdefault(record.document.stem, []).append(record)
        return out

    def _wanted_records(self, section: str) -> list[Record]:
        if self.stems is None:
            stems: Iterable[str] = self._records_by_stem
        else:
            stems = sorted(self.stems)
        return [
            r for stem in stems for r in self._records_by_stem.get(stem, []) if r.section == section
        ]

    # -- references and values ----------------------------------------------------

    def iri(self, value: str, record: Record | None = None) -> NamedNode:
        path = record.path if record else None
        target = ref_target(value, self.curated, self.ctx, path)
        assert target is not None, value
        kind, _, key = target.partition(":")
        if kind == "statement":
            assert path is not None
            return self.statement_iri(self.curated.ids[(path, key)])
        if kind == "record":
            found = self.curated.record_by_ref(key)
            assert found is not None, key
            return self.statement_iri(found)
        if kind == "org":
            return mint.org(key)
        if kind == "change":
            date, code = key.split("/")
            return mint.statement("change", date, code)
        return self.entity_node(key)

    def entity_node(self, key: str) -> NamedNode:
        """A curated entity's IRI: from its own ONS/ODS code where a record gives one."""
        node = self._entity_nodes.get(key)
        if node is None:
            records = self.curated.entities[key]
            code = next((r.get("code") for r in records if r.get("code")), None)
            node = mint.org(code) if code else entity_iri(records[0].type, key)
            self._entity_nodes[key] = node
        return node

    def emit_value(
        self, w: GraphWriter, node: NamedNode, spec: FieldSpec, value: Any, record: Record
    ) -> None:
        assert spec.prop is not None
        items = value if isinstance(value, list) else [value]
        for item in items:
            if spec.kind in ("ref", "refs"):
                w.add(node, spec.prop, self.iri(item, record))
            elif spec.kind in ("text", "texts"):
                w.add(node, spec.prop, Literal(item))
            elif spec.kind == "date":
                w.add(node, spec.prop, item.literal())
            elif spec.kind == "duration":
                w.add(node, spec.prop, Literal(item, datatype=XSD.duration))
            elif spec.kind == "decimal":
                w.add(node, spec.prop, Literal(item, datatype=XSD.decimal))
            elif spec.kind == "integer":
                w.add(node, spec.prop, Literal(str(item), datatype=XSD.integer))
            elif spec.kind in CONCEPT_NS:
                w.add(node, spec.prop, CONCEPT_NS[spec.kind][item])
            elif spec.kind == "quantity":
                w.add(node, spec.prop, self._people(w, node, item))
            else:
                raise AssertionError(spec.kind)

    @staticmethod
    def _people(w: GraphWriter, node: NamedNode, value: dict[str, str]) -> NamedNode:
        """A number of people as a schema:QuantitativeValue (unit code IE, person)."""
        quantity = mint.hashed("quantity", node.value, json.dumps(value, sort_keys=True))
        w.types(quantity, SCHEMA.QuantitativeValue)
        for key, prop in (
            ("value", SCHEMA.value),
            ("min", SCHEMA.minValue),
            ("max", SCHEMA.maxValue),
        ):
            w.decimal(quantity, prop, value.get(key))
        w.text(quantity, SCHEMA.unitCode, "IE")
        w.text(quantity, SCHEMA.unitText, "people")
        w.text(quantity, RDFS.label, value["text"])
        return quantity

    def _money(self, w: GraphWriter, node: NamedNode, record: Record) -> None:
        """A funding item's rate per unit, or a funding gap's amount and period."""
        currency = record.get("currency")
        if record.type == "funding":
            if record.get("rate") is None:
                w.text(node, SCHEMA.unitText, record.get("per"))
                return
            rate = mint.hashed("rate", node.value)
            w.types(rate, SCHEMA.UnitPriceSpecification)
            w.decimal(rate, SCHEMA.price, record.get("rate"))
            w.text(rate, SCHEMA.priceCurrency, currency)
            w.text(rate, SCHEMA.unitText, record.get("per"))
            w.text(rate, SCHEMA.unitCode, record.get("per_unit_code"))
            w.add(node, NHSKG.rate, rate)
            return
        amount = mint.hashed("amount", node.value)
        w.types(amount, SCHEMA.MonetaryAmount)
        w.decimal(amount, SCHEMA.value, record.get("amount"))
        w.text(amount, SCHEMA.currency, currency)
        w.add(node, SCHEMA.amount, amount)
        fields = ("period_start", "period_end", "period_length", "period_text")
        if not any(record.get(f) for f in fields):
            return
        period = mint.hashed("period", node.value)
        w.types(period, DCTERMS.PeriodOfTime)
        w.date(period, DCAT.startDate, record.get("period_start"))
        w.date(period, DCAT.endDate, record.get("period_end"))
        if record.get("period_length"):
            w.add(
                period,
                TIME.hasXSDDuration,
                Literal(record.get("period_length"), datatype=XSD.duration),
            )
        w.text(period, NHSKG.dateText, record.get("period_text"))
        w.add(node, DCTERMS.temporal, period)

    def evidence(self, w: GraphWriter, record: Record) -> list[NamedNode]:
        doc = record.document
        return [
            w.quote_evidence(
                doc.identifier, q.start, q.end, q.exact, prefix=q.prefix, suffix=q.suffix
            )
            for q in record.quotes
        ]

    # -- documents ------------------------------------------------------------------

    def documents(self) -> None:
        for doc in self.curated.documents.values():
            if not self.wanted(doc):
                continue
            w = self.sink.graph(curated_graph(doc.stem))
            node = mint.document(doc.identifier)
            w.types(node, NHSKG.SourceDocument)
            w.text(node, DCTERMS.identifier, doc.identifier)
            w.text(node, DCTERMS.title, doc.title)
            w.text(node, RDFS.label, doc.title)
            w.date(node, DCTERMS.date, doc.date)
            w.date(node, SCHEMA.startDate, doc.date_from)
            w.date(node, SCHEMA.endDate, doc.date_until)
            w.text(node, NHSKG.dateText, doc.date_text)
            w.text(node, NHSKG.audienceText, doc.audience)
            w.text(node, DCTERMS.description, doc.description)
            w.text(node, DCTERMS.format, "text/plain")
            w.add(node, SCHEMA.text, Literal(doc.text))
            if doc.publisher:
                w.add(node, DCTERMS.publisher, self.iri(doc.publisher))
            for org in doc.concerns:
                w.add(node, NHSKG.concerns, self.iri(org))
            for person in doc.authors:
                w.add(node, DCTERMS.creator, self.iri(person))
            for person in doc.sponsors:
                w.add(node, SCHEMA.sponsor, self.iri(person))
            for q in doc.quotes:
                evidence = w.quote_evidence(
                    doc.identifier, q.start, q.end, q.exact, prefix=q.prefix, suffix=q.suffix
                )
                w.add(node, PROV.wasDerivedFrom, evidence)

    # -- entities -------------------------------------------------------------------

    def entities(self) -> None:
        keys = sorted({r.get("key") for r in self._wanted_records("entity")})
        for key in keys:
            records = self.curated.entities[key]
            kind = records[0].type
            node = self.entity_node(key)
            first = records[0]
            names, known, presumed = self._entity_facts(key)
            for record in records:
                if not self.wanted(record.document):
                    continue
                w = self.sink.graph(curated_graph(record.document.stem))
                evidence = self.evidence(w, record) + self._entity_rows(w, node, record)
                w.add_all(node, PROV.wasDerivedFrom, evidence)
                self._entity_body(w, node, kind, record, first.get("name"), names, known, evidence)
                if presumed is not None:
                    period = mint.statement("classification", node.value.rsplit("/", 1)[1], kind)
                    for presumer in (node, period):
                        self.presumed(w, presumer, presumed)

    def _entity_facts(
        self, key: str
    ) -> tuple[set[str], tuple[dt.date, dt.date], Presumption | None]:
        """An entity's names, known period and presumed existence, from all its records:
        found once, not again in each batch that has one of its records."""
        facts = self._facts.get(key)
        if facts is None:
            records = self.curated.entities[key]
            names = {r.get("name") for r in records} | {
                a for r in records for a in (r.get("aliases") or [])
            }
            starts = [r.get("start") for r in records if r.get("start")]
            ends = [r.get("end") for r in records if r.get("end")]
            known = (
                min(s.first for s in starts)
                if starts
                else min(r.document.period[0] for r in records),
                max(e.last for e in ends) if ends else max(r.document.period[1] for r in records),
            )
            facts = self._facts[key] = (names, known, self.presumptions.for_entity(key, known[1]))
        return facts

    def _entity_rows(self, w: GraphWriter, node: NamedNode, record: Record) -> list[NamedNode]:
        """The dataset rows an entity record cites (for its code or its site's operator),
        with the curator's reasoning where given, as evidence; and its code as identifier."""
        rows = [w.row_evidence(d, n, text) for d, n, text in record.get("reference") or []]
        code = record.get("code")
        if code:
            datatype = NHSKG.ONSCode if mint.ONS_CODE.match(code) else NHSKG.ODSCode
            w.add(node, ORG.identifier, Literal(code, datatype=datatype))
        if rows and record.get("reasoning"):
            key = (
                "entity-"
                + hashlib.sha1(f"{node.value}|{record.document.stem}".encode()).hexdigest()[:12]
            )
            return [w.reasoning_evidence(key, record.get("reasoning"), sources=rows), *rows]
        return rows

    def _entity_body(
        self,
        w: GraphWriter,
        node: NamedNode,
        kind: str,
        record: Record,
        pref: str,
        names: set[str],
        known: tuple[dt.date, dt.date],
        evidence: list[NamedNode],
    ) -> None:
        w.text(node, RDFS.label, pref)
        w.text(node, DCTERMS.description, record.get("description"))
        w.date(node, SCHEMA.startDate, record.get("start"))
        w.date(node, SCHEMA.endDate, record.get("end"))
        w.date(node, DCTERMS.date, record.get("date"))
        w.text(node, NHSKG.dateText, record.get("date_text"))
        if kind == "person":
            w.types(node, FOAF.Person)
            w.text(node, FOAF.name, pref)
        elif kind == "site":
            w.types(node, ORG.Site)
            if record.get("site_of"):
                w.add(node, ORG.siteOf, self.iri(record.get("site_of")))
                w.add(self.iri(record.get("site_of")), ORG.hasSite, node)
        elif kind == "stated-group":
            w.types(node, NHSKG.StatedGroup)
            w.integer(node, SCHEMA.numberOfItems, record.get("count"))
            if record.get("member_type"):
                w.add(node, NHSKG.memberType, ORGTYPE[record.get("member_type")])
            if record.get("part_of"):
                w.add(node, DCTERMS.isPartOf, self.iri(record.get("part_of")))
        elif kind in ("business-case", "paper"):
            w.types(node, NHSKG.BusinessCase if kind == "business-case" else NHSKG.PlanningDocument)
            w.text(node, DCTERMS.title, pref)
            w.text(node, DCTERMS.type, record.get("subtype"))
            if record.get("part_of"):
                w.add(node, DCTERMS.isPartOf, self.iri(record.get("part_of")))
        else:
            self._organisation(w, node, kind, record, pref, names, known, evidence)
        for alias in sorted(names - {pref}):
            w.text(node, SKOS.altLabel, alias)

    def _organisation(
        self,
        w: GraphWriter,
        node: NamedNode,
        kind: str,
        record: Record,
        pref: str,
        names: set[str],
        known: tuple[dt.date, dt.date],
        evidence: list[NamedNode],
    ) -> None:
        assert kind not in ENTITY_KINDS
        if kind in UNIT_KINDS:
            w.types(node, UNIT_KINDS[kind])
        elif kind in COLLABORATION_KINDS:
            w.types(node, ORG.OrganizationalCollaboration)
        else:
            w.types(node, ORG.FormalOrganization)
        w.text(node, SKOS.prefLabel, pref)
        w.add(node, ORG.classification, ORGTYPE[kind])
        w.date(node, NHSKG.knownFrom, known[0])
        w.date(node, NHSKG.knownUntil, known[1])
        if record.get("part_of"):
            parent = self.iri(record.get("part_of"))
            w.add(node, ORG.unitOf if kind in UNIT_KINDS else DCTERMS.isPartOf, parent)
            if kind in UNIT_KINDS:
                w.add(parent, ORG.hasUnit, node)
        period = mint.statement("classification", node.value.rsplit("/", 1)[1], kind)
        w.statement(
            period, [NHSKG.ClassificationPeriod], basis="stated", evidence=evidence, known=known
        )
        w.add(period, NHSKG.organisation, node)
        w.add(period, NHSKG.classifiedAs, ORGTYPE[kind])

    # -- aliases --------------------------------------------------------------------

    def aliases(self) -> None:
        for record in self._wanted_records("alias"):
            doc = record.document
            w = self.sink.graph(curated_graph(doc.stem))
            org = self.iri(record.get("org"))
            name = mint.hashed("name", doc.stem, org.value, record.get("alias"))
            w.statement(
                name,
                [NHSKG.NameRecord],
                basis="stated",
                evidence=self.evidence(w, record),
                known=doc.period,
            )
            w.add(name, NHSKG.organisation, org)
            w.text(name, NHSKG.name, record.get("alias"))
            w.date(name, DCTERMS.date, doc.date)
            w.text(org, SKOS.altLabel, record.get("alias"))

    # -- statements -----------------------------------------------------------------

    def statement_iri(self, record: Record) -> NamedNode:
        stem = record.document.stem
        if record.get("id"):
            return mint.statement(record.type, stem, record.get("id"))
        canonical = json.dumps(
            {k: str(v) for k, v in sorted(record.values.items())},
            sort_keys=True,
            ensure_ascii=False,
        )
        return mint.hashed(record.type, stem, canonical)

    def statements(self) -> None:
        if self._by_id is None:
            self._by_id = {
                (r.path, r.get("id")): self.statement_iri(r)
                for r in self.curated.statements
                if r.get("id")
            }
        for record in self._wanted_records("statement"):
            self._statement(record, self._by_id)

    def _statement(self, record: Record, by_id: dict[tuple[Any, Any], NamedNode]) -> None:
        doc = record.document
        w = self.sink.graph(curated_graph(doc.stem))
        node = self.statement_iri(record)
        spec = STATEMENTS[record.type]
        evidence = self.evidence(w, record)
        rows = [w.row_evidence(d, n, text) for d, n, text in record.get("reference") or []]
        if record.get("basis") == "resolved":
            key = "resolution-" + hashlib.sha1(node.value.encode()).hexdigest()[:12]
            evidence.append(
                w.reasoning_evidence(
                    key, record.get("reasoning") or "Resolved from the cited rows.", sources=rows
                )
            )
            w.add(node, NHSKG.resolvedFrom, by_id[(record.path, record.get("resolved_from"))])
        evidence += rows
        start, end = record.get("start"), record.get("end")
        if end is None and start is not None and record.get("term"):
            end = _add_duration(start, record.get("term"))
        w.statement(
            node,
            spec.classes,
            basis=record.get("basis"),
            evidence=evidence,
            start=start,
            end=end,
            known=known_period(record, end),
        )
        presumed = self.presumptions.for_statement(record)
        if presumed is not None:
            self.presumed(w, node, presumed)
        w.date(node, DCTERMS.date, record.get("date"))
        w.text(node, NHSKG.dateText, record.get("date_text"))
        for name, value in record.values.items():
            field_spec = spec.fields.get(name)
            if field_spec is None or field_spec.prop is None:
                continue
            self.emit_value(w, node, field_spec, value, record)
        if record.type == "focus":
            w.add(self.iri(record.get("workstream"), record), NHSKG.hasFocus, node)
        if record.type in ("funding", "funding-gap"):
            self._money(w, node, record)
        if record.type == "classification":
            org = self.iri(record.get("organisation"), record)
            w.add(org, ORG.classification, ORGTYPE[record.get("classified_as")])
        assert set(record.values) <= set(spec.fields) | set(COMMON)

    def presumed(self, w: GraphWriter, node: NamedNode, presumed: Presumption) -> None:
        """Mark the presumed part of a tie or body: from, until (if anything ends it)
        and what ends it."""
        w.date(node, NHSKG.presumedFrom, presumed.start)
        w.date(node, NHSKG.presumedUntil, presumed.until)
        by = presumed.ended_by
        if isinstance(by, Record):
            w.add(node, NHSKG.presumptionEndedBy, self.statement_iri(by))
        elif by is not None:
            kind, _, key = by.partition(":")
            if kind == "entity":
                entity_kind = self.curated.entity_kind(key)
                assert entity_kind is not None
                w.add(node, NHSKG.presumptionEndedBy, entity_iri(entity_kind, key))
            elif kind == "change":
                date, code = key.split("/")
                w.add(node, NHSKG.presumptionEndedBy, mint.statement("change", date, code))
            else:
                w.add(node, NHSKG.presumptionEndedBy, mint.org(key))

    def emit(self) -> None:
        self.documents()
        self.entities()
        self.aliases()
        self.statements()


def known_period(record: Record, end: VagueDate | None) -> tuple[dt.date, dt.date]:
    """Stated start and end where given; else the record's own date, else the document's."""
    doc_first, doc_last = record.document.period
    start: VagueDate | None = record.get("start")
    on: VagueDate | None = record.get("date")
    first = start.first if start else (on.first if on else doc_first)
    if end is not None:
        last = end.last
    elif on is not None and start is None:
        last = on.last
    else:
        last = max(doc_last, start.last if start else doc_last)
    return first, max(first, last)


def _add_duration(start: VagueDate, duration: str) -> VagueDate:
    """The last day of a term that begins on ``start``: P5Y from 2018-04-01 ends 2023-03-31."""
    match = DURATION_PARTS.fullmatch(duration)
    assert match is not None, duration  # the loader checked the pattern
    years, months, days = (int(x or 0) for x in match.groups())
    first = start.first
    index = first.month - 1 + months
    year, month = first.year + years + index // 12, index % 12 + 1
    anniversary = dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))
    return day(anniversary + dt.timedelta(days=days - 1))


def emit_curated(curated: Curated, ctx: Context, sink: QuadSink) -> None:
    """The quads of every curated document and record."""
    CuratedEmitter(curated, ctx, sink).emit()


def emit_curated_batches(
    curated: Curated, ctx: Context, documents_per_batch: int
) -> Iterator[tuple[list[str], QuadSink]]:
    """The curated quads batch by batch: (document stems, their quads), stems in order."""
    emitter = CuratedEmitter(curated, ctx, QuadSink())
    stems = sorted(doc.stem for doc in curated.documents.values())
    for i in range(0, len(stems), documents_per_batch):
        batch = stems[i : i + documents_per_batch]
        emitter.sink, emitter.stems = QuadSink(), frozenset(batch)
        emitter.emit()
        yield batch, emitter.sink
