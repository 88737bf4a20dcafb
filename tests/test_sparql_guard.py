"""The guard refuses anything but bounded read-only queries, from a real parse of them; a
syntax error is answered with its position."""

from __future__ import annotations

import re

import pytest

from nhskg.graph.query.sparql_guard import (
    MAX_CHAIN,
    MAX_GROUP,
    MAX_NESTING,
    MAX_TRIPLE_PATTERNS,
    QueryRefused,
    check_query,
    decode,
)
from nhskg.graph.query.store import OxigraphStore


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/nhskg/id/org/RC1>", "DESCRIBE"),
        ('SELECT * WHERE { ?s ?p "community services" }', "SELECT"),
        ("SELECT ?service WHERE { ?service ?p ?o }", "SELECT"),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT"),
        ("PREFIX service: <http://x/> SELECT * WHERE { ?s service:from ?o }", "SELECT"),
        ('SELECT * WHERE { ?s ?p "insert"@en . ?s ?p 1e10 } # SERVICE <http://x/>', "SELECT"),
        ("BASE <http://x/> select ?load where { ?load <p> ?copy }", "SELECT"),
    ],
)
def test_read_only_queries_pass(query: str, form: str) -> None:
    assert check_query(query).form == form


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "SERVICE"),
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "SERVICE"),
        # Oxigraph reads \\u escapes only in strings and IRIs: elsewhere, a syntax error.
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "syntax"),
        (
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
            403,
            "SERVICE",
        ),
        ("SELECT * WHERE { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }", 403, "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", 403, "FROM"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", 403, "FROM"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, "read-only"),
        ("DELETE WHERE { ?s ?p ?o }", 403, "read-only"),
        ("LOAD <http://127.0.0.1:9/x>", 403, "read-only"),
        ("CLEAR ALL", 403, "read-only"),
        ("DROP GRAPH <urn:g>", 403, "read-only"),
        ("select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "SERVICE"),
        (
            'SELECT * WHERE { "\\u0022 } SERVICE <http://x/> { ?s ?p ?o } { \\u0022" }',
            400,
            "syntax",
        ),
        # The hostile test's bypasses of the keyword scan, and pyoxigraph's own reading of
        # a prefixed name with dots in two places (it would split it before SERVICE).
        ("SELECT * { BIND(1 AS ?x) .SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", 403, "SERVICE"),
        ("SELECT * { # c\rSERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", 403, "SERVICE"),
        ("SELECT * { # c\r\nSERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", 403, "SERVICE"),
        (
            "PREFIX p: <http://x/> PREFIX ex: <http://127.0.0.1:9/> "
            "SELECT * { ?s ?p p:x.y.SERVICEex:e { ?a ?b ?c } }",
            400,
            "syntax",
        ),
        (
            "SELECT * { ?s ?p ?o { SELECT * { MINUS { SERVICE ?e { ?a ?b ?c } } } } }",
            403,
            "SERVICE",
        ),
        (
            'SELECT (<http://www.w3.org/2005/xpath-functions#doc>("/etc/passwd") AS ?x) {}',
            400,
            "unknown function",
        ),
        (
            "PREFIX f: <http://example.org/> SELECT * { ?s ?p ?o FILTER(f:call(?o)) }",
            400,
            "unknown function",
        ),
        ("PREFIX ex: <http://x/> SELECT * FROM ex:g WHERE { ?s ?p ?o }", 403, "FROM"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403, "read-only"),
        ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", 403, "read-only"),
        (
            "PREFIX ex: <http://x/> ex:a ex:b ex:c",
            400,
            "expected SELECT, CONSTRUCT, DESCRIBE or ASK",
        ),
        ("", 400, "empty"),
        ("SELECT * WHERE { ?s ?p ?o }\x00", 400, "NUL"),
    ],
)
def test_hostile_or_broken_queries_are_refused(query: str, status: int, message: str) -> None:
    with pytest.raises(QueryRefused, match=message) as refused:
        check_query(query)
    assert refused.value.status == status


def test_deep_nesting_is_refused_before_parsing() -> None:
    query = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    with pytest.raises(QueryRefused, match=f"more than {MAX_NESTING} deep"):
        check_query(query)


def test_brackets_in_strings_and_comments_do_not_count_as_nesting() -> None:
    text = 'SELECT * WHERE { ?s ?p "((((((((" } # {{{{{{{{{{\n'
    assert check_query(text).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "measure"),
    [
        # The hostile test's 15,000-term chain crashed the worker; the limit is far below.
        (
            "SELECT * { BIND(1 AS ?a) FILTER(" + " || ".join(["?a"] * 15_000) + ") }",
            f"limit is {MAX_CHAIN}",
        ),
        (
            "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * (MAX_CHAIN + 1)) + " }",
            "operator chain",
        ),
        (
            "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(MAX_GROUP + 1)) + " }",
            f"elements in one group pattern; the limit is {MAX_GROUP}",
        ),
        (
            "SELECT * { "
            + " . ".join(f"?s <urn:p{i}> ?o{i}" for i in range(MAX_TRIPLE_PATTERNS + 1))
            + " }",
            f"triple patterns; the limit is {MAX_TRIPLE_PATTERNS}",
        ),
    ],
)
def test_shapes_that_can_crash_the_engine_are_refused(query: str, measure: str) -> None:
    with pytest.raises(QueryRefused, match=measure) as refused:
        check_query(query)
    assert refused.value.status == 400


def test_shapes_at_the_limits_pass() -> None:
    chain = "SELECT * { BIND(1 AS ?a) FILTER(" + " || ".join(["?a"] * MAX_CHAIN) + ") }"
    group = "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(MAX_GROUP)) + " }"
    assert check_query(chain).form == check_query(group).form == "SELECT"


def test_dataset_clauses_pass_only_for_graphs_the_store_holds() -> None:
    held = {"https://w3id.org/nhskg/graph/reference"}
    query = "SELECT * FROM <https://w3id.org/nhskg/graph/reference> WHERE { ?s ?p ?o }"
    checked = check_query(query, holds_graph=held.__contains__)
    assert checked.default_graphs == ("https://w3id.org/nhskg/graph/reference",)
    with pytest.raises(QueryRefused, match="names no graph this store holds"):
        check_query(query)  # nothing to check it against: refused
    with pytest.raises(
        QueryRefused, match=re.escape("FROM NAMED <http://127.0.0.1:9/g>")
    ) as refused:
        check_query(
            "SELECT * FROM NAMED <http://127.0.0.1:9/g> { GRAPH ?g { ?s ?p ?o } }",
            holds_graph=held.__contains__,
        )
    assert refused.value.status == 403


def test_oversized_query_is_refused_with_413() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000)
    assert refused.value.status == 413


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(QueryRefused, match="not valid UTF-8"):
        decode(b"SELECT \xff")


def test_a_syntax_error_is_refused_with_its_line_and_column() -> None:
    with pytest.raises(QueryRefused, match="syntax error at line 1, column 24") as refused:
        OxigraphStore.create().query("SELECT * WHERE { ?s ?p }", guard=True)
    assert refused.value.status == 400


def test_what_only_the_engine_refuses_is_a_syntax_error_with_its_position() -> None:
    """The guard's parser does not check IRIs; the engine does, and says where."""
    with pytest.raises(QueryRefused, match="syntax error at line 1, column 23") as refused:
        OxigraphStore.create().query("SELECT * { <http://[/> ?p ?o }", guard=True)
    assert refused.value.status == 400


def test_a_relative_iri_in_a_users_query_resolves_against_the_endpoint() -> None:
    """The protocol lets a service define a query's base IRI: the endpoint's own."""
    rows = OxigraphStore.create().results("SELECT ?s WHERE { BIND (<s> AS ?s) }", guard=True)
    assert [solution["s"].value for solution in rows] == ["https://w3id.org/nhskg/s"]


def test_from_a_held_graph_is_honoured_and_the_protocol_dataset_replaces_it() -> None:
    from pyoxigraph import Literal, NamedNode, Quad

    store = OxigraphStore.create()
    for graph in ("urn:g1", "urn:g2"):
        store._store.add(
            Quad(NamedNode("urn:a"), NamedNode("urn:p"), Literal(graph), NamedNode(graph))
        )

    def objects(
        query: str, dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    ) -> set[str]:
        rows = store.results(query, guard=True, dataset=dataset)
        return {solution["o"].value for solution in rows}

    assert objects("SELECT ?o { ?s ?p ?o }") == {"urn:g1", "urn:g2"}, "the union by default"
    assert objects("SELECT ?o FROM <urn:g1> { ?s ?p ?o }") == {"urn:g1"}
    assert objects("SELECT ?o FROM NAMED <urn:g2> { ?s ?p ?o }") == set(), "no default graph"
    assert objects("SELECT ?o FROM <urn:g1> { ?s ?p ?o }", (("urn:g2",), ())) == {"urn:g2"}
    with pytest.raises(
        QueryRefused, match=re.escape("named-graph-uri <http://127.0.0.1:9/>")
    ) as refused:
        objects("SELECT ?o { ?s ?p ?o }", ((), ("http://127.0.0.1:9/",)))
    assert refused.value.status == 403
