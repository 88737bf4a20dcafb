"""The published graph as the API sees it: one generation per build, swapped live.

A :class:`PublishedGraph` is one build: its query services, its caches (named query
results by name and parameters, the network data once) and its lease on the build
folder (:func:`nhskg.graph.publish.lease`), so no build prunes it while it is served.
:class:`ServedGraph` holds the current one behind one reference and watches
build/current: when it points at a new build, the new build's services are opened and
warmed first, then the reference is swapped, and the old build's workers are stopped
and its lease let go once the last request that started on it has finished. Each
request takes the generation once (:class:`GenerationMiddleware`) and sees that build
from start to end; responses are cached per build (:mod:`nhskg.api.caching`). A
remote store (NHSKG_STORE_URL) has no build folder and is served as it is.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

from nhskg.api import partners_on_a_day
from nhskg.api.caching import BUILD_KEY
from nhskg.api.errors import ApiError
from nhskg.graph.network.fetch import NetworkData, load_network_data
from nhskg.graph.publish import Lease, current_target, lease_current
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.named_queries import QueryFile
from nhskg.graph.query.published_answers import PublishedAnswers
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import QueryService, default_store
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

T = TypeVar("T")
RESULT_CACHE_SIZE = 4096
# Named queries whose answer to some parameters is worked out in Python from a table of
# the build: the function gives None where the query is evaluated instead
WORKED_OUT: dict[str, Callable[[PublishedGraph, Mapping[str, str]], SelectResult | None]] = {
    "partners": partners_on_a_day.answer,
}
GRAPH_KEY = "nhskg.graph"  # the request scope's generation, set by GenerationMiddleware

log = logging.getLogger("nhskg.api")


class PublishedGraph:
    """One build as served: opened on the published build, leased while it is open."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lease: Lease | None = None
        if settings.store_url:
            self.build_id = "remote-" + hashlib.sha256(settings.store_url.encode()).hexdigest()[:12]
            self.service = QueryService(settings)
            sparql_store = default_store(
                settings, settings.sparql_workers, niceness=settings.sparql_niceness
            )
        else:
            self.lease = lease_current(settings.build)
            folder = self.lease.folder
            self.build_id = folder.build_id
            store = default_store(settings, settings.query_workers, folder=folder)
            self.service = QueryService(settings, store, PublishedAnswers(folder.path))
            sparql_store = default_store(
                settings, settings.sparql_workers, niceness=settings.sparql_niceness, folder=folder
            )
        # Users' SPARQL runs on workers of its own: runaway queries cannot starve lookups,
        # and at a lower priority (nice 10 by default): lookups first when CPU is scarce.
        self.sparql_service = QueryService(settings, sparql_store)
        self._results: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], SelectResult] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._network_lock = threading.Lock()  # a slow first load must not hold up lookups
        self._derived: dict[str, Any] = {}
        self._deriving: dict[str, threading.Lock] = {}  # one lock a name, while computed

    @property
    def index(self) -> OrganisationIndex:
        return self.service.index

    @cached_property
    def network(self) -> NetworkData:
        with self._network_lock:
            return load_network_data(self.service.store, self.settings.queries_dir)

    def named_query(self, name: str) -> QueryFile:
        """The named query ``name``; a 404 that lists the names there are if none."""
        if name not in self.service.library:
            raise ApiError(
                404,
                "unknown query",
                f"no named query {name!r}",
                suggestions=sorted(self.service.library),
            )
        return self.service.library[name]

    def run(self, name: str, params: Mapping[str, str | None] | None = None) -> SelectResult:
        """A named query's rows, cached for the life of this build."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        key = (name, tuple(sorted(clean.items())))
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        text = {k: str(v) for k, v in clean.items()}
        # published by the build, else worked out in Python, else evaluated
        worked_out = WORKED_OUT.get(name)
        result = (
            self.service.published(name, text)
            or (worked_out(self, text) if worked_out else None)
            or self.service.run(name, text)
        )
        with self._lock:
            self._results[key] = result
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return result

    def derived(self, name: str, make: Callable[[PublishedGraph], T]) -> T:
        """``make(self)``, computed once for this build and kept under ``name``: a value
        read from its answers that every request would otherwise rebuild (callers must not
        change it). Callers that come while it is computed wait for it (the first requests
        of a server, many at once, would each compute it)."""
        with self._lock:
            if name in self._derived:
                return self._derived[name]
            computing = self._deriving.setdefault(name, threading.Lock())
        with computing:
            with self._lock:
                if name in self._derived:
                    return self._derived[name]
            value = make(self)
            with self._lock:
                return self._derived.setdefault(name, value)

    def warm(self) -> None:
        """Start a worker of each pool and build the organisation index, and read the
        organisations listing's facet index and table, the organisation types a page
        reads, and open the tie table and plan the queries partners on a day read, so
        the first requests on this build wait for none of them; raises what a broken
        store raises."""
        # imported here: they read a PublishedGraph, so they import this module
        from nhskg.api import browse, listing, page_evidence

        self.index  # noqa: B018 -- the property builds the index on a lookup worker
        self.sparql_service.sparql("ASK {}")
        browse.facets_of(self)
        listing.table_of(self)
        page_evidence.organisation_types(self)
        partners_on_a_day.warm(self)

    def close(self) -> None:
        """Stop the workers, then let the build folder go."""
        for service in (self.service, self.sparql_service):
            if isinstance(service.store, TimeLimitedStore):
                service.store.close()
        if self.lease is not None:
            self.lease.release()


def keep_out_of_collection() -> None:
    """Leave every object alive now out of the garbage collector's passes (``gc.freeze``):
    what a warmed build holds lives as long as the build is served, and a full pass over
    it paused a request for tens of milliseconds. What an earlier call froze is first
    given back and collected once, so that a build no longer served is not kept for good
    by a reference cycle (one full pass, once a build)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class _Generation:
    __slots__ = ("closed", "graph", "retired", "users")

    def __init__(self, graph: PublishedGraph) -> None:
        self.graph = graph
        self.users = 0  # requests in flight on this build
        self.retired = False  # a newer build is served; close once users is 0
        self.closed = False


class ServedGraph:
    """The build the server serves now; see the module docstring. ``check_s`` is how
    often build/current is read (0: never, the first build is served until the end)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        target = None if settings.store_url else current_target(settings.build)
        self._current = _Generation(PublishedGraph(settings))
        self._retired: list[_Generation] = []
        self._target = target  # where build/current pointed when last looked at
        self._failed: str | None = None  # a target that would not open: not tried again

    @property
    def build_id(self) -> str:
        """The build new requests are served from."""
        return self._current.graph.build_id

    def acquire(self) -> _Generation:
        """The current generation, counted as in use until :meth:`release`."""
        with self._lock:
            generation = self._current
            generation.users += 1
            return generation

    def release(self, generation: _Generation) -> None:
        with self._lock:
            generation.users -= 1
            done = self._take_if_done(generation)
        if done:  # not on the event loop: stopping workers waits for them
            threading.Thread(target=generation.graph.close, daemon=True).start()

    def _take_if_done(self, generation: _Generation) -> bool:
        """Whether ``generation`` is to be closed now (by the caller); under the lock."""
        if generation.retired and generation.users == 0 and not generation.closed:
            generation.closed = True
            self._retired.remove(generation)
            return True
        return False

    def check(self) -> bool:
        """Switch to the build build/current names if it is new; whether it switched."""
        if self.settings.store_url:
            return False
        target = current_target(self.settings.build)
        if target is None or target in (self._target, self._failed):
            return False
        try:
            fresh = PublishedGraph(self.settings)
        except Exception:
            log.exception(
                "nhskg: the build at %s could not be opened; still serving %s",
                target,
                self.build_id,
            )
            self._failed = target
            return False
        if fresh.build_id == self.build_id:
            fresh.close()
            self._target = target
            return False
        try:
            fresh.warm()
        except Exception:
            log.exception(
                "nhskg: build %s did not answer; still serving %s", fresh.build_id, self.build_id
            )
            fresh.close()
            self._failed = target
            return False
        with self._lock:
            old, self._current = self._current, _Generation(fresh)
            old.retired = True
            self._retired.append(old)
            done = self._take_if_done(old)
        self._target = target
        print(
            f"nhskg: now serving build {fresh.build_id} (was {old.graph.build_id})",
            file=sys.stderr,
            flush=True,
        )
        if done:
            old.graph.close()
        keep_out_of_collection()
        return True

    def warm(self) -> None:
        """Warm the build served now (:meth:`PublishedGraph.warm`); one that does not
        answer is logged and served as it is (its requests fail as they would have)."""
        try:
            self._current.graph.warm()
        except Exception:
            log.exception("nhskg: build %s did not answer when warmed", self.build_id)

    def start(self) -> None:
        """Watch build/current every ``reload_check_s`` seconds, in a thread."""
        if self.settings.store_url or not self.settings.reload_check_s or self._watcher:
            return
        self._watcher = threading.Thread(target=self._watch, name="nhskg-reload", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.settings.reload_check_s):
            try:
                self.check()
            except Exception:  # never let the watcher die: the next look may work
                log.exception("nhskg: looking for a new build failed")

    def close(self) -> None:
        """Stop watching, and close every generation (requests still running fail)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            open_ = [g for g in (self._current, *self._retired) if not g.closed]
            for generation in open_:
                generation.closed = True
        for generation in open_:
            generation.graph.close()


class GenerationMiddleware:
    """Pins the current generation to each request: the routes find it under
    ``scope[GRAPH_KEY]`` (:func:`nhskg.api.deps.published`), the response cache finds
    its build id, and the build stays open until the response has been sent."""

    def __init__(self, app: ASGIApp, *, graph: ServedGraph) -> None:
        self.app = app
        self.graph = graph

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        generation = self.graph.acquire()
        scope[GRAPH_KEY] = generation.graph
        scope[BUILD_KEY] = generation.graph.build_id
        try:
            await self.app(scope, receive, send)
        finally:
            self.graph.release(generation)
