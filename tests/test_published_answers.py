"""The parameterless named queries are answered by the build and published with it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph.publish import current
from nhskg.graph.published_answers import (
    ANSWERS_FOLDER,
    INDEX_FILE,
    PublishedAnswers,
    parameterless,
    write_answers,
)
from nhskg.graph.query_worker import TimeLimitedStore
from nhskg.graph.service import QueryService
from nhskg.graph.settings import Settings
from nhskg.graph.store import OxigraphStore


def _evaluated(service: QueryService, store: OxigraphStore, name: str) -> list[tuple[object, ...]]:
    result = store.query(service.planned_text(name, {}), planned=True)
    return list(result.rows)  # type: ignore[union-attr]


def test_every_parameterless_query_is_published_and_is_what_evaluating_it_gives(
    national: Settings, service: QueryService
) -> None:
    folder = current(national.build)
    listings = {q.name for q in parameterless(service.library.values())}
    assert {"organisations", "partnerships", "shared-memberships", "documents"} <= listings
    index = json.loads((folder.path / ANSWERS_FOLDER / INDEX_FILE).read_text())
    assert set(index) == listings
    store = OxigraphStore.open_read_only(folder.store)
    for name in sorted(listings):
        answered = service.run(name)
        assert answered.published, name
        assert answered.rows == _evaluated(service, store, name), name
        assert index[name]["rows"] == len(answered.rows)


def test_a_query_asked_with_parameters_is_evaluated_for_the_call(service: QueryService) -> None:
    every = service.run("organisations")
    ccgs = service.run("organisations", {"type": "ccg"})
    assert every.published and not ccgs.published
    assert 0 < len(ccgs.rows) < len(every.rows)
    assert not service.run("partners", {"organisation": "RC1"}).published


def test_a_published_answer_is_cut_at_the_row_cap(service: QueryService) -> None:
    cut = service.run("organisations", max_rows=5)
    assert cut.published and cut.truncated and len(cut.rows) == 5
    assert cut.rows == service.run("organisations").rows[:5]


def test_a_listing_that_overruns_the_build_limit_is_left_out_and_evaluated_when_asked(
    national: Settings, service: QueryService, tmp_path: Path
) -> None:
    folder = current(national.build)
    store = TimeLimitedStore(folder.store, timeout_s=0.001)
    try:
        done = write_answers(
            [service.query_file("class-counts")],
            store,
            lambda name: service.planned_text(name, {}),
            tmp_path,
            timeout_s=0.001,
        )
        assert done[0].rows is None and "longer than" in (done[0].skipped or "")
        index = json.loads((tmp_path / ANSWERS_FOLDER / INDEX_FILE).read_text())
        assert index["class-counts"]["rows"] is None and index["class-counts"]["skipped"]
        answers = PublishedAnswers(tmp_path)
        assert answers.get("class-counts") is None
        evaluating = QueryService(national, store=service.store, answers=answers)
        result = evaluating.run("class-counts")
        assert not result.published and result.rows
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(national: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(national)) as test_client:
        yield test_client


def test_the_api_says_whether_an_answer_was_published_or_evaluated(client: TestClient) -> None:
    listing = client.get("/api/queries/partnerships").json()
    assert listing["published"] is True and listing["rows"]
    filtered = client.get("/api/queries/partnerships", params={"type": "stp"}).json()
    assert filtered["published"] is False
