"""A server warms its build as it starts, so the first request for an organisation does
not wait for the organisation index, and keeps what it then holds out of the garbage
collector's passes."""

from __future__ import annotations

import gc

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
