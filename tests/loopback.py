"""Real servers on loopback for tests (:mod:`nhskg.graph.loopback`, shared with the
benchmarks); a server that does not start fails the test."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pytest

from nhskg.graph import loopback
from nhskg.graph.loopback import (
    CountingListener,
    children_cpu,
    free_port,
    oxigraph_read_only,
    venv_command,
    worker_pids,
)

__all__ = [
    "CountingListener",
    "children_cpu",
    "free_port",
    "oxigraph_read_only",
    "running",
    "venv_command",
    "worker_pids",
]


@contextmanager
def running(
    args: Sequence[str],
    ready_url: str,
    *,
    env: Mapping[str, str] | None = None,
    quiet: bool = False,
    wait_s: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """:func:`nhskg.graph.loopback.running`, failing the test if the server does not start."""
    try:
        with loopback.running(args, ready_url, env=env, quiet=quiet, wait_s=wait_s) as process:
            yield process
    except loopback.ServerDidNotStart as error:
        pytest.fail(str(error))
