"""Write triples into named graphs, with the statement and evidence patterns used everywhere.

Every fact node carries the same pattern: its classes, ``nhskg:basis``, one or more
``prov:wasDerivedFrom`` evidence nodes, stated ``schema:startDate`` /
``schema:endDate`` where known, and the derived ``nhskg:knownFrom`` /
``nhskg:knownUntil`` days used for as_of filtering. Evidence is a Web Annotation
``oa:SpecificResource`` whose source is a document (quoted with a
``oa:TextQuoteSelector`` and a ``oa:TextPositionSelector``) or a reference dataset
(a row, cited with an RFC 7111 ``oa:FragmentSelector`` and the row's exact text).
Each evidence node also carries the selected text itself (``nhskg:quote``, the
``oa:exact`` of its quote selector), so a query reaches a statement's words in one
path: ``prov:wasDerivedFrom/nhskg:quote``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from nhskg.graph import mint
from nhskg.graph.dates import VagueDate, date_literal
from nhskg.graph.namespaces import BASIS, DCTERMS, NHSKG, OA, PROV, RDF, RDFS, SCHEMA, XSD

Term = NamedNode | Literal
TripleKey = tuple[NamedNode, NamedNode, Term]

RFC7111 = NamedNode("http://tools.ietf.org/rfc/rfc7111")


@dataclass
class QuadSink:
    """All quads of a build. Each triple lives in exactly one named graph.

    Oxigraph's union default graph counts a triple once per graph that holds it, so
    a triple added to a second graph is kept once, in the graph whose IRI sorts
    first. Evidence is written to the graph of its source, so this rarely happens.
    """

    # Keyed by the triple's terms (a tuple costs a tenth of a pyoxigraph Triple to make).
    triples: dict[TripleKey, NamedNode] = field(default_factory=dict)

    def add(self, s: NamedNode, p: NamedNode, o: Term, g: NamedNode) -> None:
        key = (s, p, o)
        held = self.triples.get(key)
        if held is None or g.value < held.value:
            self.triples[key] = g

    def graph(self, name: NamedNode) -> GraphWriter:
        return GraphWriter(self, name)

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[Quad]:
        return (Quad(s, p, o, g) for (s, p, o), g in self.triples.items())

    def nquads_lines(self) -> list[str]:
        """Sorted N-Quads lines: the canonical dump (the graph has no blank nodes)."""
        return sorted(f"{q} .\n" for q in self)


@dataclass
class GraphWriter:
    """Adds triples to one named graph of a sink."""

    sink: QuadSink
    name: NamedNode

    def add(self, s: NamedNode, p: NamedNode, o: Term) -> None:
        self.sink.add(s, p, o, self.name)

    def add_all(self, s: NamedNode, p: NamedNode, objects: Iterable[Term]) -> None:
        for o in objects:
            self.add(s, p, o)

    def types(self, s: NamedNode, *classes: NamedNode) -> None:
        for c in classes:
            self.add(s, RDF.type, c)

    def text(
        self, s: NamedNode, p: NamedNode, value: str | None, *, lang: str | None = None
    ) -> None:
        if value:
            self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def date(self, s: NamedNode, p: NamedNode, value: dt.date | VagueDate | None) -> None:
        if value is None:
            return
        self.add(s, p, value.literal() if isinstance(value, VagueDate) else date_literal(value))

    def integer(self, s: NamedNode, p: NamedNode, value: int | None) -> None:
        if value is not None:
            self.add(s, p, Literal(str(value), datatype=XSD.integer))

    def decimal(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        if value is not None:
            self.add(s, p, Literal(value, datatype=XSD.decimal))

    # -- statements ---------------------------------------------------------

    def statement(
        self,
        node: NamedNode,
        classes: Iterable[NamedNode],
        *,
        basis: str,
        evidence: Iterable[NamedNode],
        start: dt.date | VagueDate | None = None,
        end: dt.date | VagueDate | None = None,
        known: tuple[dt.date | None, dt.date | None] | None = None,
    ) -> None:
        """A fact node with its classes, basis, evidence and time."""
        self.types(node, *classes)
        self.add(node, NHSKG.basis, BASIS[basis])
        evidence = list(evidence)
        if not evidence:
            raise ValueError(f"statement {node.value} has no evidence")
        self.add_all(node, PROV.wasDerivedFrom, evidence)
        self.date(node, SCHEMA.startDate, start)
        self.date(node, SCHEMA.endDate, end)
        if known is not None:
            self.date(node, NHSKG.knownFrom, known[0])
            self.date(node, NHSKG.knownUntil, known[1])

    # -- evidence -----------------------------------------------------------

    def row_evidence(self, dataset_id: str, row: int, text: str) -> NamedNode:
        """Evidence citing one row of a reference dataset, with the row's exact text."""
        node = mint.row_evidence(dataset_id, row)
        fragment = mint.selector(node, "fragment")
        quote = mint.selector(node, "quote")
        if self.name != (home := mint.named_graph("reference", dataset_id)):
            return self.sink.graph(home).row_evidence(dataset_id, row, text)
        self.types(node, OA.SpecificResource)
        self.add(node, OA.hasSource, mint.dataset(dataset_id))
        self.add(node, OA.hasSelector, fragment)
        self.add(node, OA.hasSelector, quote)
        self.types(fragment, OA.FragmentSelector)
        self.add(fragment, RDF.value, Literal(f"row={row}"))
        self.add(fragment, DCTERMS.conformsTo, RFC7111)
        self.types(quote, OA.TextQuoteSelector)
        self.add(quote, OA.exact, Literal(text))
        self.add(node, NHSKG.quote, Literal(text))
        return node

    def quote_evidence(
        self,
        document_identifier: str,
        start: int,
        end: int,
        exact: str,
        *,
        prefix: str = "",
        suffix: str = "",
    ) -> NamedNode:
        """Evidence quoting a passage of a source document, by text and by offsets."""
        node = mint.quote_evidence(document_identifier, start, end)
        quote = mint.selector(node, "quote")
        position = mint.selector(node, "position")
        home = mint.named_graph("curated", document_identifier.rsplit(".", 1)[0])
        if self.name != home:
            return self.sink.graph(home).quote_evidence(
                document_identifier, start, end, exact, prefix=prefix, suffix=suffix
            )
        self.types(node, OA.SpecificResource)
        self.add(node, OA.hasSource, mint.document(document_identifier))
        self.add(node, OA.hasSelector, quote)
        self.add(node, OA.hasSelector, position)
        self.types(quote, OA.TextQuoteSelector)
        self.add(quote, OA.exact, Literal(exact))
        self.add(node, NHSKG.quote, Literal(exact))
        if prefix:
            self.add(quote, OA.prefix, Literal(prefix))
        if suffix:
            self.add(quote, OA.suffix, Literal(suffix))
        self.types(position, OA.TextPositionSelector)
        self.add(position, OA.start, Literal(str(start), datatype=XSD.nonNegativeInteger))
        self.add(position, OA.end, Literal(str(end), datatype=XSD.nonNegativeInteger))
        return node

    def reasoning_evidence(
        self, key: str, text: str, *, sources: Iterable[NamedNode] = ()
    ) -> NamedNode:
        """Evidence that is a curator's or a rule's reasoning, citing what it rests on."""
        node = mint.reasoning_evidence(key)
        self.types(node, PROV.Entity, NHSKG.Reasoning)
        self.add(node, RDFS.comment, Literal(text))
        self.add_all(node, PROV.wasDerivedFrom, sources)
        return node
