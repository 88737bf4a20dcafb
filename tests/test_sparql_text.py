"""The SPARQL text scanner and the plan for embedded Oxigraph (OPTIONAL and UNION in LATERAL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from answers import answers
from test_named_queries import SAMPLE, SAMPLE_FOR

from nhskg.graph.publish import current
from nhskg.graph.query.named_queries import load_query_file
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.sparql_text import (
    lateral_groups,
    matching_braces,
    parameter_unions,
    syntax_positions,
    syntax_spans,
)
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings

QUERIES = Path(__file__).resolve().parents[1] / "queries"
OWN_QUERIES = sorted(
    [
        *QUERIES.glob("*.rq"),
        *QUERIES.glob("checks/*.rq"),
        *QUERIES.glob("internal/*.rq"),
        *QUERIES.glob("statistics/*.rq"),
    ]
)


def test_scanner_skips_strings_comments_and_a_hash_inside_an_iri() -> None:
    text = 'SELECT * WHERE { ?s ?p "{" . # }\n ?s <http://x/#a> ?o }'
    braces = [i for i in syntax_positions(text) if text[i] in "{}"]
    assert [text[i] for i in braces] == ["{", "}"]
    assert matching_braces(text) == {braces[0]: braces[1]}


def test_optional_and_union_runs_are_wrapped_once_each() -> None:
    text = (
        "SELECT * WHERE { ?a ?b ?c . OPTIONAL { ?a <p> ?d OPTIONAL { ?d <q> ?e } } "
        "{ ?a <r> ?f } UNION { ?a <s> ?f } UNION { ?a <t> ?f } "
        'FILTER (?c != "OPTIONAL { x }") }'
    )
    planned = lateral_groups(text)
    assert planned == (
        "SELECT * WHERE { ?a ?b ?c . LATERAL { OPTIONAL { ?a <p> ?d LATERAL { OPTIONAL "
        "{ ?d <q> ?e } } } } LATERAL { { ?a <r> ?f } UNION { ?a <s> ?f } UNION "
        '{ ?a <t> ?f } } FILTER (?c != "OPTIONAL { x }") }'
    )


def test_a_union_the_parameters_make_selective_is_left_for_the_binder() -> None:
    text = (
        "SELECT * WHERE { { ?e <p> ?org } UNION { ?org <q> ?e } "
        "{ ?e <r> ?x } UNION { ?org <s> ?e } }"
    )
    assert lateral_groups(text, parameters=["org"]) == (
        "SELECT * WHERE { { ?e <p> ?org } UNION { ?org <q> ?e } "
        "LATERAL { { ?e <r> ?x } UNION { ?org <s> ?e } } }"
    )
    assert [len(run) for run in parameter_unions(text, ["org"])] == [2]
    assert parameter_unions(text, ["as_of"]) == []


def test_a_union_inside_an_optional_or_a_lateral_run_is_never_left_for_the_binder() -> None:
    text = (
        "SELECT * WHERE { OPTIONAL { { ?e <p> ?org } UNION { ?org <q> ?e } } "
        "{ ?e <r> ?x { ?e <p> ?org } UNION { ?org <q> ?e } } UNION { ?e <s> ?x } }"
    )
    assert parameter_unions(text, ["org"]) == []


def test_triples_after_a_union_or_a_sub_select_are_matched_per_solution_of_it() -> None:
    text = (
        "SELECT * WHERE { { SELECT ?a WHERE { ?a <p> ?b } } ?a <q> ?c ; <r> [ <s> ?d ] . "
        "FILTER (?c) { ?a <t> ?e } UNION { ?a <u> ?e } ?e <v> ?f }"
    )
    assert lateral_groups(text) == (
        "SELECT * WHERE { { SELECT ?a WHERE { ?a <p> ?b } } LATERAL { ?a <q> ?c ; <r> [ <s> ?d ] . } "
        "FILTER (?c) LATERAL { { ?a <t> ?e } UNION { ?a <u> ?e } } LATERAL { ?e <v> ?f } }"
    )


def test_a_query_with_neither_is_left_as_it_is() -> None:
    text = "SELECT ?s WHERE { ?s a <http://x/C> . { ?s <p> ?o } }"
    assert lateral_groups(text) == text


@pytest.mark.parametrize("path", OWN_QUERIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_planned_query_gives_the_same_answers_as_written(
    path: Path, national: Settings, service: QueryService
) -> None:
    query = load_query_file(path)
    sample = SAMPLE | SAMPLE_FOR.get(query.name, {})
    params = {p.name: sample[p.name] for p in query.header.params if sample[p.name] is not None}
    named = path.parent == QUERIES
    text = service.bound_text(query.name, params) if named else query.text
    store = OxigraphStore.open_read_only(current(national.build).store)
    as_written = store.query(text, guard=True)  # a user's query runs as written
    if named:  # as the service runs it: planned once, then bound
        planned = store.query(service.planned_text(query.name, params), planned=True)
    else:
        planned = store.query(text)
    assert answers(planned) == answers(as_written)
    if path.parent == QUERIES:
        assert as_written.rows, f"{query.name} gave no rows to compare"  # type: ignore[union-attr]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_planning_before_binding_gives_the_text_planning_after_binding_gives(
    path: Path, service: QueryService
) -> None:
    """The service plans each named query once and binds into the plan: the same text."""
    query = load_query_file(path)
    sample = SAMPLE | SAMPLE_FOR.get(query.name, {})
    params = {p.name: sample[p.name] for p in query.header.params if sample[p.name] is not None}
    variables = [p.variable for p in query.header.params]
    bound_then_planned = lateral_groups(
        service.bound_text(query.name, params), parameters=variables
    )
    planned_then_bound = service.planned_text(query.name, params)
    assert planned_then_bound == bound_then_planned


def test_the_scanner_reads_unclosed_strings_escapes_and_less_than_as_the_engine_does() -> None:
    text = "SELECT * WHERE { ?s ?p ?o FILTER (?o < 3 && ?o != \"a\\\"}\" ) } # {\n'''x"
    spans = syntax_spans(text)
    syntax = "".join(text[a:b] for a, b in spans)
    assert syntax.count("{") == 1 and syntax.count("}") == 1 and "<" in syntax
    assert spans[-1][1] < len(text)  # the unclosed ''' runs to the end
    assert list(syntax_positions(text)) == [i for a, b in spans for i in range(a, b)]
