"""`nhskg validate`: a readable report, three formats, and the 0/1/2 exit contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from nhskg.graph.cli import main
from nhskg.graph.settings import Settings


@pytest.fixture
def in_env(monkeypatch: pytest.MonkeyPatch, mini: Settings) -> Settings:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini.data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    return mini


def break_label(data: Path) -> None:
    """RD8 keeps its code but loses its name in every list that holds it."""
    for path in (data / "reference").glob("ods_etr_trusts_*.csv"):
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split(",")
            if fields[0].strip('"') == "RD8":
                fields[1] = '""'
            out.append(",".join(fields))
        path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_validate_conforming_sources_exits_0_with_a_table(
    in_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--quiet"]) == 0
    assert "Conforms" in capsys.readouterr().out


def test_validate_table_names_severity_focus_label_path_and_message(
    in_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    break_label(in_env.data)
    assert main(["validate", "--quiet"]) == 1
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["severity", "focus", "path", "message"]
    line = next(line for line in out.splitlines() if "org/RD8" in line and "prefLabel" in line)
    assert line.startswith("Violation")
    assert "skos:prefLabel" in line
    assert "Does not conform" in out


def test_validate_json_is_machine_readable(
    in_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    break_label(in_env.data)
    assert main(["validate", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert report["counts"]["Violation"] >= 1
    finding = next(f for f in report["findings"] if f["focus"].endswith("/org/RD8"))
    assert set(finding) == {
        "severity",
        "focus",
        "focus_label",
        "path",
        "message",
        "source",
        "value",
    }
    assert finding["source"].startswith("https://w3id.org/nhskg/shapes#")


def test_validate_turtle_is_a_shacl_validation_report(
    in_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    break_label(in_env.data)
    assert main(["validate", "--format", "turtle"]) == 1
    g = rdflib.Graph().parse(data=capsys.readouterr().out, format="turtle")
    report = next(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert g.value(report, SH.conforms) == rdflib.Literal(False)
    assert len(list(g.objects(report, SH.result))) >= 1


def test_validate_exits_2_on_a_broken_file(
    in_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_env.data / "reference" / "datasets.yaml").write_text("datasets: [\n", encoding="utf-8")
    assert main(["validate", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "datasets.yaml: not valid YAML" in err
