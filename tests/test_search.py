"""One search across the graph, /api/search and /search: organisations by a former name,
the documents' text (linked to the quoted passage), people and sites; paged by kind,
fast on the national build (TestClient)."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}
FORMER = "Luton and Dunstable University Hospital NHS Foundation Trust"


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_former_name_finds_the_organisation_and_says_so(client: TestClient) -> None:
    body = search(client, q=FORMER)
    first = body["results"]["organisations"][0]
    assert first["code"] == "RC9" and first["href"] == "/organisations/RC9"
    assert first["matchedName"] == FORMER and first["saysTheWords"]
    typo = search(client, q="Lutn Dunstable")["results"]["organisations"][0]
    assert typo["code"] == "RC9" and not typo["saysTheWords"]


def test_a_phrase_finds_its_passage_and_links_to_it_on_the_document_page(
    client: TestClient,
) -> None:
    body = search(client, q="healthier   LUTON", kind="passages", limit=50)
    hits = body["results"]["passages"]
    assert hits and body["counts"]["passages"] == len(hits)
    quoted = [h for h in hits if h["quoted"]]
    assert quoted, hits
    for hit in quoted:
        assert hit["match"].lower() == "healthier luton"
        page_path, anchor = hit["href"].split("#")
        assert anchor.startswith("q-")
        page = client.get(page_path, headers=HTML).text
        mark = re.search(rf'<mark id="{anchor}">(.*?)</mark>', page, re.S)
        assert mark, f"{hit['href']}: no such passage"
        start = int(anchor[2:])
        assert start <= hit["start"], (start, hit["start"])
    assert all(h["title"] and not h["title"].endswith(".txt") for h in hits)


def test_a_person_is_found_with_their_post_and_organisation(client: TestClient) -> None:
    (person,) = search(client, q="navina evans")["results"]["people"]
    assert person["name"] == "Dr Navina Evans"
    assert person["href"] == "/id/person/navina-evans"
    assert {
        "post": "Chief Executive",
        "organisation": "East London NHS Foundation Trust",
        "href": "/organisations/RWK",
    } in person["posts"]
    assert client.get(person["href"], headers=HTML).status_code in (200, 303)


def test_a_site_is_found_with_the_organisation_that_runs_it(client: TestClient) -> None:
    sites = search(client, q="Luton and Dunstable Hospital")["results"]["sites"]
    site = next(s for s in sites if s["name"] == "Luton and Dunstable Hospital")
    assert site["organisationHref"] == "/organisations/RC9"


def test_one_kind_pages(client: TestClient) -> None:
    everything = search(client, q="trust", kind="passages", limit=200)["results"]["passages"]
    assert len(everything) > 4
    second = search(client, q="trust", kind="passages", limit=2, offset=2)
    assert list(second["results"]) == ["passages"]
    assert second["results"]["passages"] == everything[2:4]


def test_search_text_is_words_not_a_pattern(client: TestClient) -> None:
    body = search(client, q="(a+)+$ .* [")
    assert body["counts"]["passages"] == 0
    for hit in search(client, q="trust", kind="passages", limit=200)["results"]["passages"]:
        assert not hit["before"][-1:].isalpha(), hit  # "trust" at a word's start only
    assert client.get("/api/search", params={"q": "a"}).status_code in (400, 422)
    blank = client.get("/api/search", params={"q": "   "})
    assert blank.status_code == 400 and blank.json()["error"]["parameter"] == "q"


def test_search_is_fast_once_the_index_is_read(client: TestClient) -> None:
    search(client, q="warm")
    words = ["Luton", "acute services", "clinical senate", "Milton Keynes", "chief executive"]
    began = time.perf_counter()
    for word in words * 4:
        search(client, q=word + str(len(word)), limit=5)  # distinct: no cached answer
    per_search = (time.perf_counter() - began) / (len(words) * 4)
    assert per_search < 0.5, f"{per_search:.3f} s a search"


def test_search_page_shows_each_kind_with_links(client: TestClient) -> None:
    page = client.get("/search", params={"q": "Luton"}, headers=HTML).text
    for kind in ("Organisations", "In the documents", "People", "Sites"):
        assert re.search(rf"<h2[^>]*>{kind} <span", page), kind
    assert 'href="/organisations/RC9"' in page
    assert re.search(r'href="/documents/[^"#]+#q-\d+"', page)
    assert "<mark>Luton</mark>" in page
    links = {html.unescape(h) for h in re.findall(r'href="(/search\?[^"]+)"', page)}
    assert "/search?q=Luton&kind=passages" in links


def test_every_page_has_the_search_form_in_its_header(client: TestClient) -> None:
    for path in ("/", "/organisations", "/partnerships", "/docs"):
        page = client.get(path, headers=HTML).text
        header = page.split("</header>")[0]
        assert 'action="/search"' in header and 'name="q"' in header, path
