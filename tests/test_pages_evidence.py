"""Evidence on the row that makes the claim, on the partnership, organisation and document
pages (through TestClient; tests/test_browser_evidence.py drives Chromium): quotes linked
to their passage with the document's title, stated groups that say how many of their
number are named, human headers, programmes apart from partners, and every link to an
IRI of ours kept on this server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}
BLMK_DOC = "003_f7ec335ea921a4a0.txt"
BLMK_TITLE = "Bedfordshire, Luton and Milton Keynes Sustainability and Transformation Plan"
HREF = re.compile(r'href="([^"]*)"')
QUOTE_LINK = re.compile(r'<q class="quote"><a href="/documents/([^"#]+)#q-(\d+)">([^<]*)</a></q>')


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return response.text


def section(html: str, anchor: str) -> str:
    """The page from the heading with this id to the next heading of its level or above."""
    start = html.index(f'id="{anchor}"')
    level = html.rfind("<h", 0, start)
    tag = html[level + 1 : level + 3]
    stop = re.search(rf"<h[1-{tag[1]}][ >]", html[start:])
    return html[start : start + stop.start()] if stop else html[start:]


def rows_of(html: str) -> list[str]:
    """The body rows of the tables in ``html``."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    return [row for body in bodies for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def test_blmk_members_show_quotes_linked_to_their_passage_with_the_documents_title(
    client: TestClient, national: Settings
) -> None:
    html = page(client, "/partnerships/QHG")
    members = section(html, "partners")
    rows = rows_of(members)
    assert len(rows) == 6
    for row in rows:
        links = QUOTE_LINK.findall(row)
        assert links, f"a member row with no quote: {row[:200]}"
        for document, start, shown in links:
            text = (national.data / "sources" / document).read_text(encoding="utf-8")
            words = unescape(shown).rstrip("…")
            assert text[int(start) : int(start) + len(words)] == words
        assert BLMK_TITLE in row
        assert "Reasoning:" in row, "a resolved member shows the curator's reasoning"
        assert '<cite><a href="/id/dataset/' in row, "its dataset rows name their dataset"
    visible = re.sub(r"<[^>]+>", " ", members)
    assert ".txt" not in visible, "documents are named by title, not by file name"


def words(html: str) -> str:
    """The text of some HTML, its white space made single spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_stated_groups_say_how_many_are_named_and_that_the_rest_are_not(
    client: TestClient,
) -> None:
    blmk = words(section(page(client, "/partnerships/QHG"), "stated-groups"))
    assert "the 16 BLMK partners: the document states 16; 6 of the 16 are identified here" in blmk
    assert "the other 10 are not named in the document" in blmk
    eight = words(
        section(page(client, "/partnerships/commissioners-working-together"), "stated-groups")
    )
    assert "7 of the 8 are identified here" in eight
    assert "the other 1 is not named in the document" in eight
    five = words(section(page(client, "/partnerships/healthier-together"), "stated-groups"))
    assert "the five CCGs (of the South East Midlands): the document states 5; all 5 are" in five
    assert "partner organisations (of Healthier Together): the document gives no number" in five


def test_tables_have_human_headers(client: TestClient) -> None:
    for path in ("/partnerships/QHG", "/organisations/RC1", "/organisations/QHG"):
        headers = re.findall(r'<th scope="col">([^<]*)</th>', page(client, path))
        assert headers
        leaked = [h for h in headers if re.search(r"[a-z][A-Z]", h)]
        assert not leaked, f"{path}: query variable names as headers: {leaked}"


def test_a_relationship_both_sides_play_alike_is_said_once(client: TestClient) -> None:
    html = page(client, "/organisations/RC1")
    relations = re.findall(r'<td data-label="Relationship">([a-z ]+ / [a-z ]+)</td>', html)
    assert all(a != b for a, b in (r.split(" / ") for r in relations)), relations
    assert '<td data-label="Relationship">party</td>' in html


def test_programmes_are_shown_apart_from_partner_organisations(client: TestClient) -> None:
    html = page(client, "/organisations/06F")
    partners = section(html, "partner-organisations")
    bodies = section(html, "bodies")
    programme = 'href="/organisations/healthier-together"'
    assert programme not in partners and programme in bodies
    assert 'href="/organisations/06P"' in partners


def test_no_partnership_says_it_closed_open_and_its_organisation_page_links_to_it(
    client: TestClient,
) -> None:
    for code in ("QHG", "healthier-together"):
        html = page(client, f"/organisations/{code}")
        assert "<dd>open</dd>" not in html
        assert f'href="/partnerships/{code}"' in html


def test_members_contracts_and_mergers_are_on_the_partnership_page_with_evidence(
    client: TestClient,
) -> None:
    html = page(client, "/partnerships/QHG")
    contracts = section(html, "contracts")
    assert "East London NHS Foundation Trust" in contracts
    assert QUOTE_LINK.search(contracts)
    work = section(html, "members-work")
    merger = next(r for r in rows_of(work) if "Proposed merger of Bedford Hospital" in r)
    assert QUOTE_LINK.search(merger) and BLMK_TITLE in merger


def test_document_page_links_each_statement_and_its_organisations_here(
    client: TestClient,
) -> None:
    html = page(client, f"/documents/{BLMK_DOC}")
    hrefs = HREF.findall(html)
    assert not [h for h in hrefs if "w3id.org" in h], "no link leaves for w3id.org"
    statements = section(html, "statements")
    local = sorted(
        {h for h in HREF.findall(statements) if h.startswith(("/id/", "/organisations/"))}
    )
    assert any(h.startswith("/organisations/RC1") for h in local)
    # named as they were in January 2018, not by their names today
    assert 'href="/organisations/RC9">Luton and Dunstable University Hospital' in statements
    assert len([h for h in local if h.startswith("/id/")]) > 50
    for href in local:
        response = client.get(href, headers=HTML)
        assert response.status_code in (200, 303), href
        if response.status_code == 303:
            assert client.get(response.headers["location"], headers=HTML).status_code == 200


def test_no_changed_page_links_to_w3id_for_navigation(client: TestClient) -> None:
    for path in (
        "/partnerships/QHG",
        "/organisations/QHG",
        "/organisations/RC1",
        "/id/membership/000_ab1d5f3ab4a972f1/five-ccgs",
    ):
        assert not [h for h in HREF.findall(page(client, path)) if "w3id.org" in h], path


def test_names_over_time_name_their_dataset_by_title_and_link_to_it(client: TestClient) -> None:
    html = page(client, "/organisations/RC1")
    names = section(html, "names")
    assert (
        '<a href="/id/dataset/ods-etr-2020">ODS NHS trusts (etr), snapshot about March 2020</a>'
        in (names)
    )
    assert client.get("/id/dataset/ods-etr-2020", headers=HTML).status_code == 200
