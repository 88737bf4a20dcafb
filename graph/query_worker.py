"""Run SPARQL under a time limit in worker processes that can be stopped.

Oxigraph cannot interrupt a query, and a query that aggregates or sorts yields its
first row only when it has finished, so checking the clock between rows is no limit
at all. :class:`TimeLimitedStore` therefore runs each query in a separate worker
process that holds the published store open read-only; when a query overruns, the
worker is killed and a fresh one takes its place on the next query. Results (terms
are picklable) come back over a pipe.
"""

from __future__ import annotations

import ctypes
import os
import queue
import resource
import subprocess
import sys
import threading
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import cast

from nhskg.graph.sparql_guard import QueryRefused
from nhskg.graph.store import OxigraphStore, QueryOutcome


class QueryTimeout(TimeoutError):
    """A query ran past the time limit and was stopped."""


class QueryFailed(RuntimeError):
    """The store refused or failed to evaluate a query."""


CLONE_NEWNET = 0x40000000


def isolate(memory_mb: int) -> bool:
    """Cap the worker's memory and, where Linux allows, cut it off from every network.

    A new network namespace has no interfaces at all (not even loopback), so whatever
    a query says (``SERVICE`` included) the engine cannot reach a server. Returns
    whether the network was cut; without the privilege for it the SPARQL guard's
    refusal of ``SERVICE`` and dataset clauses is the only barrier.
    """
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(CLONE_NEWNET) == 0)
    except (OSError, AttributeError):
        return False


def _serve(store_path: str, conn: Connection, memory_mb: int, niceness: int = 0) -> None:
    """Worker loop: answer (sparql, max_rows, guard) requests until the pipe closes.

    With ``guard``, the query is first checked by :func:`check_query` here, in the
    worker and under the time limit: the parser itself must not be able to hang the
    server.
    """
    isolate(memory_mb)
    if niceness:
        os.nice(niceness)  # yield the CPU to other work (the lookups) when it is scarce
    store = OxigraphStore.open_read_only(Path(store_path))
    while True:
        try:
            request = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if request is None:
            return
        sparql, max_rows, guard = request
        try:
            conn.send(("ok", store.query(sparql, max_rows=max_rows, guard=guard)))
        except QueryRefused as refusal:
            conn.send(("refused", (refusal.status, str(refusal))))
        except Exception as error:
            conn.send(("error", f"{type(error).__name__}: {error}"))


class _Worker:
    """One worker: ``python -m nhskg.graph.query_worker STORE FD`` on a socket pair.

    A fresh interpreter rather than multiprocessing's spawn, which would re-run the
    caller's main script (a notebook or a user's script) in every worker.
    """

    def __init__(self, store_path: Path, memory_mb: int, niceness: int = 0) -> None:
        self.conn, child = Pipe()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                __name__,
                str(store_path),
                str(child.fileno()),
                str(memory_mb),
                str(niceness),
            ],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.conn.close()


class TimeLimitedStore:
    """A read-only :class:`GraphStore` whose queries stop after ``timeout_s`` seconds.

    Up to ``workers`` queries run at once (callers may be threads); more wait their
    turn, and the wait counts towards nobody's limit.
    """

    def __init__(
        self,
        store_path: Path,
        *,
        timeout_s: float,
        workers: int = 1,
        memory_mb: int = 0,
        niceness: int = 0,
    ) -> None:
        self.niceness = niceness
        self.store_path = store_path
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(workers):
            self._idle.put(None)  # a slot; its worker starts on first use
        self._size: int | None = None
        self._lock = threading.Lock()

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        guard: bool = False,
    ) -> QueryOutcome:
        """Answer within ``timeout_s`` (at most the store's limit, never more)."""
        limit = self.timeout_s if timeout_s is None else min(timeout_s, self.timeout_s)
        worker = self._idle.get() or _Worker(self.store_path, self.memory_mb, self.niceness)
        reply: tuple[str, object] | None = None
        try:
            worker.conn.send((sparql, max_rows, guard))
            if worker.conn.poll(limit):
                reply = worker.conn.recv()
        except (EOFError, OSError) as error:
            raise QueryFailed(f"the query worker stopped unexpectedly ({error})") from error
        finally:
            if reply is None:  # overran or broke: never reuse it
                worker.stop()
            self._idle.put(None if reply is None else worker)
        if reply is None:
            raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
        status, payload = reply
        if status == "refused":
            code, message = cast(tuple[int, str], payload)
            raise QueryRefused(message, status=code)
        if status == "error":
            raise QueryFailed(str(payload))
        return cast(QueryOutcome, payload)

    def __len__(self) -> int:
        with self._lock:
            if self._size is None:
                self._size = len(OxigraphStore.open_read_only(self.store_path))
            return self._size

    def close(self) -> None:
        """Stop the idle workers; their slots start a fresh worker if used again."""
        slots: list[_Worker | None] = []
        while True:
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in slots:
            if worker is not None:
                worker.stop()
            self._idle.put(None)


if __name__ == "__main__":
    _serve(sys.argv[1], Connection(int(sys.argv[2])), int(sys.argv[3]), int(sys.argv[4]))
