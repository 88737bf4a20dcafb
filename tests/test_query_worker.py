"""Every query runs under a time limit, in a worker that is stopped when it overruns."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nhskg.graph.publish import current
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout, TimeLimitedStore
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

# Every triple against every triple, then sorted: minutes of work on the national graph.
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def limited(national: Settings) -> TimeLimitedStore:
    store = TimeLimitedStore(current(national.build).store, timeout_s=1.0, workers=2)
    yield store
    store.close()


def test_a_runaway_query_is_stopped_at_the_time_limit(limited: TimeLimitedStore) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        limited.query(RUNAWAY)
    assert time.monotonic() - started < 5


def test_the_store_answers_again_after_a_timeout(limited: TimeLimitedStore) -> None:
    with pytest.raises(QueryTimeout):
        limited.query(RUNAWAY)
    result = limited.query(COUNT)
    assert isinstance(result, SelectResult)
    assert int(result.rows[0][0].value) == len(limited)


def test_queries_from_several_threads_run_side_by_side(limited: TimeLimitedStore) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: limited.query(COUNT), range(8)))
    assert {int(c.rows[0][0].value) for c in counts} == {len(limited)}


def test_a_query_the_store_rejects_comes_back_as_an_error(limited: TimeLimitedStore) -> None:
    with pytest.raises(QueryFailed, match="SyntaxError"):
        limited.query("SELECT * WHERE { ?s ?p }")


def test_the_service_applies_the_configured_time_limit(national: Settings) -> None:
    service = QueryService(national.model_copy(update={"query_timeout_s": 1.0}))
    with pytest.raises(QueryTimeout):
        service.sparql(RUNAWAY)


def test_a_worker_cannot_reach_the_network_even_for_service(limited: TimeLimitedStore) -> None:
    """Bypass the guard on purpose: the worker itself must make no connection."""
    import socket

    barriers = limited.barriers()
    if barriers is None or not barriers.isolated:
        pytest.skip("this machine allows the workers no barrier to the network")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryFailed):
        limited.query(query)
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


# Each subject's triples against its other triples: about a second on the national graph.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?x }"


def _count(result: object) -> int:
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0].value)


@pytest.fixture
def one_worker(national: Settings) -> TimeLimitedStore:
    """One worker process that runs up to four queries at once."""
    store = TimeLimitedStore(current(national.build).store, timeout_s=30, workers=1, threads=4)
    yield store
    store.close()


def test_queries_at_once_share_one_worker_process(one_worker: TimeLimitedStore) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: _count(one_worker.query(COUNT)), range(8)))
    assert set(counts) == {len(one_worker)}
    assert len(one_worker.worker_pids()) == 1


def test_a_query_beside_one_that_overruns_is_answered_on_a_fresh_worker(
    one_worker: TimeLimitedStore,
) -> None:
    expected = _count(one_worker.query(SLOW))
    (first,) = one_worker.worker_pids()
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(one_worker.query, SLOW)
        time.sleep(0.3)  # the slow query is running when the runaway is stopped
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"longer than 0\.5 s"):
            one_worker.query(RUNAWAY, timeout_s=0.5)
        assert time.monotonic() - started < 3
        assert _count(slow.result(timeout=60)) == expected
    assert first not in one_worker.worker_pids()


def test_a_query_on_a_worker_that_dies_is_tried_again(one_worker: TimeLimitedStore) -> None:
    import os
    import signal

    expected = _count(one_worker.query(SLOW))
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(one_worker.query, SLOW)
        time.sleep(0.3)
        for pid in one_worker.worker_pids():
            os.kill(pid, signal.SIGKILL)
        assert _count(slow.result(timeout=60)) == expected


def test_a_worker_that_cannot_run_fails_the_query_clearly_and_never_hangs(
    national: Settings,
) -> None:
    """64 MB of address space is too little for the store: every worker dies at once."""
    store = TimeLimitedStore(current(national.build).store, timeout_s=30, memory_mb=64)
    started = time.monotonic()
    with pytest.raises(QueryFailed, match="stopped unexpectedly"):
        store.query(COUNT)
    assert time.monotonic() - started < 10
    store.close()


def test_closing_the_store_fails_the_queries_still_running(one_worker: TimeLimitedStore) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(one_worker.query, RUNAWAY)
        time.sleep(0.3)
        one_worker.close()
        with pytest.raises(QueryFailed, match="closed"):
            slow.result(timeout=10)
