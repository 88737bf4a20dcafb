"""The query worker process: it holds the published store open read-only and answers
numbered requests from its pipe, several at once: each of its threads reads a request
in turn and answers it. Given a build's N-Quads dump instead of a store folder, it
loads the dump into an in-memory store first (the build answers its published queries
that way, see :mod:`nhskg.graph.build`).

Started by :class:`nhskg.graph.query_worker.TimeLimitedStore` as ``python -m
nhskg.graph.worker_process STORE FD MEMORY_MB NICENESS THREADS``. Before it opens the
store it caps its own address space and, where Linux allows, moves into a network
namespace with no interfaces (:func:`isolate`). A request is ``(number, (sparql,
max_rows, guard, planned, formats))``; the reply ``(number, status, payload)``: plain
values (terms are picklable), or the answer already written as bytes when ``formats``
is given (:class:`~nhskg.graph.query_answer.Answer`), or why not.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from nhskg.graph.query_answer import Formats, NotAcceptable
from nhskg.graph.sparql_guard import QueryRefused
from nhskg.graph.store import OxigraphStore

CLONE_NEWNET = 0x40000000
Request = tuple[str, int | None, bool, bool, Formats | None]  # sparql, rows, guard, planned


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


def evaluate(store: OxigraphStore, request: Request) -> tuple[str, object]:
    """One request's reply: ("ok", values), ("answer", bytes written), or why not."""
    sparql, max_rows, guard, planned, formats = request
    try:
        if formats is None:
            return "ok", store.query(sparql, max_rows=max_rows, guard=guard, planned=planned)
        return "answer", store.answer(sparql, formats, max_rows=max_rows)
    except QueryRefused as refusal:
        return "refused", (refusal.status, str(refusal))
    except NotAcceptable as refusal:
        return "not-acceptable", str(refusal)
    except Exception as error:
        return "error", f"{type(error).__name__}: {error}"


def open_store(path: Path) -> OxigraphStore:
    """The store folder at ``path`` read-only, or an N-Quads dump loaded into memory."""
    if path.is_file():
        store = OxigraphStore.create()
        store.bulk_load_nquads(path)
        return store
    return OxigraphStore.open_read_only(path)


def serve(store_path: str, conn: Connection, memory_mb: int, niceness: int, threads: int) -> None:
    """Worker loop: ``threads`` threads take turns to read a numbered request from the
    pipe and answer it, until the pipe closes.

    With ``guard``, the query is first checked by the SPARQL guard here, in the worker
    and under the time limit: the parser itself must not be able to hang the server.
    """
    isolate(memory_mb)
    if niceness:
        os.nice(niceness)  # yield the CPU to other work (the lookups) when it is scarce
    store = open_store(Path(store_path))
    sending = threading.Lock()

    def reply(request_id: int, request: Request) -> None:
        status, payload = evaluate(store, request)
        with sending:
            try:
                conn.send((request_id, status, payload))
            except OSError:
                os._exit(0)  # the server has gone
            except Exception as error:  # a value that does not pickle
                conn.send((request_id, "error", f"{type(error).__name__}: {error}"))

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
    )
