"""A server warms its build as it starts, so the first requests for organisations do not
wait for the organisation index, the listings' facets and table, the organisation types
a page reads, or compile the page templates, and keeps what it then holds out of the
garbage collector's passes; a value derived once a build is computed once, however many
requests ask for it at once."""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings


def test_a_started_server_has_its_organisation_index_before_the_first_request(
    national: Settings,
) -> None:
    app = create_app(national)
    served = app.state.graph._current.graph
    assert "index" not in served.service.__dict__  # opening the build does not build it
    with TestClient(app) as client:
        assert "index" in served.service.__dict__  # starting does
        assert gc.get_freeze_count() > 0
        page = client.get("/organisations/RC9", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Luton and Dunstable" in page.text


def test_a_started_server_has_compiled_its_page_templates(national: Settings) -> None:
    from nhskg.api.routers.pages import TEMPLATES

    TEMPLATES.env.cache.clear()
    with TestClient(create_app(national)):
        cached = {key[1] for key in TEMPLATES.env.cache}
        assert {"organisation.html", "base.html", "evidence.html"} <= cached


def test_a_value_derived_once_a_build_is_computed_once_by_callers_at_once(
    national: Settings,
) -> None:
    app = create_app(national)
    served = app.state.graph._current.graph
    calls: list[int] = []

    def make(_graph: object) -> int:
        calls.append(1)
        time.sleep(0.2)  # long enough that the other callers come while it is computed
        return 26

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: served.derived("test-value", make), range(8)))
    assert values == [26] * 8 and len(calls) == 1
    served.close()


def test_a_started_server_has_read_the_listings_facets_and_tables(national: Settings) -> None:
    """The first filtered /api/organisations (or partners on a day) does not read them (at
    10M quads, seconds)."""
    app = create_app(national)
    served = app.state.graph._current.graph
    read = {"organisation-listing-table", "organisation-facets", "tie-table"}
    read |= {"planned-partners-nodes", "planned-partners-evidence"}
    assert not read & set(served._derived)
    with TestClient(app) as client:
        assert read <= set(served._derived)
        body = client.get("/api/organisations", params={"type": "ccg", "as_of": "2015-06-01"})
        assert body.status_code == 200 and body.json()["total"] > 100


def test_a_started_server_has_read_the_organisation_types_a_page_shows(
    national: Settings,
) -> None:
    """The first organisation page does not run the organisations listing to learn which
    partners are bodies (partnerships, boards) and which are organisations."""
    app = create_app(national)
    served = app.state.graph._current.graph
    assert "organisation-types" not in served._derived
    with TestClient(app) as client:
        types = served._derived["organisation-types"]
        assert any("sustainability and transformation partnership" in t for t in types.values())
        page = client.get("/organisations/RC9", headers={"Accept": "text/html"})
        assert page.status_code == 200
