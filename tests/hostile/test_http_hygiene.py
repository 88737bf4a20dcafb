"""HTTP hygiene against a real `nhskg serve` on loopback (issue 20, parts 6, 8, 9, 10):
no Host header names the service, every answer carries the security headers, CORS only
on the API and the endpoint, slow or oversized request heads are cut off with bounded
memory, and the SPARQL protocol's client errors are 4xx in the one error shape."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from loopback import free_port, running, venv_command
from pydantic import ValidationError

from nhskg.api.app import create_app
from nhskg.api.http_limits import MAX_REQUEST_LINE_BYTES
from nhskg.graph.query.sparql_guard import MAX_QUERY_BYTES
from nhskg.graph.settings import Settings

PUBLIC = "https://kg.example.org"
HEADER_TIMEOUT_S = 1.0
MAX_HEADER_BYTES = 16_384
ASK = "ASK { ?s ?p ?o }"
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"
SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


@pytest.fixture(scope="module")
def server(national: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = os.environ | {
        "NHSKG_BUILD_DIR": str(national.build),
        "NHSKG_PUBLIC_BASE_URL": PUBLIC,
        "NHSKG_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "NHSKG_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
        "NHSKG_KEEP_ALIVE_S": "1",
        "NHSKG_QUERY_TIMEOUT_S": "3",
        "NHSKG_MIN_TIMEOUT_S": "0.5",
    }
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env) as process:
        yield base, process


@pytest.fixture
def base(server: tuple[str, subprocess.Popen[bytes]]) -> str:
    return server[0]


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(HEADER_TIMEOUT_S + 5)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def send_ignoring_reset(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)  # the server may refuse part way and stop reading


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def body_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


# -- Host header poisoning ---------------------------------------------------------------


def test_a_host_header_never_names_the_service_in_any_answer(base: str) -> None:
    poisoned = httpx.get(base + "/sparql?x=1", headers={"Host": "attacker.example"})
    plain = httpx.get(base + "/sparql?x=1")
    for response in (poisoned, plain):
        assert response.status_code == 200
        assert f"<{PUBLIC}/sparql> a sd:Service" in response.text
        assert "attacker.example" not in response.text
    redirect = httpx.get(base + "/api/organisations/", headers={"Host": "attacker.example"})
    assert "attacker.example" not in redirect.headers.get("location", "")


def test_the_public_base_url_defaults_to_where_the_server_listens() -> None:
    assert Settings(host="127.0.0.1", port=8000).base_url == "http://127.0.0.1:8000"
    assert Settings(host="::1", port=9).base_url == "http://[::1]:9"
    assert Settings(public_base_url="https://a.example/kg/").base_url == "https://a.example/kg"
    with pytest.raises(ValidationError, match="public_base_url"):
        Settings(public_base_url="ftp://a.example")


# -- Security headers and CORS -----------------------------------------------------------


def answers(base: str) -> dict[str, httpx.Response]:
    """One of each kind of answer the server gives."""
    first = httpx.get(base + "/api/organisations", params={"q": "Bedford"})
    etag = first.headers["etag"]
    return {
        "page": httpx.get(base + "/"),
        "network page": httpx.get(base + "/network"),
        "docs page": httpx.get(base + "/docs"),
        "error page": httpx.get(base + "/organisations/ZZZZZ", headers={"Accept": "text/html"}),
        "api": first,
        "cached replay": httpx.get(base + "/api/organisations", params={"q": "Bedford"}),
        "304": httpx.get(
            base + "/api/organisations", params={"q": "Bedford"}, headers={"If-None-Match": etag}
        ),
        "sparql": httpx.get(base + "/sparql", params={"query": ASK}),
        "sparql error": httpx.get(base + "/sparql", params={"query": "SELEKT"}),
        "static": httpx.get(base + "/static/network.js"),
        "vendor": httpx.get(base + "/vendor/cytoscape/cytoscape.min.js"),
        "404": httpx.get(base + "/no/such/thing"),
        "405": httpx.put(base + "/sparql"),
        "preflight": httpx.options(
            base + "/sparql",
            headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
        ),
    }


def test_every_answer_carries_the_security_headers(base: str) -> None:
    every = answers(base)
    assert every["304"].status_code == 304
    for kind, response in every.items():
        assert response.status_code < 500, kind
        headers = response.headers
        for name, value in SECURITY.items():
            assert headers.get(name) == value, f"{kind}: {name}"
        policy = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, kind
        assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy, kind
        assert "camera=()" in headers.get("permissions-policy", ""), kind


@pytest.mark.parametrize(
    ("path", "cors"),
    [
        ("/api", True),
        ("/api/organisations?q=Bedford", True),
        ("/api/network.graphml", True),
        ("/sparql", True),
        ("/", False),
        ("/organisations/RC1", False),
        ("/network", False),
        ("/docs", False),
        ("/static/network.js", False),
        ("/id/org/RC1", False),
    ],
)
def test_cors_is_for_the_api_and_the_endpoint_not_the_pages(
    base: str, path: str, cors: bool
) -> None:
    response = httpx.get(base + path, headers={"Origin": "https://a.example"})
    assert response.status_code < 400
    assert (response.headers.get("access-control-allow-origin") == "*") is cors


# -- Slow and oversized request heads ----------------------------------------------------


def test_a_half_sent_head_is_answered_408_and_closed_within_the_timeout(base: str) -> None:
    sock = connect(base)
    started = time.monotonic()
    sock.sendall(b"GET /api HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    raw = read_all(sock)
    took = time.monotonic() - started
    assert status_of(raw) == 408 and b'"status": 408' in body_of(raw)
    assert HEADER_TIMEOUT_S * 0.9 <= took < HEADER_TIMEOUT_S + 1.5


def test_a_head_trickled_byte_by_byte_is_cut_off_at_the_timeout(base: str) -> None:
    sock = connect(base)
    started = time.monotonic()
    for byte in b"GET /api HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
        send_ignoring_reset(sock, bytes([byte]))
        if select.select([sock], [], [], 0.1)[0]:
            break  # the server answered
    took = time.monotonic() - started
    assert status_of(read_all(sock)) == 408
    assert took < HEADER_TIMEOUT_S + 0.5


def test_idle_connections_are_closed_within_the_timeout(base: str) -> None:
    socks = [connect(base) for _ in range(200)]
    time.sleep(HEADER_TIMEOUT_S + 1)
    for sock in socks:
        sock.settimeout(0.5)
        assert sock.recv(1) == b"", "an idle connection is still open"
        sock.close()


def test_a_kept_alive_connection_gets_the_timeout_on_its_next_request(base: str) -> None:
    sock = connect(base)
    sock.sendall(b"GET /api HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    sock.sendall(b"GET /api HTTP/1.1\r\n")
    raw = read_all(sock)
    assert status_of(raw) == 408
    assert time.monotonic() - started < HEADER_TIMEOUT_S + 1.5


def test_a_one_megabyte_header_is_refused_431(base: str) -> None:
    sock = connect(base)
    send_ignoring_reset(sock, b"GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2**20)
    raw = read_all(sock)
    assert status_of(raw) == 431
    assert f"longer than {MAX_HEADER_BYTES} bytes".encode() in body_of(raw)
    assert b"content-security-policy:" in raw.lower()


def test_the_server_stays_small_after_sixteen_unfinished_eight_megabyte_headers(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = server
    httpx.get(base + "/api")  # warm
    before = rss_kb(process.pid)
    socks = [connect(base) for _ in range(16)]
    for sock in socks:
        send_ignoring_reset(sock, b"GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2**23)
    grown_mb = (rss_kb(process.pid) - before) / 1024
    for sock in socks:
        assert status_of(read_all(sock)) == 431
    assert grown_mb < 8, f"the server grew by {grown_mb:.1f} MB"
    assert httpx.get(base + "/api").status_code == 200


# -- The SPARQL protocol's client errors ---------------------------------------------------


def get_raw(base: str, target: str) -> bytes:
    sock = connect(base)
    send_ignoring_reset(
        sock, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )
    return read_all(sock)


def test_a_get_query_over_the_request_line_limit_gets_413_saying_to_post_it(base: str) -> None:
    target = "/sparql?query=" + quote(ASK + " #" + "a" * 70_000)
    raw = get_raw(base, target)
    assert status_of(raw) == 413
    assert b'"status": 413' in body_of(raw) and b"POST" in body_of(raw)


def test_a_request_line_at_the_limit_is_answered(base: str) -> None:
    prefix = "/sparql?query=" + quote(ASK + " #")
    line_overhead = len("GET  HTTP/1.1\r\n")
    target = prefix + "a" * (MAX_REQUEST_LINE_BYTES - line_overhead - len(prefix))
    assert status_of(get_raw(base, target)) == 200
    assert status_of(get_raw(base, target + "a")) == 413


def test_a_get_query_over_the_guards_limit_gets_413_by_any_server(national: Settings) -> None:
    """Behind another server with no request line limit, the endpoint says so itself."""
    app = create_app(national)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sparql",
        "raw_path": b"/sparql",
        "query_string": b"query=" + b"a" * MAX_QUERY_BYTES,
        "headers": [(b"host", b"x")],
        "scheme": "http",
        "server": ("x", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "http_version": "1.1",
    }
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    try:
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    finally:
        app.state.graph.close()
    assert sent[0]["status"] == 413
    assert b'"parameter":"query"' in sent[1]["body"]  # type: ignore[operator]
    assert b"POST" in sent[1]["body"]  # type: ignore[operator]


@pytest.mark.parametrize("name", ["query", "timeout", "format"])
def test_a_get_parameter_that_is_not_utf8_is_refused_naming_it(base: str, name: str) -> None:
    params = {"query": quote(ASK), "timeout": "1", "format": "json"}
    params[name] = params[name] + "%FF"
    response = httpx.get(base + "/sparql?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == name


def test_a_timeout_below_the_floor_is_raised_to_it_and_said(base: str) -> None:
    quick = httpx.get(base + "/sparql", params={"query": ASK, "timeout": "0.001"})
    assert quick.status_code == 200 and quick.headers["x-nhskg-timeout"] == "0.5"
    assert httpx.get(base + "/sparql", params={"query": ASK}).headers["x-nhskg-timeout"] == "3"
    started = time.monotonic()
    runaway = httpx.get(base + "/sparql", params={"query": RUNAWAY, "timeout": "0.001"}, timeout=30)
    assert runaway.status_code == 503 and "longer than 0.5 s" in runaway.text
    assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(base: str, value: str) -> None:
    response = httpx.get(base + "/sparql", params={"query": ASK, "timeout": value})
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "timeout"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/sparql", "GET, HEAD, POST"),
        ("DELETE", "/sparql", "GET, HEAD, POST"),
        ("OPTIONS", "/sparql", "GET, HEAD, POST"),
        ("DELETE", "/api/organisations", "GET, HEAD"),
        ("POST", "/", "GET, HEAD"),
        ("POST", "/static/network.js", "GET, HEAD"),
    ],
)
def test_every_405_says_what_is_allowed_in_the_error_shape(
    base: str, method: str, path: str, allowed: str
) -> None:
    response = httpx.request(method, base + path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json()["error"]["status"] == 405
