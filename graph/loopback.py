"""Servers on loopback, for the tests and the benchmarks: a free port, a server started
and awaited, and the command line of `oxigraph serve-read-only` on a store and the URL
that says it is ready.

One way to start a server and wait until it answers, so that what the tests check and
what the benchmarks measure is the same server started the same way.
"""

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

HOST = "127.0.0.1"


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
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
        f"{HOST}:{port}",
        "--union-default-graph",
    ]


def oxigraph_ready(port: int) -> str:
    """A URL `oxigraph serve` on ``port`` answers once it is ready (an empty ASK)."""
    return f"http://{HOST}:{port}/query?query=ASK%7B%7D"


@contextmanager
def running(
    args: Sequence[str],
    ready_url: str,
    *,
    env: Mapping[str, str] | None = None,
    quiet: bool = False,
    wait_s: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until ``ready_url`` answers 200, stop it afterwards;
    :class:`ServerDidNotStart` if it exits or does not answer within ``wait_s``."""
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
                    message = f"{args[0]} did not start answering {ready_url}"
                    raise ServerDidNotStart(message) from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
