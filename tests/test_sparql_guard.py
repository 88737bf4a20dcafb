"""The guard refuses anything but bounded read-only queries, from the keywords of their syntax;
the engine answers a syntax error with its position."""

from __future__ import annotations

import pytest

from nhskg.graph.sparql_guard import MAX_NESTING, QueryRefused, check_query, decode, nesting_depth
from nhskg.graph.store import OxigraphStore


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
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "SERVICE"),
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
            403,
            "SERVICE",
        ),
        ("PREFIX ex: <http://x/> SELECT * FROM ex:g WHERE { ?s ?p ?o }", 403, "FROM"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403, "read-only"),
        ("PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c }", 403, "read-only"),
        ("PREFIX ex: <http://x/> ex:a ex:b ex:c", 400, "only SELECT"),
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
    with pytest.raises(QueryRefused, match=f"limit is {MAX_NESTING}"):
        check_query(query)


def test_brackets_in_strings_and_comments_do_not_count_as_nesting() -> None:
    text = 'SELECT * WHERE { ?s ?p "((((((((" } # {{{{{{{{{{\n'
    assert nesting_depth(text) == 1


def test_oversized_query_is_refused_with_413() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000)
    assert refused.value.status == 413


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(QueryRefused, match="not valid UTF-8"):
        decode(b"SELECT \xff")


def test_a_syntax_error_is_refused_with_the_engines_line_and_column() -> None:
    with pytest.raises(QueryRefused, match="syntax error at line 1, column 25") as refused:
        OxigraphStore.create().query("SELECT * WHERE { ?s ?p }", guard=True)
    assert refused.value.status == 400
