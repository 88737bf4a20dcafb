"""Browsing in a real browser (Chromium through Playwright, as tests/test_browser.py):
/docs draws Swagger UI from the server's own copy with every request off the machine
refused; /organisations pages forward and back and narrows by facets kept in the
address; /search finds organisations by former names, document passages, people and
sites. Each page passes axe-core and fits a phone's width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route
from test_browser import (  # noqa: F401 -- fixtures
    AXE,
    axe_page,
    axe_violations,
    base,
    browser,
    describe,
    phone,
    policy_breaches,
    shot,
    visit,
)
from test_browser import page as desktop  # noqa: F401 -- fixture

LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


@pytest.fixture
def offline(desktop: Page) -> Iterator[tuple[Page, list[str]]]:  # noqa: F811
    """A desktop page whose every request to a host other than loopback is aborted;
    the list of those refused."""
    refused: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    desktop.route("**/*", only_loopback)
    yield desktop, refused


def test_docs_draws_swagger_ui_offline_from_the_servers_own_copy(
    offline: tuple[Page, list[str]],
    base: str,  # noqa: F811
) -> None:
    page, refused = offline
    breaches = policy_breaches(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    visit(page, base + "/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    operations = page.locator("#swagger-ui .opblock-summary-path")
    paths = {operations.nth(i).inner_text().strip() for i in range(operations.count())}
    assert {"/api/organisations", "/api/search", "/sparql", "/api/network"} <= {
        p.replace("\u200b", "") for p in paths
    }, paths
    assert page.locator("#api-docs-list").is_hidden()  # Swagger UI took the listing's place
    assert any("/vendor/swagger-ui/swagger-ui-bundle.js" in url for url in requested)
    assert not refused, refused
    assert all(urlsplit(url).hostname in LOOPBACK for url in requested), requested
    # an operation opens to its parameters
    page.locator("#swagger-ui .opblock-summary", has_text="/api/organisations").first.click()
    page.wait_for_selector("#swagger-ui .parameters-container")
    assert "open_from" in page.locator("#swagger-ui .opblock.is-open").first.inner_text()
    shot(page, "browse-docs-desktop")
    assert not breaches, "\n".join(breaches)


def test_docs_has_no_serious_accessibility_violation(axe_page: Page, base: str) -> None:  # noqa: F811
    visit(axe_page, base + "/docs")
    axe_page.wait_for_selector("#swagger-ui .opblock")
    violations = axe_violations(axe_page)
    assert not violations, describe(violations)


def fits_the_width(page: Page) -> list[str]:
    """Elements wider than the window that nothing scrolls or clips."""
    wide: list[str] = page.evaluate(
        """() => {
            const limit = window.innerWidth + 1;
            const clipped = e => {
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== 'visible') return true;
                }
                return false;
            };
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit && !clipped(e))
                .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
        }"""
    )
    return wide


def test_docs_fits_a_phone(phone: Page, base: str) -> None:  # noqa: F811
    visit(phone, base + "/docs")
    phone.wait_for_selector("#swagger-ui .opblock")
    shot(phone, "browse-docs-phone")
    assert fits_the_width(phone) == []


def count_line(page: Page) -> str:
    return page.locator("#browse-count").inner_text()


def test_organisations_page_forward_and_back(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/organisations")
    first = count_line(desktop)
    assert first.startswith("1–50 of ") and desktop.locator(".browse-list li").count() == 50
    first_name = desktop.locator(".browse-list li a").first.inner_text()
    desktop.get_by_role("link", name="Next ›").click()
    desktop.wait_for_url("**/organisations?offset=50")
    assert count_line(desktop).startswith("51–100 of ")
    assert desktop.locator(".browse-list li a").first.inner_text() != first_name
    desktop.get_by_role("link", name="Page 3").click()
    desktop.wait_for_url("**/organisations?offset=100")
    assert count_line(desktop).startswith("101–150 of ")
    desktop.go_back()
    desktop.wait_for_url("**/organisations?offset=50")
    desktop.get_by_role("link", name="‹ Previous").click()
    desktop.wait_for_url("**/organisations")
    assert count_line(desktop) == first
    desktop.get_by_label("Per page", exact=True).select_option("200")
    desktop.get_by_role("button", name="Show").click()
    desktop.wait_for_url("**limit=200**")
    assert desktop.locator(".browse-list li").count() == 200


def test_facets_narrow_the_list_and_stay_in_the_address(desktop: Page, base: str) -> None:  # noqa: F811
    breaches = policy_breaches(desktop)
    visit(desktop, base + "/organisations")
    everything = int(count_line(desktop).split(" of ")[1].split()[0])
    desktop.get_by_label("Type", exact=True).select_option("ccg")
    desktop.get_by_label("Region", exact=True).select_option("Y61")
    desktop.get_by_role("button", name="Show").click()
    desktop.wait_for_url("**type=ccg**")
    assert "region=Y61" in desktop.url
    narrowed = int(count_line(desktop).split(" of ")[1].split()[0])
    assert 0 < narrowed < everything
    names = desktop.locator(".browse-list li").all_inner_texts()
    assert all("clinical commissioning group" in n for n in names)
    assert any("Bedfordshire" in n for n in names)  # 06F, in BLMK, in the East of England
    # the choice survives a reload of the address, and a page turn keeps it
    desktop.reload()
    assert desktop.get_by_label("Region", exact=True).input_value() == "Y61"
    assert int(count_line(desktop).split(" of ")[1].split()[0]) == narrowed
    desktop.get_by_label("Partnership", exact=True).select_option("QHG")
    desktop.get_by_role("button", name="Show").click()
    desktop.wait_for_url("**partnership=QHG**")
    blmk = desktop.locator(".browse-list li a").all_inner_texts()
    assert 0 < len(blmk) < narrowed
    shot(desktop, "browse-organisations-desktop")
    # removing one filter keeps the others
    desktop.get_by_role("link", name="remove region: East of England").click()
    desktop.wait_for_url(lambda url: "region=" not in url and "partnership=QHG" in url)
    assert desktop.get_by_label("Type", exact=True).input_value() == "ccg"
    assert not breaches, "\n".join(breaches)


def test_organisations_page_is_accessible_and_fits_a_phone(
    axe_page: Page,  # noqa: F811
    phone: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    url = base + "/organisations?type=ccg&region=Y61&limit=25&offset=25"
    visit(axe_page, url)
    violations = axe_violations(axe_page)
    assert not violations, describe(violations)
    visit(phone, url)
    shot(phone, "browse-organisations-phone")
    assert fits_the_width(phone) == []


FORMER = "Luton and Dunstable University Hospital NHS Foundation Trust"


def search_from_the_header(page: Page, base: str, words: str) -> None:  # noqa: F811
    visit(page, base + "/partnerships")
    page.get_by_label("Search everything").fill(words)
    page.get_by_label("Search everything").press("Enter")
    page.wait_for_url("**/search?q=*")


def test_search_finds_an_organisation_by_a_former_name(desktop: Page, base: str) -> None:  # noqa: F811
    breaches = policy_breaches(desktop)
    search_from_the_header(desktop, base, FORMER)
    found = desktop.locator("#found-organisations + ul li").first
    assert f"found by the name “{FORMER}”" in found.inner_text()
    found.locator('a[href="/organisations/RC9"]').click()
    desktop.wait_for_url("**/organisations/RC9")
    assert desktop.locator("h1").inner_text() == "Bedfordshire Hospitals NHS Foundation Trust"
    assert not breaches, "\n".join(breaches)


def test_search_finds_a_passage_and_opens_it_in_its_document(desktop: Page, base: str) -> None:  # noqa: F811
    search_from_the_header(desktop, base, "Healthier Luton")
    hit = desktop.locator("#found-passages + ul li", has_text="quoted as evidence").first
    assert "Healthier Luton" in hit.locator("mark").inner_text()
    link = hit.locator('a[href*="#q-"]')
    href = link.get_attribute("href")
    assert href is not None
    shot(desktop, "browse-search-desktop")
    link.click()
    desktop.wait_for_url("**/documents/**")
    mark = desktop.locator(f"mark#{href.split('#')[1]}")
    assert mark.is_visible()
    assert mark.evaluate("m => m.getBoundingClientRect().top < window.innerHeight")


def test_search_finds_a_person_and_a_site(desktop: Page, base: str) -> None:  # noqa: F811
    search_from_the_header(desktop, base, "Navina Evans")
    person = desktop.locator("#found-people + ul li").first
    assert "Chief Executive" in person.inner_text()
    assert person.locator('a[href="/organisations/RWK"]').count() == 1
    search_from_the_header(desktop, base, "Luton and Dunstable Hospital")
    site = desktop.locator("#found-sites + ul li", has_text="Luton and Dunstable Hospital").first
    assert "run by" in site.inner_text()
    site.locator('a[href="/organisations/RC9"]').click()
    desktop.wait_for_url("**/organisations/RC9")


def test_search_pages_one_kind(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/search?q=NHS")
    desktop.get_by_role("link", name=re.compile(r"^In the documents \(\d+\)$")).click()
    desktop.wait_for_url("**kind=passages**")
    assert desktop.locator("#found-passages + ul li").count() == 50
    desktop.get_by_role("link", name="Next ›").click()
    desktop.wait_for_url("**offset=50**")
    assert desktop.locator("#found-passages + ul li").count() > 0


def test_search_page_is_accessible_and_fits_a_phone(
    axe_page: Page,  # noqa: F811
    phone: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    url = base + "/search?q=Luton"
    visit(axe_page, url)
    violations = axe_violations(axe_page)
    assert not violations, describe(violations)
    visit(phone, url)
    shot(phone, "browse-search-phone")
    assert fits_the_width(phone) == []
