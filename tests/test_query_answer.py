"""Answers written as response bytes where the query runs: formats, the row cap, and a
result as it streams from pyoxigraph written the same as its plain values."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Triple

from nhskg.graph.namespaces import XSD
from nhskg.graph.query.query_answer import Formats, NotAcceptable, write_answer
from nhskg.graph.query.store import SelectResult, outcome

EX = "http://example.org/"
JSON_ONLY = Formats("json", "turtle")


@pytest.fixture
def store() -> Store:
    store = Store()
    for n in range(5):
        subject = NamedNode(f"{EX}s{n}")
        store.add(Quad(subject, NamedNode(EX + "label"), Literal(f'name "{n}"\n', language="en")))
        store.add(Quad(subject, NamedNode(EX + "n"), Literal(str(n), datatype=XSD.integer)))
        store.add(Quad(subject, NamedNode(EX + "b"), BlankNode(f"b{n}")))
    return store


SELECT = "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?s ?p"


def test_a_streamed_result_is_written_as_its_plain_values_are(store: Store) -> None:
    for key in ("json", "xml", "csv", "tsv"):
        formats = Formats(key, "turtle")
        streamed = write_answer(store.query(SELECT), formats, max_rows=100)
        plain = write_answer(outcome(store.query(SELECT), None), formats, max_rows=100)
        assert streamed == plain and not streamed.truncated, key


def test_the_row_cap_cuts_the_answer_and_says_so(store: Store) -> None:
    answer = write_answer(store.query(SELECT), JSON_ONLY, max_rows=4)
    doc = json.loads(answer.body)
    assert answer.truncated and len(doc["results"]["bindings"]) == 4
    assert doc["head"] == {"vars": ["s", "o", "none"], "link": ["urn:nhskg:truncated"]}
    whole = write_answer(store.query(SELECT), JSON_ONLY, max_rows=15)
    assert not whole.truncated and "link" not in json.loads(whole.body)["head"]


def test_terms_keep_their_kind_language_and_datatype(store: Store) -> None:
    doc = json.loads(write_answer(store.query(SELECT), JSON_ONLY, max_rows=None).body)
    first = doc["results"]["bindings"][:3]
    assert first[0]["o"] == {"type": "bnode", "value": "b0"}
    assert first[1]["o"] == {"type": "literal", "value": 'name "0"\n', "xml:lang": "en"}
    assert first[2]["o"]["datatype"] == XSD.integer.value
    assert "none" not in first[0]
    xml = write_answer(store.query(SELECT), Formats("xml", None), max_rows=None)
    root = ET.fromstring(xml.body)
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 15
    rows = list(
        csv.reader(
            io.StringIO(
                write_answer(store.query(SELECT), Formats("csv", None), max_rows=None).body.decode()
            )
        )
    )
    assert rows[0] == ["s", "o", "none"] and rows[2] == [EX + "s0", 'name "0"\n', ""]


def test_ask_and_construct_answer_in_their_own_formats(store: Store) -> None:
    ask = write_answer(store.query("ASK { ?s ?p ?o }"), JSON_ONLY, max_rows=10)
    assert json.loads(ask.body) == {"head": {}, "boolean": True}
    as_csv = write_answer(store.query("ASK { ?s ?p ?o }"), Formats("csv", None), max_rows=10)
    assert as_csv.body == b"_askResult\r\ntrue\r\n" and as_csv.media.startswith("text/csv")
    as_tsv = write_answer(store.query("ASK { ?s ?p ?o }"), Formats("tsv", None), max_rows=10)
    assert as_tsv.body == b"?_askResult\ntrue\n"
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    graph = write_answer(store.query(construct), Formats("json", "ntriples"), max_rows=4)
    assert graph.media == "application/n-triples" and graph.truncated
    assert len(graph.body.decode().strip().splitlines()) == 4
    refused = Formats("json", None, graph_refusal="no RDF format fits")
    with pytest.raises(NotAcceptable, match="no RDF format fits"):
        write_answer(store.query(construct), refused, max_rows=4)
    assert isinstance(next(iter(store.query(construct))), Triple)
    assert write_answer(SelectResult(["x"], [(None,)]), Formats("csv", None), max_rows=1).body == (
        b'x\r\n""\r\n'
    )
