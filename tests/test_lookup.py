"""Finding organisations by code, name or alias, forgiving of case, punctuation and typos."""

from __future__ import annotations

import pytest

from nhskg.graph.lookup import normalise
from nhskg.graph.named_queries import ParameterError
from nhskg.graph.service import QueryService


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
