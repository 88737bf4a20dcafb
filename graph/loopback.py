"""Servers on loopback, for the tests and the benchmarks: a free port, a server started
and awaited, the command line of `oxigraph serve-read-only` on a store and the URL
that says it is ready; a listener that counts who reaches it (what a query must never
do); and a server's query workers and their CPU time, read from /proc.

One way to start a server and wait until it answers, so that what the tests check and
what the benchmarks measure is the same server started the same way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
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


# How a CountingListener answers: an error with its secret as the body, or SPARQL results
# whose syntax breaks on the secret (Oxigraph quotes either in its error message).
LISTENER_ANSWERS = {
    "error": (b"500 Internal Server Error", b"text/plain", b"%s"),
    "results": (b"200 OK", b"text/tab-separated-values", b"?s\n<%s"),
}


class CountingListener:
    """A server on 127.0.0.1 that counts the connections made to it and answers each
    with a secret (``INTERNAL-SECRET-TOKEN=...``), which must never reach a client."""

    def __init__(self, answer: str = "error") -> None:
        self.status, self.media, self.template = LISTENER_ANSWERS[answer]
        self.secret = "INTERNAL-SECRET-TOKEN=" + secrets.token_hex(12)
        self.connections = 0
        self.socket = socket.create_server((HOST, 0))
        self.socket.settimeout(0.2)
        self.port: int = self.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = self.template % self.secret.encode()
        head = b"HTTP/1.1 %s\r\nContent-Type: %s\r\n" % (self.status, self.media)
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


def children(pid: int) -> list[int]:
    """The processes ``pid`` started, from any of its threads."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            found += [int(child) for child in task.read_text().split()]
    return found


def worker_pids(server: int) -> list[int]:
    """The query worker processes a server runs now."""
    workers = []
    for child in children(server):
        with contextlib.suppress(OSError):  # a worker that stopped meanwhile
            if b"nhskg.graph.query.worker_process" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(child)
    return workers


def children_cpu(parent: int) -> float:
    """CPU seconds used so far by ``parent``'s child processes (a server's workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for child in children(parent):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total
