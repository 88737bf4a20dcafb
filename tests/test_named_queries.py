"""Named queries: headers match the queries, parameters are typed and bound as terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from nhskg.graph.namespaces import sparql_prefixes
from nhskg.graph.query.named_queries import (
    ParameterError,
    QueryFileError,
    bind,
    inject_values,
    load_query_file,
    load_query_files,
    parse_header,
)
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult

QUERIES = Path(__file__).resolve().parents[1] / "queries"
ALL_QUERIES = sorted(
    [*QUERIES.glob("*.rq"), *QUERIES.glob("checks/*.rq"), *QUERIES.glob("internal/*.rq")]
)

# A value for every parameter of the library, to run each query on the real graph.
SAMPLE = {
    "code": "RC1",
    "stp": "QHG",
    "as_of": "2019-04-01",
    "type": "ccg",
    "q": "luton",
    "partnership": "Better Care Together",
    "organisation": "RC1",
    "status": "launched",
    "document": "003_f7ec335ea921a4a0.txt",
    "year": "2015",
    "evidenced_only": "false",
    "region": "Y61",  # East of England
}
# Where the shared sample has no rows for a query, the value a user would try there.
SAMPLE_FOR = {
    "coordination": {"partnership": "Healthier Together"},
    "memberships": {"as_of": "2018-01-01"},
    "partners": {"as_of": "2018-01-01"},
    "partnership-members": {"as_of": "2018-09-27"},
    "shared-memberships": {"as_of": None},  # no day has one organisation in two partnerships
    "partnerships": {"type": "partnership"},
    "posts": {"organisation": "Better Care Together"},
    "funding": {"year": "2017"},
    "funding-gaps": {"partnership": "Commissioners Working Together", "year": "2014"},
    "contracts": {"partnership": "ELFT", "year": "2018"},
    "principles": {"year": "2018"},
    "services": {"partnership": "ELFT", "year": "2018"},
    "joint-working": {"partnership": "Healthier Together", "year": "2013"},
    "leadership": {"partnership": "Commissioners Working Together", "year": "2014"},
}


def used_variables(text: str) -> set[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", body))


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.stem)
def test_every_query_header_declares_title_description_and_used_parameters(path: Path) -> None:
    query = load_query_file(path)
    assert query.header.title and query.header.description
    variables = used_variables(query.text)
    for param in query.header.params:
        assert param.variable in variables, (
            f"{path.name}: parameter {param.name} binds ?{param.variable}, unused"
        )


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_named_query_runs_on_the_built_graph(path: Path, service: QueryService) -> None:
    query = load_query_file(path)
    sample = SAMPLE | SAMPLE_FOR.get(query.name, {})
    params = {p.name: sample[p.name] for p in query.header.params if sample[p.name] is not None}
    result = service.run(query.name, params)
    assert isinstance(result, SelectResult)
    assert result.rows, f"{query.name} returned no rows for {params}"


def test_optional_parameters_may_be_left_out(service: QueryService) -> None:
    every = service.sparql(
        "PREFIX org: <http://www.w3.org/ns/org#> "
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
    )
    listed = service.run("organisations").rows
    assert len(listed) == int(every.rows[0][0].value)
    assert len(listed) > 573, "the 573 reference organisations plus curated bodies"


def test_header_rejects_unknown_type_and_missing_title(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="unknown type 'colour'"):
        parse_header(
            tmp_path / "x.rq",
            "# title: X\n# description: D\n# param: c  colour  required\nSELECT * WHERE {}",
        )
    with pytest.raises(QueryFileError, match="no '# title:' line"):
        parse_header(tmp_path / "x.rq", "# description: D\nSELECT * WHERE {}")
    with pytest.raises(QueryFileError, match="say 'required' or 'optional'"):
        parse_header(
            tmp_path / "x.rq",
            "# title: X\n# description: D\n# param: c  date  maybe\nSELECT * WHERE {}",
        )


def test_header_publish_line_must_name_an_organisation_parameter(tmp_path: Path) -> None:
    head = "# title: X\n# description: D\n# param: org  org  required\n"
    head += "# param: day  date  optional\n# param: other  org  optional\n"
    assert parse_header(tmp_path / "x.rq", head + "# publish: org\nSELECT * {}").publish == "org"
    optional = parse_header(tmp_path / "x.rq", head + "# publish: other\nSELECT * {}")
    assert optional.publish == "other"
    for wrong in ("day", "nothing"):
        with pytest.raises(QueryFileError, match=f"x.rq: '# publish: {wrong}' must name an org"):
            parse_header(tmp_path / "x.rq", head + f"# publish: {wrong}\nSELECT * {{}}")


def test_bad_date_parameter_names_the_parameter() -> None:
    query = load_query_file(QUERIES / "organisations.rq")
    with pytest.raises(
        ParameterError, match="parameter 'as_of' must be a date YYYY-MM-DD: got '2019-13-01'"
    ):
        bind(query, {"as_of": "2019-13-01"}, None)
    with pytest.raises(ParameterError, match="parameter 'as_of' must be a date"):
        bind(query, {"as_of": "2019-04"}, None)


def test_unknown_and_missing_parameters_are_refused() -> None:
    query = load_query_file(QUERIES / "stp-footprint.rq")
    with pytest.raises(ParameterError, match="has no parameter 'colour'"):
        bind(
            query,
            {"stp": "QHG", "colour": "red"},
            lambda _n, _v: NamedNode("https://w3id.org/nhskg/id/org/QHG"),
        )
    with pytest.raises(ParameterError, match="needs parameter 'stp'"):
        bind(query, {}, None)


def test_orgtype_parameter_accepts_only_a_key() -> None:
    query = load_query_file(QUERIES / "organisations.rq")
    text = bind(query, {"type": "foundation-trust"}, None)
    assert "<https://w3id.org/nhskg/def/orgtype/foundation-trust>" in text
    with pytest.raises(ParameterError, match="organisation type key"):
        bind(query, {"type": "ccg> . ?s ?p ?o"}, None)


def test_string_parameter_is_bound_as_a_literal_not_pasted(service: QueryService) -> None:
    hostile = 'x")) } SELECT * WHERE { ?s ?p ?o } #'
    text = service.bound_text("organisations", {"q": hostile})
    assert f"VALUES (?q) {{ ({Literal(hostile)}) }}" in text
    assert service.run("organisations", {"q": hostile}).rows == []


def test_org_parameter_resolves_codes_names_and_aliases_to_one_iri(service: QueryService) -> None:
    for text in (
        "QHG",
        "qhg",
        "E54000024",
        "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board",
    ):
        assert service.index.resolve("stp", text) == NamedNode("https://w3id.org/nhskg/id/org/QHG")


def test_values_block_lands_in_the_outer_where_group() -> None:
    text = """# title: t
# description: d { WHERE }
PREFIX x: <http://example.org/WHERE/>
SELECT ?a WHERE { ?a ?b "WHERE { not here" . OPTIONAL { ?a ?c ?d } }"""
    bound = inject_values(text, {"b": NamedNode("http://example.org/p")})
    assert (
        'SELECT ?a WHERE {\n  VALUES (?b) { (<http://example.org/p>) }\n ?a ?b "WHERE { not here"'
        in bound
    )


def test_values_block_skips_a_construct_template() -> None:
    text = "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c }"
    bound = inject_values(text, {"a": NamedNode("http://example.org/s")})
    assert bound.startswith("CONSTRUCT { ?a ?b ?c } WHERE {\n  VALUES (?a)")


def test_library_queries_are_lower_case_hyphenated_names() -> None:
    names = [q.name for q in load_query_files(QUERIES)]
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", n) for n in names)
    assert {"organisation", "organisations", "stp-footprint", "trusts-in-stp", "history"} <= set(
        names
    )


def test_unknown_organisation_type_is_refused_with_a_suggestion(service: QueryService) -> None:
    with pytest.raises(
        ParameterError, match="no organisation type 'partnershp'; did you mean: partnership"
    ):
        service.run("partnerships", {"type": "partnershp"})


def test_parameters_are_bound_inside_sub_selects_too() -> None:
    text = "SELECT * WHERE {\n  { SELECT ?o WHERE { ?o ?p ?as_of } }\n  ?s ?p ?o\n}"
    bound = inject_values(text, {"as_of": Literal("2019-04-01")})
    assert bound.count("VALUES (?as_of)") == 2


def test_as_of_limits_partners_and_shared_memberships(service: QueryService) -> None:
    assert not service.run("partners", {"organisation": "04F", "as_of": "1999-01-01"}).rows
    in_2013 = service.run("partners", {"organisation": "04F", "as_of": "2013-03-15"}).dicts()
    assert {str(r["throughName"].value) for r in in_2013} >= {"Healthier Together Programme"}
    assert not service.run("shared-memberships", {"as_of": "2013-03-15"}).rows
    assert service.run("shared-memberships").rows, "over all dates, the BLMK CCGs are in two"


def test_parameters_are_bound_in_each_branch_of_a_union_that_names_them_all() -> None:
    text = (
        "SELECT * WHERE {\n  { ?e <p> ?org } UNION { ?org <q> ?e }\n"
        "  { ?e <r> ?x } UNION { ?org <s> ?e }\n"
        "  OPTIONAL { { ?e <t> ?org } UNION { ?org <u> ?e } }\n"
        "  MINUS { { ?e <v> ?org } UNION { ?org <w> ?e } }\n}"
    )
    bound = inject_values(text, {"org": NamedNode("http://example.org/o")}, parameters=["org"])
    block = "VALUES (?org) { (<http://example.org/o>) }"
    # the outer group and the two branches of the first run only: in the second run a
    # branch does not name ?org; inside OPTIONAL or MINUS a block would change the query
    assert bound.count(block) == 3
    assert "{\n  " + block + "\n ?e <p> ?org }" in bound
    assert "{\n  " + block + "\n ?org <q> ?e }" in bound


def test_partnerships_of_a_type_are_the_bodies_classified_under_it_with_all_their_types(
    service: QueryService,
) -> None:
    def listed(params: dict[str, str]) -> dict[str, set[str]]:
        rows = service.run("partnerships", params).dicts()
        return {str(r["partnership"].value): set(r["types"].value.split("; ")) for r in rows}  # type: ignore[union-attr]

    every, stps = listed({}), listed({"type": "stp"})
    result = service.sparql(
        sparql_prefixes() + "SELECT ?body ?label ?under WHERE { ?body nhskg:memberCount ?n . "
        "?period nhskg:organisation ?body ; nhskg:classifiedAs ?t . ?t skos:prefLabel ?label "
        "BIND (EXISTS { ?t skos:broader* orgtype:stp } AS ?under) }"
    )
    assert not isinstance(result, bool | list)
    labels: dict[str, set[str]] = {}
    under: set[str] = set()
    for body, label, is_under in result.rows:
        labels.setdefault(str(body.value), set()).add(str(label.value))  # type: ignore[union-attr]
        if is_under is not None and is_under.value == "true":
            under.add(str(body.value))  # type: ignore[union-attr]
    assert {b: t for b, t in every.items() if b in labels} == labels
    assert set(stps) == under
    assert 0 < len(stps) < len(every)
    assert all(stps[b] == every[b] for b in stps), "a type asked for narrows no body's types"
