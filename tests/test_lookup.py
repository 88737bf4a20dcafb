"""Finding organisations by code, name or alias, forgiving of case, punctuation and typos."""

from __future__ import annotations

import difflib
import random
import time

import pytest

from nhskg.graph.query.lookup import CLOSE, OrganisationIndex, could_be_close, normalise
from nhskg.graph.query.named_queries import ParameterError
from nhskg.graph.query.service import QueryService


def test_normalise_folds_case_punctuation_and_ampersands() -> None:
    assert (
        normalise("Luton & Dunstable  University-Hospital")
        == "luton and dunstable university hospital"
    )
    assert normalise("King's Lynn") == "kings lynn"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RC1", "RC1"),
        ("rc1", "RC1"),
        ("E38000107", "04F"),
        ("Bedford Hospital NHS Trust", "RC1"),
        ("BEDFORD HOSPITAL NHS TRUST", "RC1"),
        ("Milton Keynes CCG", "04F"),
        ("LUTON AND DUNSTABLE UNIVERSITY HOSPITAL NHS FOUNDATION TRUST", "RC9"),
        ("Leicester, Leicestershire and Rutland", "QK1"),
    ],
)
def test_resolve_by_code_name_or_recorded_alias(
    service: QueryService, text: str, code: str
) -> None:
    assert service.index.resolve("org", text).value.endswith(f"/org/{code}")


def test_unknown_name_suggests_close_matches(service: QueryService) -> None:
    with pytest.raises(ParameterError) as error:
        service.index.resolve("org", "Bedfrod Hospital")
    assert "did you mean: Bedford Hospital NHS Trust (RC1)" in str(error.value)


def test_search_ranks_exact_matches_first_and_forgives_typos(service: QueryService) -> None:
    ranked = service.index.search("univ hosp leicester")
    assert ranked[0][0].endswith("/org/RWE")
    ranked = service.index.search("Leicestr")
    assert any(iri.endswith("/org/04C") for iri, _ in ranked[:5])


def _reference_search(index: OrganisationIndex, text: str) -> dict[str, float]:
    """What search() scores, by comparing every typed word with every word of every
    name through difflib, with no pruning."""
    words = normalise(text).split()
    scores: dict[str, float] = dict.fromkeys(index.candidates(text), 1.0)
    for name, iris in index.names.items():
        name_words = name.split()
        total = 0.0
        for w in words:
            best = 0.0
            for nw in name_words:
                ratio = difflib.SequenceMatcher(None, nw, w).ratio()
                best = max(
                    best,
                    1.0
                    if nw == w
                    else 0.95
                    if len(w) >= 3 and nw.startswith(w)
                    else ratio
                    if ratio >= CLOSE
                    else 0.0,
                )
            total += best
        score = total / len(words)
        if score >= CLOSE:
            score -= 0.01 * max(0, len(name_words) - len(words))
            for iri in iris:
                scores[iri] = max(scores.get(iri, 0.0), round(score, 4))
    return scores


@pytest.mark.parametrize(
    "text",
    [
        "Bedfrod Hospital",
        "univ hosp leicester",
        "Leicestr",
        "nhs north cumbira ccg",
        "Luton and Dunstble",
        "northamptonshre healthcare",
        "kettring general hospitl",
        "mk",
        "milton kaynes univ",
    ],
)
def test_pruned_matching_scores_what_comparing_every_word_scores(
    service: QueryService, text: str
) -> None:
    """The length and letter bounds only skip comparisons that could not be close."""
    index = service.index
    assert dict(index.search(text, limit=100_000)) == _reference_search(index, text)


def test_the_length_bound_never_skips_a_close_pair() -> None:
    rng = random.Random(20)
    for _ in range(5000):
        a = "".join(rng.choice("abcde") for _ in range(rng.randint(1, 12)))
        b = "".join(rng.choice("abcde") for _ in range(rng.randint(1, 12)))
        if difflib.SequenceMatcher(None, a, b).ratio() >= CLOSE:
            assert could_be_close(len(a), len(b)), (a, b)


@pytest.mark.parametrize(
    "text",
    [
        "A" * 10_000,
        " ".join(["leicestr"] * 2_000),
        " ".join(f"w{i:x}yz" for i in range(2_000)),
        "hospital " * 1_000,
        "".join(chr(0x41 + i % 26) for i in range(100_000)),
    ],
    ids=["one-long-word", "a-word-repeated", "many-words", "a-common-word", "100k-letters"],
)
def test_a_search_costs_milliseconds_whatever_it_is_given(service: QueryService, text: str) -> None:
    """Before the bounds, 1,000 'A's cost 3.6 s of CPU and 10,000 cost 28 s."""
    index = service.index
    index.search("warm")  # the index's word tables are built once, on first use
    started = time.process_time()
    index.suggestions(text)
    with pytest.raises(ParameterError):
        index.resolve("org", text)
    assert time.process_time() - started < 0.1


def test_an_unknown_name_is_quoted_short_in_the_error(service: QueryService) -> None:
    with pytest.raises(ParameterError) as error:
        service.index.resolve("org", "Z" * 10_000)
    assert len(str(error.value)) < 300
