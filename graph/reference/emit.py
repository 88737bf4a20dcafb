"""Turn the reference landscape into quads.

Organisations (types, labels, identifiers, dates, classification periods, the
evidence rows that list them) go into the landscape graph; each name record,
placement and change event goes into the named graph of the dataset it was read
from, with the row it was read from as evidence.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Literal, NamedNode

from nhskg.graph import mint
from nhskg.graph.emit import GraphWriter, QuadSink
from nhskg.graph.namespaces import (
    CHANGE,
    DCTERMS,
    NHSKG,
    ORG,
    ORGTYPE,
    PROV,
    RDFS,
    SCHEMA,
    SKOS,
)
from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.model import (
    Change,
    Classification,
    CodeLink,
    Landscape,
    Organisation,
    Placement,
)
from nhskg.graph.reference.name_periods import name_on, name_periods
from nhskg.graph.reference.readers import Row

LANDSCAPE_GRAPH = mint.named_graph("reference", "landscape")
CATALOG_GRAPH = mint.named_graph("catalog")
PLACEMENT_SUFFIX = {
    "FootprintPlacement": "footprint",
    "HeadquartersPlacement": "headquarters",
    "RegionPlacement": "region",
    "ParentPlacement": "parent",
}


def dataset_graph(dataset_id: str) -> NamedNode:
    return mint.named_graph("reference", dataset_id)


def emit_reference(catalog: Catalog, land: Landscape, sink: QuadSink) -> None:
    catalog.emit(sink.graph(CATALOG_GRAPH))
    core = sink.graph(LANDSCAPE_GRAPH)
    rules = {key: _rule_evidence(core, land, key) for key in land.rules}
    links = {link.ons: link for link in land.code_links}
    for org in sorted(land.organisations.values(), key=lambda o: o.key):
        _organisation(sink, core, org, rules, links)
    for placement in land.placements:
        _placement(sink, placement)
    for change in land.changes:
        _change(sink, land, change, rules)


def _row(w: GraphWriter, row: Row) -> NamedNode:
    return w.row_evidence(row.dataset, row.number, row.text)


def _rule_evidence(w: GraphWriter, land: Landscape, key: str) -> NamedNode:
    rule = land.rules[key]
    return w.reasoning_evidence(
        f"rule-{key}",
        f"{rule.text} Source: {rule.source}",
        sources=[mint.dataset("nhskg-landscape-rules")],
    )


def _organisation(
    sink: QuadSink,
    core: GraphWriter,
    org: Organisation,
    rules: dict[str, NamedNode],
    links: dict[str, CodeLink],
) -> None:
    node = mint.org(org.key)
    core.types(node, *(NHSKG[c] for c in org.classes))
    core.text(node, SKOS.prefLabel, org.pref_label)
    core.text(node, RDFS.label, org.pref_label)
    for alias in sorted({n.text for n in org.names} - {org.pref_label}):
        core.text(node, SKOS.altLabel, alias)
    if org.ods:
        core.add(node, ORG.identifier, Literal(org.ods, datatype=NHSKG.ODSCode))
    evidence = [_row(core, r) for r in org.rows]
    for code in sorted(org.ons):
        core.add(node, ORG.identifier, Literal(code, datatype=NHSKG.ONSCode))
        link = links.get(code)
        if link is not None:
            sources = [_row(core, r) for r in link.rows]
            evidence.append(core.reasoning_evidence(f"ons-{code}", link.note, sources=sources))
    core.add_all(node, PROV.wasDerivedFrom, evidence)
    core.date(node, NHSKG.knownFrom, org.known[0])
    core.date(node, NHSKG.knownUntil, org.known[1])
    core.date(node, SCHEMA.startDate, org.opened)
    core.date(node, SCHEMA.endDate, org.closed)
    for c in org.classifications:
        core.add(node, ORG.classification, ORGTYPE[c.concept])
        _classification(core, org, c, rules)
    for name in org.names:
        w = sink.graph(dataset_graph(name.row.dataset))
        record = mint.statement("name", org.key, name.row.dataset)
        w.statement(
            record,
            [NHSKG.NameRecord],
            basis="reference",
            evidence=[_row(w, name.row)],
            known=(name.observed, name.observed),
        )
        w.add(record, NHSKG.organisation, node)
        w.text(record, NHSKG.name, name.text)
        w.date(record, DCTERMS.date, name.observed)
    _name_periods(core, org)


def _name_periods(w: GraphWriter, org: Organisation) -> None:
    """Each name with the days it is taken to be the organisation's (name_periods.py)."""
    node = mint.org(org.key)
    for i, period in enumerate(name_periods(org), start=1):
        iri = mint.statement("name-period", org.key, str(i))
        records = sorted({mint.statement("name", org.key, n.row.dataset) for n in period.records})
        first = period.records[0]
        since = "from " + (period.start.isoformat() if period.start else "before any record")
        until = f"until {period.end.isoformat()}" if period.end else "with no later name recorded"
        reason = w.reasoning_evidence(
            f"name-period-{org.key}-{i}",
            f"{period.name!r} is taken as the organisation's name {since} {until}: "
            f"{first.row.dataset} records it on {first.observed.isoformat()}, and a name holds "
            "from a record of it until the day before a record of a different name "
            "(before any record, the earliest recorded name).",
            sources=records,
        )
        w.statement(
            iri,
            [NHSKG.NamePeriod],
            basis="derived",
            evidence=[reason],
            start=period.start,
            end=period.end,
            known=(first.observed, period.records[-1].observed),
        )
        w.add(iri, NHSKG.organisation, node)
        w.text(iri, NHSKG.name, period.name)


def _classification(
    w: GraphWriter, org: Organisation, c: Classification, rules: dict[str, NamedNode]
) -> None:
    node = mint.statement("classification", org.key, c.concept)
    evidence = [_row(w, r) for r in c.rows] + [rules[k] for k in c.rules]
    if c.note:
        evidence.append(
            w.reasoning_evidence(
                f"classification-{org.key}-{c.concept}",
                c.note,
                sources=[_row(w, r) for r in c.rows],
            )
        )
    w.statement(
        node,
        [NHSKG.ClassificationPeriod],
        basis=c.basis,
        evidence=evidence,
        start=c.start,
        end=c.end,
        known=c.known,
    )
    w.add(node, NHSKG.organisation, mint.org(org.key))
    w.add(node, NHSKG.classifiedAs, ORGTYPE[c.concept])


def _placement(sink: QuadSink, p: Placement) -> None:
    w = sink.graph(dataset_graph(p.row.dataset))
    node = mint.statement("placement", p.row.dataset, p.placed, PLACEMENT_SUFFIX[p.kind])
    w.statement(node, [NHSKG[p.kind]], basis=p.basis, evidence=[_row(w, p.row)], known=p.known)
    w.add(node, NHSKG.placed, mint.org(p.placed))
    w.add(node, NHSKG.within, mint.org(p.within))


def _change(sink: QuadSink, land: Landscape, c: Change, rules: dict[str, NamedNode]) -> None:
    w = sink.graph(dataset_graph(c.rows[0].dataset))
    suffix = c.resulting if c.rows[0].dataset != "su-ccg-successors" else f"{c.resulting}-su"
    node = mint.statement("change", c.date.isoformat(), suffix)
    evidence = [_row(w, r) for r in c.rows] + [rules[k] for k in c.rules]
    w.statement(node, [ORG.ChangeEvent], basis=c.basis, evidence=evidence, known=(c.date, c.date))
    w.add(node, NHSKG.changeKind, CHANGE[c.kind])
    w.date(node, DCTERMS.date, c.date)
    for code in c.originals:
        w.add(node, ORG.originalOrganization, mint.org(code))
    w.add(node, ORG.resultingOrganization, mint.org(c.resulting))
    # the originals by their names the day before (RC9 merged into as the L&D); the result
    # by its name today, which it took with the change (an ICB's name is first recorded
    # in 2024, but it is the name the ICB was created with on 2022-07-01)
    eve = c.date - dt.timedelta(days=1)
    names = [name_on(land.organisations[k], eve) for k in c.originals]
    into = land.organisations[c.resulting].pref_label
    verb = {"merger": "Merger of", "succession": "Succession of", "transfer": "Transfer of"}[c.kind]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if c.kind == "transfer":
        joined = f"{len(names)} CCGs" if len(names) > 2 else joined
    w.text(node, RDFS.label, f"{verb} {joined} into {into}, {c.date.isoformat()}")
