"""A request cannot cost more than it is allowed (issue 20, part 2, the API's side).

Every path and query-string parameter of every route has a length limit checked before
any work (in process: one request's CPU time is measured); per client, SPARQL queries
at once and queries stopped at their time limit are limited, with 429 and Retry-After
(a real `nhskg serve` on loopback; each test is its own client, by its own loopback
address); and a handler whose client has gone is cancelled (a real uvicorn server).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import socket
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from loopback import children_cpu, free_port, running, venv_command
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from nhskg.api.app import create_app
from nhskg.api.client_limits import ClientLimits, TooManyRequests
from nhskg.api.disconnect import CancelOnDisconnect
from nhskg.api.errors import ApiError
from nhskg.api.http_limits import MAX_REQUEST_LINE_BYTES
from nhskg.api.limits import LIMITS, PATH_LIMITS, check_lengths
from nhskg.api.routers.sparql import DirectRoute
from nhskg.graph.settings import Settings

TIMEOUT_S = 2.0
PER_CLIENT = 2
KILLS = 3
WINDOW_S = 6.0
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/json"}
# A valid value for each path parameter, so that only the parameter under test is long.
PATH_VALUES = {"code": "RC1", "id": "QK1", "name": "partners", "identifier": "x", "path": "org/RC1"}


# -- length limits, in process ------------------------------------------------------


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient over httpx is deprecated
        with TestClient(create_app(national)) as test_client:
            yield test_client


def _parameters(app: FastAPI) -> list[tuple[str, str, str]]:
    """(route path, parameter name, 'path' or 'query') for every parameter of every
    route the application declares, but the SPARQL endpoint's (its own limits)."""

    def walk(path: str, dependant: Dependant) -> Iterator[tuple[str, str, str]]:
        yield from ((path, p.alias, "path") for p in dependant.path_params)
        yield from ((path, p.alias, "query") for p in dependant.query_params)
        for inner in dependant.dependencies:
            yield from walk(path, inner)

    def routes(within: list[BaseRoute]) -> Iterator[APIRoute]:
        for route in within:
            included = getattr(route, "original_router", None)  # FastAPI's include_router
            if included is not None:
                yield from routes(included.routes)
            elif isinstance(route, APIRoute) and not isinstance(route, DirectRoute):
                yield route

    return sorted({found for r in routes(app.routes) for found in walk(r.path, r.dependant)})


def _error_of(response: httpx.Response) -> dict[str, str]:
    """The error's fields: from the JSON body, or from the one-row table a ``.csv``
    route answers its errors with (so a spreadsheet shows them)."""
    if response.headers["content-type"].startswith("text/csv"):
        return next(csv.DictReader(io.StringIO(response.text)))
    error: dict[str, str] = response.json().get("error", {})
    return error


def test_every_parameter_of_every_route_is_refused_over_its_length(client: TestClient) -> None:
    parameters = _parameters(client.app)  # type: ignore[arg-type]
    where = {(path, name) for path, name, _ in parameters}
    assert {
        ("/api/organisations/{code}", "code"),
        ("/api/organisations", "q"),
        ("/api/paths", "from"),
        ("/id/{path:path}", "path"),
        ("/query/sparql", "query"),
    } <= where
    unbounded = []
    for path, name, kind in parameters:
        limit = (PATH_LIMITS if kind == "path" else LIMITS).get(name, 0)
        long = "9" * max(10_000, limit + 1)
        if len(long) > MAX_REQUEST_LINE_BYTES:  # no URL carries it: the check itself
            with pytest.raises(ApiError):
                check_lengths({}, [(name, long)])
            continue
        values = {n: (long if n == name else v) for n, v in PATH_VALUES.items()}
        url = path.replace("{path:path}", values["path"]).format(**values)
        params = {name: long} if kind == "query" else {}
        # The cheaper of two tries: a refusal's cost, not a garbage collection's that
        # happened to fall in it (the process's CPU time counts every thread's).
        took = float("inf")
        for _ in range(2):
            started = time.process_time()
            response = client.get(url, params=params, headers=JSON)
            took = min(took, time.process_time() - started)
        error = _error_of(response) if response.status_code == 400 else {}
        if error.get("parameter") != name or "longer than" not in error.get("detail", ""):
            unbounded.append(f"{path} {name}: {response.status_code} {response.text[:120]}")
        elif took > 0.5:
            unbounded.append(f"{path} {name}: refused after {took:.2f} s of CPU")
    assert not unbounded, "\n".join(unbounded)


def test_a_named_query_takes_no_long_field_names_and_no_flood_of_fields(
    client: TestClient,
) -> None:
    named = client.get("/api/queries/partners", params={"o" * 1000: "RC1"}, headers=JSON)
    assert named.status_code == 400 and "at most 64 characters" in named.text
    assert len(named.text) < 500
    flood = "&".join(f"f{i}=1" for i in range(1000))
    many = client.get(f"/api/queries/partners?{flood}", headers=JSON)
    assert many.status_code == 400 and "at most 32 query-string fields" in many.text
    paged = client.get(f"/query/partners?{flood}", headers=JSON)
    assert paged.status_code == 400


def test_a_10000_character_code_is_refused_before_any_matching(client: TestClient) -> None:
    """Before: 1,000 'A's cost 3.6 s of CPU, 10,000 cost 28 s, in fuzzy suggestions."""
    client.get("/api/organisations/Bedfrod", headers=JSON)  # the index is built once
    started = time.process_time()
    response = client.get("/api/organisations/" + "A" * 10_000, headers=JSON)
    took = time.process_time() - started
    assert response.status_code == 400  # too long: not 404 "unknown", which is matched
    assert response.json()["error"]["parameter"] == "code"
    assert took < 0.25, f"{took:.2f} s of CPU"


@pytest.mark.parametrize(
    "text",
    ["A" * 200, " ".join(["leicestr"] * 22), " ".join(f"q{i}x" for i in range(40))],
    ids=["one-word", "a-word-repeated", "many-words"],
)
def test_an_unknown_name_at_the_limit_is_suggested_for_in_milliseconds(
    client: TestClient, text: str
) -> None:
    client.get("/api/organisations/Bedfrod", headers=JSON)
    started = time.process_time()
    response = client.get("/api/organisations/" + quote(text), headers=JSON)
    took = time.process_time() - started
    assert response.status_code == 404
    assert response.json()["error"]["title"] == "unknown organisation"
    assert took < 0.25, f"{took:.2f} s of CPU"


def test_suggestions_still_find_a_mistyped_name(client: TestClient) -> None:
    response = client.get("/api/organisations/Bedfrod%20Hospital", headers=JSON)
    assert response.status_code == 404
    assert "Bedford Hospital NHS Trust (RC1)" in response.json()["error"]["suggestions"]


# -- the table of clients, on its own clock ------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_queries_running_count_towards_the_stopped_queries_allowed() -> None:
    clock = _Clock()
    limits = ClientLimits(concurrent=4, kills=3, window_s=60, busy_retry_s=5, clock=clock)
    for _ in range(3):
        limits.admit("a")
    with pytest.raises(TooManyRequests):
        limits.admit("a")  # three running may yet be three stopped
    for _ in range(3):
        limits.release("a", stopped=True)
    with pytest.raises(TooManyRequests) as refused:
        limits.admit("a")
    assert refused.value.retry_after_s == 60
    clock.now = 30.0
    with pytest.raises(TooManyRequests) as later:
        limits.admit("a")
    assert later.value.retry_after_s == 30
    limits.admit("b")  # another client is not held back
    clock.now = 60.5
    limits.admit("a")


def test_the_table_of_clients_drops_the_idle_and_is_bounded() -> None:
    clock = _Clock()
    limits = ClientLimits(
        concurrent=2, kills=2, window_s=10, busy_retry_s=5, max_clients=100, clock=clock
    )
    for n in range(10_000):
        limits.admit(f"10.0.{n // 256}.{n % 256}")
        limits.release(f"10.0.{n // 256}.{n % 256}", stopped=False)
    assert len(limits) == 0
    for n in range(100):
        limits.admit(f"10.1.0.{n}")
        limits.release(f"10.1.0.{n}", stopped=True)  # remembered for the window
    assert len(limits) == 100
    with pytest.raises(TooManyRequests):
        limits.admit("10.2.0.1")  # every place in the table is busy: refused, not let in
    clock.now = 10.5
    limits.admit("10.2.0.1")  # the window has passed: the idle make room
    assert len(limits) == 1


# -- per-client limits on a real server ------------------------------------------


@pytest.fixture(scope="module")
def server(national: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = os.environ | {
        "NHSKG_BUILD_DIR": str(national.build),
        "NHSKG_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "NHSKG_SPARQL_PER_CLIENT": str(PER_CLIENT),
        "NHSKG_SPARQL_KILLS_PER_CLIENT": str(KILLS),
        "NHSKG_SPARQL_KILL_WINDOW_S": str(WINDOW_S),
    }
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env) as process:
        yield base, process


def _from(address: str) -> httpx.Client:
    """A client whose requests come from ``address`` (any of 127.0.0.0/8 is loopback)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _ask(base: str, address: str, query: str, **params: str) -> httpx.Response:
    with _from(address) as http:
        return http.get(base + "/sparql", params={"query": query, **params})


def _in_background(base: str, address: str, query: str, **params: str) -> list[httpx.Response]:
    """Ask in a thread; the answer lands in the list returned."""
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(_ask(base, address, query, **params)))
    thread.start()
    return answers


def _wait_for(answers: list[list[httpx.Response]], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not all(answers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(answers), "a query was not answered in time"


def _assert_too_many(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text[:300]
    assert response.json()["error"]["status"] == 429
    retry = int(response.headers["retry-after"])
    assert retry >= 1
    return retry


def test_a_client_over_its_queries_at_once_gets_429_and_others_do_not(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base = server[0]
    running_now = [_in_background(base, "127.0.0.2", RUNAWAY) for _ in range(PER_CLIENT)]
    time.sleep(0.5)
    retry = _assert_too_many(_ask(base, "127.0.0.2", COUNT + " # one more"))
    assert retry <= TIMEOUT_S + 1
    assert _ask(base, "127.0.0.3", COUNT + " # someone else").status_code == 200
    _wait_for(running_now, TIMEOUT_S + 10)
    assert {a[0].status_code for a in running_now} == {503}  # stopped at the time limit
    assert _ask(base, "127.0.0.2", COUNT + " # after").status_code == 200


def test_a_client_whose_queries_keep_overrunning_gets_429_until_its_window_clears(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base = server[0]
    for n in range(KILLS):
        overran = _ask(base, "127.0.0.4", f"{RUNAWAY} # {n}", timeout="0.5")
        assert overran.status_code == 503, overran.text[:300]
    refused = _ask(base, "127.0.0.4", COUNT + " # cheap, but refused")
    retry = _assert_too_many(refused)
    assert retry <= WINDOW_S and "time limit" in refused.json()["error"]["detail"]
    assert _ask(base, "127.0.0.5", COUNT + " # someone else").status_code == 200
    time.sleep(retry + 0.2)
    assert _ask(base, "127.0.0.4", COUNT + " # the window cleared").status_code == 200


def _send_and_leave(port: int, address: str, query: str) -> None:
    """Send a /sparql request from ``address`` and close the connection unanswered."""
    with socket.create_connection(("127.0.0.1", port), source_address=(address, 0)) as sock:
        path = "/sparql?query=" + quote(query) + "&timeout=1.5"
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(0.3)  # the query has reached a worker


def test_a_query_whose_client_left_counts_until_its_time_limit_stops_it(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Going away frees no place early (a client cannot start query after query and
    leave), and leaves nothing running unwatched: the worker stops at the time limit."""
    base, process = server
    port = int(base.rsplit(":", 1)[1])
    left = time.monotonic()
    for n in range(PER_CLIENT):
        _send_and_leave(port, "127.0.0.6", f"{RUNAWAY} # left {n}")
    _assert_too_many(_ask(base, "127.0.0.6", COUNT + " # while they run"))
    freed = None
    while time.monotonic() - left < 1.5 + 10:
        if _ask(base, "127.0.0.6", COUNT + f" # {time.monotonic()}").status_code == 200:
            freed = time.monotonic() - left
            break
        time.sleep(0.1)
    assert freed is not None and freed >= 1.0, freed
    time.sleep(2.5)  # the grace a stopped query's worker has before it is killed
    before = children_cpu(process.pid)
    time.sleep(1.0)
    assert children_cpu(process.pid) - before < 0.3, "a query of a client that left ran on"


# -- cancelling a handler whose client has gone --------------------------------------


class _Served:
    """A small app behind CancelOnDisconnect on a real uvicorn server, in a thread."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.cancelled = threading.Event()
        self.finished = threading.Event()

        async def slow(request: Request) -> PlainTextResponse:
            self.started.set()
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
            self.finished.set()
            return PlainTextResponse("late")

        async def digest(request: Request) -> PlainTextResponse:
            body = await request.body()
            return PlainTextResponse(f"{len(body)} {hashlib.sha256(body).hexdigest()}")

        app = Starlette(routes=[Route("/slow", slow), Route("/digest", digest, methods=["POST"])])
        self.port = free_port()
        config = uvicorn.Config(
            CancelOnDisconnect(app), port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_a_handler_is_cancelled_when_its_client_disconnects() -> None:
    with _Served() as served:
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.sendall(b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert served.started.wait(5)
        assert served.cancelled.wait(2), "the handler ran on after its client had gone"
        assert not served.finished.is_set()


def test_a_request_body_still_reaches_the_handler_whole() -> None:
    body = os.urandom(3 << 20)
    with _Served() as served:

        def chunks() -> Iterator[bytes]:
            for at in range(0, len(body), 65_536):
                yield body[at : at + 65_536]

        answer = httpx.post(f"http://127.0.0.1:{served.port}/digest", content=chunks())
        assert answer.text == f"{len(body)} {hashlib.sha256(body).hexdigest()}"
        assert not served.cancelled.is_set()


def test_a_server_that_answers_receive_at_once_is_not_read_forever() -> None:
    """A server (or a test's harness) whose receive() returns at once, again and again,
    after the body, cannot say when its client goes: the watcher stops reading it."""
    calls = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)  # lets the application run, even beside a spinning reader
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    app = CancelOnDisconnect(Starlette(routes=[Route("/", lambda r: PlainTextResponse("ok"))]))
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 5))
    assert sent[0]["status"] == 200 and sent[-1]["body"] == b"ok"
    assert calls <= 3
