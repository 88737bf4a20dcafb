"""Browsing in a real browser (Chromium through Playwright, as tests/test_browser.py):
/docs draws Swagger UI from the server's own copy with every request off the machine
refused; /organisations pages forward and back and narrows by facets kept in the
address; /search finds organisations by former names, document passages, people and
sites. Each page passes axe-core and fits a phone's width."""

from __future__ import annotations

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
    assert {"/api/organisations", "/sparql", "/api/network"} <= {
        p.replace("\u200b", "") for p in paths
    }, paths
    assert page.locator("#api-docs-list").is_hidden()  # Swagger UI took the listing's place
    assert any("/vendor/swagger-ui/swagger-ui-bundle.js" in url for url in requested)
    assert not refused, refused
    assert all(urlsplit(url).hostname in LOOPBACK for url in requested), requested
    # an operation opens to its parameters
    page.locator("#swagger-ui .opblock-summary", has_text="/api/organisations").first.click()
    page.wait_for_selector("#swagger-ui .parameters-container")
    assert "offset" in page.locator("#swagger-ui .opblock.is-open").first.inner_text()
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
