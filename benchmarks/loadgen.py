"""What the HTTP benchmarks share: an asyncio keep-alive load generator and servers.

`load` sends GET requests from a number of concurrent HTTP/1.1 keep-alive clients
(one connection each) and summarises requests per second and p50/p99 latency;
`each_once` sends every path exactly once, shared out over the clients (a cold
pass). Servers are started and awaited as the tests start them
(:mod:`nhskg.graph.loopback`: `free_port`, `running`, `venv_command`,
`oxigraph_read_only`).
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from nhskg.graph.loopback import (
    HOST,
    free_port,
    oxigraph_read_only,
    oxigraph_ready,
    running,
    venv_command,
)

__all__ = [
    "each_once",
    "free_port",
    "load",
    "load_until",
    "oxigraph_read_only",
    "oxigraph_ready",
    "serving",
    "summary",
    "venv_command",
]


@contextmanager
def serving(
    args: Sequence[str], ready_url: str, *, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """`running`, quiet (ServerDidNotStart, a RuntimeError, when the server does not
    answer); yields the server's process id."""
    with running(args, ready_url, env=env, quiet=True) as process:
        yield process.pid


async def _one_client(
    port: int,
    paths: Iterable[str],
    latencies: list[float],
    errors: list[str],
    *,
    accept: str,
    strict: bool,
    until: float | None = None,
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for path in paths:
            if until is not None and time.monotonic() >= until:
                break
            request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: {accept}\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode("latin-1"))
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            chunked = False
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                if strict:
                    raise RuntimeError(f"{path} answered {status}")
                errors.append(f"{status} {path[:80]}")
                continue
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _run(port: int, plans: list[list[str]], *, accept: str, strict: bool) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _one_client(port, plan, latencies, errors, accept=accept, strict=strict)
            for plan in plans
            if plan
        )
    )
    return summary(latencies, time.perf_counter() - started, errors)


async def load_until(
    port: int, paths: Sequence[str], clients: int, until: float, *, accept: str = "*/*"
) -> dict[str, Any]:
    """``clients`` connections cycling through ``paths`` until ``time.monotonic()``
    passes ``until``, answers other than 200 counted as errors; for an event loop that
    runs other traffic beside it."""
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _one_client(
                port,
                itertools.cycle([*paths[c * 7 % len(paths) :], *paths[: c * 7 % len(paths)]]),
                latencies,
                errors,
                accept=accept,
                strict=False,
                until=until,
            )
            for c in range(clients)
        )
    )
    return summary(latencies, time.perf_counter() - started, errors)


def load(
    port: int,
    paths: Sequence[str],
    clients: int,
    each: int,
    *,
    accept: str = "*/*",
    strict: bool = True,
) -> dict[str, Any]:
    """``clients`` connections, each sending ``each`` requests cycling through ``paths``.

    With ``strict``, a status other than 200 stops the run; otherwise such answers are
    counted (``errors``) and left out of the latencies.
    """
    plans = [[paths[(c * 7 + i) % len(paths)] for i in range(each)] for c in range(clients)]
    return asyncio.run(_run(port, plans, accept=accept, strict=strict))


def each_once(
    port: int, paths: Sequence[str], clients: int, *, accept: str = "*/*", strict: bool = True
) -> dict[str, Any]:
    """Every path exactly once, dealt out to ``clients`` connections in turn."""
    plans = [list(paths[c::clients]) for c in range(clients)]
    return asyncio.run(_run(port, plans, accept=accept, strict=strict))


def summary(
    latencies: Sequence[float], elapsed: float, errors: Sequence[str] = ()
) -> dict[str, Any]:
    """Requests, requests per second, p50 and p99 in milliseconds (and errors, if any)."""
    ordered = sorted(latencies)
    out: dict[str, Any] = {"requests": len(ordered)}
    if ordered:
        out |= {
            "rps": round(len(ordered) / elapsed, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
        }
    if errors:
        out["errors"] = len(errors)
        out["first_error"] = errors[0]
    return out
