"""The hostile test's queries, sent to a real `nhskg serve`: the guard's refusals are
client errors (4xx in the one error shape), nothing reaches a listener, and no query
shape costs a worker."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from loopback import CountingListener, free_port, running, venv_command, worker_pids

from nhskg.graph.settings import Settings

FLAT = "SELECT * { BIND(1 AS ?a) FILTER(" + " || ".join(["?a"] * 15_000) + ") }"


@pytest.fixture(scope="module")
def server(national: Settings) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = os.environ | {"NHSKG_BUILD_DIR": str(national.build)}
    base = f"http://127.0.0.1:{port}"
    with running(
        [venv_command("nhskg"), "serve", "--port", str(port)], base + "/api", env=env
    ) as p:
        yield base, p.pid


def _refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status and words in error["detail"], error


def test_service_past_a_dot_or_a_carriage_return_is_refused_and_reaches_nobody(
    server: tuple[str, int],
) -> None:
    base, _ = server
    listener = CountingListener()
    endpoint = f"<http://127.0.0.1:{listener.port}/>"
    for query in (
        f"SELECT * {{ BIND(1 AS ?x) .SERVICE {endpoint} {{ ?a ?b ?c }} }}",
        f"SELECT * {{ # c\rSERVICE {endpoint} {{ ?a ?b ?c }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT {endpoint} {{ ?a ?b ?c }} }} }}",
    ):
        _refused(httpx.post(base + "/sparql", data={"query": query}), 403, "SERVICE")
    listener.close()
    assert listener.connections == 0


def test_an_unknown_function_is_the_clients_error(server: tuple[str, int]) -> None:
    base, _ = server
    query = 'PREFIX fn: <http://www.w3.org/2005/xpath-functions#> SELECT (fn:doc("x") AS ?d) {}'
    _refused(httpx.get(base + "/sparql", params={"query": query}), 400, "unknown function")


def test_a_long_flat_expression_is_refused_without_costing_a_worker(
    server: tuple[str, int],
) -> None:
    base, pid = server
    assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
    before = set(worker_pids(pid))
    for _ in range(3):
        response = httpx.post(base + "/sparql", data={"query": FLAT}, timeout=30)
        _refused(response, 400, "operands in one operator chain")
    assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
    assert set(worker_pids(pid)) == before, "a worker was lost to the query's shape"


def test_a_query_that_crashes_its_worker_twice_is_refused_as_the_clients_error(
    national: Settings,
) -> None:
    """Past the guard's shape limits, a crash is still possible (here: a string past a
    worker's small memory cap); the second is answered 400, and never tried again."""
    port = free_port()
    env = os.environ | {
        "NHSKG_BUILD_DIR": str(national.build),
        "NHSKG_QUERY_MEMORY_MB": "1024",
        "NHSKG_QUERY_TIMEOUT_S": "30",
    }
    doublings = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(27))
    query = f'SELECT (STRLEN(?s27) AS ?n) {{ BIND("aaaaaaaaaa" AS ?s0) {doublings} }}'
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env, quiet=True) as process:
        first = httpx.post(base + "/sparql", data={"query": query}, timeout=60)
        _refused(first, 400, "crashed the query engine twice")
        before = set(worker_pids(process.pid))
        again = httpx.post(base + "/sparql", data={"query": query}, timeout=60)
        _refused(again, 400, "crashed")
        assert set(worker_pids(process.pid)) == before
        assert process.poll() is None
