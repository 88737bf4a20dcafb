"""The candidates page in a real browser (Chromium through Playwright, as
tests/test_browser.py), on a build of the mini fixture with a candidates file: the
document page leads to it; every proposal's quote is highlighted, says its kind,
confidence and why on hover and on focus, and links to its entry in the list, whose
kind links back to the passage; at a phone's width (390 px) the highlights are there,
the text fits, and the explanation of a focused highlight stays on the screen; axe-core
finds no serious violation and no policy is broken. Screenshots at 1366 and 390 px go to
test-output/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from ingest_samples import (
    DOCUMENT,
    all_candidates,
    boards,
    build_with_candidates,
    county_alias,
    serving,
)
from playwright.sync_api import Browser, Page, ViewportSize
from test_browser import (  # noqa: F401 -- fixtures
    axe_violations,
    browser,
    describe,
    open_page,
    policy_breaches,
    shot,
    visit,
)
from test_browser_browse import fits_the_width

from nhskg.graph.settings import Settings

WIDE: ViewportSize = {"width": 1366, "height": 900}
NARROW: ViewportSize = {"width": 390, "height": 844}
PAGE = f"/documents/{DOCUMENT}/candidates"
PROPOSED = 4  # all_candidates but the one the curated file already holds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_with_candidates(tmp_path_factory.mktemp("candidates-browser"), all_candidates)


@pytest.fixture(scope="module")
def served(built: Settings) -> Iterator[str]:
    with serving(built) as url:
        yield url


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:  # noqa: F811
    page = open_page(browser, WIDE)
    yield page
    page.close()


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:  # noqa: F811
    page = open_page(browser, NARROW)
    yield page
    page.close()


def test_the_document_page_leads_to_its_candidates_highlighted(wide: Page, served: str) -> None:
    breaches = policy_breaches(wide)
    visit(wide, served + f"/documents/{DOCUMENT}")
    wide.get_by_role("link", name=f"{PROPOSED} candidate records proposed").click()
    wide.wait_for_url(f"**{PAGE}")
    marks = wide.locator("mark.candidate")
    assert marks.count() >= PROPOSED
    assert wide.locator(".candidate-list > li").count() == PROPOSED
    assert "nhskg review 000_ab1d5f3ab4a972f1.candidates.yaml" in wide.locator("main").inner_text()
    # list and text side by side on a wide screen
    text_box = wide.locator(".text-column").bounding_box()
    list_box = wide.locator(".list-column").bounding_box()
    assert text_box and list_box and list_box["x"] > text_box["x"] + text_box["width"] - 1
    shot(wide, "candidates-desktop")
    assert not breaches, "\n".join(breaches)


def test_a_highlight_says_what_it_proposes_on_hover_and_focus(wide: Page, served: str) -> None:
    text = document_text_of(served)
    alias = county_alias(text)
    visit(wide, served + PAGE)
    mark = wide.locator(f"mark#p-{alias.start}")
    tip = mark.locator(".tip")
    assert not tip.is_visible()
    mark.hover()
    assert tip.is_visible()
    assert tip.inner_text() == f"alias · confidence 0.41 · {alias.why}"
    wide.mouse.move(0, 0)
    assert not tip.is_visible()
    mark.locator("a").focus()
    assert tip.is_visible()
    shot(wide, "candidates-focus-desktop")
    mark.locator("a").press("Enter")
    wide.wait_for_url(f"**#c-{alias.key}")
    entry = wide.locator(f"li#c-{alias.key}")
    assert entry.is_visible() and "“Bedfordshire” for 06F" in entry.inner_text()
    assert "06F NHS BEDFORDSHIRE CCG" in entry.inner_text()
    entry.locator(f'a[href="#p-{alias.start}"]').click()
    wide.wait_for_url(f"**#p-{alias.start}")
    assert mark.is_visible()
    assert wide.evaluate("() => document.querySelector(':target').id") == f"p-{alias.start}"


def test_a_quote_inside_another_is_reached_from_the_text(wide: Page, served: str) -> None:
    inner = boards(document_text_of(served))
    visit(wide, served + PAGE)
    mark = wide.locator(f"mark#p-{inner.start}")
    mark.hover()
    lines = mark.locator(".tip-line").all_inner_texts()
    assert lines[0].startswith("stated-group · confidence 0.60") and lines[1].startswith("activity")
    mark.locator("a").click()
    wide.wait_for_url(f"**#c-{inner.key}")


def test_highlights_are_readable_at_a_phones_width(narrow: Page, served: str) -> None:
    text = document_text_of(served)
    alias = county_alias(text)
    visit(narrow, served + PAGE)
    assert fits_the_width(narrow) == []
    mark = narrow.locator(f"mark#p-{alias.start}")
    mark.scroll_into_view_if_needed()
    assert mark.is_visible()
    size = narrow.evaluate(
        "id => parseFloat(getComputedStyle(document.getElementById(id)).fontSize)",
        f"p-{alias.start}",
    )
    assert size >= 16
    backgrounds = narrow.eval_on_selector_all(
        "mark.candidate", "ms => [...new Set(ms.map(m => getComputedStyle(m).backgroundColor))]"
    )
    assert len(backgrounds) == 3  # entity, alias and statement each their own colour
    shot(narrow, "candidates-phone")
    mark.locator("a").focus()
    tip = mark.locator(".tip").bounding_box()
    assert tip is not None
    assert tip["x"] >= 0 and tip["x"] + tip["width"] <= NARROW["width"]
    assert tip["y"] >= 0 and tip["y"] + tip["height"] <= NARROW["height"]
    shot(narrow, "candidates-focus-phone")
    # the list comes after the text, a link away
    narrow.get_by_role("link", name=f"Go to the {PROPOSED} proposed records").click()
    assert narrow.locator(".candidate-list").is_visible()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["desktop", "phone"])
def test_the_candidates_page_passes_axe(
    browser: Browser,  # noqa: F811
    served: str,
    viewport: ViewportSize,
) -> None:
    page = open_page(browser, viewport, bypass_csp=True)
    try:
        visit(page, served + PAGE)
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        page.close()


def document_text_of(served: str) -> str:
    text: str = httpx.get(served + f"/api/documents/{DOCUMENT}/candidates").json()["text"]
    return text
