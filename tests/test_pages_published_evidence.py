"""An organisation's page read from the evidence the build published (its `evidence`
answer and the evidence of its statements, graph/query/page_evidence_answers.py) shows
what the same page shows when both are evaluated on request: the national build served
as built, against a copy of it with those answers taken out."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.publish import current
from nhskg.graph.query.organisation_answers import FOLDER
from nhskg.graph.query.page_evidence_answers import NAME
from nhskg.graph.query.published_answers import ANSWERS_FOLDER, INDEX_FILE
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

HTML = {"Accept": "text/html"}
TAKEN_OUT = ("evidence", NAME)


@pytest.fixture(scope="module")
def published(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national)) as client:
        yield client


@pytest.fixture(scope="module")
def evaluated(national: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The same build, without the page's evidence answers: each page evaluates them."""
    target = tmp_path_factory.mktemp("evaluated") / "build"
    shutil.copytree(national.build, target, symlinks=True)
    for path in (current(target).path / ANSWERS_FOLDER / FOLDER).iterdir():
        head, _, body = path.read_bytes().partition(b"\n")
        where = {k: v for k, v in json.loads(head).items() if k not in TAKEN_OUT}
        path.write_bytes(json.dumps(where).encode() + b"\n" + body)
    with TestClient(create_app(Settings(build_dir=target))) as client:
        yield client


def test_the_build_publishes_every_organisations_page_evidence(
    national: Settings, service: QueryService
) -> None:
    index = json.loads((current(national.build).path / ANSWERS_FOLDER / INDEX_FILE).read_text())
    organisations = len(service.index.iris())
    for name in TAKEN_OUT:
        assert index[f"{name}/"]["values"] == organisations > 600, name
        assert index[f"{name}/"]["left_out"] == 0, name
    assert index[f"{NAME}/"]["rows"] > 5000


def test_every_organisation_page_shows_the_same_evidence_published_as_evaluated(
    published: TestClient, evaluated: TestClient, service: QueryService
) -> None:
    quotes = 0
    for code in sorted(set(service.index.code_of.values())):
        path = f"/organisations/{code}"
        page = published.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert page.text == evaluated.get(path, headers=HTML).text, path
        quotes += page.text.count('href="/documents/')
    assert quotes > 1000  # the pages do show quotes, linked to their place


@pytest.mark.parametrize("query", ["as_of=2018-06-01", "as_of=2021-01-01&evidenced_only=true"])
@pytest.mark.parametrize("code", ["RC9", "QHG", "06F"])
def test_a_page_on_a_day_shows_the_same_evidence_published_as_evaluated(
    published: TestClient, evaluated: TestClient, code: str, query: str
) -> None:
    path = f"/organisations/{code}?{query}"
    page = published.get(path, headers=HTML)
    assert page.status_code == 200
    assert page.text == evaluated.get(path, headers=HTML).text
