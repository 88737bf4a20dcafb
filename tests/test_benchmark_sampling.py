"""The scale benchmark's parameter samples and how it times them (benchmarks/scale_params.py,
benchmarks/scale_queries.py, benchmarks/scale_report.py): on the mini fixture build and on
made-up runs, no big builds."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nhskg.graph.building.build import build
from nhskg.graph.publish import current
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore, SelectResult
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from scale_params import EXTRA_ORGANISATIONS, SAMPLE_SIZE, draw, draw_all, rank_pools, spread
from scale_queries import MIN_RUNS, Overran, time_samples
from scale_report import NAMED_QUERY_P50_MS, check_targets

MINI_DATA = Path(__file__).resolve().parent / "fixtures" / "mini" / "data"


@pytest.fixture(scope="module")
def mini_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryService]:
    """A query service on a build of the mini fixture, in process."""
    settings = Settings(data_dir=MINI_DATA, build_dir=tmp_path_factory.mktemp("mini-build"))
    assert build(settings).published
    store = OxigraphStore.open_read_only(current(settings.build).store)
    yield QueryService(settings, store=store)


def test_spread_takes_evenly_spaced_ranks_from_the_largest_to_the_smallest() -> None:
    assert spread(list(range(13))) == [0, 2, 4, 6, 8, 10, 12]
    picked = spread(list(range(100)))
    assert len(picked) == SAMPLE_SIZE and picked[0] == 0 and picked[-1] == 99
    assert picked == sorted(set(picked))


def test_spread_keeps_a_small_pool_whole() -> None:
    assert spread(["a", "b", "c"]) == ["a", "b", "c"]


def test_pools_rank_values_by_how_much_the_graph_says_about_them(
    mini_service: QueryService,
) -> None:
    pools = rank_pools(mini_service, mini_service.store)
    assert pools["partnership"] == ["healthier-together"]
    assert set(pools["stp"]) == {"QHG", "QPM"}
    assert pools["document"] == ["000_ab1d5f3ab4a972f1.txt"]
    # the five CCGs are members of Healthier Together; its five trusts are only what the
    # Clinical Senate's recommendation concerns
    assert {"04F", "06F", "03V"} <= set(pools["organisation"])


def test_each_query_is_sampled_largest_first_with_the_fixed_organisations_added(
    mini_service: QueryService,
) -> None:
    pools = rank_pools(mini_service, mini_service.store)
    drawn = draw_all(mini_service, mini_service.store)
    organisations = [s.params["organisation"] for s in drawn["partners"].samples]
    assert organisations[: len(spread(pools["organisation"]))] == spread(pools["organisation"])
    assert set(EXTRA_ORGANISATIONS) <= set(organisations)
    assert len(organisations) == len(set(organisations))
    assert [s.params for s in drawn["partnerships"].samples] == [{}]  # nothing required
    largest = drawn["memberships"].samples[0]
    assert largest.params == {"organisation": pools["organisation"][0]}  # as_of stays unbound


def test_every_sample_runs_planned_on_the_embedded_store_and_as_written_as_a_user_sends_it(
    mini_service: QueryService,
) -> None:
    store = mini_service.store
    for name, drawn in draw_all(mini_service, store).items():
        for sample in drawn.samples:
            planned = store.query(sample.planned, planned=True)
            written = store.query(sample.written, guard=True)
            assert isinstance(planned, SelectResult) and isinstance(written, SelectResult)
            assert len(planned.rows) == len(written.rows), name


def test_a_value_the_binder_refuses_is_dropped_with_the_reason(
    mini_service: QueryService,
) -> None:
    pools = {"organisation": ["RC1", "NO-SUCH-ORG"]}
    drawn = draw(mini_service.library["sites"], pools, mini_service)
    assert "NO-SUCH-ORG" not in [s.params["organisation"] for s in drawn.samples]
    assert len(drawn.refused) == 1 and "NO-SUCH-ORG" in drawn.refused[0]


def _params(n: int) -> list[dict[str, str]]:
    return [{"code": f"C{i}"} for i in range(n)]


def test_timing_pools_the_runs_of_every_sample_and_keeps_the_largest_apart() -> None:
    figures = time_samples(
        _params(3), lambda i: i, rows=lambda _: 2, runs=20, budget_s=0.01, limit_s=30
    )
    assert [s["params"]["code"] for s in figures["samples"]] == ["C0", "C1", "C2"]
    assert all(s["runs"] >= MIN_RUNS and s["rows"] == 2 for s in figures["samples"])
    assert figures["runs"] == sum(s["runs"] for s in figures["samples"])
    assert figures["largest"] == figures["samples"][0]
    assert {"p50_ms", "p99_ms"} <= set(figures)


def test_a_sample_over_the_time_limit_times_the_query_out_with_the_samples_so_far() -> None:
    def run(i: int) -> int:
        if i == 1:
            raise Overran
        return i

    figures = time_samples(_params(3), run, rows=lambda _: 1, runs=5, budget_s=0.01, limit_s=30)
    assert figures["timeout_s"] == 30 and "p50_ms" not in figures
    assert [s.get("timeout_s") for s in figures["samples"]] == [None, 30]


def test_every_sample_is_warmed_up_right_before_its_timed_runs() -> None:
    calls: list[int] = []

    def run(i: int) -> int:
        calls.append(i)
        return i

    figures = time_samples(_params(2), run, rows=lambda r: r + 4, runs=2, budget_s=10, limit_s=30)
    assert calls == [0] * (1 + MIN_RUNS) + [1] * (1 + MIN_RUNS)
    assert [s["rows"] for s in figures["samples"]] == [4, 5]


def test_a_sample_that_overran_before_is_not_run_again_and_times_the_query_out() -> None:
    calls: list[int] = []

    def run(i: int) -> int:
        calls.append(i)
        return i

    figures = time_samples(
        _params(3), run, rows=lambda _: 1, runs=2, budget_s=10, limit_s=30,
        overran=[False, True, False],
    )  # fmt: skip
    assert set(calls) == {0}
    assert figures["timeout_s"] == 30
    assert [s.get("timeout_s") for s in figures["samples"]] == [None, 30]


def test_an_engine_error_ends_the_query_recorded_with_its_sample() -> None:
    def run(i: int) -> int:
        raise RuntimeError("refused")

    figures = time_samples(
        _params(2), run, rows=lambda _: 1, runs=5, budget_s=1, limit_s=30, errors=(RuntimeError,)
    )
    assert "refused" in figures["error"] and len(figures["samples"]) == 1


def _query(p50: float, largest: float) -> dict[str, Any]:
    return {"embedded": {"p50_ms": p50, "samples": [{"p50_ms": largest}, {"p50_ms": 1.0}]}}


def test_named_query_target_is_on_pooled_p50s_and_names_largest_samples_over_it() -> None:
    over = NAMED_QUERY_P50_MS * 3
    scale = {
        "scale": "20",
        "quads": 1000,
        "queries": {"quick": _query(5.0, 8.0), "heavy-tail": _query(20.0, over)},
    }
    check = check_targets([scale])["checks"]["named_query_p50_ms_as_served"]
    assert check["pass"] is True and check["value"] == 20.0
    assert check["over"] == [] and check["largest_over"] == ["heavy-tail"]


def test_a_published_answer_counts_as_served_and_the_evaluated_figure_stays_beside_it() -> None:
    listing = _query(NAMED_QUERY_P50_MS * 5, NAMED_QUERY_P50_MS * 5)
    listing["published"] = {"p50_ms": 0.5, "samples": [{"p50_ms": 0.5}]}
    scale = {
        "scale": "1000",
        "quads": 10_000_000,
        "queries": {"listing": listing, "lookup": _query(5.0, 8.0)},
    }
    targets = check_targets([scale])
    served = targets["checks"]["named_query_p50_ms_as_served"]
    assert served["pass"] is True and served["value"] == 5.0 and served["published"] == ["listing"]
    evaluated = targets["also"]["named_query_p50_ms_evaluated_every_call"]
    assert evaluated["pass"] is False and evaluated["over"] == ["listing"]
    slow = _query(NAMED_QUERY_P50_MS * 2, NAMED_QUERY_P50_MS * 2)  # not published: evaluated
    scale["queries"]["slow"] = slow
    assert check_targets([scale])["checks"]["named_query_p50_ms_as_served"]["over"] == ["slow"]
