"""The query pages: named queries grouped by task, inputs of the right kind with the
graph's choices, the form kept above the answer, the SPARQL editor with its examples,
and a timeline for dated answers (served in-process; tests/test_browser_querypage.py
drives them in Chromium)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal

from nhskg.api.app import create_app
from nhskg.api.query_forms import grouped
from nhskg.api.result_chart import bar_chart, timeline
from nhskg.graph.namespaces import XSD
from nhskg.graph.query.named_queries import (
    GROUPS,
    ParameterError,
    QueryFileError,
    load_query_file,
    load_query_files,
    parse_header,
    to_term,
)
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
HTML = {"Accept": "text/html"}
DOCUMENT = "003_f7ec335ea921a4a0.txt"


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def test_every_named_query_is_filed_under_a_task() -> None:
    for query in load_query_files(ROOT / "queries"):
        assert query.header.group in GROUPS, f"{query.name} has no '# group:' of GROUPS"


def test_groups_come_in_task_order_each_sorted_by_title() -> None:
    library = {q.name: q for q in load_query_files(ROOT / "queries")}
    groups = grouped(library)
    assert [g for g, _ in groups] == list(GROUPS)
    assert groups[0][0] == "Who works with whom"
    assert "partners" in [f["name"] for f in groups[0][1]]
    for _, forms in groups:
        assert [f["title"] for f in forms] == sorted(f["title"] for f in forms)


def test_header_refuses_a_group_that_is_not_a_task(tmp_path: Path) -> None:
    text = "# title: T\n# group: Miscellany\n# description: D\nSELECT * WHERE { }\n"
    with pytest.raises(QueryFileError, match="group must be one of"):
        parse_header(tmp_path / "q.rq", text)


def test_document_parameter_takes_a_document_identifier_only() -> None:
    param = load_query_file(ROOT / "queries" / "document-quotes.rq").header.param("document")
    assert param is not None and param.type == "document"
    assert to_term(param, DOCUMENT, None) == Literal(DOCUMENT)
    for bad in ("Bedford report", "003_f7ec335ea921a4a0.txt' } #", "../etc/passwd"):
        with pytest.raises(ParameterError, match="document identifier"):
            to_term(param, bad, None)


def test_timeline_counts_rows_a_year_of_the_first_dated_column() -> None:
    def day(text: str) -> Literal:
        return Literal(text, datatype=XSD.date)

    rows = [
        [Literal("a"), day("2018-04-01")],
        [Literal("b"), day("2018-09-30")],
        [Literal("c"), day("2020-04-01")],
        [Literal("d"), None],
    ]
    chart = timeline(["name", "date"], rows)
    assert chart is not None and chart["column"] == "date"
    assert [(b["year"], b["count"]) for b in chart["bars"]] == [(2018, 2), (2019, 0), (2020, 1)]
    assert chart["undated"] == 1
    assert timeline(["name"], [[Literal("no dates")]]) is None


def test_index_groups_queries_with_suggestions_and_document_titles(client: TestClient) -> None:
    page = client.get("/query", headers=HTML).text
    headings = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', page)
    assert headings == list(GROUPS)
    assert 'list="list-partnerships"' in page and '<datalist id="list-organisations">' in page
    assert '<option value="RC1">Bedford Hospital NHS Trust</option>' in page
    partnerships = re.search(r'<datalist id="list-partnerships">.*?</datalist>', page, re.S)
    assert partnerships, "partnership inputs have suggestions of their own"
    for name in ("Better Care Together", "BLMK"):  # offered under every name they have had
        assert f">{name}</option>" in partnerships.group(0)
    select = re.search(r'<select id="document-quotes-document".*?</select>', page, re.S)
    assert select and f'<option value="{DOCUMENT}">' in select.group(0)
    assert '<a href="/query/sparql">' in page


def test_answer_keeps_its_form_filled_in_above_it(client: TestClient) -> None:
    page = client.get("/query/document-quotes", params={"document": DOCUMENT}, headers=HTML)
    assert page.status_code == 200
    form_at = page.text.index('<form class="query-form" action="/query/document-quotes"')
    assert page.text.index('id="answer-heading"') > form_at
    assert f'<option value="{DOCUMENT}" selected>' in page.text
    empty = client.get("/query/partners", headers=HTML)
    assert empty.status_code == 200 and "answer-heading" not in empty.text
    assert 'name="organisation"' in empty.text


def test_dated_answer_draws_a_timeline(client: TestClient) -> None:
    page = client.get("/query/history", params={"code": "RC9"}, headers=HTML).text
    assert '<figure class="timeline">' in page and 'class="bar"' in page


def test_editor_page_has_prefixes_examples_and_codemirror(client: TestClient) -> None:
    page = client.get("/query/sparql", headers=HTML).text
    assert "PREFIX nhskg: &lt;https://w3id.org/nhskg/def#&gt;" in page
    assert '<script src="/vendor/codemirror/mode/sparql/sparql.js"></script>' in page
    assert page.count('<a href="/query/sparql?query=') == len(
        list((ROOT / "queries" / "examples").glob("*.rq"))
    )
    for group in GROUPS:
        assert f"<h2>{group}</h2>" in page, f"no example for {group}"
    script = client.get("/vendor/codemirror/mode/sparql/sparql.js")
    assert script.status_code == 200 and "sparql" in script.text


def test_answer_shows_our_iris_as_short_links(client: TestClient) -> None:
    page = client.get("/query/partners", params={"organisation": "RC1"}, headers=HTML).text
    assert re.search(r'<a href="/organisations/QHG">org/QHG</a>', page)
    assert not re.search(r'<a href="[^"]*">https://w3id.org/nhskg/id/', page)


def test_answer_links_to_its_own_address_to_share(client: TestClient) -> None:
    page = client.get("/query/history", params={"code": "RC9"}, headers=HTML).text
    assert '<a class="share" href="/query/history?code=RC9">Link to this answer</a>' in page


def test_counts_by_label_draw_bars_and_other_numbers_do_not() -> None:
    def n(value: int) -> Literal:
        return Literal(str(value), datatype=XSD.integer)

    chart = bar_chart(["type", "n"], [[Literal("CCG"), n(191)], [Literal("NHS trust"), n(95)]])
    assert chart is not None and [b["label"] for b in chart["bars"]] == ["CCG", "NHS trust"]
    assert chart["bars"][0]["width"] > chart["bars"][1]["width"] > 0
    offsets = [[Literal("q"), n(10), n(40)], [Literal("r"), n(90), n(120)]]
    assert bar_chart(["exact", "start", "end"], offsets) is None


def test_answer_headers_are_words_with_the_query_variable_on_hover(client: TestClient) -> None:
    page = client.get("/query/partners", params={"organisation": "RC1"}, headers=HTML).text
    assert '<th scope="col" title="?throughCurrentName in the query and the downloads">' in page
    assert ">Its name today</th>" in page and ">throughCurrentName</th>" not in page
    assert 'data-label="Its name today"' in page
    editor = client.get("/query/sparql", params={"query": "SELECT ?aB { }"}, headers=HTML).text
    assert '<th scope="col">aB</th>' in editor  # the editor shows a query's own names


def test_an_unknown_query_is_a_404_naming_the_queries_there_are(client: TestClient) -> None:
    for url in ("/query/no-such-query", "/api/queries/no-such-query"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        error = answer.json()["error"]
        assert "no-such-query" in error["detail"] and "partners" in error["suggestions"], url
