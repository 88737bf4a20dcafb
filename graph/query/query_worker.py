"""Run SPARQL under a time limit in worker processes that can be stopped.

Oxigraph cannot interrupt a query, and a query that aggregates or sorts yields its
first row only when it has finished, so checking the clock between rows is no limit
at all. :class:`TimeLimitedStore` therefore runs queries in separate worker processes
that hold the published store open read-only, and kills a worker whose query overruns.

Each worker runs up to ``threads`` queries at once, one a thread, on one store (one
RocksDB cache): pyoxigraph lets go of the GIL while it evaluates, so the queries share
the cores the way a multi-threaded server shares them, and a short query is not held
up behind a long one. Requests and replies are numbered and share the worker's pipe.
Killing a worker for one query's overrun stops the others it was running: they are
sent again to a fresh worker, within their own time limits, and a query that was on
a worker that died of itself is tried once more and then fails with a clear error
(:class:`QueryFailed`); no caller waits past its own limit. Replies are plain values
(terms are picklable) or, for the SPARQL endpoint, the answer already written as
bytes (:class:`~nhskg.graph.query.query_answer.Answer`). The worker's side of the pipe is
:mod:`nhskg.graph.query.worker_process`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing import Pipe
from pathlib import Path
from typing import Any, cast

from nhskg.graph.allocator import environment
from nhskg.graph.query.query_answer import Answer, Formats, NotAcceptable
from nhskg.graph.query.query_limits import CrashMemory, kill_if_running_after
from nhskg.graph.query.sandbox import Isolation
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.query.sparql_text import lateral_groups
from nhskg.graph.query.store import Dataset, OxigraphStore, QueryOutcome, SelectResult
from nhskg.graph.query.worker_process import Request

__all__ = ["QueryFailed", "QueryTimeout", "TimeLimitedStore"]
log = logging.getLogger("nhskg.query")


class QueryTimeout(TimeoutError):
    """A query ran past the time limit and was stopped."""


class QueryFailed(RuntimeError):
    """The store refused or failed to evaluate a query."""


class WorkerLost(Exception):
    """The worker stopped before it answered: ``retry`` unless the store was closed;
    ``crashed`` when it died of itself rather than being killed for another's overrun."""

    def __init__(self, reason: str, *, retry: bool, crashed: bool = False) -> None:
        super().__init__(reason)
        self.retry = retry
        self.crashed = crashed

    def again(self) -> WorkerLost:
        """The same news for one more caller (an exception is raised in one thread)."""
        return WorkerLost(str(self), retry=self.retry, crashed=self.crashed)


def _settle(future: Future[tuple[str, object]], outcome: tuple[str, object] | Exception) -> None:
    """Hand a caller its reply, unless it has stopped waiting (an event loop's wait for
    it was cancelled)."""
    try:
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
    except InvalidStateError:
        pass


_reported: set[Isolation] = set()


def _said(message: object, process: subprocess.Popen[bytes]) -> Isolation:
    """A worker's first message, its barriers to the network; logged the first time
    they are seen (a warning when it has none), since workers come and go. A worker
    that begins otherwise is stopped."""
    if not isinstance(message, Isolation):
        process.kill()
        raise EOFError(f"the query worker began with {type(message).__name__}")
    if message not in _reported:
        _reported.add(message)
        if message.isolated:
            log.info("query workers are isolated by %s", message.describe())
        else:
            log.warning("query workers are NOT isolated: %s", "; ".join(message.problems))
    return message


class _Worker:
    """One worker: ``python -m nhskg.graph.query.worker_process STORE FD ...`` on a socket pair,
    and a thread here that hands each reply to the caller waiting for it.

    A fresh interpreter rather than multiprocessing's spawn, which would re-run the
    caller's main script (a notebook or a user's script) in every worker.
    """

    def __init__(
        self,
        store_path: Path,
        memory_mb: int,
        niceness: int,
        threads: int,
        allocator: str | None = None,
        isolation: str = "auto",
        allow_unisolated: bool = False,
    ) -> None:
        self.conn, child = Pipe()
        # The worker starts at its final priority (``nice`` runs it), not at the server's
        # until it lowers itself: a storm of fresh workers must not outrank the lookups.
        nice = shutil.which("nice") if niceness else None
        self.process = subprocess.Popen(
            [
                *([nice, "-n", str(niceness)] if nice else []),
                sys.executable,
                "-m",
                "nhskg.graph.query.worker_process",
                str(store_path),
                str(child.fileno()),
                str(memory_mb),
                "0" if nice else str(niceness),  # what the worker lowers itself by
                str(threads),
                isolation,
                "1" if allow_unisolated else "0",
            ],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            env=environment(allocator) if allocator else None,
        )
        child.close()
        self._lock = threading.Lock()  # the waiting callers and why the worker was lost
        self._sending = threading.Lock()
        self._waiting: dict[int, Future[tuple[str, object]]] = {}
        self._numbers = itertools.count()
        self.lost: WorkerLost | None = None
        self.isolation: Isolation | None = None  # the worker's first word: its barriers
        self.started = threading.Event()  # set once it has said it (or stopped)
        threading.Thread(target=self._read, daemon=True, name="query-replies").start()

    def submit(self, request: Request) -> Future[tuple[str, object]]:
        future: Future[tuple[str, object]] = Future()
        with self._lock:
            if self.lost is not None:
                raise self.lost.again()
            number = next(self._numbers)
            self._waiting[number] = future
        try:
            with self._sending:
                self.conn.send((number, request))
        except OSError as error:
            stopped = f"the query worker stopped unexpectedly ({error})"
            self.kill(WorkerLost(stopped, retry=True, crashed=True))
        return future

    def _read(self) -> None:
        try:
            self.isolation = _said(self.conn.recv(), self.process)
            self.started.set()
            while True:
                number, status, payload = self.conn.recv()
                with self._lock:
                    future = self._waiting.pop(number, None)
                if future is not None:
                    _settle(future, (status, payload))
        except (EOFError, OSError):
            pass
        self.started.set()
        code = self.process.wait()
        with self._lock:
            if self.lost is None:
                self.lost = WorkerLost(
                    f"the query worker stopped unexpectedly (exit status {code})",
                    retry=True,
                    crashed=True,
                )
            lost, waiting, self._waiting = self.lost, self._waiting, {}
        for future in waiting.values():
            _settle(future, lost.again())
        self.conn.close()

    def pending(self, future: Future[tuple[str, object]]) -> bool:
        """Whether the query behind ``future`` is still running here (its caller may
        have stopped waiting for it)."""
        with self._lock:
            return self.lost is None and any(f is future for f in self._waiting.values())

    def kill(self, reason: WorkerLost) -> None:
        """Stop the worker; the queries it was running fail with ``reason``."""
        with self._lock:
            if self.lost is None:
                self.lost = reason
        if self.process.poll() is None:
            self.process.kill()


class TimeLimitedStore:
    """A read-only :class:`GraphStore` whose queries stop after ``timeout_s`` seconds.

    Up to ``workers`` worker processes, each running up to ``threads`` queries at once
    (callers may be threads); more wait their turn, and the wait counts towards nobody's
    limit. A worker starts on first use. ``store_path`` is a store folder, opened
    read-only, or an N-Quads dump each worker loads into memory when it starts (the
    load counts towards the limit of the query that started it). ``allocator`` is a
    malloc library the workers preload (:mod:`nhskg.graph.allocator`).
    """

    def __init__(
        self,
        store_path: Path,
        *,
        timeout_s: float,
        workers: int = 1,
        threads: int = 1,
        memory_mb: int = 0,
        niceness: int = 0,
        allocator: str | None = None,
        isolation: str = "auto",
        allow_unisolated: bool = False,
        grace_s: float = 0.0,
    ) -> None:
        self.niceness = niceness
        self.allocator = allocator
        self.isolation_mode = isolation  # see nhskg.graph.query.sandbox
        self.allow_unisolated = allow_unisolated
        self.store_path = store_path
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.threads = threads
        self._slots: list[_Worker | None] = [None] * workers
        self._running = [0] * workers
        self._turn = threading.Condition(threading.RLock())
        self._size: int | None = None
        self._lock = threading.Lock()
        self.grace_s = grace_s
        self.crashes = CrashMemory()

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        guard: bool = False,
        planned: bool = False,
    ) -> QueryOutcome:
        """Answer within ``timeout_s`` (at most the store's limit, never more)."""
        return cast(
            QueryOutcome, self._call((sparql, max_rows, guard, planned, None, None), timeout_s)
        )

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
        """A query answered as bytes by the worker: a user's (guarded, as written), or
        with ``guard=False`` the product's own."""
        return cast(
            Answer, self._call((sparql, max_rows, guard, False, formats, dataset), timeout_s)
        )

    async def answer_async(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        """:meth:`answer` for an event loop: it waits for the reply without a thread."""
        attempts = _Attempts(self, (sparql, max_rows, True, False, formats, dataset), timeout_s)
        while True:
            turn = self._try_turn()
            while turn is None:  # every thread of every worker is busy: rare, and short
                await asyncio.sleep(0.002)
                turn = self._try_turn()
            try:
                future, wait_s = attempts.send(turn[1])
                try:
                    reply: _Reply = await asyncio.wait_for(asyncio.wrap_future(future), wait_s)
                except TimeoutError:
                    reply = None
                except WorkerLost as lost:
                    reply = lost
                except asyncio.CancelledError:  # the caller went away: the limit still holds
                    attempts.watch(turn)
                    raise
            finally:
                self._end_turn(turn[0])
            done, value = attempts.settle(turn, reply)
            if done:
                return cast(Answer, value)

    def plan(self, sparql: str, *, parameters: Collection[str] = ()) -> str:
        return lateral_groups(sparql, parameters=parameters)

    def _call(self, request: Request, timeout_s: float | None) -> object:
        attempts = _Attempts(self, request, timeout_s)
        while True:
            turn = self._take_turn()
            try:
                future, wait_s = attempts.send(turn[1])
                try:
                    reply: _Reply = future.result(timeout=wait_s)
                except FutureTimeout:
                    reply = None
                except WorkerLost as lost:
                    reply = lost
            finally:
                self._end_turn(turn[0])
            done, value = attempts.settle(turn, reply)
            if done:
                return value

    def _try_turn(self) -> tuple[int, _Worker] | None:
        """The least busy slot with a free thread (its worker, started if need be)."""
        with self._turn:
            slot = min(range(len(self._slots)), key=self._running.__getitem__)
            if self._running[slot] >= self.threads:
                return None
            worker = self._slots[slot]
            if worker is None or worker.lost is not None:
                worker = _Worker(
                    self.store_path,
                    self.memory_mb,
                    self.niceness,
                    self.threads,
                    self.allocator,
                    self.isolation_mode,
                    self.allow_unisolated,
                )
                self._slots[slot] = worker
            self._running[slot] += 1
            return slot, worker

    def _take_turn(self) -> tuple[int, _Worker]:
        """A turn as :meth:`_try_turn` gives it, waiting for one if need be."""
        with self._turn:
            while True:
                turn = self._try_turn()  # the condition's lock is re-entrant
                if turn is not None:
                    return turn
                self._turn.wait()

    def _end_turn(self, slot: int) -> None:
        with self._turn:
            self._running[slot] -= 1
            self._turn.notify()

    def discard(self, slot: int, worker: _Worker, reason: WorkerLost) -> None:
        """Kill ``worker`` (in ``slot``); the slot's next query starts a fresh one."""
        with self._turn:
            if self._slots[slot] is worker:
                self._slots[slot] = None  # the next query there starts a fresh worker
        worker.kill(reason)

    def barriers(self, *, wait_s: float = 30) -> Isolation | None:
        """The workers' barriers to the network as a worker reports them (one starts if
        none is running); None if it stopped, or said nothing within ``wait_s``."""
        slot, worker = self._take_turn()
        try:
            worker.started.wait(wait_s)
            return worker.isolation
        finally:
            self._end_turn(slot)

    def worker_pids(self) -> list[int]:
        """The process ids of the workers now running (for monitoring)."""
        with self._turn:
            return [w.process.pid for w in self._slots if w is not None and w.lost is None]

    def __len__(self) -> int:
        with self._lock:
            if self._size is None:
                if self.store_path.is_file():  # a dump the workers hold in memory
                    counted = self.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
                    assert isinstance(counted, SelectResult) and counted.rows[0][0] is not None
                    self._size = int(counted.rows[0][0].value)
                else:
                    self._size = len(OxigraphStore.open_read_only(self.store_path))
            return self._size

    def close(self) -> None:
        """Stop the workers (queries still running fail); a later query starts afresh."""
        with self._turn:
            workers = [w for w in self._slots if w is not None]
            self._slots = [None] * len(self._slots)
        for worker in workers:
            worker.kill(WorkerLost("the store was closed", retry=False))
            worker.process.wait(timeout=5)


_Reply = tuple[str, object] | WorkerLost | None  # None: no reply within the time limit
CRASHER = (
    "this query crashed the query engine twice and is refused; "
    "simplify it (fewer terms in one expression or group) and try again"
)


class _Attempts:
    """One query's tries: each on a worker's turn, until it is answered, overruns its
    time limit (which counts from the first try) or fails for good."""

    def __init__(self, store: TimeLimitedStore, request: Request, timeout_s: float | None):
        self.store = store
        self.request = request
        self.limit = store.timeout_s if timeout_s is None else min(timeout_s, store.timeout_s)
        self.deadline: float | None = None
        self.crashes = 0
        self.guarded = request[2]  # a user's query, as written
        self.future: Future[tuple[str, object]] | None = None
        if self.guarded and store.crashes.crashed_before(request[0]):
            raise QueryRefused(CRASHER)

    def send(self, worker: _Worker) -> tuple[Future[tuple[str, object]], float]:
        """The reply to come, and how long to wait for it."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.limit
        try:
            future = worker.submit(self.request)
        except WorkerLost as lost:
            future = Future()
            future.set_exception(lost)
        self.future = future
        return future, max(0.0, self.deadline - time.monotonic())

    def watch(self, turn: tuple[int, _Worker]) -> None:
        """Nobody waits for the reply any more: the query still stops at its time limit
        (and grace), its worker killed then if it has not finished."""
        left = 0.0 if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        self._stop_after(turn, left + self.store.grace_s)

    def _stop_after(self, turn: tuple[int, _Worker], seconds: float) -> None:
        """Kill the worker in ``seconds`` if this query is still running on it then."""
        slot, worker = turn
        running = self.future
        other = "another query on the same worker ran past its time limit"
        kill_if_running_after(
            seconds,
            lambda: running is not None and worker.pending(running),
            lambda: self.store.discard(slot, worker, WorkerLost(other, retry=True)),
        )

    def settle(self, turn: tuple[int, _Worker], reply: _Reply) -> tuple[bool, object]:
        """(True, the answer), or (False, None) to try again; raises the query's error."""
        slot, worker = turn
        overran = f"the query ran longer than {self.limit:g} s and was stopped"
        if reply is None:
            self._stop_after(turn, self.store.grace_s)
            raise QueryTimeout(overran)
        if isinstance(reply, WorkerLost):
            self.store.discard(slot, worker, reply)
            self.crashes += reply.crashed
            if reply.crashed and self.guarded and self.store.crashes.crashed(self.request[0]):
                raise QueryRefused(CRASHER)
            if not reply.retry or self.crashes > 1:
                raise QueryFailed(str(reply))
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise QueryTimeout(overran)
            return False, None  # on a fresh worker, within what is left of the limit
        return True, _unwrap(*reply)


def _unwrap(status: str, payload: Any) -> object:
    if status == "refused":
        code, message = cast(tuple[int, str], payload)
        raise QueryRefused(message, status=code)
    if status == "not-acceptable":
        raise NotAcceptable(str(payload))
    if status == "error":
        raise QueryFailed(str(payload))
    return payload
