"""The network page keeps its promises, in Debian's Chromium against `nhskg serve`.

Every choice is honoured from the address and kept in it (a partnership's network is
its organisations only; a changed control is in the address and a reload restores it;
a path is in the address); a click on a link lists the bodies the two share with the
quotes linked to their passages; stated groups and organisations with no link are left
out until a box is ticked; a path between organisations not linked in the view says
so and offers to widen it; the same view is the same picture on reload; the page is
accessible and fits a phone. Screenshots go to test-output/screenshots/."""

# ruff: noqa: F811  (the fixtures imported from test_browser are parameters here)
from __future__ import annotations

from typing import Any

from playwright.sync_api import Page
from test_browser import (  # noqa: F401  (fixtures)
    axe_page,
    axe_violations,
    base,
    browser,
    describe,
    page,
    phone,
    policy_breaches,
    shot,
    wait_for_network,
)

# Bedfordshire, Luton and Milton Keynes: its CCGs and acute trusts
QHG_ORGANISATIONS = {"04F", "06F", "06P", "RC1", "RC9", "RD8"}


def drawn(page: Page) -> dict[str, dict[str, Any]]:
    """Each organisation drawn: its type and position."""
    nodes: list[dict[str, Any]] = page.evaluate(
        "() => window.nhskgNetwork.cy.nodes().map(n => ({id: n.id(), type: n.data('type'),"
        " colour: n.data('colour'), x: n.position('x'), y: n.position('y')}))"
    )
    return {n["id"]: n for n in nodes}


def tap(page: Page, element_id: str) -> None:
    """Tap a node or link and wait for what it shows (returns nothing: a Cytoscape
    collection would be serialised whole)."""
    page.evaluate(f"() => {{ window.nhskgNetwork.cy.getElementById({element_id!r}).emit('tap'); }}")
    page.evaluate("() => window.nhskgNetwork.details.then(() => null)")


def wait_details(page: Page) -> None:
    page.evaluate("() => window.nhskgNetwork.details.then(() => null)")


def test_a_partnerships_network_shows_only_its_organisations(page: Page, base: str) -> None:
    breaches = policy_breaches(page)
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    nodes = drawn(page)
    assert set(nodes) >= QHG_ORGANISATIONS
    assert len(nodes) < 20, sorted(nodes)
    assert "RWK" not in nodes and "03V" not in nodes
    assert page.get_by_label("Partnership (code or name)").input_value() == "QHG"
    assert "Bedfordshire, Luton and Milton Keynes" in page.locator("#network-status").inner_text()
    assert page.locator('#network-view a[href="/partnerships/QHG"]').is_visible()
    # the downloads give the same view
    json_href = page.locator("#network-download a", has_text="node-link JSON").get_attribute("href")
    assert json_href is not None and "partnership=QHG" in json_href
    shot(page, "network-qhg-desktop")
    assert not breaches, "\n".join(breaches)


def test_a_changed_control_is_kept_in_the_address_and_a_reload_restores_it(
    page: Page, base: str
) -> None:
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    page.get_by_label("Organisation type").select_option("ccg")
    page.wait_for_url("**type=ccg**")
    wait_for_network(page)
    page.get_by_label("As of (a day)").fill("2018-06-01")
    page.wait_for_url("**as_of=2018-06-01**")
    wait_for_network(page)
    assert "partnership=QHG" in page.url
    before = drawn(page)
    assert set(before) == {"04F", "06F", "06P"}
    assert {n["type"] for n in before.values()} == {"ccg"}

    page.reload()
    wait_for_network(page)
    assert page.get_by_label("Organisation type").input_value() == "ccg"
    assert page.get_by_label("As of (a day)").input_value() == "2018-06-01"
    assert page.get_by_label("Partnership (code or name)").input_value() == "QHG"
    after = drawn(page)
    assert after == before, "the same view is the same picture on reload"

    page.get_by_label("Around one organisation").fill("RC1")
    page.get_by_label("within").select_option("2")
    page.get_by_label("Organisation type").select_option("")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**focus=RC1**")
    wait_for_network(page)
    assert "hops=2" in page.url
    page.reload()
    wait_for_network(page)
    assert page.get_by_label("Around one organisation").input_value() == "RC1"
    assert page.get_by_label("within").input_value() == "2"
    assert "RC1" in drawn(page)


def test_a_link_click_lists_the_shared_bodies_with_quotes_linked_to_their_passages(
    page: Page, base: str
) -> None:
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    tap(page, "e|RC1|RD8")
    details = page.locator("#network-details")
    text = details.inner_text()
    assert "Bedford Hospital NHS Trust" in text and "Milton Keynes University Hospital" in text
    assert "Sources:" not in text
    quotes = details.locator('a[href^="/documents/"][href*="#q-"]')
    assert quotes.count() >= 2
    assert quotes.first.locator("q").inner_text().strip()
    # the document's title, not its file name
    assert "Central Brief, January 2018" in text
    assert "003_f7ec335ea921a4a0.txt" not in text
    shot(page, "network-link-evidence-desktop")
    href = quotes.first.get_attribute("href")
    assert href is not None
    quotes.first.click(position={"x": 12, "y": 8})  # its first line: the link wraps
    page.wait_for_url("**/documents/**")
    mark = page.locator(f"mark#{href.split('#', 1)[1]}")
    assert mark.count() == 1 and mark.is_visible()


def test_a_path_is_kept_in_the_address_and_redrawn_on_reload(page: Page, base: str) -> None:
    page.goto(base + "/network")
    wait_for_network(page)
    page.get_by_label("Path from (code or name)").fill("RC1")
    page.get_by_label("to (code or name)").fill("06P")
    page.get_by_role("button", name="Highlight path").click()
    page.wait_for_url("**from=RC1**")
    wait_details(page)
    assert "to=06P" in page.url
    page.reload()
    wait_for_network(page)
    wait_details(page)
    on_path = page.evaluate("() => window.nhskgNetwork.cy.$('node.on-path').map(n => n.id())")
    assert {"RC1", "06P"} <= set(on_path)
    assert "Shortest connection" in page.locator("#network-status").inner_text()
    page.get_by_role("button", name="Clear").click()
    assert "from=" not in page.url


def test_stated_groups_and_lone_organisations_are_hidden_until_ticked(
    page: Page, base: str
) -> None:
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    hidden = drawn(page)
    assert not any(n["type"] == "stated-group" for n in hidden.values())
    status = page.locator("#network-status").inner_text()
    assert "stated group" in status and "with no link" in status
    page.get_by_label("Show stated groups").check()
    page.wait_for_url("**groups=true**")
    wait_for_network(page)
    shown = drawn(page)
    assert any(n["type"] == "stated-group" for n in shown.values())
    assert len(shown) > len(hidden)
    page.get_by_label("Show organisations with no link").check()
    page.wait_for_url("**isolates=true**")
    wait_for_network(page)
    assert len(drawn(page)) > len(shown)
    page.reload()
    wait_for_network(page)
    assert page.get_by_label("Show stated groups").is_checked()
    assert page.get_by_label("Show organisations with no link").is_checked()


def test_mergers_and_members_contracts_are_drawn_when_ticked(page: Page, base: str) -> None:
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    assert "RWK" not in drawn(page) and "M1J4Y" not in drawn(page)
    page.get_by_label("Mergers and successions").check()
    page.wait_for_url("**changes=true**")
    wait_for_network(page)
    assert "M1J4Y" in drawn(page), "the BLMK CCGs' 2021 merger brings in the merged CCG"
    page.get_by_label("members’ contracts").check()
    page.wait_for_url("**contracts=true**")
    wait_for_network(page)
    assert "RWK" in drawn(page), "ELFT, by its contract with Bedfordshire CCG"
    tap(page, "e|06F|RWK")
    details = page.locator("#network-details")
    assert "Community Health Services" in details.inner_text()
    assert details.locator('a[href*="#q-"]').count() >= 1


def test_a_path_with_no_connection_in_the_view_says_so_and_offers_to_widen_it(
    page: Page, base: str
) -> None:
    page.goto(base + "/network?as_of=2015-01-01&from=03V&to=02P")
    wait_for_network(page)
    wait_details(page)
    status = page.locator("#network-status")
    assert "No connection between 03V and 02P" in status.inner_text()
    details = page.locator("#network-details")
    assert "on 2015-01-01" in details.inner_text()
    shot(page, "network-no-connection-desktop")
    page.get_by_role("button", name="all dates").click()
    page.wait_for_function("() => !location.search.includes('as_of')")
    wait_for_network(page)
    wait_details(page)
    assert "Shortest connection" in status.inner_text()
    assert "from=03V" in page.url


def test_type_colours_are_the_fixed_palettes_in_the_drawing_and_the_key(
    page: Page, base: str
) -> None:
    palette = page.request.get(base + "/api/network/palette").json()
    colours = {t["key"]: t["colour"] for t in palette["types"]}
    page.goto(base + "/network?partnership=QHG")
    wait_for_network(page)
    for node in drawn(page).values():
        assert node["colour"] == colours.get(node["type"], palette["other"])
    assert drawn(page)["RC1"]["type"] == drawn(page)["RD8"]["type"] == "acute-trust"
    swatches = page.evaluate(
        "() => [...document.querySelectorAll('#network-legend li')].map(li =>"
        " [li.dataset.type, getComputedStyle(li.querySelector('.swatch')).backgroundColor])"
    )
    assert swatches and all(
        _rgb(colours.get(key, palette["other"])) == colour for key, colour in swatches
    )


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_the_network_page_fits_a_phone_and_shows_a_links_evidence(phone: Page, base: str) -> None:
    phone.goto(base + "/network?partnership=QHG")
    wait_for_network(phone)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page is {width}px wide on a 375px phone"
    # a finger reads a link from the list of links, not by hitting a thin line
    phone.get_by_text("List every link drawn").click()
    button = phone.locator("#network-links button", has_text="Bedford Hospital NHS Trust").filter(
        has_text="Milton Keynes University Hospital"
    )
    button.click()
    wait_details(phone)
    assert phone.locator('#network-details a[href*="#q-"]').count() >= 2
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 376
    shot(phone, "network-qhg-phone")


def test_the_network_page_with_a_links_evidence_has_no_serious_accessibility_violation(
    axe_page: Page,
    base: str,
) -> None:
    axe_page.goto(base + "/network?partnership=QHG&from=RC1&to=06P")
    wait_for_network(axe_page)
    wait_details(axe_page)
    tap(axe_page, "e|RC1|RD8")
    violations = axe_violations(axe_page)
    assert not violations, describe(violations)
