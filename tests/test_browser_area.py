"""The area page in a real browser (Chromium through Playwright, as tests/test_browser.py):
the BLMK question is one click from home and the page answers it with quotes that lead to
their passages; members by year follow Bedford Hospital (RC1) across its succession into
RC9, with the first column kept in view as the years scroll; the CSV downloads say what
the page says; a footprint and a region (picked on the home page) work; an unknown area
is a 404 page; each page passes axe-core and fits a phone's width."""

from __future__ import annotations

import csv
import io

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

BLMK_QUESTION = "Who works with whom in Bedfordshire, Luton and Milton Keynes"


def _words(text: str) -> str:
    """Text as a reader compares it: words in order, commas and line breaks aside."""
    return " ".join(text.replace(",", " ").split())


def _csv(page: Page, url: str) -> list[list[str]]:
    response = page.request.get(url)
    assert response.ok, url
    return list(csv.reader(io.StringIO(response.text())))


def test_blmk_is_one_click_from_home_and_answers_with_quotes(
    desktop: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    breaches = policy_breaches(desktop)
    visit(desktop, base + "/")
    desktop.get_by_role("link", name=BLMK_QUESTION).click()
    desktop.wait_for_url("**/areas/QHG")
    assert "Bedfordshire, Luton and Milton Keynes" in desktop.locator("h1").inner_text()
    rows = desktop.locator("#ties-documents + .scroll tbody tr")
    assert rows.count() >= 10
    quotes = desktop.locator("#ties-documents + .scroll q.quote a")
    assert quotes.count() >= 10
    assert quotes.first.is_visible() and quotes.first.inner_text().strip()
    # the row's source is the document's title, not its file name
    cite = desktop.locator("#ties-documents + .scroll cite").first.inner_text()
    assert cite.startswith("Bedfordshire, Luton and Milton Keynes") and ".txt" not in cite
    shot(desktop, "area-blmk-desktop")
    href = quotes.first.get_attribute("href")
    assert href and "#q-" in href
    quotes.first.click()
    desktop.wait_for_url("**/documents/**")
    mark = desktop.locator(f"mark#{href.split('#', 1)[1]}")
    assert mark.count() == 1 and mark.is_visible()
    assert not breaches, "\n".join(breaches)


def _matrix_row(page: Page, code: str) -> dict[str, str]:
    years = page.locator("table.matrix thead th").all_inner_texts()
    row = page.locator(
        "table.matrix tbody tr", has=page.locator(f'a[href="/organisations/{code}"]')
    )
    cells = [row.locator("th").inner_text(), *row.locator("td").all_inner_texts()]
    return dict(zip(years, cells, strict=True))


def test_the_matrix_shows_bedford_hospital_across_its_succession(
    phone: Page,  # noqa: F811
    base: str,  # noqa: F811
) -> None:
    visit(phone, base + "/areas/QHG")
    rc1 = _matrix_row(phone, "RC1")
    assert "member resolved" in _words(rc1["2017/18"])
    assert "member presumed" in _words(rc1["2018/19"])
    assert "succession into RC9" in rc1["2020/21"]
    assert rc1["2021/22"].strip() == ""
    assert "succession of RC1" in _matrix_row(phone, "RC9")["2020/21"]
    # the organisation column stays in view as the years scroll sideways
    wrap = phone.locator(".matrix-wrap")
    head = phone.locator("table.matrix tbody th").first
    wrap.scroll_into_view_if_needed()
    before = head.bounding_box()
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert wrap.evaluate("e => e.scrollLeft") > 100, "the matrix scrolls at phone width"
    after = head.bounding_box()
    assert before and after and abs(before["x"] - after["x"]) < 1
    assert phone.locator(".scroll-cue").is_visible()
    shot(phone, "area-matrix-phone")


def test_the_csv_downloads_say_what_the_page_says(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/areas/QHG")
    ties = _csv(desktop, base + "/api/areas/QHG/ties.csv")
    header = ties[0]
    shown = desktop.locator("table.ties tbody tr")
    assert shown.count() == len(ties) - 1
    for i in (0, len(ties) // 2, len(ties) - 2):
        cells = shown.nth(i).locator("td").all_inner_texts()
        row = dict(zip(header, ties[i + 1], strict=True))
        now = f" (now {row['organisation_now']})" if row["organisation_now"] else ""
        assert cells[1] == row["organisation"] + now
        assert cells[2] == row["relationship"] and cells[3] == row["basis"]
        assert _words(row["evidence"])[:40] in _words(cells[5])
    link = desktop.locator('a[href="/api/areas/QHG/ties.csv"]').first
    assert link.is_visible()
    members = _csv(desktop, base + "/api/areas/QHG/members.csv")
    years = members[0][2 : members[0].index("evidence_count")]
    assert desktop.locator("table.matrix thead th").all_inner_texts()[1 : len(years) + 1] == years
    for line in members[1:]:
        on_page = _matrix_row(desktop, line[0])
        for year, value in zip(years, line[2:], strict=False):
            marks = " ".join(m for m in value.split("; ") if m)
            assert _words(on_page[year]) == _words(marks), (line[0], year)


def test_a_region_picked_on_home_and_a_footprint_work(desktop: Page, base: str) -> None:  # noqa: F811
    visit(desktop, base + "/")
    desktop.get_by_label("Choose an area").select_option(label="East of England")
    desktop.get_by_role("button", name="Show the area").click()
    desktop.wait_for_url("**/areas/Y61")
    assert desktop.locator("h1").inner_text() == "East of England"
    assert desktop.locator("table.matrix tbody tr").count() > 20
    assert desktop.locator("table.ties tbody tr").count() > 20
    visit(desktop, base + "/areas")
    footprint = desktop.locator("h2:has-text('footprints') + ul a").first
    footprint.click()
    desktop.wait_for_url("**/areas/*")
    assert "STP/ICB footprint" in desktop.locator("main").inner_text()
    assert desktop.locator("table.matrix tbody tr").count() >= 1


def test_an_unknown_area_is_a_404_page(desktop: Page, base: str) -> None:  # noqa: F811
    response = desktop.goto(base + "/areas/RWK")
    assert response is not None and response.status == 404
    assert "is not a partnership, an STP or ICB footprint, or a region" in (
        desktop.locator("main").inner_text()
    )
    response = desktop.goto(base + "/areas/NO-SUCH-AREA")
    assert response is not None and response.status == 404
    assert "no organisation has the code or name" in desktop.locator("main").inner_text()


@pytest.mark.parametrize("url", ["/areas/QHG", "/areas/Y61", "/areas"])
def test_area_pages_pass_axe_and_fit_a_phone(
    axe_page: Page,  # noqa: F811
    phone: Page,  # noqa: F811
    base: str,  # noqa: F811
    url: str,
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make setup` runs npm ci"
    visit(axe_page, base + url)
    violations = axe_violations(axe_page)
    assert not violations, f"{url}:\n{describe(violations)}"
    visit(phone, base + url)
    if url == "/areas/QHG":
        shot(phone, "area-blmk-phone")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{url} is {width[0]} px wide at {width[1]} px"
