"""Run named queries and read-only SPARQL against the published graph.

:class:`QueryService` is what the CLI, notebooks and the API share: it opens the
published store read-only in time-limited worker processes, knows the query library
in queries/, resolves organisation parameters through an :class:`OrganisationIndex`,
and applies the row cap from the settings. Each named query is planned for the store
once (:meth:`GraphStore.plan`) and its parameters bound into the planned text: planning
commutes with binding, since the bound ``VALUES`` block holds no OPTIONAL or UNION.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from functools import cached_property

from pyoxigraph import NamedNode

from nhskg.graph.concepts import concept_keys
from nhskg.graph.publish import BuildFolder, current
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.named_queries import QueryFile, bind, load_query_files, to_term
from nhskg.graph.query.published_answers import PublishedAnswers
from nhskg.graph.query.query_answer import Answer, Formats
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.remote_store import RemoteStore
from nhskg.graph.query.store import Dataset, GraphStore, QueryOutcome, SelectResult
from nhskg.graph.settings import Settings


def default_store(
    settings: Settings, workers: int, niceness: int = 0, folder: BuildFolder | None = None
) -> GraphStore:
    """The remote store of NHSKG_STORE_URL if set, else the published embedded store
    (that of ``folder`` if given)."""
    if settings.store_url:
        return RemoteStore(settings.store_url, timeout_s=settings.query_timeout_s)
    return TimeLimitedStore(
        (folder or current(settings.build)).store,
        timeout_s=settings.query_timeout_s,
        workers=workers,
        threads=settings.query_threads,
        memory_mb=settings.query_memory_mb,
        niceness=niceness,
        allocator=settings.query_preload,
        isolation=settings.worker_isolation,
        allow_unisolated=settings.allow_unisolated_sparql,
        grace_s=settings.query_grace_s,
    )


class UnknownQuery(LookupError):
    """No named query has this name."""


class QueryService:
    """Named queries and SPARQL on one store. With no ``store`` given it opens the
    published one, and a named query asked with no parameters is answered from the
    answers published with that build where there is one; ``answers`` gives them for a
    store passed in (None: every call is evaluated)."""

    def __init__(
        self,
        settings: Settings,
        store: GraphStore | None = None,
        answers: PublishedAnswers | None = None,
    ) -> None:
        self.settings = settings
        self.answers = answers
        if store is None:
            folder = None if settings.store_url else current(settings.build)
            store = default_store(settings, settings.query_workers, folder=folder)
            if folder is not None:
                self.answers = PublishedAnswers(folder.path)
        self.store: GraphStore = store
        self._planned: dict[str, QueryFile] = {}
        self._planning = threading.Lock()

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
        """The named query as written, with its parameters bound."""
        return bind(self.query_file(name), params, self._resolve, self.orgtypes)

    def planned_text(self, name: str, params: Mapping[str, str]) -> str:
        """The named query as the store runs it (planned once), with its parameters bound."""
        return bind(self.planned_file(name), params, self._resolve, self.orgtypes)

    def _resolve(self, param: str, text: str) -> NamedNode:
        """An organisation parameter's IRI; the index is built only when one is bound."""
        return self.index.resolve(param, text)

    def planned_file(self, name: str) -> QueryFile:
        """The named query as the store runs it, planned once."""
        with self._planning:
            planned = self._planned.get(name)
        if planned is None:
            query = self.query_file(name)
            variables = [p.variable for p in query.header.params]
            text = self.store.plan(query.text, parameters=variables)
            planned = dataclasses.replace(query, text=text)
            with self._planning:
                self._planned[name] = planned
        return planned

    def run(
        self, name: str, params: Mapping[str, str] | None = None, *, max_rows: int | None = None
    ) -> SelectResult:
        """Run a named query with string parameters (validated and bound as typed terms);
        with none, or only the organisation its header publishes it for, its published
        answer if the build has one."""
        published = self.published(name, params or {}, max_rows=max_rows)
        if published is not None:
            return published
        text = self.planned_text(name, params or {})
        result = self.store.query(text, max_rows=self._cap(max_rows), planned=True)
        assert isinstance(result, SelectResult), f"named query {name} must be a SELECT query"
        return result

    def published(
        self, name: str, params: Mapping[str, str], *, max_rows: int | None = None
    ) -> SelectResult | None:
        """The answer the build published for this call, if there is one."""
        if self.answers is None:
            return None
        query = self.query_file(name)  # an unknown name is refused the same way either way
        given = {k: v for k, v in params.items() if v is not None}
        if not given:
            return self.answers.get(name, max_rows=self._cap(max_rows))
        key = query.header.param(query.header.publish) if query.header.publish else None
        if key is None or set(given) != {key.name}:
            return None
        # checked and resolved as binding it would, so a bad value fails the same way
        iri = to_term(key, given[key.name], self._resolve, self.orgtypes)
        return self.answers.get(name, max_rows=self._cap(max_rows), value=iri.value)

    def sparql(
        self, text: str, *, max_rows: int | None = None, timeout_s: float | None = None
    ) -> QueryOutcome:
        """Run any read-only query; the guard checks it first, in the worker."""
        return self.store.query(text, max_rows=self._cap(max_rows), timeout_s=timeout_s, guard=True)

    def answer(
        self,
        text: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        """Like :meth:`sparql`, answered as the bytes of a response in ``formats``."""
        cap = self._cap(max_rows)
        return self.store.answer(text, formats, max_rows=cap, timeout_s=timeout_s, dataset=dataset)

    async def answer_async(
        self,
        text: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        """:meth:`answer` for an event loop (the API's /sparql)."""
        cap = self._cap(max_rows)
        return await self.store.answer_async(
            text, formats, max_rows=cap, timeout_s=timeout_s, dataset=dataset
        )

    def _cap(self, requested: int | None) -> int:
        cap = self.settings.max_rows
        return cap if requested is None else max(1, min(requested, cap))
