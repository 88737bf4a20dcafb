"""A remote SPARQL 1.1 store as the query backend: a real `oxigraph serve-read-only` on
loopback over the published store, asked the same questions as the embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from answers import answers
from loopback import free_port, oxigraph_read_only, running, venv_command

from nhskg.graph.building.remote_publish import publish_remote
from nhskg.graph.publish import current
from nhskg.graph.query.query_worker import QueryFailed
from nhskg.graph.query.remote_store import RemoteStore
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings


@pytest.fixture(scope="module")
def endpoint(national: Settings) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    command = oxigraph_read_only(current(national.build).store, port)
    with running(command, url + "?query=ASK%7B%7D", quiet=True):
        yield url


def test_named_queries_answer_the_same_through_the_remote_store(
    endpoint: str, national: Settings, service: QueryService
) -> None:
    remote = QueryService(national.model_copy(update={"store_url": endpoint}))
    assert isinstance(remote.store, RemoteStore)
    for name, params in (
        ("stp-footprint", {"stp": "QHG", "as_of": "2019-04-01"}),
        ("partnership-members", {"partnership": "BCT"}),
        ("merger-proposals", {"organisation": "L&D"}),
    ):
        here, there = service.run(name, params), remote.run(name, params)
        assert answers(there) == answers(here), name


def test_ask_construct_row_cap_and_guard(endpoint: str) -> None:
    store = RemoteStore(endpoint, timeout_s=10)
    assert store.query("ASK { ?s ?p ?o }") is True
    triples = store.query("DESCRIBE <https://w3id.org/nhskg/id/org/RC1>")
    assert isinstance(triples, list) and triples
    capped = store.query("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert isinstance(capped, SelectResult) and len(capped.rows) == 5 and capped.truncated
    with pytest.raises(QueryRefused):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", guard=True)


def test_store_errors_are_clear_and_credentials_stay_out_of_sight(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NHSKG_STORE_USER", "analyst")
    monkeypatch.setenv("NHSKG_STORE_PASSWORD", "s3cret")
    store = RemoteStore(endpoint, timeout_s=10)
    assert "s3cret" not in repr(store)
    with pytest.raises(QueryFailed, match="the store answered 400"):
        store.query("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryFailed, match="cannot reach the store"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout_s=2).query("ASK {}")


def test_the_api_answers_from_the_remote_store(endpoint: str, national: Settings) -> None:
    from fastapi.testclient import TestClient

    from nhskg.api.app import create_app

    remote = national.model_copy(update={"store_url": endpoint})
    with TestClient(create_app(remote)) as client:
        body = client.get("/api/organisations/RC1").json()
        assert body["name"] == "Bedford Hospital NHS Trust"
        assert client.get("/api").json()["build"].startswith("remote-")
        count = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()
        assert count["boolean"] is True
        path = client.get("/api/paths", params={"from": "L&D", "to": "ELFT"}).json()
        assert path["connected"]


def test_a_valid_build_is_published_to_the_remote_store_and_a_broken_one_is_not(
    mini: Settings, tmp_path: Path
) -> None:
    from nhskg.graph.building.build import build

    base, command = _writable_store(tmp_path / "remote")
    with running(command, base + "/query?query=ASK%7B%7D", quiet=True):
        settings = mini.model_copy(update={"store_update_url": base + "/update"})
        outcome = build(settings)
        assert outcome.published
        remote = RemoteStore(base + "/query", timeout_s=10)
        assert len(remote) == outcome.quads
        curated = mini.data / "curated" / "000_ab1d5f3ab4a972f1.yaml"
        curated.write_text(curated.read_text(encoding="utf-8") + "\nnonsense: [\n")
        with pytest.raises(Exception, match="000_ab1d5f3ab4a972f1"):
            build(settings)
        assert len(remote) == outcome.quads, "the remote store keeps the last good graph"


def test_a_large_build_is_staged_in_chunks_and_switched_in_one_update(
    national: Settings, tmp_path: Path
) -> None:
    base, command = _writable_store(tmp_path / "remote")
    dump = current(national.build).dump
    quads = sum(1 for line in dump.open(encoding="utf-8") if line.strip())
    with running(command, base + "/query?query=ASK%7B%7D", quiet=True):
        stale = "<urn:x:old> <urn:x:p> <urn:x:o> <urn:x:graph> .\n"
        publish_remote(_file(tmp_path / "old.nq", stale), base + "/update")
        sent = publish_remote(dump, base + "/update", build_id="b1", chunk_quads=30_000)
        remote = RemoteStore(base + "/query", timeout_s=30)
        assert sent == quads == len(remote)
        graphs = remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        names = {row[0].value for row in graphs}  # type: ignore[union-attr]
        assert "urn:x:graph" not in names
        assert not any(name.startswith("urn:nhskg:staging:") for name in names)
        assert names == {
            line.rstrip(" .\n").rsplit(" <", 1)[1][:-1] for line in dump.open(encoding="utf-8")
        }


def _writable_store(location: Path) -> tuple[str, list[str]]:
    """The base URL and command line of an `oxigraph serve` that accepts updates."""
    port = free_port()
    command = [
        venv_command("oxigraph"),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    return f"http://127.0.0.1:{port}", command


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
