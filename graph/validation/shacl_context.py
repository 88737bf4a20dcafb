"""What pyshacl must see of the rest of the graph to validate one batch's nodes.

A batch of the dump (the reference layer, or a run of curated documents) is validated
by pyshacl with what other graphs say about its own nodes (the subjects of its
triples), and only findings about those nodes count. Which of the other graphs'
triples matter follows from the shapes (:func:`shape_reads`): for a node, the
shapes that target it (by its types, the predicates it is the subject of, or by
name) read the values of their paths, the predicates their ``sh:lessThan`` (and the
like) compare with, and, where a value-level test such as ``sh:class`` looks at a
value's types, the ``rdf:type`` of those values. A ``sh:closed`` shape reads every
predicate. Nothing else about a node or its values can change pyshacl's results
for it: nested shapes may only hold value-level constraints (the SHACL compiler
refuses any other), so a value node's types are all of it that is ever read.

So the context of a batch (:func:`batch_data`) is every triple of another graph
whose subject is an own node and whose predicate some shape reads, plus the types of
the values whose types the node's own shapes read. Giving pyshacl more would not
change its findings about the batch's nodes, only make it validate more: the types
of every node the batch points at (the previous context) made each of them a focus
node, and pyshacl reported, then the build dropped, two findings for each piece of
evidence cited by a shared entity in other documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS

from nhskg.graph.query.store import GraphStore, SelectResult
from nhskg.graph.validation.batches import Batch
from nhskg.graph.validation.shacl_compile import all_shapes
from nhskg.graph.validation.shacl_expressions import LOGICAL, deactivated, members, shape_name
from nhskg.graph.validation.shacl_sparql import TARGETS

# The labels a finding shows for its focus node (validate.core_findings reads them).
LABELS = (str(SKOS.prefLabel), str(RDFS.label), "https://w3id.org/nhskg/def#name")
COMPARED = (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint)
NESTED = (SH.node, SH["not"], SH.qualifiedValueShape)
NODES_PER_QUERY = 500
Target = tuple[str, str]  # ("class", C), ("subjects", p), ("objects", p) or ("node", n)


@dataclass
class Reads:
    """What the shapes with one target read of each node they target."""

    predicates: set[str] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)  # predicates whose values' types are read
    everything: bool = False  # a closed shape reads every predicate


def rdflib_graph(nquads: str) -> rdflib.Graph:
    """N-Quads text as an rdflib Graph of its triples, which is what pyshacl reads.

    Read from the dump rather than the store: Oxigraph keeps the value of a literal
    typed xsd:nonNegativeInteger, say, but gives it back as xsd:integer.
    """
    triples = "".join(line.rsplit(" <", 1)[0] + " .\n" for line in nquads.splitlines())
    graph = rdflib.Graph()
    graph.parse(data=triples, format="nt")
    return graph


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[Target]:
    kinds = {
        SH.targetClass: "class",
        SH.targetSubjectsOf: "subjects",
        SH.targetObjectsOf: "objects",
        SH.targetNode: "node",
    }
    assert set(kinds) == set(TARGETS)
    found = [(kinds[p], str(o)) for p in kinds for o in shapes.objects(shape, p)]
    if isinstance(shape, rdflib.URIRef) and (shape, RDF.type, RDFS.Class) in shapes:
        found.append(("class", str(shape)))
    return found


def _path_predicates(shapes: rdflib.Graph, shape: rdflib.term.Node) -> set[str]:
    path = shapes.value(shape, SH.path)
    if isinstance(path, rdflib.URIRef):
        return {str(path)}
    alternatives = shapes.value(path, SH.alternativePath) if path is not None else None
    if alternatives is not None:
        chosen = members(shapes, alternatives)
        if all(isinstance(m, rdflib.URIRef) for m in chosen):
            return {str(m) for m in chosen}
    raise ValueError(
        f"{shape_name(shapes, shape)}: pyshacl's batch context follows predicate paths "
        "and alternatives of predicates only"
    )


def _reads_types(shapes: rdflib.Graph, shape: rdflib.term.Node, seen: frozenset[object]) -> bool:
    """Whether the value-level constraints of ``shape`` look at a value node's types."""
    if shape in seen or deactivated(shapes, shape):
        return False
    seen = seen | {shape}
    if shapes.value(shape, SH["class"]) is not None:
        return True
    nested = [n for p in NESTED for n in shapes.objects(shape, p)]
    for predicate in LOGICAL:
        nested += [m for head in shapes.objects(shape, predicate) for m in members(shapes, head)]
    return any(_reads_types(shapes, n, seen) for n in nested)


def _property_reads(shapes: rdflib.Graph, prop: rdflib.term.Node, reads: Reads) -> None:
    if deactivated(shapes, prop):
        return
    predicates = _path_predicates(shapes, prop)
    reads.predicates |= predicates
    reads.predicates |= {str(o) for p in COMPARED for o in shapes.objects(prop, p)}
    if _reads_types(shapes, prop, frozenset()):
        reads.typed |= predicates


def shape_reads(shapes: rdflib.Graph) -> dict[Target, Reads]:
    """For each target of the active shapes, what those shapes read of a node it selects."""
    out: dict[Target, Reads] = {}
    for shape in sorted(all_shapes(shapes), key=str):
        targets = _targets(shapes, shape)
        if not targets or deactivated(shapes, shape):
            continue
        reads = Reads()
        if shapes.value(shape, SH.path) is not None:
            _property_reads(shapes, shape, reads)
        for prop in shapes.objects(shape, SH.property):
            _property_reads(shapes, prop, reads)
        reads.everything = shapes.value(shape, SH.closed) == rdflib.Literal(True)
        for target in targets:
            held = out.setdefault(target, Reads())
            held.predicates |= reads.predicates
            held.typed |= reads.typed
            held.everything |= reads.everything
    return out


def _values(nodes: Iterable[str]) -> Iterator[str]:
    """The nodes (N-Triples IRIs) as the rows of VALUES blocks, a few hundred at a time."""
    chosen = sorted(nodes)
    for start in range(0, len(chosen), NODES_PER_QUERY):
        yield " ".join(chosen[start : start + NODES_PER_QUERY])


def _rows(store: GraphStore, query: str) -> Iterator[tuple[str, ...]]:
    result = store.query(query)
    assert isinstance(result, SelectResult)
    for row in result.rows:
        yield tuple(str(term) for term in row)


def _triples(nquads: str) -> Iterator[tuple[str, str, str]]:
    """Subject, predicate and object of each N-Quads line, as N-Triples text."""
    for line in nquads.splitlines():
        subject, predicate, rest = line.split(" ", 2)
        yield subject, predicate, rest.rsplit(" <", 1)[0]


@dataclass
class BatchData:
    """The N-Triples pyshacl validates for a batch, and the batch's own nodes."""

    ntriples: str
    own: set[str]  # IRIs, without angle brackets

    def graph(self) -> rdflib.Graph:
        graph = rdflib.Graph()
        graph.parse(data=self.ntriples, format="nt")
        return graph


def batch_data(
    store: GraphStore, batch: Batch, dump: Path, reads: dict[Target, Reads]
) -> BatchData:
    """The batch's triples with what the shapes read of its nodes in other graphs
    (``reads`` from :func:`shape_reads`)."""
    own_triples = list(_triples(batch.read(dump)))
    own = {s for s, _p, _o in own_triples if s.startswith("<")}
    outside = ", ".join(f"<{g}>" for g in batch.graphs)
    wanted = {str(RDF.type), str(RDFS.subClassOf), *LABELS}
    wanted |= {key for kind, key in reads if kind == "subjects"}
    wanted |= {p for r in reads.values() for p in r.predicates}
    keep = "" if any(r.everything for r in reads.values()) else _among("?p", wanted)
    context: list[tuple[str, ...]] = []
    for nodes in _values(own):
        context += _rows(
            store,
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (?g NOT IN ({outside})) {keep} }}",
        )
    incoming = {key for kind, key in reads if kind == "objects"}
    for nodes in _values(own) if incoming else ():
        context += _rows(
            store,
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (?g NOT IN ({outside})) {_among('?p', incoming)} }}",
        )
    triples = own_triples + [(s, p, o) for s, p, o in context]
    types = []
    for nodes in _values(_typed_values(triples, own, reads) - own):
        query = f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {nodes} }} ?s a ?o }}"
        types += [(s, f"<{RDF.type}>", o) for s, o in _rows(store, query)]
    lines = "".join(f"{s} {p} {o} .\n" for s, p, o in triples + types)
    return BatchData(lines, {iri[1:-1] for iri in own})


def _among(var: str, iris: Iterable[str]) -> str:
    return f"FILTER ({var} IN ({', '.join(f'<{i}>' for i in sorted(iris))}))"


def _typed_values(
    triples: list[tuple[str, str, str]], own: set[str], reads: dict[Target, Reads]
) -> set[str]:
    """The IRIs (N-Triples) whose types some shape that targets an own node reads."""
    rdf_type = f"<{RDF.type}>"
    targets: dict[str, set[Target]] = {node: {("node", node[1:-1])} for node in own}
    for s, p, o in triples:
        if s in targets:
            targets[s].add(("subjects", p[1:-1]))
            if p == rdf_type:
                targets[s].add(("class", o[1:-1]))
        if o in targets:
            targets[o].add(("objects", p[1:-1]))
    typed = {
        node: {p for t in chosen if t in reads for p in reads[t].typed}
        for node, chosen in targets.items()
    }
    return {o for s, p, o in triples if s in typed and p[1:-1] in typed[s] and o.startswith("<")}
