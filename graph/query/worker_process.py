"""The query worker process: it holds the published store open read-only and answers
numbered requests from its pipe, several at once: each of its threads reads a request
in turn and answers it. Given a build's N-Quads dump instead of a store folder, it
loads the dump into an in-memory store first (the build answers its published queries
that way, see :mod:`nhskg.graph.building.build`).

Started by :class:`nhskg.graph.query.query_worker.TimeLimitedStore` as ``python -m
nhskg.graph.query.worker_process STORE FD MEMORY_MB NICENESS THREADS ISOLATION ALLOW``. Before
it opens the store it caps its own address space and cuts itself off from every network
as ISOLATION asks (:func:`confine`, :mod:`nhskg.graph.query.sandbox`), and its first message
on the pipe says which barriers it got (an :class:`~nhskg.graph.query.sandbox.Isolation`).
With none, it refuses every guarded (user's) query with status 503 unless ALLOW is 1.
A request is ``(number, (sparql, max_rows, guard, planned, formats))``; the reply
``(number, status, payload)``: plain values (terms are picklable), or the answer already
written as bytes when ``formats`` is given (:class:`~nhskg.graph.query.query_answer.Answer`),
or why not. An error's text never carries what came from a network (a ``SERVICE``
call's answer): the reply keeps the error's type and a fixed description, the server's
log the whole message (:func:`safe_error`).
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from nhskg.graph.query import sandbox
from nhskg.graph.query.query_answer import Formats, NotAcceptable
from nhskg.graph.query.sandbox import Isolation, refusal
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.query.store import Dataset, OxigraphStore

# sparql, rows, guard, planned, formats (an answer's), dataset (the protocol's)
Request = tuple[str, int | None, bool, bool, Formats | None, Dataset | None]
log = logging.getLogger("nhskg.worker")

# What a user is told of an error, by type; the message itself may carry a remote
# server's answer (Oxigraph puts a failed SERVICE call's body in it).
FAILURES = {
    MemoryError: "the query needed more memory than a query worker may use",
    OSError: "the query could not be evaluated: reading the store or a remote service failed",
}
FAILED = "the query could not be evaluated"


def confine(memory_mb: int, mode: str = "auto", *, keep: Path | None = None) -> Isolation:
    """Cap the worker's memory (``memory_mb`` > 0) and cut it off from every network as
    ``mode`` asks (:func:`nhskg.graph.query.sandbox.isolate`), still able to read ``keep``
    (the store): the barriers it got."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return sandbox.isolate(mode, keep=keep)


def safe_error(error: BaseException) -> str:
    """An error as a user may read it: a syntax error's own message (the engine's line
    and column on the user's text), anything else its type and a fixed description.
    The whole message goes to the log (the server's stderr)."""
    name = type(error).__name__
    if isinstance(error, SyntaxError):
        return f"{name}: {error}"
    log.warning("query failed: %s: %s", name, error)
    described = next((d for kind, d in FAILURES.items() if isinstance(error, kind)), FAILED)
    return f"{name}: {described} (the server's log has the details)"


def evaluate(
    store: OxigraphStore, request: Request, *, refuse_guarded: str | None = None
) -> tuple[str, object]:
    """One request's reply: ("ok", values), ("answer", bytes written), or why not. With
    ``refuse_guarded``, a user's (guarded) query is refused with it, status 503."""
    sparql, max_rows, guard, planned, formats, dataset = request
    try:
        if refuse_guarded is not None and guard:
            raise QueryRefused(refuse_guarded, status=503)
        if formats is None:
            return "ok", store.query(sparql, max_rows=max_rows, guard=guard, planned=planned)
        answer = store.answer(sparql, formats, max_rows=max_rows, dataset=dataset, guard=guard)
        return "answer", answer
    except QueryRefused as refused:
        return "refused", (refused.status, str(refused))
    except NotAcceptable as unacceptable:
        return "not-acceptable", str(unacceptable)
    except Exception as error:
        return "error", safe_error(error)


def open_store(path: Path) -> OxigraphStore:
    """The store folder at ``path`` read-only, or an N-Quads dump loaded into memory."""
    if path.is_file():
        store = OxigraphStore.create()
        store.bulk_load_nquads(path)
        return store
    return OxigraphStore.open_read_only(path)


def serve(
    store_path: str,
    conn: Connection,
    memory_mb: int,
    niceness: int,
    threads: int,
    *,
    isolation: str = "auto",
    allow_unisolated: bool = False,
) -> None:
    """Worker loop: ``threads`` threads take turns to read a numbered request from the
    pipe and answer it, until the pipe closes.

    With ``guard``, the query is first checked by the SPARQL guard here, in the worker
    and under the time limit: the parser itself must not be able to hang the server.
    Confined first (:func:`confine`); with no barrier to the network and no
    ``allow_unisolated``, guarded queries are refused.
    """
    confined = confine(memory_mb, isolation, keep=Path(store_path))
    try:
        conn.send(confined)  # the server's first word from us: our barriers
    except OSError:
        os._exit(0)
    refuse = None if confined.isolated or allow_unisolated else refusal(confined)
    if niceness:
        os.nice(niceness)  # yield the CPU to other work (the lookups) when it is scarce
    store = open_store(Path(store_path))
    sending = threading.Lock()

    def reply(request_id: int, request: Request) -> None:
        status, payload = evaluate(store, request, refuse_guarded=refuse)
        with sending:
            try:
                conn.send((request_id, status, payload))
            except OSError:
                os._exit(0)  # the server has gone
            except Exception as error:  # a value that does not pickle
                conn.send((request_id, "error", safe_error(error)))

    receiving = threading.Lock()

    def take_turns() -> None:
        # Each thread reads its own next request and answers it: no hand-over from a
        # reading thread to a pool (a wake-up less a query, on a busy machine).
        while True:
            with receiving:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    message = None
            if message is None:
                os._exit(0)  # queries still running are of no use to anyone
            reply(*message)

    for number in range(threads):
        threading.Thread(target=take_turns, name=f"query-{number}", daemon=True).start()
    try:
        threading.Event().wait()  # until a thread finds the pipe closed and ends it all
    except KeyboardInterrupt:
        os._exit(0)


if __name__ == "__main__":
    serve(
        sys.argv[1],
        Connection(int(sys.argv[2])),
        int(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]),
        isolation=sys.argv[6] if len(sys.argv) > 6 else "auto",
        allow_unisolated=sys.argv[7:8] == ["1"],
    )
