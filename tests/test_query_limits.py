"""What one query may cost the workers: a grace before an overrun kills its worker, and a
query that crashed a worker twice is refused (400) without reaching a worker again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nhskg.graph.publish import current
from nhskg.graph.query.query_limits import CrashMemory
from nhskg.graph.query.query_worker import CRASHER, QueryTimeout, TimeLimitedStore
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

# About 2 s on the national graph (every subject's triples paired): a short overrun.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?r }"
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# A string doubled 27 times (1.3 GB): past a 1 GB address-space cap the engine aborts.
_DOUBLINGS = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(27))
CRASHING = f'SELECT (STRLEN(?s27) AS ?n) WHERE {{ BIND("aaaaaaaaaa" AS ?s0) {_DOUBLINGS} }}'


def _store(national: Settings, **options: float) -> Iterator[TimeLimitedStore]:
    """One worker, started generously (its start counts towards a query's limit); the
    tests give their queries short limits of their own."""
    store = TimeLimitedStore(current(national.build).store, workers=1, **options)  # type: ignore[arg-type]
    yield store
    store.close()


@pytest.fixture
def graceful(national: Settings) -> Iterator[TimeLimitedStore]:
    yield from _store(national, timeout_s=30.0, grace_s=10.0)


@pytest.fixture
def strict(national: Settings) -> Iterator[TimeLimitedStore]:
    yield from _store(national, timeout_s=30.0, grace_s=0.5)


@pytest.fixture
def capped(national: Settings) -> Iterator[TimeLimitedStore]:
    yield from _store(national, timeout_s=30.0, memory_mb=1024)


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_an_overrun_that_finishes_within_the_grace_keeps_its_worker(
    graceful: TimeLimitedStore,
) -> None:
    graceful.query(COUNT)
    before = graceful.worker_pids()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        graceful.query(SLOW, timeout_s=0.5)
    assert time.monotonic() - started < 2, "the caller is answered at its limit, not after"
    time.sleep(4)  # the query finishes on the worker meanwhile
    answered = graceful.query(COUNT)
    assert isinstance(answered, SelectResult)
    assert graceful.worker_pids() == before, "no worker was killed for a short overrun"


def test_an_overrun_still_running_after_the_grace_costs_its_worker(
    strict: TimeLimitedStore,
) -> None:
    strict.query(COUNT)
    before = strict.worker_pids()
    with pytest.raises(QueryTimeout):
        strict.query(RUNAWAY, timeout_s=0.5)
    assert _wait_for(lambda: strict.worker_pids() != before, 5), "the runaway's worker lives on"
    assert isinstance(strict.query(COUNT), SelectResult)


def test_a_query_that_crashes_a_worker_twice_is_refused_and_never_sent_again(
    capped: TimeLimitedStore,
) -> None:
    with pytest.raises(QueryRefused, match="crashed the query engine twice") as refused:
        capped.query(CRASHING, guard=True)
    assert refused.value.status == 400
    assert isinstance(capped.query(COUNT), SelectResult)
    pids = capped.worker_pids()
    started = time.monotonic()
    with pytest.raises(QueryRefused, match="crashed"):
        capped.query(CRASHING, guard=True)
    assert time.monotonic() - started < 0.5
    assert capped.worker_pids() == pids, "the known crasher never reached a worker"


def test_one_crash_makes_a_suspect_and_a_second_a_crasher() -> None:
    memory = CrashMemory(size=2)
    assert not memory.crashed("A") and not memory.crashed_before("A")
    assert memory.crashed("A") and memory.crashed_before("A")
    assert not memory.crashed_before("B")
    memory.crashed("B")
    memory.crashed("B")
    memory.crashed("C")
    memory.crashed("C")
    assert not memory.crashed_before("A"), "the least recently seen is forgotten first"
    assert CRASHER.startswith("this query crashed")


def test_a_worker_starts_at_its_final_priority(national: Settings) -> None:
    """``nice`` starts the worker: it never runs at the server's priority, even while it
    starts (its own argument says it lowers itself by nothing)."""
    store = TimeLimitedStore(current(national.build).store, timeout_s=30.0, niceness=7)
    try:
        store.query(COUNT)
        (pid,) = store.worker_pids()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        assert int(stat[16]) == 7, "the worker's niceness"
        argv = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
        module = argv.index("nhskg.graph.query.worker_process")
        assert argv[module + 4] == "0", "the worker lowers itself by nothing after it starts"
    finally:
        store.close()


def test_a_query_whose_caller_stopped_waiting_still_stops_at_its_limit(
    strict: TimeLimitedStore,
) -> None:
    """An event loop's wait cancelled (a client that left): the worker is killed at the
    query's limit and grace all the same, not left to run the query for minutes."""
    import asyncio

    from nhskg.graph.query.query_answer import Formats

    strict.query(COUNT)
    before = strict.worker_pids()

    async def leave_early() -> None:
        call = strict.answer_async(RUNAWAY, Formats("json", "turtle"), timeout_s=1.0)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(call, 0.2)

    asyncio.run(leave_early())
    assert strict.worker_pids() == before, "not killed before its limit"
    assert _wait_for(lambda: strict.worker_pids() != before, 5), "the runaway ran on"
