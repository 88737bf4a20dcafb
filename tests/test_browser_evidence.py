"""Evidence on the row that makes the claim, in a real browser (Chromium through
Playwright, as tests/test_browser.py): the BLMK partnership page answers "who, on what
evidence" with quotes that land on their passage and name the document by its title;
its stated groups say how many of their number are identified; a document's statements
link to pages of this server, each of which answers; and the pages changed for it pass
axe-core and fit a phone's width. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

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
    shot,
    visit,
)
from test_browser import page as desktop  # noqa: F401 -- fixture
from test_browser_browse import fits_the_width

BLMK_DOC = "003_f7ec335ea921a4a0.txt"
BLMK_TITLE = "Bedfordshire, Luton and Milton Keynes Sustainability and Transformation Plan"
PAGES = {
    "partnership-qhg": "/partnerships/QHG",
    "partnership-eight-ccgs": "/partnerships/commissioners-working-together",
    "organisation-qhg": "/organisations/QHG",
    "organisation-rc1": "/organisations/RC1",
    "document-blmk": f"/documents/{BLMK_DOC}",
    "statement": "/id/membership/000_ab1d5f3ab4a972f1/five-ccgs",
}


def test_blmk_members_answer_with_quotes_that_land_on_their_passage(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(desktop, base + "/partnerships/QHG")
    rows = desktop.locator("#partners + .scroll tbody tr")
    assert rows.count() == 6
    for i in range(rows.count()):
        evidence = rows.nth(i).locator(".evidence").first
        assert evidence.locator('q.quote a[href*="#q-"]').first.is_visible()
        cite = evidence.locator("cite").first.inner_text()
        assert BLMK_TITLE in cite and ".txt" not in cite
    shot(desktop, "evidence-partnership-qhg-desktop")

    first = rows.first.locator(".evidence q.quote a").first
    words = first.inner_text().rstrip("…")
    href = first.get_attribute("href")
    assert href is not None and href.startswith(f"/documents/{BLMK_DOC}#q-")
    first.click()
    desktop.wait_for_url(f"**/documents/{BLMK_DOC}#q-*")
    mark = desktop.locator(f"mark#{href.split('#', 1)[1]}")
    assert mark.is_visible()
    passage = desktop.evaluate(
        """id => { let text = '', e = document.getElementById(id);
                   for (; e && e.tagName === 'MARK'; e = e.nextElementSibling) text += e.textContent;
                   return text; }""",
        href.split("#", 1)[1],
    )
    assert passage.startswith(words[:40])


def test_a_resolved_member_shows_its_reasoning_and_datasets_one_click_away(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(desktop, base + "/partnerships/QHG")
    row = desktop.locator("#partners + .scroll tbody tr").first
    reasoning = row.locator(".reasoning")
    assert not reasoning.is_visible()
    row.locator("details summary").click()
    assert reasoning.is_visible() and "16 BLMK partners" in reasoning.inner_text()
    dataset = row.locator('details cite a[href^="/id/dataset/"]').first
    assert dataset.is_visible() and dataset.inner_text().strip()


def test_stated_groups_say_how_many_of_their_number_are_identified(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(desktop, base + "/partnerships/QHG")
    group = desktop.locator("#stated-groups ~ ul .group").filter(has_text="the 16 BLMK partners")
    text = " ".join(group.inner_text().split())
    assert "the document states 16; 6 of the 16 are identified here" in text
    assert "the other 10 are not named in the document" in text
    assert group.locator("a[href^='/organisations/']").count() == 6
    member_link = desktop.locator("#partners + .scroll tbody tr").first.locator(
        "a[href^='#group-']"
    )
    member_link.click()
    assert group.is_visible()


def test_a_document_page_links_only_here_and_every_statement_link_answers(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(desktop, base + f"/documents/{BLMK_DOC}")
    hrefs: list[str] = desktop.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    assert not [h for h in hrefs if "w3id.org" in h]
    statements: list[str] = desktop.eval_on_selector_all(
        "#statements ~ ol a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    local = sorted(set(statements))
    assert any(h.startswith("/organisations/") for h in local)
    assert len([h for h in local if h.startswith("/id/")]) > 50
    for href in local:
        response = desktop.request.get(urljoin(base, href), headers={"Accept": "text/html"})
        assert response.status == 200, f"{href}: {response.status}"
        assert urlsplit(response.url).hostname == urlsplit(base).hostname
    shot(desktop, "evidence-document-desktop")


@pytest.mark.parametrize("name", list(PAGES))
def test_evidence_page_has_no_serious_accessibility_violation(
    axe_page: Page,  # noqa: F811
    base: str,  # noqa: F811
    name: str,
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make setup` runs npm ci"
    visit(axe_page, base + PAGES[name])
    for summary in axe_page.locator("details summary").all()[:20]:
        summary.click()  # the evidence a click away is checked too
    violations = axe_violations(axe_page)
    assert not violations, f"{PAGES[name]}:\n{describe(violations)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_evidence_page_fits_a_phone(phone: Page, base: str, name: str) -> None:  # noqa: F811
    visit(phone, base + PAGES[name])
    shot(phone, f"evidence-{name}-phone")
    assert fits_the_width(phone) == []
