"""The query pages in a real browser (Chromium through Playwright, as
tests/test_browser.py): /query lists the named queries by task; an organisation input
suggests organisations from the graph; a document input offers titles and runs; an
answer keeps its form, filled in, to change and run again; the SPARQL editor is
CodeMirror, highlights, and runs an example and a typed query, drawing a timeline for
dated rows; a phone shows the answer as cards; every page passes axe-core and breaks
no Content Security Policy. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page
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

from nhskg.graph.query.named_queries import GROUPS

DATED = (
    "SELECT ?date ?event WHERE { ?c a org:ChangeEvent ; dcterms:date ?date ; rdfs:label ?event }"
)
QUERY_PAGES = {
    "index": "/query",
    "answer": "/query/partners?organisation=RC1",
    "editor": "/query/sparql",
    "editor-answer": "/query/sparql?query="
    + quote(
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + DATED
    ),
}


def rows_of(page: Page) -> int:
    return page.locator(".results tbody tr").count()


def test_query_index_lists_the_tasks_in_order(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/query")
    headings = desktop.locator("main section.query-group > h2").all_inner_texts()
    assert headings == list(GROUPS)
    first = desktop.locator("main section.query-group").first
    assert "Partners of an organisation" in first.inner_text()
    assert desktop.get_by_role("link", name="Write your own SPARQL").is_visible()
    shot(desktop, "query-index-desktop")


def test_organisation_input_suggests_organisations_and_its_answer_keeps_the_form(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(desktop, base + "/query")
    desktop.locator("#q-partners > summary").click()
    field = desktop.locator("#partners-organisation")
    assert field.is_visible()
    offered = field.evaluate("e => [...e.list.options].map(o => [o.value, o.label])")
    assert ["RC1", "Bedford Hospital NHS Trust"] in offered
    assert len(offered) > 100
    field.fill("RC1")
    desktop.locator('form[action="/query/partners"] button[type="submit"]').click()
    desktop.wait_for_url("**/query/partners?organisation=RC1*")
    assert rows_of(desktop) > 0
    assert "Bedfordshire" in desktop.locator(".results").inner_text()
    assert desktop.locator(".scroll-cue").is_visible(), "a wide answer says it scrolls"
    shot(desktop, "query-answer-desktop")

    kept = desktop.locator("#partners-organisation")
    assert kept.input_value() == "RC1"
    assert (
        desktop.locator("form.query-form").bounding_box()["y"]
        < (  # type: ignore[index]
            desktop.locator(".results").bounding_box()["y"]  # type: ignore[index]
        )
    )
    kept.fill("RC9")
    desktop.locator("#partners-evidenced_only").check()
    desktop.locator('form[action="/query/partners"] button[type="submit"]').click()
    desktop.wait_for_url("**/query/partners?organisation=RC9&evidenced_only=true*")
    assert desktop.locator("#partners-organisation").input_value() == "RC9"
    assert desktop.locator("#partners-evidenced_only").is_checked()
    assert rows_of(desktop) > 0


def test_document_input_offers_titles_and_runs(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/query")
    desktop.locator("#q-document-quotes > summary").click()
    choice = desktop.locator("#document-quotes-document")
    labels = [t.strip() for t in choice.locator("option").all_inner_texts()]
    titled = [t for t in labels if t and not t.startswith("Choose")]
    assert len(titled) == 5, labels
    assert not any(t.endswith(".txt") for t in titled), "titles, not file names"
    choice.select_option(label=titled[0])
    desktop.locator('form[action="/query/document-quotes"] button[type="submit"]').click()
    desktop.wait_for_url("**/query/document-quotes?document=*")
    assert rows_of(desktop) > 0
    kept = desktop.locator("#document-quotes-document")
    assert kept.locator("option:checked").inner_text().strip() == titled[0]


def test_editor_highlights_and_runs_an_example_and_a_typed_query(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    breaches = policy_breaches(desktop)
    visit(desktop, base + "/query/sparql")
    editor = desktop.locator(".CodeMirror")
    editor.wait_for()
    assert desktop.locator(".CodeMirror .cm-keyword").count() > 3, "SPARQL is highlighted"
    assert "PREFIX nhskg:" in editor.inner_text()
    shot(desktop, "query-editor-desktop")

    desktop.locator(".examples a", has_text="Mergers, successions and transfers").click()
    desktop.wait_for_url("**/query/sparql?query=**")
    assert rows_of(desktop) > 10
    assert "ChangeEvent" in desktop.locator(".CodeMirror").inner_text()
    bars = desktop.locator("figure.timeline rect.bar")
    assert bars.count() > 3
    assert "Timeline" in desktop.locator("figure.timeline figcaption").inner_text()
    shot(desktop, "query-editor-timeline-desktop")
    desktop.get_by_role("link", name="Examples", exact=True).click()
    assert desktop.locator("#examples li").first.is_visible()

    desktop.locator(".CodeMirror textarea").focus()
    desktop.keyboard.press("Control+A")
    desktop.keyboard.type("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    desktop.keyboard.press("Control+Enter")
    desktop.wait_for_url("**/query/sparql?query=SELECT**")
    assert rows_of(desktop) == 3
    assert not breaches, "\n".join(breaches)


def test_a_dated_named_query_draws_a_timeline(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/query/history?code=RC9")
    assert desktop.locator("figure.timeline rect.bar").count() >= 1
    assert desktop.locator("figure.timeline svg").is_visible()


def test_phone_shows_each_row_as_a_card(phone: Page, base: str) -> None:  # noqa: F811
    visit(phone, base + "/query/partners?organisation=RC1")
    shot(phone, "query-answer-phone")
    cards = phone.locator(".results tbody tr")
    assert cards.count() > 3
    width = phone.viewport_size["width"]  # type: ignore[index]
    for i in range(3):
        box = cards.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        text = cards.nth(i).inner_text()
        assert "Bedford" in text or "Luton" in text, f"card {i} looks empty: {text!r}"
        assert box["height"] > 100, f"card {i} is {box['height']} px high"
    label = phone.evaluate(
        "() => getComputedStyle(document.querySelector('.results td'), '::before').content"
    )
    assert label.strip('"') == "Code"  # the column's words, as the table's header
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("name", list(QUERY_PAGES))
def test_query_page_passes_axe_and_the_content_security_policy(
    axe_page: Page,  # noqa: F811
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
    name: str,
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make setup` runs npm ci"
    breaches = policy_breaches(desktop)
    visit(desktop, base + QUERY_PAGES[name])
    desktop.wait_for_load_state("networkidle")
    assert not breaches, "\n".join(breaches)
    visit(axe_page, base + QUERY_PAGES[name])
    violations = axe_violations(axe_page)
    assert not violations, f"{QUERY_PAGES[name]}:\n{describe(violations)}"
