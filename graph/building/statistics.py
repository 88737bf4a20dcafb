"""The graph's statistics: counted once by the build, read by listings on every call.

Listings that aggregate the whole graph (how many things each class has, how many
statements cite each document, how many members each body has) cost seconds at ten
million quads when counted afresh. The build counts them once, after loading: each
SELECT query of ``queries/statistics/`` runs on the store, and its rows become triples
of the statistics graph (``https://w3id.org/nhskg/graph/statistics``):

- the built graph as a ``void:Dataset`` with one ``void:classPartition`` per class
  (``void:class``, ``void:entities``), from ``class-partitions.rq``;
- ``nhskg:statementCount`` of each source document and reference dataset, from
  ``document-statements.rq``;
- ``nhskg:memberCount``, ``statedMemberCount``, ``resolvedMemberCount`` and
  ``memberDocumentCount`` of each body with members, from ``body-members.rq``.

They describe the graph as it stood before they were added (they do not count
themselves). The build appends them to the dump as its last batch and loads them, so
validation and remote publishing treat them as any other batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from nhskg.graph import mint
from nhskg.graph.namespaces import NHSKG, RDF, VOID, XSD
from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.store import GraphStore, SelectResult, Term

STATISTICS_GRAPH = mint.named_graph("statistics")
STATISTICS_BATCH = "statistics"
FOLDER = "statistics"

Rows = list[dict[str, Term | None]]


def _count(term: Term | None) -> Literal:
    value = int(term.value) if term is not None else 0
    return Literal(str(value), datatype=XSD.integer)


def _iri(term: Term | None) -> NamedNode:
    assert isinstance(term, NamedNode), f"a statistics query gave {term!r} for an IRI"
    return term


def _classes(rows: Rows) -> Iterator[Triple]:
    dataset = mint.graph_dataset()
    yield Triple(dataset, RDF.type, VOID.Dataset)
    for row in rows:
        cls = _iri(row["class"])
        partition = mint.class_partition(cls.value)
        yield Triple(dataset, VOID.classPartition, partition)
        yield Triple(partition, RDF.type, VOID.Dataset)
        yield Triple(partition, VOID["class"], cls)
        yield Triple(partition, VOID.entities, _count(row["entities"]))


def _documents(rows: Rows) -> Iterator[Triple]:
    for row in rows:
        yield Triple(_iri(row["document"]), NHSKG.statementCount, _count(row["statements"]))


def _bodies(rows: Rows) -> Iterator[Triple]:
    for row in rows:
        body = _iri(row["body"])
        yield Triple(body, NHSKG.memberCount, _count(row["members"]))
        yield Triple(body, NHSKG.statedMemberCount, _count(row["stated"]))
        yield Triple(body, NHSKG.resolvedMemberCount, _count(row["resolved"]))
        yield Triple(body, NHSKG.memberDocumentCount, _count(row["documents"]))


WRITERS: dict[str, Callable[[Rows], Iterator[Triple]]] = {
    "class-partitions": _classes,
    "document-statements": _documents,
    "body-members": _bodies,
}


def statistics(store: GraphStore, queries_dir: Path) -> list[Triple]:
    """The statistics of the graph in ``store``, as triples for the statistics graph."""
    triples: list[Triple] = []
    for name, write in WRITERS.items():
        query = load_query_file(queries_dir / FOLDER / f"{name}.rq")
        result = store.query(query.text)
        assert isinstance(result, SelectResult), f"{query.path} must be a SELECT query"
        triples += write(result.dicts())
    return triples
