"""The published graph as the API sees it: one query service and caches per build.

The graph does not change between builds, so answers are cached by build: named
query results by (name, parameters), the network data once, and responses by URL
(see :mod:`nhskg.api.caching`). A new build is picked up by restarting the server.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import cached_property

from nhskg.graph.lookup import OrganisationIndex
from nhskg.graph.network.fetch import NetworkData, load_network_data
from nhskg.graph.publish import current
from nhskg.graph.query_worker import TimeLimitedStore
from nhskg.graph.service import QueryService, default_store
from nhskg.graph.settings import Settings
from nhskg.graph.store import SelectResult

RESULT_CACHE_SIZE = 4096


class PublishedGraph:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.build_id = (
            "remote-" + hashlib.sha256(settings.store_url.encode()).hexdigest()[:12]
            if settings.store_url
            else current(settings.build).build_id
        )
        self.service = QueryService(settings)
        # Users' SPARQL runs on workers of its own: runaway queries cannot starve lookups,
        # and at a lower priority (nice 10 by default): lookups first when CPU is scarce.
        self.sparql_service = QueryService(
            settings,
            default_store(settings, settings.sparql_workers, niceness=settings.sparql_niceness),
        )
        self._results: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], SelectResult] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._network_lock = threading.Lock()  # a slow first load must not hold up lookups

    @property
    def index(self) -> OrganisationIndex:
        return self.service.index

    @cached_property
    def network(self) -> NetworkData:
        with self._network_lock:
            return load_network_data(self.service.store, self.settings.queries_dir)

    def run(self, name: str, params: Mapping[str, str | None] | None = None) -> SelectResult:
        """A named query's rows, cached for the life of this build."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        key = (name, tuple(sorted(clean.items())))
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = self.service.run(name, {k: str(v) for k, v in clean.items()})
        with self._lock:
            self._results[key] = result
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return result

    def close(self) -> None:
        for service in (self.service, self.sparql_service):
            if isinstance(service.store, TimeLimitedStore):
                service.store.close()
