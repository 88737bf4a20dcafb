"""Browsing organisations: /api/organisations and /organisations page through every
organisation and narrow by type, region, partnership and a period open, with counts of
each facet's values (TestClient on the national build)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national), follow_redirects=False) as test_client:
        yield test_client


def listing(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/organisations", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def every_page(client: TestClient, **params: Any) -> list[str]:
    codes: list[str] = []
    offset = 0
    while True:
        body = listing(client, limit=200, offset=offset, **params)
        codes += [i["code"] for i in body["items"]]
        offset += 200
        if offset >= body["total"]:
            return codes


def test_pages_cover_every_organisation_once(client: TestClient) -> None:
    total = listing(client, limit=1)["total"]
    codes = every_page(client)
    assert len(codes) == total == len(set(codes)) > 600
    assert listing(client, limit=50, offset=total)["items"] == []


def test_facets_count_every_organisation_found_not_only_the_page(client: TestClient) -> None:
    body = listing(client, limit=5)
    counts = {f: {v["key"]: v["count"] for v in body["facets"][f]} for f in body["facets"]}
    assert set(counts) == {"type", "region", "partnership"}
    # a type counts its narrower types: every foundation trust is an NHS trust
    assert counts["type"]["nhs-trust"] >= counts["type"]["foundation-trust"] > 0
    for facet, key in (("type", "ccg"), ("region", "Y61"), ("partnership", "QHG")):
        narrowed = listing(client, limit=5, **{facet: key})
        assert narrowed["total"] == counts[facet][key], (facet, key)
        (only,) = [v for v in narrowed["facets"][facet] if v["key"] == key]
        assert only["count"] == narrowed["total"]


def test_partnership_and_region_narrow_to_their_organisations(client: TestClient) -> None:
    blmk = set(every_page(client, partnership="QHG"))
    assert {"RC1", "RC9", "RD8"} <= blmk
    east = set(every_page(client, region="Y61"))
    assert "RC1" in east and "RRU" not in east  # London Ambulance Service is in London
    both = set(every_page(client, partnership="QHG", region="Y61"))
    assert both == blmk & east
    assert listing(client, partnership="no-such-body")["total"] == 0


def test_open_in_a_period_keeps_those_open_at_some_time_in_it(client: TestClient) -> None:
    start, end = date(2021, 1, 1), date(2021, 12, 31)
    body = listing(client, limit=200, open_from=start.isoformat(), open_until=end.isoformat())
    codes = set(every_page(client, open_from=start.isoformat(), open_until=end.isoformat()))
    assert "RC1" not in codes  # Bedford Hospital closed on 2020-03-31
    assert "RC9" in codes
    for item in body["items"]:
        assert not item["closed"] or item["closed"] >= start.isoformat()[:7], item
        assert not item["opened"] or item["opened"] <= end.isoformat(), item
    early = set(every_page(client, open_until="1995-01-01"))
    assert "RC1" in early and "RY6" not in early  # Leeds Community Healthcare: 2011


def test_a_period_that_ends_before_it_starts_is_a_400(client: TestClient) -> None:
    response = client.get(
        "/api/organisations", params={"open_from": "2021-01-01", "open_until": "2020-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "open_from"


def test_page_shows_counts_facets_and_links_to_the_next_page(client: TestClient) -> None:
    total = listing(client, type="ccg")["total"]
    page = client.get(
        "/organisations", params={"type": "ccg", "limit": 25, "offset": 25}, headers=HTML
    ).text
    assert f"26–50 of {total} organisations" in page
    links = {html.unescape(h) for h in re.findall(r'href="(/organisations\?[^"]+)"', page)}
    assert "/organisations?type=ccg&limit=25&offset=50" in links  # next
    assert "/organisations?type=ccg&limit=25" in links  # previous: the first page
    assert re.search(r'<option value="Y61"\s*>East of England \(\d+\)</option>', page)
    assert re.search(r'<option value="ccg" selected>clinical commissioning group', page)
    assert 'href="/api/organisations?type=ccg&amp;limit=25&amp;offset=25"' in page


def test_page_past_the_end_shows_the_last_page(client: TestClient) -> None:
    total = listing(client, region="Y61")["total"]
    page = client.get(
        "/organisations", params={"region": "Y61", "limit": 25, "offset": 500}, headers=HTML
    ).text
    last_start = (total - 1) // 25 * 25 + 1
    assert f"{last_start}–{total} of {total} organisations" in page


def test_page_refuses_a_date_that_is_not_one(client: TestClient) -> None:
    response = client.get("/organisations", params={"open_from": "2021-13-01"}, headers=HTML)
    assert response.status_code == 400
    assert "open_from must be a date" in response.text
