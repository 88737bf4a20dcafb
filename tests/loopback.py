"""Real servers on loopback for tests: a free port, and a process that must answer."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def venv_command(name: str) -> str:
    """A console script of this environment (nhskg, oxigraph)."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or name


def oxigraph_read_only(store: Path, port: int) -> list[str]:
    """The command for `oxigraph serve-read-only` on ``store`` at 127.0.0.1:``port``,
    whose default graph is the union of the named graphs (as the product's)."""
    return [
        venv_command("oxigraph"),
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
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
    """Start a server, wait until ``ready_url`` answers 200, stop it afterwards."""
    out = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(list(args), env=dict(env) if env else None, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{args[0]} did not start answering {ready_url}")
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
