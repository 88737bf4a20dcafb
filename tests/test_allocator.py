"""The query workers run with the memory allocator the settings choose."""

from __future__ import annotations

import os
import subprocess

import pytest
from loopback import venv_command

from nhskg.graph.allocator import environment, mapped_allocator, preloaded_library
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import default_store
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _worker_allocator(store: TimeLimitedStore) -> str | None:
    result = store.query(COUNT)  # starts the worker
    assert isinstance(result, SelectResult) and int(result.rows[0][0].value) > 90_000
    (pid,) = store.worker_pids()
    return mapped_allocator(pid)


def test_query_workers_preload_jemalloc_where_the_system_has_it(national: Settings) -> None:
    if preloaded_library("auto") is None:
        pytest.skip("libjemalloc2 is not installed (make setup installs it when run as root)")
    store = default_store(Settings(build_dir=national.build, query_allocator="auto"), workers=1)
    assert isinstance(store, TimeLimitedStore)
    try:
        assert _worker_allocator(store) == "libjemalloc.so.2"
    finally:
        store.close()
    assert mapped_allocator(os.getpid()) is None  # the caller's own process is left as it is


def test_query_workers_use_the_system_malloc_when_told(national: Settings) -> None:
    store = default_store(Settings(build_dir=national.build, query_allocator="system"), workers=1)
    assert isinstance(store, TimeLimitedStore)
    try:
        assert _worker_allocator(store) is None
    finally:
        store.close()


def test_the_preloaded_library_goes_first_and_keeps_what_was_preloaded() -> None:
    env = environment("/opt/x/libjemalloc.so.2", {"LD_PRELOAD": "libother.so", "A": "1"})
    assert env == {"LD_PRELOAD": "/opt/x/libjemalloc.so.2 libother.so", "A": "1"}
    assert environment(None, {"A": "1"}) == {"A": "1"}


def test_an_allocator_that_is_no_file_is_refused_naming_the_setting(tmp_path) -> None:
    env = os.environ | {"NHSKG_QUERY_ALLOCATOR": str(tmp_path / "libnothing.so")}
    run = subprocess.run(
        [venv_command("nhskg"), "stats"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2
    assert "NHSKG_QUERY_ALLOCATOR" in run.stderr and "libnothing.so" in run.stderr
