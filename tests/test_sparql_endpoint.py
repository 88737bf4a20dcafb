"""The SPARQL endpoint on a real uvicorn server on loopback: protocol, hostile inputs,
time limits that really stop the work, and lookups that keep answering meanwhile."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from loopback import children_cpu, free_port, running, venv_command

from nhskg.graph.settings import Settings

TIMEOUT_S = 2.0
GRACE_S = 0.5
ROW_CAP = 500
RUNAWAY = "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY DESC(STR(?o)) DESC(STR(?c))"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(national: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = os.environ | {
        "NHSKG_BUILD_DIR": str(national.build),
        "NHSKG_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "NHSKG_QUERY_GRACE_S": str(GRACE_S),
        # One client (this test) stands for many here: the per-client limits are
        # tests/hostile/test_request_limits.py's.
        "NHSKG_SPARQL_PER_CLIENT": "64",
        "NHSKG_SPARQL_KILLS_PER_CLIENT": "1000",
        "NHSKG_MAX_ROWS": str(ROW_CAP),
    }
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env) as process:
        yield base, process


@pytest.fixture
def base(server: tuple[str, subprocess.Popen[bytes]]) -> str:
    return server[0]


def count_of(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_and_both_posts_answer_the_same(base: str) -> None:
    got = httpx.get(base + "/sparql", params={"query": COUNT})
    form = httpx.post(base + "/sparql", data={"query": COUNT})
    direct = httpx.post(
        base + "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    assert got.headers["content-type"].startswith("application/sparql-results+json")
    assert count_of(got) == count_of(form) == count_of(direct) > 90_000


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "marker"),
    [
        ("application/sparql-results+xml", None, "application/sparql-results+xml", "<sparql"),
        ("text/csv", None, "text/csv", "n\r\n"),
        (None, "tsv", "text/tab-separated-values", "?n\n"),
        (None, "json", "application/sparql-results+json", '"vars"'),
    ],
)
def test_select_results_in_each_format(
    base: str, accept: str | None, fmt: str | None, media: str, marker: str
) -> None:
    params = {"query": COUNT} | ({"format": fmt} if fmt else {})
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(base + "/sparql", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text


@pytest.mark.parametrize(
    ("accept", "marker"),
    [
        ("text/turtle", "<https://w3id.org/nhskg/id/org/RC1>"),
        ("application/n-triples", "<https://w3id.org/nhskg/id/org/RC1> <"),
        ("application/ld+json", '"@id"'),
    ],
)
def test_construct_and_describe_in_rdf_formats(base: str, accept: str, marker: str) -> None:
    for query in (
        "DESCRIBE <https://w3id.org/nhskg/id/org/RC1>",
        "CONSTRUCT WHERE { <https://w3id.org/nhskg/id/org/RC1> ?p ?o }",
    ):
        response = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        assert marker in response.text


def test_service_description_and_cors(base: str) -> None:
    response = httpx.get(base + "/sparql", headers={"Origin": "https://example.org"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "sd:Service" in response.text and "sd:SPARQL11Query" in response.text
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {
            "method": "POST",
            "content": "INSERT DATA { <a:b> <a:c> <a:d> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "POST", "data": {"query": "LOAD <http://127.0.0.1:9/x>"}},
        {
            "method": "GET",
            "params": {"query": "CLEAR GRAPH <https://w3id.org/nhskg/graph/ontology>"},
        },
    ],
)
def test_updates_are_refused(base: str, request_args: dict[str, object]) -> None:
    method = str(request_args.pop("method"))
    response = httpx.request(method, base + "/sparql", **request_args)  # type: ignore[arg-type]
    assert response.status_code in (400, 403)
    assert response.json()["error"]["status"] == response.status_code
    assert count_of(httpx.get(base + "/sparql", params={"query": COUNT})) > 90_000


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o FILTER (?o = <{url}>) }} LIMIT 1",
    ],
)
def test_no_query_makes_the_server_fetch_a_url(base: str, template: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(1.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    response = httpx.get(base + "/sparql", params={"query": template.format(url=url)})
    if "FILTER" not in template:
        assert response.status_code in (400, 403), response.text
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_syntax_error_gives_the_position(base: str) -> None:
    response = httpx.get(base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "line 1, column" in response.json()["error"]["detail"]


def test_row_cap_says_the_result_was_truncated(base: str) -> None:
    response = httpx.get(base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == ROW_CAP
    assert response.headers["x-nhskg-truncated"] == "true"


def test_size_nesting_and_encoding_limits(base: str) -> None:
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000
    assert httpx.post(base + "/sparql", data={"query": huge}).status_code == 413
    deep = "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500
    response = httpx.post(
        base + "/sparql", content=deep, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400 and "nest more than" in response.json()["error"]["detail"]
    bad = httpx.post(
        base + "/sparql",
        content=b"SELECT * WHERE { ?s ?p \xff }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert bad.status_code == 400 and "UTF-8" in bad.json()["error"]["detail"]


def test_a_runaway_query_is_stopped_and_stops_using_cpu(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = server
    started = time.monotonic()
    response = httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30)
    took = time.monotonic() - started
    assert response.status_code == 503
    assert "longer than 2 s" in response.json()["error"]["detail"]
    assert took < TIMEOUT_S + 3
    time.sleep(GRACE_S + 0.5)  # the worker is killed once its grace is over
    before = children_cpu(process.pid)
    time.sleep(1.0)
    assert children_cpu(process.pid) - before < 0.3, "a stopped query kept burning CPU"


def test_a_request_may_lower_the_time_limit_but_not_raise_it(base: str) -> None:
    started = time.monotonic()
    lowered = httpx.get(base + "/sparql", params={"query": RUNAWAY, "timeout": "0.5"}, timeout=30)
    assert lowered.status_code == 503 and "longer than 0.5 s" in lowered.text
    assert time.monotonic() - started < TIMEOUT_S
    raised = httpx.get(base + "/sparql", params={"query": RUNAWAY, "timeout": "60"}, timeout=30)
    assert raised.status_code == 503 and f"longer than {TIMEOUT_S:g} s" in raised.text


def test_queries_running_beside_a_timed_out_one_are_still_answered(base: str) -> None:
    """Queries share worker processes; one that overruns takes its worker down, and the
    others it was running are answered on a fresh one."""
    expected = count_of(httpx.get(base + "/sparql", params={"query": COUNT}))
    stop = threading.Event()
    answers: list[tuple[int, int | None]] = []

    def ask() -> None:
        n = 0
        while not stop.is_set():
            n += 1  # a new URL each time: not answered from the cache
            query = f"{COUNT} # {threading.get_ident()} {n}"
            response = httpx.get(base + "/sparql", params={"query": query}, timeout=30)
            ok = response.status_code == 200
            answers.append((response.status_code, count_of(response) if ok else None))

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for thread in askers:
        thread.start()
    try:
        time.sleep(0.2)
        runaway = httpx.get(
            base + "/sparql", params={"query": RUNAWAY, "timeout": "0.5"}, timeout=30
        )
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in askers:
            thread.join(timeout=30)
    assert runaway.status_code == 503 and "longer than 0.5 s" in runaway.text
    assert answers and set(answers) == {(200, expected)}


def test_lookups_keep_answering_while_runaway_queries_run(base: str) -> None:
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30)

    attackers = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in attackers:
        thread.start()
    time.sleep(0.5)
    latencies = []
    try:
        for code in ("RWE", "04C", "RT5", "RX9", "06F", "06P", "RC9", "RD8", "QK1", "QHG"):
            started = time.monotonic()
            response = httpx.get(f"{base}/api/organisations/{code}", timeout=10)
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
    finally:
        stop.set()
        for thread in attackers:
            thread.join(timeout=30)
    assert max(latencies) < 3.0, latencies


def test_standard_clients_work(base: str) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    wrapper = SPARQLWrapper(base + "/sparql")
    wrapper.setQuery(
        "SELECT ?name WHERE { <https://w3id.org/nhskg/id/org/RC1> "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
    )
    wrapper.setReturnFormat(JSON)
    bindings = wrapper.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert bindings[0]["name"]["value"] == "Bedford Hospital NHS Trust"

    graph = Graph(store=SPARQLStore(base + "/sparql"))
    rows = list(
        graph.query("SELECT ?code WHERE { ?o <http://www.w3.org/ns/org#identifier> ?code } LIMIT 3")
    )
    assert len(rows) == 3


def test_dataset_parameters_and_clauses_are_honoured_for_held_graphs_only(base: str) -> None:
    graphs = httpx.get(
        base + "/sparql",
        params={
            "query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n)"
        },
    ).json()["results"]["bindings"]
    graph, size = graphs[-1]["g"]["value"], int(graphs[-1]["n"]["value"])
    everything = count_of(httpx.get(base + "/sparql", params={"query": COUNT}))
    by_parameter = httpx.get(base + "/sparql", params={"query": COUNT, "default-graph-uri": graph})
    by_clause = httpx.get(
        base + "/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}"}
    )
    assert count_of(by_parameter) == count_of(by_clause) == size < everything
    named = httpx.post(
        base + "/sparql",
        data={
            "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
    )
    assert count_of(named) == size
    for params in (
        {"query": COUNT, "default-graph-uri": "http://127.0.0.1:9/graph"},
        {"query": COUNT, "named-graph-uri": "file:///etc/passwd"},
        {"query": "SELECT * FROM <http://127.0.0.1:9/graph> { ?s ?p ?o }"},
    ):
        refused = httpx.get(base + "/sparql", params=params)
        assert refused.status_code == 403, params
        assert "names no graph this store holds" in refused.json()["error"]["detail"]
