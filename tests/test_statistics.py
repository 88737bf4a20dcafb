"""The statistics the build counts equal what the graph says when counted afresh."""

from __future__ import annotations

from nhskg.graph.building.statistics import STATISTICS_GRAPH
from nhskg.graph.namespaces import sparql_prefixes
from nhskg.graph.query.service import QueryService

# Counted afresh over every graph but the statistics graph itself.
SOURCES = f"FILTER (?g != <{STATISTICS_GRAPH.value}>)"


def counted(service: QueryService, body: str) -> dict[str, tuple[int, ...]]:
    """First column's IRI to the remaining columns as integers."""
    result = service.sparql(sparql_prefixes() + body)
    assert not isinstance(result, bool | list)
    return {
        str(row[0].value): tuple(int(t.value) if t is not None else 0 for t in row[1:])
        for row in result.rows
        if row[0] is not None
    }


def test_class_counts_are_the_instances_of_each_class_in_the_graph(
    service: QueryService,
) -> None:
    listed = service.run("class-counts").dicts()
    from_statistics = {str(r["class"].value): int(r["instances"].value) for r in listed}  # type: ignore[union-attr]
    live = counted(
        service,
        "SELECT ?class (COUNT(DISTINCT ?thing) AS ?n) "
        f"WHERE {{ GRAPH ?g {{ ?thing a ?class }} {SOURCES} }} GROUP BY ?class",
    )
    assert from_statistics == {c: n for c, (n,) in live.items()}
    assert from_statistics["http://www.w3.org/ns/org#Organization"] > 500


def test_each_document_lists_the_statements_that_cite_it(service: QueryService) -> None:
    listed = service.run("documents").dicts()
    live = counted(
        service,
        "SELECT ?document (COUNT(DISTINCT ?statement) AS ?n) WHERE { "
        "?document a nhskg:SourceDocument . "
        "OPTIONAL { ?evidence oa:hasSource ?document . ?statement prov:wasDerivedFrom ?evidence } "
        "} GROUP BY ?document",
    )
    assert len(listed) == len(live) == 5
    for row in listed:
        assert int(row["statements"].value) == live[str(row["document"].value)][0] > 0  # type: ignore[union-attr]


def test_partnerships_count_their_members_and_the_documents_that_state_them(
    service: QueryService,
) -> None:
    listed = {str(r["partnership"].value): r for r in service.run("partnerships").dicts()}  # type: ignore[union-attr]
    live = counted(
        service,
        "SELECT ?body (COUNT(DISTINCT ?member) AS ?members) (COUNT(DISTINCT ?stated) AS ?s) "
        "(COUNT(DISTINCT ?resolved) AS ?r) (COUNT(DISTINCT ?document) AS ?d) WHERE { "
        "?m a org:Membership ; org:organization ?body ; org:member ?member ; "
        "nhskg:basis/skos:notation ?basis . "
        'BIND (IF(?basis = "stated", ?member, ?unbound) AS ?stated) '
        'BIND (IF(?basis = "resolved", ?member, ?unbound) AS ?resolved) '
        "OPTIONAL { ?m prov:wasDerivedFrom/oa:hasSource ?document . "
        "?document a nhskg:SourceDocument } } GROUP BY ?body",
    )
    assert set(listed) == set(live)
    for iri, row in listed.items():
        numbers = tuple(int(row[k].value) for k in ("members", "stated", "resolved", "documents"))  # type: ignore[union-attr]
        assert numbers == live[iri], iri
    assert listed["https://w3id.org/nhskg/id/org/QK1"]["documents"].value == "2"  # type: ignore[union-attr]


def test_each_dataset_lists_the_statements_that_cite_it(service: QueryService) -> None:
    listed = {
        str(r["id"].value): int(r["statements"].value) for r in service.run("datasets").dicts()
    }  # type: ignore[union-attr]
    live = counted(
        service,
        "SELECT ?id (COUNT(DISTINCT ?statement) AS ?n) WHERE { "
        "?dataset a dcat:Dataset ; dcterms:identifier ?id . "
        "OPTIONAL { ?evidence oa:hasSource ?dataset . ?statement prov:wasDerivedFrom ?evidence } "
        "} GROUP BY ?id",
    )
    assert listed == {str(k): n for k, (n,) in live.items()}
    assert sum(listed.values()) > 1000
