"""What one client may cost the SPARQL endpoint: queries at once, and queries stopped.

A client (its address; an IPv6 address's /64, which one host may hold whole) may have
at most ``sparql_per_client`` queries in the query workers at once, and at most
``sparql_kills_per_client`` of its queries stopped at their time limit (each may cost a
worker, killed and started afresh) within ``sparql_kill_window_s``, counting the queries
it has running (each may yet be stopped) with those. A client over either gets 429 in
the one error shape with a ``Retry-After`` header: until its oldest stopped query
leaves the window, or (for queries at once) the time limit, the longest one of its
queries may still hold a place.

A query holds its client's place until its worker is done with it: if the client goes
away (:mod:`nhskg.api.disconnect` cancels the handler), the query still runs to its
answer or its time limit, which is what stops it (Oxigraph cannot be interrupted, and
killing its worker early would stop the other clients' queries on it too), and it
still counts. So going away frees nothing early, and nothing is left running unwatched.

The table of clients is bounded: a client with nothing running and no stopped query in
the window is dropped, and at most :data:`MAX_CLIENTS` are tracked; when that many are
busy, a new client is refused (429) rather than let in unwatched. The address is the
connection's, or what uvicorn takes from ``X-Forwarded-For`` when the connection comes
from an address it trusts (``--forwarded-allow-ips``; 127.0.0.1 by default): behind a
proxy on the same host, each client of the proxy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import Response

from nhskg.api.errors import ApiError, error_response
from nhskg.graph.query.query_worker import QueryTimeout
from nhskg.graph.settings import Settings

MAX_CLIENTS = 10_000
T = TypeVar("T")


class TooManyRequests(ApiError):
    """429: the client is over one of its limits; ``retry_after_s`` until it may be not."""

    def __init__(self, detail: str, retry_after_s: float) -> None:
        super().__init__(429, "too many requests", detail)
        self.retry_after_s = max(1, math.ceil(retry_after_s))


class _Client:
    __slots__ = ("kills", "running")

    def __init__(self, kills: int) -> None:
        self.running = 0
        self.kills: deque[float] = deque(maxlen=kills)  # when its latest queries were stopped


class ClientLimits:
    """Each client's queries running and queries stopped, and whether it may start one."""

    def __init__(
        self,
        *,
        concurrent: int,
        kills: int,
        window_s: float,
        busy_retry_s: float,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrent = concurrent
        self.kills = kills
        self.window_s = window_s
        self.busy_retry_s = busy_retry_s
        self.max_clients = max_clients
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientLimits:
        return cls(
            concurrent=settings.sparql_per_client,
            kills=settings.sparql_kills_per_client,
            window_s=settings.sparql_kill_window_s,
            busy_retry_s=settings.query_timeout_s,
        )

    def __len__(self) -> int:
        """How many clients are tracked now."""
        with self._lock:
            return len(self._clients)

    def admit(self, client: str) -> None:
        """Take one of ``client``'s places for a query, or raise :class:`TooManyRequests`."""
        now = self.clock()
        with self._lock:
            entry = self._clients.get(client)
            if entry is None:
                if len(self._clients) >= self.max_clients:
                    self._drop_idle(now)
                if len(self._clients) >= self.max_clients:
                    raise TooManyRequests(
                        "the server is serving as many clients as it keeps track of; "
                        "try again shortly",
                        self.busy_retry_s,
                    )
                entry = self._clients[client] = _Client(self.kills)
            stopped = [t for t in entry.kills if t > now - self.window_s]
            if len(stopped) >= self.kills:
                raise TooManyRequests(
                    f"{len(stopped)} of your queries ran past their time limit in the last "
                    f"{self.window_s:g} s (at most {self.kills}): each may cost a query worker",
                    stopped[0] + self.window_s - now,
                )
            # a query running may yet be stopped: with those stopped, never more than the
            # stopped queries allowed, so that no window sees more
            at_once = min(self.concurrent, self.kills - len(stopped))
            if entry.running >= at_once:
                fewer = ", fewer after queries that ran past their time limit"
                raise TooManyRequests(
                    f"you have {entry.running} queries running (at most {at_once} at once"
                    f"{fewer if at_once < self.concurrent else ''})",
                    self.busy_retry_s,
                )
            entry.running += 1

    def release(self, client: str, *, stopped: bool) -> None:
        """Give back a place; ``stopped``: its query was stopped at its time limit."""
        now = self.clock()
        with self._lock:
            entry = self._clients.get(client)
            if entry is None:
                return
            entry.running = max(0, entry.running - 1)
            if stopped:
                entry.kills.append(now)
            if self._idle(entry, now):
                del self._clients[client]

    def _idle(self, entry: _Client, now: float) -> bool:
        return entry.running == 0 and not any(t > now - self.window_s for t in entry.kills)

    def _drop_idle(self, now: float) -> None:
        for client in [c for c, e in self._clients.items() if self._idle(e, now)]:
            del self._clients[client]


def client_of(request: Request) -> str:
    """The client a request counts against: its address, an IPv6 address's /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return host


def limits_of(app: FastAPI) -> ClientLimits:
    limits: ClientLimits = app.state.client_limits
    return limits


async def limited(request: Request, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` (a SPARQL query's answer) in one of the client's places, or refuse
    with :class:`TooManyRequests`. The place is given back when the work is done, even
    if this handler is cancelled first (its client went away), and a
    :class:`~nhskg.graph.query.query_worker.QueryTimeout` counts as a stopped query."""
    limits = limits_of(request.app)
    client = client_of(request)
    limits.admit(client)
    try:
        task = asyncio.ensure_future(work())
    except BaseException:
        limits.release(client, stopped=False)
        raise

    def done(finished: asyncio.Future[T]) -> None:
        failed = None if finished.cancelled() else finished.exception()
        limits.release(client, stopped=isinstance(failed, QueryTimeout))

    task.add_done_callback(done)
    return await asyncio.shield(task)


def refusal(request: Request, error: TooManyRequests) -> Response:
    """The 429 in the one error shape (a page for a browser) with ``Retry-After``."""
    response = error_response(error.status, error.title, error.detail, request)
    response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def add_client_limits(app: FastAPI, settings: Settings) -> None:
    """Keep each client's SPARQL places on ``app``, and answer a refusal with a 429."""
    app.state.client_limits = ClientLimits.from_settings(settings)

    async def too_many(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TooManyRequests)
        return refusal(request, exc)

    app.add_exception_handler(TooManyRequests, too_many)
