"""Standard clients against a real ``nhskg serve`` on loopback, each with its default
settings: SPARQLWrapper and rdflib's SPARQLStore in every format they ask for, linked
data in every RDF format, ``Vary: Accept``, HEAD wherever GET, and errors a CSV reader
shows. The expected answers come from the published store itself."""

from __future__ import annotations

import csv
import io
import os
import urllib.error
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pandas
import pytest
from loopback import free_port, running, venv_command
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from nhskg.graph.namespaces import BASE
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

SELECT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o"
ASK_TRUE = "ASK {{ <{iri}> ?p ?o }}"
ASK_FALSE = "ASK {{ <https://w3id.org/nhskg/id/org/NO-SUCH-BODY> ?p ?o }}"
DESCRIBE = "DESCRIBE <{iri}>"
CONSTRUCT = "CONSTRUCT WHERE {{ <{iri}> ?p ?o }}"
RDF_MEDIA = {
    "turtle": ("text/turtle", "turtle"),
    "ntriples": ("application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
}


@pytest.fixture(scope="module")
def base(national: Settings) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"NHSKG_BUILD_DIR": str(national.build), "NHSKG_SPARQL_PER_CLIENT": "64"}
    url = f"http://127.0.0.1:{port}"
    with running([venv_command("nhskg"), "serve", "--port", str(port)], url + "/api", env=env):
        yield url


@pytest.fixture(scope="module")
def iri(service: QueryService) -> str:
    """A partnership that has members in the graph (its description lists them)."""
    result = service.store.query(
        "SELECT ?body (COUNT(?m) AS ?n) WHERE { ?m a <http://www.w3.org/ns/org#Membership> ; "
        "<http://www.w3.org/ns/org#organization> ?body } GROUP BY ?body ORDER BY DESC(?n) ?body "
        "LIMIT 1"
    )
    assert isinstance(result, SelectResult) and result.rows
    return result.rows[0][0].value


def store_graph(service: QueryService, query: str) -> Graph:
    """What the store itself answers to a CONSTRUCT or DESCRIBE, as an rdflib graph."""
    triples = service.store.query(query)
    assert isinstance(triples, list) and triples
    graph = Graph()
    graph.parse(data="\n".join(f"{t} ." for t in triples), format="nt")
    return graph


def store_pairs(service: QueryService, iri: str) -> set[tuple[str, str]]:
    result = service.store.query(SELECT.format(iri=iri))
    assert isinstance(result, SelectResult) and result.rows
    return {(p.value, o.value) for p, o in result.rows}


def wrapper(base: str, query: str, fmt: str | None) -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("fmt", [None, XML, JSON, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(
    base: str, service: QueryService, iri: str, fmt: str | None
) -> None:
    expected = store_pairs(service, iri)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", RuntimeWarning
        )  # a content type SPARQLWrapper did not ask for warns
        converted: Any = wrapper(base, SELECT.format(iri=iri), fmt).query().convert()
    if fmt in (None, XML):
        results = converted.getElementsByTagName("result")
        got = {
            tuple(b.firstChild.firstChild.data for b in r.getElementsByTagName("binding"))
            for r in results
        }
    elif fmt == JSON:
        bindings = converted["results"]["bindings"]
        got = {(b["p"]["value"], b["o"]["value"]) for b in bindings}
    elif fmt == CSV:  # plain values
        rows = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert rows[0] == ["p", "o"]
        got = {(p, o) for p, o in rows[1:]}
    else:  # terms in Turtle syntax: the properties are IRIs in angle brackets
        lines = converted.decode("utf-8").splitlines()
        assert lines[0] == "?p\t?o" and len(lines) - 1 == len(expected)
        assert {line.split("\t")[0] for line in lines[1:]} == {f"<{p}>" for p, _ in expected}
        return
    assert got == expected


@pytest.mark.parametrize("fmt", [None, XML, JSON, CSV, TSV])
def test_sparqlwrapper_ask_in_every_results_format(base: str, iri: str, fmt: str | None) -> None:
    for query, truth in ((ASK_TRUE.format(iri=iri), True), (ASK_FALSE.format(), False)):
        converted: Any = wrapper(base, query, fmt).query().convert()
        if fmt in (None, XML):
            text = converted.getElementsByTagName("boolean")[0].firstChild.data
            assert text == str(truth).lower()
        elif fmt == JSON:
            assert converted["boolean"] is truth
        else:
            lines = converted.decode("utf-8").splitlines()
            assert lines == ["_askResult" if fmt == CSV else "?_askResult", str(truth).lower()]


@pytest.mark.parametrize("kind", [DESCRIBE, CONSTRUCT])
@pytest.mark.parametrize("fmt", [None, XML, RDFXML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_graphs_in_every_rdf_format(
    base: str, service: QueryService, iri: str, kind: str, fmt: str | None
) -> None:
    query = kind.format(iri=iri)
    expected = store_graph(service, query)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = wrapper(base, query, fmt).query()
        converted: Any = result.convert()
    media = result.info()["content-type"]
    if fmt in (TURTLE, N3):  # N3 is answered as Turtle, which is N3
        assert media.startswith("text/turtle")
        graph = Graph().parse(data=converted, format="turtle")
    else:
        wanted = "application/ld+json" if fmt == JSONLD else "application/rdf+xml"
        assert media.startswith(wanted)
        graph = converted
    assert isomorphic(Graph() + graph, expected)


def test_rdflib_sparqlstore_with_default_settings(
    base: str, service: QueryService, iri: str
) -> None:
    remote = Graph(store=SPARQLStore(base + "/sparql"))
    rows: Any = remote.query(SELECT.format(iri=iri))
    assert {(str(p), str(o)) for p, o in rows} == store_pairs(service, iri)
    assert remote.query(ASK_TRUE.format(iri=iri)).askAnswer is True
    assert remote.query(ASK_FALSE.format()).askAnswer is False
    for kind in (DESCRIBE, CONSTRUCT):
        query = kind.format(iri=iri)
        got = remote.query(query).graph
        assert got is not None and isomorphic(Graph() + got, store_graph(service, query))


@pytest.mark.parametrize(
    ("fmt", "query", "media"),
    [
        ("text/tab-separated-values", ASK_FALSE, "text/tab-separated-values"),
        ("application/sparql-results+json", ASK_FALSE, "application/sparql-results+json"),
        ("application/sparql-results+xml", ASK_FALSE, "application/sparql-results+xml"),
        ("text/csv", ASK_FALSE, "text/csv"),
        ("tsv", ASK_FALSE, "text/tab-separated-values"),
        ("application/rdf+xml", CONSTRUCT, "application/rdf+xml"),
        ("rdfxml", CONSTRUCT, "application/rdf+xml"),
        ("application/n-triples", CONSTRUCT, "application/n-triples"),
        ("nt", CONSTRUCT, "application/n-triples"),
        ("text/turtle", CONSTRUCT, "text/turtle"),
        ("application/ld+json", CONSTRUCT, "application/ld+json"),
        ("json-ld", CONSTRUCT, "application/ld+json"),
        ("text/n3", CONSTRUCT, "text/turtle"),
    ],
)
def test_format_takes_media_types_and_short_names_alike(
    base: str, iri: str, fmt: str, query: str, media: str
) -> None:
    response = httpx.get(base + "/sparql", params={"query": query.format(iri=iri), "format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]


def test_construct_json_ld_has_a_context_not_full_iris_as_keys(base: str, iri: str) -> None:
    response = httpx.get(
        base + "/sparql",
        params={"query": CONSTRUCT.format(iri=iri)},
        headers={"Accept": "application/ld+json"},
    )
    document = response.json()
    assert document["@context"]["org"] == "http://www.w3.org/ns/org#"
    keys = {key for node in document["@graph"] for key in node}
    assert keys and not any(key.startswith("http") for key in keys)


def linked_data_iris(service: QueryService) -> list[str]:
    """One IRI of ours of each kind (the first path segment after /id/)."""
    result = service.store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{BASE}id/") }}'
    )
    assert isinstance(result, SelectResult)
    kinds: dict[str, str] = {}
    for (subject,) in sorted(result.rows, key=lambda row: row[0].value):
        kind = subject.value[len(BASE) + 3 :].split("/")[0]
        kinds.setdefault(kind, subject.value)
    assert len(kinds) >= 3
    return list(kinds.values())


@pytest.mark.parametrize("key", list(RDF_MEDIA))
def test_linked_data_for_every_kind_of_iri_in_every_rdf_format(
    base: str, service: QueryService, key: str
) -> None:
    media, parser = RDF_MEDIA[key]
    for subject in linked_data_iris(service):
        path = base + subject[len(BASE) - 1 :]
        by_accept = httpx.get(path, headers={"Accept": media})
        by_format = httpx.get(path, params={"format": key})
        for response in (by_accept, by_format):
            assert response.status_code == 200, (subject, response.status_code)
            assert response.headers["content-type"].startswith(media)
            assert "Accept" in response.headers["vary"]
            graph = Graph().parse(data=response.text, format=parser)
            assert (URIRef(subject), None, None) in graph
        if key == "jsonld":
            document = by_accept.json()
            assert "@context" in document
            assert not any(k.startswith("http") for node in document["@graph"] for k in node)


def test_a_partnership_description_lists_its_members(
    base: str, service: QueryService, iri: str
) -> None:
    members = service.store.query(
        "SELECT DISTINCT ?member WHERE { ?m a <http://www.w3.org/ns/org#Membership> ; "
        f"<http://www.w3.org/ns/org#organization> <{iri}> ; "
        "<http://www.w3.org/ns/org#member> ?member }"
    )
    assert isinstance(members, SelectResult) and members.rows
    response = httpx.get(base + iri[len(BASE) - 1 :], headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    org = "http://www.w3.org/ns/org#"
    described = {
        str(member)
        for membership in graph.subjects(URIRef(org + "organization"), URIRef(iri))
        for member in graph.objects(membership, URIRef(org + "member"))
    }
    assert described == {row[0].value for row in members.rows}


def test_a_browser_is_redirected_to_the_page_and_the_redirect_varies_by_accept(
    base: str, iri: str
) -> None:
    response = httpx.get(base + iri[len(BASE) - 1 :], headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?" + urlencode({"query": ASK_FALSE.format(), "format": "csv"}),
        "/sparql",
        "/api",
        "/api/organisations",
        "/",
        "/def",
        "/context.jsonld",
        "/static/network.js",
    ],
)
def test_head_answers_wherever_get_does_without_a_body(base: str, path: str) -> None:
    got = httpx.get(base + path)
    head = httpx.head(base + path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == str(len(got.content))


def test_head_of_a_linked_data_iri_follows_accept(base: str, iri: str) -> None:
    head = httpx.head(base + iri[len(BASE) - 1 :], headers={"Accept": "application/rdf+xml"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("application/rdf+xml")
    assert "Accept" in head.headers["vary"]


def test_a_bad_parameter_in_a_csv_query_url_says_why_to_pandas(base: str) -> None:
    url = (
        base
        + "/sparql?"
        + urlencode({"query": ASK_FALSE.format(), "format": "csv", "timeout": "soon"})
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        pandas.read_csv(url)
    assert raised.value.code == 400
    frame = pandas.read_csv(raised.value)  # the error's body is itself CSV
    assert frame.loc[0, "parameter"] == "timeout"
    assert "number of seconds" in frame.loc[0, "detail"]


def test_a_tsv_request_gets_the_same_error_in_tsv_and_a_json_one_in_json(base: str) -> None:
    query = {"query": "SELECT * WHERE {"}
    as_tsv = httpx.get(base + "/sparql", params=query | {"format": "text/tab-separated-values"})
    as_json = httpx.get(base + "/sparql", params=query)
    assert as_tsv.status_code == as_json.status_code == 400
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    error = as_json.json()["error"]
    frame = pandas.read_csv(io.StringIO(as_tsv.text), sep="\t")
    assert frame.loc[0, "?title"] == error["title"]
    assert frame.loc[0, "?detail"] == error["detail"].replace("\n", " ")
    assert "Accept" in as_json.headers["vary"]


def test_the_service_description_names_every_format(base: str) -> None:
    text = httpx.get(base + "/sparql").text
    for name in ("SPARQL_Results_TSV", "RDF_XML", "JSON-LD", "N-Triples"):
        assert f"formats:{name}" in text
