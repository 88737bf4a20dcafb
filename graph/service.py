"""Run named queries and read-only SPARQL against the published graph.

:class:`QueryService` is what the CLI, notebooks and (later) the API share: it opens
the published store read-only in time-limited worker processes, knows the query
library in queries/, resolves organisation parameters through an
:class:`OrganisationIndex`, and applies the row cap from the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from nhskg.graph.curated.context import concept_keys
from nhskg.graph.lookup import OrganisationIndex
from nhskg.graph.named_queries import QueryFile, bind, load_query_files
from nhskg.graph.publish import current
from nhskg.graph.query_worker import TimeLimitedStore
from nhskg.graph.remote_store import RemoteStore
from nhskg.graph.settings import Settings
from nhskg.graph.store import GraphStore, QueryOutcome, SelectResult


def default_store(settings: Settings, workers: int, niceness: int = 0) -> GraphStore:
    """The remote store of NHSKG_STORE_URL if set, else the published embedded store."""
    if settings.store_url:
        return RemoteStore(settings.store_url, timeout_s=settings.query_timeout_s)
    return TimeLimitedStore(
        current(settings.build).store,
        timeout_s=settings.query_timeout_s,
        workers=workers,
        memory_mb=settings.query_memory_mb,
        niceness=niceness,
    )


class UnknownQuery(LookupError):
    """No named query has this name."""


class QueryService:
    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self.store: GraphStore = store or default_store(settings, settings.query_workers)

    @cached_property
    def library(self) -> dict[str, QueryFile]:
        return {q.name: q for q in load_query_files(self.settings.queries_dir)}

    @cached_property
    def orgtypes(self) -> set[str]:
        """The organisation type keys of the ontology's scheme (for type parameters)."""
        return concept_keys(self.settings.ontology_dir)["orgtype"]

    @cached_property
    def index(self) -> OrganisationIndex:
        return OrganisationIndex.build(self.store, self.settings.queries_dir)

    def query_file(self, name: str) -> QueryFile:
        try:
            return self.library[name]
        except KeyError:
            known = ", ".join(sorted(self.library))
            raise UnknownQuery(f"no named query {name!r} (known: {known})") from None

    def bound_text(self, name: str, params: Mapping[str, str]) -> str:
        return bind(self.query_file(name), params, self.index.resolve, self.orgtypes)

    def run(
        self, name: str, params: Mapping[str, str] | None = None, *, max_rows: int | None = None
    ) -> SelectResult:
        """Run a named query with string parameters (validated and bound as typed terms)."""
        text = self.bound_text(name, params or {})
        result = self.store.query(text, max_rows=self._cap(max_rows))
        assert isinstance(result, SelectResult), f"named query {name} must be a SELECT query"
        return result

    def sparql(
        self, text: str, *, max_rows: int | None = None, timeout_s: float | None = None
    ) -> QueryOutcome:
        """Run any read-only query; the guard checks it first, in the worker."""
        return self.store.query(text, max_rows=self._cap(max_rows), timeout_s=timeout_s, guard=True)

    def _cap(self, requested: int | None) -> int:
        cap = self.settings.max_rows
        return cap if requested is None else max(1, min(requested, cap))
