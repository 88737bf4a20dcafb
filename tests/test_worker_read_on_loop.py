"""The /sparql path reads its workers' replies on the server's event loop (uvloop, as
uvicorn runs it): answers, refusals and time limits come back as with a reply thread."""

from __future__ import annotations

import asyncio
import os
import pickle
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pipe

import pytest
import uvloop

from nhskg.graph.publish import current
from nhskg.graph.query.pipe_frames import FrameReader, frame
from nhskg.graph.query.query_answer import Formats
from nhskg.graph.query.query_worker import QueryTimeout, TimeLimitedStore
from nhskg.graph.query.sparql_guard import MAX_QUERY_BYTES, QueryRefused
from nhskg.graph.settings import Settings

JSON = Formats("json", "turtle")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"


@pytest.fixture
def store(national: Settings) -> Iterator[TimeLimitedStore]:
    limited = TimeLimitedStore(current(national.build).store, timeout_s=1.0, workers=1, threads=4)
    yield limited
    limited.close()


def on_uvloop(store: TimeLimitedStore, body: object) -> object:
    """Run ``body(store)`` (a coroutine function) on a uvloop loop the store is attached to."""

    async def main() -> object:
        store.attach(asyncio.get_running_loop())
        return await body(store)  # type: ignore[operator]

    return uvloop.run(main())


def test_the_frames_a_connection_sends_are_read_back_a_byte_at_a_time() -> None:
    sender, receiver = Pipe()
    messages = [("short", 1), ("long", b"x" * 100_000), ("empty", b"")]
    for message in messages:
        sender.send(message)
    sender.close()
    got: list[object] = []
    reader = FrameReader()
    while chunk := os.read(receiver.fileno(), 1):
        got += reader.feed(chunk)
    assert got == messages and reader.pending == 0
    assert pickle.loads(frame(("a", 2))[4:]) == ("a", 2)


def test_answers_and_refusals_come_back_on_the_loop(store: TimeLimitedStore) -> None:
    async def body(s: TimeLimitedStore) -> tuple[bytes, str, bytes]:
        counted = await s.answer_async(COUNT, JSON)
        # Larger than the pipe's buffer: sent whole although uvloop made it non-blocking.
        huge = "ASK {} #" + "x" * (3 * MAX_QUERY_BYTES)
        with pytest.raises(QueryRefused) as refused:
            await s.answer_async(huge, JSON)
        many = await asyncio.gather(*(s.answer_async(f"ASK {{}} # {n}", JSON) for n in range(12)))
        assert {m.body for m in many} == {many[0].body}
        return counted.body, str(refused.value), many[0].body

    counted, refused, asked = on_uvloop(store, body)  # type: ignore[misc]
    assert str(len(store)).encode() in counted
    assert "longer than" in refused
    assert b'"boolean":true' in asked


def test_a_thread_is_answered_while_the_loop_reads_the_pipe(store: TimeLimitedStore) -> None:
    async def body(s: TimeLimitedStore) -> list[int]:
        await s.answer_async("ASK {}", JSON)  # the worker now reads on this loop
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = [pool.submit(s.query, COUNT) for _ in range(6)]
            results = await asyncio.gather(*(asyncio.wrap_future(f) for f in futures))
        return [int(r.rows[0][0].value) for r in results]  # type: ignore[union-attr]

    counts = on_uvloop(store, body)
    assert counts == [len(store)] * 6


def test_a_blocking_call_on_the_loop_itself_is_refused(store: TimeLimitedStore) -> None:
    async def body(s: TimeLimitedStore) -> None:
        with pytest.raises(RuntimeError, match="wait for itself"):
            s.query("ASK {}")

    on_uvloop(store, body)


def test_the_time_limit_holds_and_the_next_query_is_answered(store: TimeLimitedStore) -> None:
    async def body(s: TimeLimitedStore) -> tuple[float, bytes]:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            await s.answer_async(RUNAWAY, JSON)
        took = time.monotonic() - started
        return took, (await s.answer_async("ASK {}", JSON)).body

    took, after = on_uvloop(store, body)  # type: ignore[misc]
    assert took < 5 and b'"boolean":true' in after


def test_once_the_loop_has_closed_the_store_answers_threads_again(
    store: TimeLimitedStore,
) -> None:
    async def body(s: TimeLimitedStore) -> None:
        await s.answer_async("ASK {}", JSON)

    on_uvloop(store, body)  # the loop is closed when this returns
    answered: list[object] = []
    caller = threading.Thread(target=lambda: answered.append(store.query("ASK {}")))
    caller.start()
    caller.join(10)
    assert answered == [True]
