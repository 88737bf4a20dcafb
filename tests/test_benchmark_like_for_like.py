"""The like-for-like benchmark's pure parts (benchmarks/sparql_like_for_like.py): every
request a new text, the servers' turns, the ratios round by round, the days and codes
spread out. No servers, no timing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from sparql_like_for_like import (
    day_pairs,
    distinct_texts,
    listing_paths,
    ratio_spread,
    spread_codes,
    spread_days,
    turn_order,
)


def test_distinct_texts_makes_every_request_new_across_rounds_and_keeps_the_query() -> None:
    texts = ["SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }", "ASK {}"]
    first = distinct_texts(texts, "round 0, 1 clients")
    second = distinct_texts(texts, "round 1, 1 clients")
    assert len(set(first) | set(second)) == 6
    for text, made in zip(texts, first, strict=True):
        assert made.startswith(text + "\n#")


def test_turn_order_starts_each_round_one_server_later() -> None:
    servers = ["nhskg", "oxigraph", "same"]
    assert turn_order(servers, 0) == ["nhskg", "oxigraph", "same"]
    assert turn_order(servers, 1) == ["oxigraph", "same", "nhskg"]
    assert turn_order(servers, 3) == servers


def test_ratio_spread_pairs_the_servers_round_by_round() -> None:
    rounds = [
        {"nhskg": {"p50_ms": 3.0}, "oxigraph": {"p50_ms": 2.0}},
        {"nhskg": {"p50_ms": 4.0}, "oxigraph": {"p50_ms": 2.0}},
        {"nhskg": {"p50_ms": 2.0}, "oxigraph": {"p50_ms": 2.0}},
    ]
    spread = ratio_spread(rounds, "nhskg", "oxigraph", "p50_ms")
    assert spread == {"per_round": [1.5, 2.0, 1.0], "min": 1.0, "median": 1.5, "max": 2.0}


def test_ratio_spread_is_none_when_a_round_has_no_figure() -> None:
    rounds = [{"nhskg": {"requests": 0}, "oxigraph": {"p50_ms": 2.0}}]
    assert ratio_spread(rounds, "nhskg", "oxigraph", "p50_ms") is None


def test_ratio_spread_is_none_when_a_server_failed_requests() -> None:
    rounds = [{"nhskg": {"p50_ms": 1.0, "errors": 3}, "oxigraph": {"p50_ms": 2.0}}]
    assert ratio_spread(rounds, "nhskg", "oxigraph", "p50_ms") is None


def test_spread_days_are_distinct_and_span_the_range() -> None:
    days = spread_days(50, date(2020, 1, 1), date(2020, 12, 31))
    assert len(set(days)) == 50
    assert days[0] == "2020-01-01"
    assert days[-1] == "2020-12-31"
    assert days == sorted(days)


def test_spread_days_refuses_more_days_than_the_range_holds() -> None:
    with pytest.raises(ValueError, match="--days 3"):
        spread_days(3, date(2020, 1, 1), date(2020, 1, 2))


def test_spread_codes_takes_evenly_spaced_distinct_codes() -> None:
    codes = [f"R{n:02d}" for n in range(100)]
    picked = spread_codes(list(reversed(codes)), 10)
    assert picked == [f"R{n:02d}" for n in range(0, 100, 10)]
    assert spread_codes(codes[:3], 10) == codes[:3]


def test_listing_paths_are_each_new_and_take_every_filter_in_turn() -> None:
    days = spread_days(40)
    paths = listing_paths(["ccg", "nhs-trust"], days, {"region": ["Y56"], "partnership": ["QHG"]})
    assert len(paths) == len(set(paths)) == 40
    assert all(f"as_of={d}" in p for d, p in zip(days, paths, strict=True))
    for part in ("type=ccg", "type=nhs-trust", "region=Y56", "partnership=QHG", "open_from="):
        assert any(part in p for p in paths), part
    assert any("evidenced_only=true" in p for p in paths)
    assert any("type=" not in p for p in paths)


def test_day_pairs_are_each_different_and_cycle_through_the_codes() -> None:
    days = spread_days(7)
    pairs = day_pairs(["A", "B", "C"], days)
    assert len(set(pairs)) == 7
    assert [c for c, _ in pairs] == ["A", "B", "C", "A", "B", "C", "A"]
    assert [d for _, d in pairs] == days
