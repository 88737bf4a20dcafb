"""What one query may cost the query workers, beyond its own time limit.

Two rules keep a cheap request from costing everyone else a worker:

- **Grace before a kill.** A query that overruns its time limit is answered at once
  (the caller gets :class:`~nhskg.graph.query.query_worker.QueryTimeout` on time), but its
  worker is killed only if the query is still running ``grace_s`` later: a query that
  overran by a little finishes, and its worker, with the other queries on it, lives
  on. (Oxigraph cannot interrupt a query, so a worker is the unit that can be stopped.)
  A caller that stops waiting (a client that went away) changes nothing: the query
  still has its worker killed if it runs past its limit and grace.
- **A query that crashed a worker twice is refused.** A worker that dies of itself
  takes every query it was running with it, so one crash names no culprit: each of
  those queries is tried once more on a fresh worker, and its fingerprint (a hash of
  the text) is remembered as a suspect. A user's query that is on a worker when it
  crashes a second time is remembered as a crasher and refused with 400 from then on,
  before any worker sees it. Both memories are bounded (least recently seen first out).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

MEMORY_SIZE = 1024


def fingerprint(sparql: str) -> str:
    return hashlib.sha256(sparql.encode("utf-8", "surrogatepass")).hexdigest()


class _Bounded:
    """A set of fingerprints that forgets the least recently seen beyond ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> None:
        self._items[key] = None
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items


class CrashMemory:
    """Which queries were on a worker when it crashed: suspects once, crashers twice."""

    def __init__(self, size: int = MEMORY_SIZE) -> None:
        self._suspects = _Bounded(size)
        self._crashers = _Bounded(size)
        self._lock = threading.Lock()

    def crashed_before(self, sparql: str) -> bool:
        """Whether this query is a known crasher (refuse it without a worker)."""
        with self._lock:
            return fingerprint(sparql) in self._crashers

    def crashed(self, sparql: str) -> bool:
        """Record that a worker crashed with this query on it; True when this was its
        second crash, and the query is now a crasher."""
        key = fingerprint(sparql)
        with self._lock:
            if key in self._suspects or key in self._crashers:
                self._crashers.add(key)
                return True
            self._suspects.add(key)
            return False


def kill_if_running_after(
    seconds: float, still_running: Callable[[], bool], kill: Callable[[], None]
) -> None:
    """Call ``kill`` now if ``seconds`` is 0, else ``seconds`` from now if
    ``still_running()`` says the query has not finished by then (its grace, or what is
    left of its limit and grace when its caller went away)."""
    if seconds <= 0:
        kill()
        return

    def check() -> None:
        if still_running():
            kill()

    timer = threading.Timer(seconds, check)
    timer.daemon = True
    timer.name = "query-grace"
    timer.start()
