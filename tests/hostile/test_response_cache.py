"""The response cache stays within its byte budget: on the middleware with a real
Starlette app (what it counts, what it evicts, what it refuses to keep, and that an
answer of one build is never served for the next), and on a real `nhskg serve`,
whose resident memory after many distinct large answers stays bounded (read from
/proc/PID/status)."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from loopback import free_port, running, venv_command
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from nhskg.api.caching import BUILD_KEY, ConditionalGetMiddleware
from nhskg.graph.building.build import build
from nhskg.graph.settings import Settings

BUDGET = 1 << 20  # 1 MiB: an entry may take 16 KiB


class Served:
    """A real Starlette app behind the cache, as the server stacks them: the build id
    is set in the scope outside the cache, and the app counts what it answered."""

    def __init__(self) -> None:
        self.build_id = "b1"
        self.answered: Counter[str] = Counter()

        def answer(request: Request) -> Response:
            self.answered[str(request.url)] += 1
            size = int(request.query_params["size"])
            return Response(b"x" * size, media_type="application/octet-stream")

        app = Starlette(routes=[Route("/api/blob", answer)])
        self.cache = ConditionalGetMiddleware(app, budget_bytes=BUDGET)
        self.client = TestClient(self._with_build(self.cache), base_url="http://test")

    def _with_build(self, app: ASGIApp) -> ASGIApp:
        async def outer(scope: Scope, receive: Receive, send: Send) -> None:
            scope[BUILD_KEY] = self.build_id
            await app(scope, receive, send)

        return outer

    def get(self, n: int, size: int, **headers: str) -> httpx.Response:
        return self.client.get(f"/api/blob?n={n}&size={size}", headers=headers)

    def times_answered(self, n: int, size: int) -> int:
        return self.answered[f"http://test/api/blob?n={n}&size={size}"]


def test_distinct_large_answers_keep_the_counted_bytes_under_the_budget() -> None:
    served = Served()
    size = 12_000  # under a 64th of the budget: each is kept
    for n in range(200):
        assert served.get(n, size).status_code == 200
        assert served.cache.cached_bytes <= BUDGET
    entries = len(served.cache)
    # honest counting: every entry costs at least its body, and the budget is used
    assert BUDGET // (size + 2_000) <= entries <= BUDGET // size
    assert served.cache.cached_bytes > BUDGET - 2 * (size + 2_000)


def test_the_least_recently_used_answer_goes_first() -> None:
    served = Served()
    size = 12_000
    served.get(0, size)
    for n in range(1, 200):
        served.get(n, size)
        served.get(0, size)  # kept in use: never the least recently used
    assert served.times_answered(0, size) == 1
    served.get(1, size)  # long unused: evicted, answered again
    assert served.times_answered(1, size) == 2


def test_an_answer_over_a_64th_of_the_budget_is_never_kept() -> None:
    served = Served()
    large = BUDGET // 64 + 1
    for _ in range(3):
        assert len(served.get(1, large).content) == large
    assert served.times_answered(1, large) == 3
    assert len(served.cache) == 0 and served.cache.cached_bytes == 0
    served.get(2, 1_000)
    served.get(2, 1_000)
    assert served.times_answered(2, 1_000) == 1  # a small one is


def test_an_answer_of_one_build_is_never_served_for_the_next() -> None:
    served = Served()
    first = served.get(1, 100)
    assert first.headers["etag"].startswith('"b1-')
    assert served.get(1, 100, **{"If-None-Match": first.headers["etag"]}).status_code == 304
    served.build_id = "b2"
    second = served.get(1, 100, **{"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"].startswith('"b2-')
    assert served.times_answered(1, 100) == 2
    assert len(served.cache) == 1  # the old build's entry went with it


def test_a_budget_of_zero_keeps_nothing() -> None:
    served = Served()
    served.cache = ConditionalGetMiddleware(served.cache.app, budget_bytes=0)
    served.client = TestClient(served._with_build(served.cache), base_url="http://test")
    served.get(1, 10)
    served.get(1, 10)
    assert served.times_answered(1, 10) == 2 and served.cache.cached_bytes == 0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


LARGE = "SELECT * WHERE {{ ?s ?p ?o }} LIMIT 2000 # {n}"
REQUESTS = 800
CACHE_MB = 64
SLACK_MB = 64  # the interpreter's own churn, the allocator's arenas, httptools' buffers


@pytest.fixture
def server(mini: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    assert build(mini).published
    port = free_port()
    env = os.environ | {
        "NHSKG_DATA_DIR": str(mini.data),
        "NHSKG_BUILD_DIR": str(mini.build),
        "NHSKG_RESPONSE_CACHE_MB": str(CACHE_MB),
    }
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env) as process:
        yield base, process


def test_server_memory_stays_bounded_after_many_distinct_large_answers(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = server
    with httpx.Client(base_url=base, timeout=30) as client:

        def large(n: int) -> int:
            response = client.get("/sparql", params={"query": LARGE.format(n=n)})
            assert response.status_code == 200, response.text[:300]
            return len(response.content)

        sizes = [large(n) for n in range(-20, 0)]  # warm up: workers, imports, buffers
        before = rss_mb(process.pid)
        sizes += [large(n) for n in range(REQUESTS)]
        after = rss_mb(process.pid)
    served_mb = sum(sizes) / 2**20
    print(f"RSS {before:.0f} -> {after:.0f} MB after {served_mb:.0f} MB of answers")
    assert min(sizes) > 300_000  # each a large answer, under the largest kept (1 MiB)
    # an unbounded cache would hold every answer: twice the bound at least
    assert served_mb > 2 * (CACHE_MB + SLACK_MB)
    assert after - before < CACHE_MB + SLACK_MB
