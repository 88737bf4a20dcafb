"""The build answers the parameterless named queries, and those published for every
organisation, and publishes the answers with the graph."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, QuerySolutions, parse_query_results

from nhskg.api.app import create_app
from nhskg.graph.publish import current
from nhskg.graph.query import organisation_answers
from nhskg.graph.query.named_queries import ParameterError, bind, load_query_files
from nhskg.graph.query.page_evidence_answers import NAME as PAGE_EVIDENCE
from nhskg.graph.query.published_answers import (
    ANSWERS_FOLDER,
    INDEX_FILE,
    Evaluated,
    PublishedAnswers,
    in_shares,
    keyed,
    parameterless,
    write_answers,
    write_keyed_answers,
)
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.results import records
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore, SelectResult, Term
from nhskg.graph.settings import Settings


def _evaluated(service: QueryService, store: OxigraphStore, name: str) -> list[tuple[object, ...]]:
    result = store.query(service.planned_text(name, {}), planned=True)
    return list(result.rows)  # type: ignore[union-attr]


SEPARATORS = (" | ", "; ", ", ")  # those of the library's GROUP_CONCATs


def _same_term(a: Term | None, b: Term | None) -> bool:
    """Equal, or literals that are the same values concatenated in another order:
    SPARQL leaves the order of a GROUP_CONCAT's values to the engine, and Oxigraph's
    in-memory store (which the build answers on) orders them unlike its store on disk."""
    if a == b:
        return True
    if not (isinstance(a, Literal) and isinstance(b, Literal)):
        return False
    if (a.datatype, a.language) != (b.datatype, b.language):
        return False
    return any(sorted(a.value.split(sep)) == sorted(b.value.split(sep)) for sep in SEPARATORS)


def _same_answer(
    served: Sequence[tuple[Term | None, ...]], evaluated: Sequence[tuple[Term | None, ...]]
) -> bool:
    return len(served) == len(evaluated) and all(
        len(x) == len(y) and all(_same_term(s, t) for s, t in zip(x, y, strict=True))
        for x, y in zip(served, evaluated, strict=True)
    )


def test_every_parameterless_query_is_published_and_is_what_evaluating_it_gives(
    national: Settings, service: QueryService
) -> None:
    folder = current(national.build)
    listings = {q.name for q in parameterless(service.library.values())}
    assert {"organisations", "partnerships", "shared-memberships", "documents"} <= listings
    index = json.loads((folder.path / ANSWERS_FOLDER / INDEX_FILE).read_text())
    each = {f"{q.name}/" for q in keyed(service.library.values())}
    assert set(index) == listings | each | {f"{PAGE_EVIDENCE}/"}
    store = OxigraphStore.open_read_only(folder.store)
    for name in sorted(listings):
        answered = service.run(name)
        assert answered.published, name
        assert _same_answer(answered.rows, _evaluated(service, store, name)), name
        assert index[name]["rows"] == len(answered.rows)


def test_a_query_asked_with_parameters_is_evaluated_for_the_call(service: QueryService) -> None:
    every = service.run("organisations")
    ccgs = service.run("organisations", {"type": "ccg"})
    assert every.published and not ccgs.published
    assert 0 < len(ccgs.rows) < len(every.rows)
    assert not service.run("partners", {"organisation": "RC1", "as_of": "2017-01-01"}).published


KEYED = [q.name for q in keyed(load_query_files(Settings().queries_dir))]


def test_the_queries_an_organisation_lookup_runs_are_published_for_every_organisation() -> None:
    assert {"partners", "organisation", "names", "placements", "memberships"} <= set(KEYED)
    assert {"decisions", "funding", "funding-gaps", "merger-proposals"} <= set(KEYED)


@pytest.mark.parametrize("name", KEYED)
def test_a_query_published_for_every_organisation_is_what_evaluating_it_gives(
    national: Settings, service: QueryService, name: str
) -> None:
    folder = current(national.build)
    index = json.loads((folder.path / ANSWERS_FOLDER / INDEX_FILE).read_text())
    organisations = service.index.iris()
    entry = index[f"{name}/"]
    assert entry["values"] == len(organisations) > 600
    assert entry["left_out"] == 0
    store = OxigraphStore.open_read_only(folder.store)
    planned = service.planned_file(name)
    param = service.query_file(name).header.publish
    assert param is not None
    answers = PublishedAnswers(folder.path)
    rows = 0
    for iri in organisations:
        published = answers.get(name, value=iri)
        assert published is not None and published.published, iri
        text = bind(planned, {param: iri}, lambda _p, t: NamedNode(t))
        evaluated = store.query(text, planned=True)
        assert isinstance(evaluated, SelectResult)
        assert _same_answer(published.rows, evaluated.rows), iri
        rows += len(published.rows)
    assert rows == entry["rows"]
    if name == "partners":
        assert rows > 400


def test_each_organisations_answers_are_one_file_read_as_the_results_format_reads_them(
    national: Settings, service: QueryService
) -> None:
    answers = current(national.build).path / ANSWERS_FOLDER
    published = {q.name for q in keyed(service.library.values())} | {PAGE_EVIDENCE}
    assert not any((answers / name).exists() for name in published)  # gathered, then removed
    files = sorted((answers / organisation_answers.FOLDER).iterdir())
    assert len(files) == len(service.index.iris())
    terms = 0
    for path in files:
        gathered = organisation_answers.read(path)
        assert gathered is not None and gathered.names() <= published, path
        for name in gathered.names():
            answer, ours = gathered.answer(name), gathered.get(name)
            assert answer is not None and ours is not None and ours.published
            from_json = records(ours)  # made from the JSON, without terms
            parsed = parse_query_results(json.dumps(answer), format=QueryResultsFormat.JSON)
            assert isinstance(parsed, QuerySolutions)
            assert ours.variables == [v.value for v in parsed.variables], (path, name)
            assert ours.rows == [tuple(s) for s in parsed], (path, name)
            assert from_json == records(SelectResult(ours.variables, ours.rows)), (path, name)
            terms += sum(t is not None for row in ours.rows for t in row)
    assert terms > 100_000


def test_partners_of_an_organisation_by_any_of_its_names_is_served_from_its_answer(
    service: QueryService,
) -> None:
    by_code = service.run("partners", {"organisation": "RC9"})
    assert by_code.published and by_code.rows
    for name in ["rc9", "Bedfordshire Hospitals NHS Foundation Trust"]:
        served = service.run("partners", {"organisation": name})
        assert served.published and served.rows == by_code.rows, name
    cut = service.run("partners", {"organisation": "RC9"}, max_rows=2)
    assert cut.published and cut.truncated and cut.rows == by_code.rows[:2]
    with pytest.raises(ParameterError, match="no organisation has the code or name"):
        service.run("partners", {"organisation": "no such trust"})


def left_out_and_evaluated_when_asked(
    national: Settings,
    service: QueryService,
    tmp_path: Path,
    *,
    timeout_s: float,
    deadline: float | None = None,
) -> str:
    """Publish partners of RC9 under ``tmp_path`` with these limits, check it was left
    out and is evaluated when asked; why it was left out."""
    store = TimeLimitedStore(current(national.build).store, timeout_s=timeout_s)
    rc9 = service.index.resolve("organisation", "RC9").value
    try:
        done = write_keyed_answers(
            service.query_file("partners"),
            [rc9],
            store,
            lambda iri: bind(
                service.planned_file("partners"), {"organisation": iri}, lambda _p, t: NamedNode(t)
            ),
            tmp_path,
            timeout_s=timeout_s,
            threads=2,
            deadline=deadline,
        )
        assert done.values == 0 and done.left_out == 1
        answers = PublishedAnswers(tmp_path)
        assert answers.get("partners", value=rc9) is None
        evaluating = QueryService(national, store=service.store, answers=answers)
        result = evaluating.run("partners", {"organisation": "RC9"})
        assert not result.published and result.rows
        return done.skipped or ""
    finally:
        store.close()


def test_an_organisation_left_out_of_the_published_answers_is_evaluated_when_asked(
    national: Settings, service: QueryService, tmp_path: Path
) -> None:
    why = left_out_and_evaluated_when_asked(national, service, tmp_path, timeout_s=0.001)
    assert "longer than" in why


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


def test_an_organisation_lookup_without_a_day_is_answered_from_published_answers(
    national: Settings,
) -> None:
    app = create_app(national)
    with TestClient(app) as fresh:
        assert fresh.get("/api/organisations/RC9").status_code == 200
        generation = app.state.graph.acquire()
        try:
            ran = dict(generation.graph._results)  # each named query the lookup ran
        finally:
            app.state.graph.release(generation)
        assert len(ran) > 10
        assert all(result.published for result in ran.values()), [
            key for key, result in ran.items() if not result.published
        ]
        on_a_day = fresh.get("/api/organisations/RC9", params={"as_of": "2019-01-01"})
        assert on_a_day.status_code == 200 and on_a_day.json()["onDay"]["name"]


def test_per_organisation_answers_not_started_by_the_builds_budget_are_evaluated_when_asked(
    national: Settings, service: QueryService, tmp_path: Path
) -> None:
    # the budget is spent before the first answer starts
    why = left_out_and_evaluated_when_asked(
        national, service, tmp_path, timeout_s=5, deadline=time.perf_counter()
    )
    assert "budget" in why


def test_each_per_organisation_step_gets_its_share_of_the_budget_and_what_earlier_ones_left() -> (
    None
):
    # a slow step (partners at 10M) cannot take the time of the steps after it, and
    # time a quick step leaves unused goes to those after it
    given: list[tuple[str, float]] = []

    def step(name: str, slow: bool) -> Callable[[float], Evaluated]:
        def run(deadline: float) -> Evaluated:
            given.append((name, deadline - time.perf_counter()))
            if slow:
                time.sleep(max(0.0, deadline - time.perf_counter()))
            return Evaluated(name, 0.0)

        return run

    done = in_shares([step("slow", True), step("quick", False), step("last", True)], 1.2)
    assert [e.name for e in done] == ["slow", "quick", "last"]
    shares = dict(given)
    assert 0.3 < shares["slow"] <= 0.4  # a third of the budget
    assert 0.3 < shares["quick"] <= 0.4  # half of what is left
    assert 0.6 < shares["last"] <= 0.8  # the rest, the quick step's unused part with it
