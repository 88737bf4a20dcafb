"""The pages in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
`make browser`), headless, driven by Playwright, against `nhskg serve` on loopback.

A person searches for an organisation, opens its page, follows a quote to its place in
the source document, runs a canned query from its form, and opens the network view and
sees it drawn. Every page passes axe-core's accessibility rules (from npm, injected
into the page) with no serious or critical violation, fits a phone's width, and breaks
none of the server's Content Security Policy (no inline script or style) or
Permissions-Policy. Screenshots go to test-output/screenshots/ (desktop and phone)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import free_port, running, venv_command
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
# As the machine's probe runs it: no sandbox (CI runs as root) and no background
# connections (the machine reaches no server but the package registries).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}
TIMEOUT_MS = 30_000
PAGES = {
    "home": "/",
    "organisation": "/organisations/RC1",
    "partnership": "/partnerships/QHG",
    "document": "/documents/003_f7ec335ea921a4a0.txt",
    "query": "/query",
    "network": "/network",
    "docs": "/docs",
}
# What Chromium logs when a page breaks the server's policies.
POLICY_MESSAGES = ("Content Security Policy", "Permissions-Policy", "Refused to")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def base(national: Settings) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"NHSKG_BUILD_DIR": str(national.build)}
    url = f"http://127.0.0.1:{port}"
    with running([venv_command("nhskg"), "serve", "--port", str(port)], url + "/api", env=env):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    driver: Playwright = sync_playwright().start()
    try:
        chromium = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        driver.stop()


def open_page(browser: Browser, viewport: ViewportSize, *, bypass_csp: bool = False) -> Page:
    page = browser.new_page(viewport=viewport, bypass_csp=bypass_csp)
    page.set_default_timeout(TIMEOUT_MS)
    return page


def policy_breaches(page: Page) -> list[str]:
    """A list that fills with every policy breach Chromium reports on ``page``."""
    breaches: list[str] = []
    page.on(
        "console",
        lambda message: (
            breaches.append(message.text)
            if any(m in message.text for m in POLICY_MESSAGES)
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return breaches


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = open_page(browser, DESKTOP)
    yield page
    page.close()


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    """A desktop page that lets axe-core in: the pages' policy refuses injected script."""
    page = open_page(browser, DESKTOP, bypass_csp=True)
    yield page
    page.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page = open_page(browser, PHONE)
    yield page
    page.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    if url.endswith("/network"):
        wait_for_network(page)


def wait_for_network(page: Page) -> int:
    """Wait until the network view has drawn; the number of nodes drawn."""
    nodes: int = page.evaluate("() => window.nhskgNetwork.ready.then(cy => cy.nodes().length)")
    return nodes


def test_search_opens_an_organisation_and_a_quote_leads_to_its_source(
    page: Page, base: str
) -> None:
    visit(page, base + "/")
    page.get_by_label("Search organisations").fill("Bedford Hospital")
    page.get_by_label("Search organisations").press("Enter")
    page.wait_for_url("**/organisations?*")
    shot(page, "search-desktop")

    page.locator('a[href="/organisations/RC1"]').first.click()
    page.wait_for_url("**/organisations/RC1")
    assert "Bedford Hospital" in page.locator("h1").inner_text()

    quote = page.locator('a[href^="/documents/"][href*="#q-"]').first
    href = quote.get_attribute("href")
    assert href is not None
    quote.click()
    page.wait_for_url("**/documents/**")
    anchor = href.split("#", 1)[1]
    assert anchor.startswith("q-")
    mark = page.locator(f"mark#{anchor}")
    assert mark.count() == 1, f"no <mark id={anchor}> on {page.url}"
    assert mark.is_visible()
    assert mark.inner_text().strip()
    shot(page, "quote-in-source-desktop")


def test_a_former_name_finds_rc9_and_2018_lists_show_the_name_it_had(page: Page, base: str) -> None:
    """Names of the day: a search by the name RC9 had until 2020 finds it; the BLMK
    partnership's 2018 members show that name, today's name beside it and a click away;
    the network on a 2018 day labels it so."""
    former = "Luton and Dunstable University Hospital NHS Foundation Trust"
    today = "Bedfordshire Hospitals NHS Foundation Trust"
    visit(page, base + "/organisations")
    page.get_by_label("Search organisations").fill(former)
    page.get_by_label("Search organisations").press("Enter")
    page.wait_for_url("**/organisations?*")
    found = page.locator("li", has=page.locator('a[href="/organisations/RC9"]')).first
    assert f"found by the name “{former}”" in found.inner_text()

    visit(page, base + "/partnerships/QHG")
    member = page.locator('a[href="/organisations/RC9"]').first
    assert member.inner_text() == f"{former} (now {today})"
    member.click()
    page.wait_for_url("**/organisations/RC9")
    assert page.locator("h1").inner_text() == today

    visit(page, base + "/network?as_of=2018-01-15")
    wait_for_network(page)
    labels = page.evaluate(
        "() => { const n = window.nhskgNetwork.cy.getElementById('RC9');"
        " return [n.data('label'), n.data('currentLabel')]; }"
    )
    assert labels == [former, today]
    shot(page, "names-of-the-day-network-desktop")


def test_canned_query_form_answers_with_a_table(page: Page, base: str) -> None:
    visit(page, base + "/query")
    page.locator("#q-stp-footprint > summary").click()
    form = page.locator('form[action="/query/stp-footprint"]')
    form.locator('[name="stp"]').fill("QHG")
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first.click()
    page.wait_for_url("**/query/stp-footprint*")
    row = page.locator("table tr", has_text="04F")
    assert row.count() >= 1, page.locator("main").inner_text()[:2000]
    shot(page, "query-result-desktop")


def test_network_view_draws_filters_and_highlights_a_path(page: Page, base: str) -> None:
    breaches = policy_breaches(page)
    visit(page, base + "/network")
    drawn = wait_for_network(page)
    assert drawn > 50
    assert page.locator("#network-legend li").count() >= 3
    assert "organisations" in page.locator("#network-status").inner_text()
    shot(page, "network-drawn-desktop")

    page.get_by_label("Organisation type").select_option("ccg")
    page.get_by_role("button", name="Show").click()
    ccgs = wait_for_network(page)
    types = page.evaluate("() => window.nhskgNetwork.cy.nodes().map(n => n.data('type'))")
    assert 0 < ccgs < drawn and set(types) == {"ccg"}
    assert "type=ccg" in page.url

    page.get_by_label("Organisation type").select_option("")
    page.get_by_role("button", name="Show").click()
    assert wait_for_network(page) == drawn
    page.get_by_label("Path from (code or name)").fill("L&D")
    page.get_by_label("to (code or name)").fill("ELFT")
    page.get_by_role("button", name="Highlight path").click()
    page.wait_for_function("() => window.nhskgNetwork.cy.$('node.on-path').length >= 3")
    on_path = page.evaluate("() => window.nhskgNetwork.cy.$('node.on-path').map(n => n.id())")
    assert {"RC9", "RWK"} <= set(on_path)
    assert "East London NHS Foundation Trust" in page.locator("#network-status").inner_text()
    shot(page, "network-path-desktop")

    # A click on an organisation opens its page.
    # The function returns nothing: Playwright would otherwise serialise the Cytoscape
    # collection emit() returns, which holds the whole graph and blocks the page for
    # seconds.
    with page.expect_navigation():
        page.evaluate("() => { window.nhskgNetwork.cy.getElementById('RC9').emit('tap'); }")
    assert page.url.endswith("/organisations/RC9")
    assert not breaches, "\n".join(breaches)


def test_network_view_dashes_presumed_links_and_can_leave_them_out(page: Page, base: str) -> None:
    breaches = policy_breaches(page)
    page.goto(base + "/network?as_of=2018-06-01")
    drawn = wait_for_network(page)
    presumed = page.evaluate("() => window.nhskgNetwork.cy.edges('[?presumed]').length")
    assert drawn > 1 and presumed > 0
    styles = page.evaluate(
        "() => window.nhskgNetwork.cy.edges().map(e => [e.data('presumed'), e.style('line-style')])"
    )
    assert {style for is_presumed, style in styles if is_presumed} == {"dashed"}
    assert {style for is_presumed, style in styles if not is_presumed} <= {"solid"}
    assert f"{presumed} presumed, dashed" in page.locator("#network-status").inner_text()
    key = page.locator("#network-line-legend")
    assert key.is_visible() and "Dashed line: presumed" in key.inner_text()

    # Bedford Hospital and Milton Keynes: BLMK partners in January 2018, presumed since.
    page.evaluate("() => { window.nhskgNetwork.cy.getElementById('e|RC1|RD8').emit('tap'); }")
    page.evaluate("() => window.nhskgNetwork.details.then(() => null)")
    details = page.locator("#network-details")
    assert "presumed — last evidenced 2018-01-31" in details.inner_text()
    assert "until 2020-03-31, ended by the change of 2020-04-01 (RC9)" in details.inner_text()
    shot(page, "network-presumed-desktop")

    page.get_by_label("Evidenced on the day only").check()
    page.get_by_role("button", name="Show").click()
    evidenced = wait_for_network(page)
    assert "evidenced_only=true" in page.url
    assert evidenced < drawn
    assert page.evaluate("() => window.nhskgNetwork.cy.edges('[?presumed]').length") == 0
    assert page.evaluate("() => window.nhskgNetwork.cy.getElementById('RD8').length") == 0
    assert not breaches, "\n".join(breaches)


def test_network_view_says_so_when_the_api_fails(page: Page, base: str) -> None:
    page.route("**/api/network?*", lambda route: route.fulfill(status=503, body="{}"))
    page.goto(base + "/network")
    error = page.evaluate(
        "() => window.nhskgNetwork.ready.then(() => 'drawn', e => String(e.message))"
    )
    assert error != "drawn"
    status = page.locator("#network-status")
    assert "Could not load the network" in status.inner_text()
    assert status.is_visible()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("name", [*PAGES, "error"])
def test_page_breaks_no_content_security_or_permissions_policy(
    page: Page, base: str, name: str
) -> None:
    breaches = policy_breaches(page)
    response = page.goto(base + PAGES.get(name, "/organisations/ZZZZZ"))
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if name == "network":
        wait_for_network(page)
    page.wait_for_load_state("networkidle")
    assert not breaches, "\n".join(breaches)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(axe_page: Page, base: str, name: str) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make setup` runs npm ci"
    page = axe_page
    visit(page, base + PAGES[name])
    shot(page, f"{name}-desktop")
    violations = axe_violations(page)
    assert not violations, f"{PAGES[name]}:\n{describe(violations)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone_width(phone: Page, base: str, name: str) -> None:
    visit(phone, base + PAGES[name])
    shot(phone, f"{name}-phone")
    widths = phone.evaluate(
        """() => {
            const limit = window.innerWidth + 1;
            const clipped = e => {
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== 'visible') return true;
                }
                return false;
            };
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit && !clipped(e))
                .slice(0, 8)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
            return {scroll: document.documentElement.scrollWidth,
                    inner: window.innerWidth, wide: wide};
        }"""
    )
    assert widths["scroll"] <= widths["inner"] + 1, (
        f"{PAGES[name]} is {widths['scroll']} px wide at {widths['inner']} px; "
        f"too wide: {widths['wide']}"
    )
