"""Pages for people and linked data, through TestClient (the browser tests drive Chromium)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.building.build import build
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}
BLMK_DOC = "003_f7ec335ea921a4a0.txt"


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def test_markup_in_data_renders_as_text(mini: Settings) -> None:
    curated = mini.data / "curated" / "000_ab1d5f3ab4a972f1.yaml"
    text = curated.read_text(encoding="utf-8")
    hostile = "Healthier <script>alert('x')</script> Together <b>Programme</b>"
    curated.write_text(
        text.replace("    name: Healthier Together Programme\n", f'    name: "{hostile}"\n', 1),
        encoding="utf-8",
    )
    assert build(mini).published
    with TestClient(create_app(mini)) as client:
        for path in ("/partnerships/healthier-together", "/partnerships", "/"):
            page = client.get(path, headers=HTML).text
            assert "<script>alert" not in page and "<b>Programme</b>" not in page, path
            assert "&lt;script&gt;alert(" in page, path


def test_home_has_a_labelled_search_and_links_everywhere(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    assert re.search(r'<label for="q">Search organisations', page)
    for href in (
        'href="/partnerships/QK1"',
        'href="/documents/003_',
        'href="/query"',
        'href="/network"',
        'href="/def"',
    ):
        assert href in page, href


def test_search_page_finds_by_alias(client: TestClient) -> None:
    page = client.get("/organisations", params={"q": "L&D"}, headers=HTML).text
    assert 'href="/organisations/RC9"' in page


def test_organisation_page_links_every_quote_to_its_place_in_the_source(
    client: TestClient,
) -> None:
    page = client.get("/organisations/RC1", headers=HTML).text
    links = re.findall(r'href="/documents/([^"#]+)#q-(\d+)"', page)
    assert links, "quotes link to the source"
    document, start = links[0]
    source = client.get(f"/documents/{document}", headers=HTML).text
    assert f'<mark id="q-{start}">' in source
    assert "Bedford Hospital NHS Trust" in page and "Partners" in page


def test_partners_as_of_a_day(client: TestClient) -> None:
    page = client.get("/organisations/04F", params={"as_of": "2013-03-01"}, headers=HTML).text
    assert "Healthier Together Programme" in page
    later = client.get("/organisations/04F", params={"as_of": "1999-01-01"}, headers=HTML).text
    assert "No partners on 1999-01-01" in later


def test_document_page_marks_every_quoted_passage(client: TestClient) -> None:
    page = client.get(f"/documents/{BLMK_DOC}", headers=HTML).text
    api = client.get(f"/api/queries/document-quotes?document={BLMK_DOC}").json()
    starts = {row["start"] for row in api["rows"]}
    for start in starts:
        assert f'<mark id="q-{start}">' in page, start
    assert "Bedfordshire Hospitals NHS Foundation Trust is being considered" in page


def test_partnership_page_has_members_work_and_a_timeline(client: TestClient) -> None:
    page = client.get("/partnerships/BCT", headers=HTML).text
    for text in (
        "Members",
        "Workstreams",
        "Consultations",
        "Events",
        "Timeline",
        "resolved",
        "University Hospitals of Leicester NHS Trust",
    ):
        assert text in page, text


def test_canned_query_form_and_results_with_downloads(client: TestClient) -> None:
    index = client.get("/query", headers=HTML).text
    assert 'action="/query/stp-footprint"' in index and 'for="stp-footprint-stp"' in index
    page = client.get("/query/stp-footprint", params={"stp": "QHG"}, headers=HTML).text
    assert "<table>" in page and "04F" in page
    assert 'href="/api/queries/stp-footprint.csv?stp=QHG"' in page
    bad = client.get("/query/stp-footprint", params={"stp": "Nowhere"}, headers=HTML)
    assert bad.status_code == 400 and "no organisation has the code or name" in bad.text


def test_sparql_editor_runs_and_refuses_politely(client: TestClient) -> None:
    ok = client.get(
        "/query/sparql",
        params={"query": "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#ChangeEvent> } LIMIT 2"},
        headers=HTML,
    )
    assert ok.status_code == 200 and ok.text.count("<tr>") == 3
    refused = client.get("/query/sparql", params={"query": "CLEAR ALL"}, headers=HTML)
    assert refused.status_code == 403 and "read-only" in refused.text


def test_sparql_page_keeps_to_its_row_cap_for_every_query_form(client: TestClient) -> None:
    from nhskg.api.routers.query_pages import PAGE_ROWS

    for query, download in (
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 25000", "format=turtle"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 25000", "format=csv"),
    ):
        page = client.get("/query/sparql", params={"query": query}, headers=HTML)
        assert page.status_code == 200, query
        assert page.text.count("<tr>") == PAGE_ROWS + 1, query
        assert f"cut at {PAGE_ROWS} rows" in page.text, query
        link = re.search(r'href="(/sparql\?' + download + r'[^"]*)"', page.text)
        assert link, f"no {download} download for {query}"
        whole = client.get(link.group(1).replace("&amp;", "&"))
        assert whole.status_code == 200 and whole.headers["x-nhskg-truncated"] == "true"
    ask = client.get("/query/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=HTML)
    assert '<td data-label="answer">yes</td>' in ask.text


def test_unknown_page_is_an_html_error_with_suggestions(client: TestClient) -> None:
    response = client.get("/organisations/Bedfrd Hosptal", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Bedford Hospital NHS Trust (RC1)" in response.text


def test_iris_dereference_by_accept_header(client: TestClient) -> None:
    html = client.get("/id/org/RC1", headers=HTML)
    assert html.status_code == 303 and html.headers["location"] == "/organisations/RC1"
    turtle = client.get("/id/org/RC1", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Bedford Hospital NHS Trust" in turtle.text
    jsonld = client.get("/id/org/RC1", headers={"Accept": "application/ld+json"}).json()
    assert jsonld["@context"]["nhskg"] == "https://w3id.org/nhskg/def#"
    assert any(node["@id"] == "https://w3id.org/nhskg/id/org/RC1" for node in jsonld["@graph"])
    change = client.get("/id/change/2020-04-01/RC9", headers=HTML)
    assert change.status_code == 200 and "org:resultingOrganization" in change.text
    assert client.get("/id/org/NOPE", headers=HTML).status_code == 404


def test_ontology_page_and_json_ld_context(client: TestClient) -> None:
    page = client.get("/def", headers=HTML).text
    assert 'id="MergerProposal"' in page and "Concept schemes" in page
    context = json.loads(client.get("/context.jsonld").text)["@context"]
    assert context["nhskg"] == "https://w3id.org/nhskg/def#"
    turtle = client.get("/def", headers={"Accept": "text/turtle"}).text
    assert "nhskg:MergerProposal" in turtle


def test_organisation_types_are_read_once_a_build_and_shared_by_every_page(
    national: Settings,
) -> None:
    from nhskg.api.page_evidence import organisation_types

    app = create_app(national)
    with TestClient(app) as fresh:
        generation = app.state.graph.acquire()
        try:
            graph = generation.graph
            made: list[int] = []

            def make(g: object) -> dict[str, int]:
                made.append(1)
                return {"calls": len(made)}

            first = graph.derived("counted", make)
            assert graph.derived("counted", make) is first and made == [1]
            for code in ("RC9", "RD8"):
                assert fresh.get(f"/organisations/{code}").status_code == 200
            types = organisation_types(graph)
            assert organisation_types(graph) is types
            assert sum(1 for labels in types.values() if "NHS trust" in labels) > 100
        finally:
            app.state.graph.release(generation)
