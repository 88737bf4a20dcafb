"""The triple store behind one small interface.

:class:`GraphStore` is what the rest of the product uses: run a read-only SPARQL
query and get a :class:`SelectResult`, a boolean or triples back, or (for the SPARQL
endpoint) the answer already written as bytes (:mod:`nhskg.graph.query.query_answer`). The
embedded :class:`OxigraphStore` is the default; a remote SPARQL 1.1 store can implement
the same interface. Queries see the union of all named graphs as their default graph.
The product's own queries may be planned for the store once (:meth:`GraphStore.plan`)
and then sent with ``planned=True`` each time they run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
)

from nhskg.graph.query.sparql_guard import (
    USER_QUERY_BASE,
    check_graph,
    check_query,
    syntax_refusal,
)
from nhskg.graph.query.sparql_text import lateral_groups

if TYPE_CHECKING:
    from nhskg.graph.query.query_answer import Answer, Formats

Term = NamedNode | BlankNode | Literal
# A request's dataset: the IRIs of its default graphs and of its named graphs.
Dataset = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query; ``truncated`` when the row cap cut it short, ``published``
    when they are the answer published with the build (:mod:`.published_answers`)
    rather than evaluated for this call."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False
    published: bool = False

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


QueryOutcome = SelectResult | bool | list[Triple]


class GraphStore(Protocol):
    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        guard: bool = False,
        planned: bool = False,
    ) -> QueryOutcome:
        """Run a query; with ``guard``, first refuse what the SPARQL guard refuses (a
        user's query, run as written); ``planned``: the text is already :meth:`plan`'s."""
        ...

    def answer(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
        guard: bool = True,
    ) -> Answer:
        """A user's query (guarded, as written) answered as the bytes of a response;
        ``dataset``: the protocol's default-graph-uri and named-graph-uri, if given;
        ``guard=False`` for the product's own queries (``queries/internal``), which a
        worker with no barrier to the network still answers."""
        ...

    async def answer_async(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        """:meth:`answer` for an event loop."""
        ...

    def plan(self, sparql: str, *, parameters: Collection[str] = ()) -> str:
        """One of the product's own queries as this store runs it best (``parameters``:
        the variables its binder may bind, see :func:`.sparql_text.parameter_unions`)."""
        ...

    def __len__(self) -> int: ...


class OxigraphStore:
    """An embedded Oxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        return cls(Store.read_only(str(path)))

    @classmethod
    def create(cls, path: Path | None = None) -> OxigraphStore:
        return cls(Store(str(path)) if path else Store())

    def bulk_load_nquads(self, source: Path | BinaryIO) -> None:
        """Bulk-load N-Quads from a file, or from a binary stream read to its end."""
        if isinstance(source, Path):
            self._store.bulk_load(path=str(source), format=RdfFormat.N_QUADS)
        else:
            self._store.bulk_load(source, format=RdfFormat.N_QUADS)
        self._store.flush()

    def load_nquads_text(self, text: str) -> None:
        self._store.load(text, format=RdfFormat.N_QUADS)

    def add_triples(self, triples: Iterable[Triple], graph: NamedNode) -> None:
        """Add triples to one named graph, in one transaction, and flush them to disk."""
        self._store.extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        self._store.flush()

    def quads(
        self,
        subject: NamedNode | None = None,
        predicate: NamedNode | None = None,
        graph: NamedNode | None = None,
    ) -> Iterator[Quad]:
        """The stored quads matching a pattern (any graph when ``graph`` is None)."""
        return iter(self._store.quads_for_pattern(subject, predicate, None, graph))

    def optimize(self) -> None:
        self._store.optimize()

    def __len__(self) -> int:
        return len(self._store)

    def plan(self, sparql: str, *, parameters: Collection[str] = ()) -> str:
        """Each OPTIONAL and UNION inside LATERAL (:func:`.sparql_text.lateral_groups`)."""
        return lateral_groups(sparql, parameters=parameters)

    def results(
        self,
        sparql: str,
        *,
        guard: bool = False,
        planned: bool = False,
        dataset: Dataset | None = None,
    ) -> QuerySolutions | QueryBoolean | QueryTriples:
        """pyoxigraph's results, as they stream. A user's query (``guard``) runs as
        written, on the graphs its FROM and FROM NAMED clauses name, or ``dataset``'s
        (the protocol's default-graph-uri and named-graph-uri, which replace them), each a
        graph the store holds, or else on the union of the store's graphs; the product's
        own are planned for Oxigraph unless already ``planned``."""
        if not guard:
            text = sparql if planned else lateral_groups(sparql)
            return self._store.query(text, use_default_graph_as_union=True)
        checked = check_query(sparql, holds_graph=self.holds_graph)
        if dataset is not None:  # the protocol's parameters: they replace FROM and FROM NAMED
            for where, iris in zip(("default-graph-uri", "named-graph-uri"), dataset, strict=True):
                for iri in iris:
                    check_graph(where, iri, self.holds_graph)
            default, named = dataset
        else:
            default, named = checked.default_graphs, checked.named_graphs
        try:
            if not (default or named):  # the default graph: the union of the named graphs
                return self._store.query(
                    sparql, use_default_graph_as_union=True, base_iri=USER_QUERY_BASE
                )
            return self._store.query(
                sparql,
                default_graph=[NamedNode(iri) for iri in default],
                named_graphs=[NamedNode(iri) for iri in named],
                base_iri=USER_QUERY_BASE,
            )
        except SyntaxError as error:
            raise syntax_refusal(error) from None

    def holds_graph(self, iri: str) -> bool:
        """Whether the store holds a named graph of this IRI."""
        try:
            return bool(self._store.contains_named_graph(NamedNode(iri)))
        except ValueError:  # not an IRI
            return False

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        guard: bool = False,
        planned: bool = False,
    ) -> QueryOutcome:
        """In-process: no time limit of its own (``timeout_s`` is for stores that have one)."""
        return outcome(self.results(sparql, guard=guard, planned=planned), max_rows)

    def answer(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
        guard: bool = True,
    ) -> Answer:
        from nhskg.graph.query.query_answer import write_answer  # it reads this module's types

        results = self.results(sparql, guard=guard, dataset=dataset)
        return write_answer(results, formats, max_rows=max_rows)

    async def answer_async(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        return await asyncio.to_thread(
            self.answer, sparql, formats, max_rows=max_rows, dataset=dataset
        )


def outcome(
    result: QuerySolutions | QueryBoolean | QueryTriples, max_rows: int | None
) -> QueryOutcome:
    """Plain Python from pyoxigraph's results: rows (up to ``max_rows``), a bool or triples."""
    if isinstance(result, QueryBoolean):
        return bool(result)
    if isinstance(result, QueryTriples):
        return list(result)
    variables = [v.value for v in result.variables]
    rows: list[tuple[Term | None, ...]] = []
    truncated = False
    for solution in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(solution))  # its values in the order of ``variables``
    return SelectResult(variables, rows, truncated)
