"""run_query: one function for notebooks, returning Python values or a DataFrame."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nhskg.graph import run_query
from nhskg.graph.query.named_queries import ParameterError
from nhskg.graph.settings import Settings


def test_run_query_returns_rows_with_python_values(national: Settings) -> None:
    rows = run_query("stp-footprint", stp="QHG", as_of="2019-04-01", settings=national)
    assert sorted(r["code"] for r in rows) == ["04F", "06F", "06P"]
    assert rows[0]["from"] == dt.date(2019, 4, 1)


def test_run_query_returns_a_dataframe(national: Settings) -> None:
    frame = run_query(
        "organisations", type="icb", as_of="2023-01-01", dataframe=True, settings=national
    )
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 42 and list(frame.columns[:2]) == ["code", "name"]


def test_run_query_runs_read_only_sparql_text(national: Settings) -> None:
    rows = run_query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?o a <https://w3id.org/nhskg/def#NHSTrust> }",
        settings=national,
    )
    assert rows == [{"n": 273}]
    assert run_query("ASK { ?s ?p ?o }", settings=national) is True


def test_run_query_uses_the_environment_by_default(env_settings: Settings) -> None:
    assert run_query("history", code="RC1")[0]["others"] == "RC9"


def test_run_query_names_a_bad_parameter(national: Settings) -> None:
    with pytest.raises(ParameterError, match="parameter 'as_of'"):
        run_query("stp-footprint", stp="QHG", as_of="1 April", settings=national)


def test_run_query_caps_rows(national: Settings) -> None:
    assert len(run_query("organisations", max_rows=5, settings=national)) == 5
