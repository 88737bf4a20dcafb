"""The command line, in-process: formats, listings, and one-line errors with exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from nhskg.graph.cli import main
from nhskg.graph.settings import Settings


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_query_list_shows_every_query_with_its_parameters(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["query", "--list"], capsys)
    assert code == 0
    assert "stp-footprint: STP footprint" in out
    assert "--param stp (org, required)" in out
    assert "--param as_of (date, optional)" in out


def test_query_json_is_sparql_results_json(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["query", "stp-footprint", "-p", "stp=QHG", "-p", "as_of=2019-04-01", "-f", "json"], capsys
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"][:2] == ["code", "name"]
    codes = sorted(b["code"]["value"] for b in doc["results"]["bindings"])
    assert codes == ["04F", "06F", "06P"]
    assert doc["results"]["bindings"][0]["from"] == {
        "type": "literal",
        "value": "2019-04-01",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }


def test_query_csv_and_tsv_follow_the_sparql_formats(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["query", "history", "-p", "code=RC1", "-f", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["date"] == "2020-04-01" and rows[0]["others"] == "RC9"
    code, out, _ = run(["query", "history", "-p", "code=RC1", "-f", "tsv"], capsys)
    header, first = out.splitlines()[:2]
    assert header.split("\t")[0] == "?date"
    assert first.split("\t")[0] == '"2020-04-01"^^<http://www.w3.org/2001/XMLSchema#date>'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "stp-footprint", "-p", "stp=QHG", "-p", "as_of=tomorrow"],
            "parameter 'as_of' must be a date",
        ),
        (
            ["query", "stp-footprint", "-p", "stp=Leicster"],
            "NHS Leicester City CCG (04C)",
        ),
        (["query", "stp-footprint"], "needs parameter 'stp'"),
        (["query", "no-such-query"], "no named query 'no-such-query'"),
        (["query", "history", "-p", "code"], "--param expects key=value"),
        (["query"], "give a query name, or --list"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_sparql_from_a_file_and_from_stdin(
    env_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    query = 'PREFIX org: <http://www.w3.org/ns/org#> SELECT ?o WHERE { ?o org:identifier "RC1"^^<https://w3id.org/nhskg/def#ODSCode> }'
    path = tmp_path / "q.rq"
    path.write_text(query)
    code, out, _ = run(["sparql", str(path), "-f", "csv"], capsys)
    assert code == 0 and out.splitlines() == ["o", "https://w3id.org/nhskg/id/org/RC1"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(query.encode())))
    code, out, _ = run(["sparql", "-", "-f", "csv"], capsys)
    assert code == 0 and "https://w3id.org/nhskg/id/org/RC1" in out


def test_sparql_ask_and_construct(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ASK { ?s ?p ?o }")))
    assert run(["sparql", "-"], capsys)[1].strip() == "yes"
    monkeypatch.setattr(
        "sys.stdin",
        io.TextIOWrapper(
            io.BytesIO(
                b"CONSTRUCT { <https://w3id.org/nhskg/id/org/RC1> ?p ?o } WHERE { <https://w3id.org/nhskg/id/org/RC1> ?p ?o }"
            )
        ),
    )
    code, out, _ = run(["sparql", "-"], capsys)
    assert code == 0 and "<https://w3id.org/nhskg/id/org/RC1>" in out


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("DROP ALL", "updates are not allowed"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        (
            "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
            "names no graph this store holds",
        ),
        ("SELECT * WHERE { ?s ?p }", "syntax error at line 1, column"),
    ],
)
def test_sparql_refuses_updates_remote_data_and_bad_syntax(
    env_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(query.encode())))
    code, _, err = run(["sparql", "-"], capsys)
    assert code == 2 and message in err


def test_sparql_refuses_invalid_utf8(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"SELECT * WHERE { ?s ?p \xff }")))
    code, _, err = run(["sparql", "-"], capsys)
    assert code == 2 and "not valid UTF-8" in err


def test_stats_counts_instances_per_class(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["stats", "-f", "csv"], capsys)
    assert code == 0
    counts = {r["class"]: int(r["instances"]) for r in csv.DictReader(io.StringIO(out))}
    assert counts["https://w3id.org/nhskg/def#NHSTrust"] == 273
    assert counts["https://w3id.org/nhskg/def#ClinicalCommissioningGroup"] == 248
    assert counts["http://www.w3.org/ns/org#ChangeEvent"] == 136


def test_resolve_finds_an_organisation_by_name(
    env_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["resolve", "milton keynes ccg"], capsys)
    assert code == 0 and out.startswith(
        "NHS Milton Keynes CCG (04F)\thttps://w3id.org/nhskg/id/org/04F"
    )


def test_no_published_graph_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(tmp_path))
    code, _, err = run(["stats"], capsys)
    assert code == 2 and "no published graph" in err and "nhskg build" in err


def test_bad_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NHSKG_MAX_ROWS", "lots")
    code, _, err = run(["stats"], capsys)
    assert code == 2 and "NHSKG_MAX_ROWS" in err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [80, 200])
def test_tables_fit_the_terminal_width_from_columns(
    env_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    for args in (
        ["query", "partnerships"],
        ["network", "ego", "RC1", "--as-of", "2019-06-01"],
        ["network", "centrality", "--top", "5"],
    ):
        code, out, _ = run(args, capsys)
        assert code == 0
        assert _widest(out) <= columns, args
        if columns == 200:
            assert _widest(out) > 80, args  # the room is used, not wasted
    if columns == 80:
        _, out, _ = run(["network", "ego", "RC1", "--as-of", "2019-06-01"], capsys)
        assert "…" in out  # long names are cut with an ellipsis


def test_width_option_overrides_the_terminal_and_piped_output_defaults_to_120(
    env_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # captured output is not a terminal
    _, piped, _ = run(["query", "partnerships"], capsys)
    assert 80 < _widest(piped) <= 120
    monkeypatch.setenv("COLUMNS", "200")
    _, narrow, _ = run(["query", "partnerships", "--width", "60"], capsys)
    assert _widest(narrow) <= 60
    assert narrow.splitlines()[0].startswith("code")
