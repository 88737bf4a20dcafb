"""The build: deterministic output, validation before publication, clear errors."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest

from nhskg.graph.building.build import build
from nhskg.graph.building.dump import collector_paused, write_dump
from nhskg.graph.building.statistics import STATISTICS_GRAPH
from nhskg.graph.building.streaming_load import LoadFailed, StreamingLoad
from nhskg.graph.cli import main
from nhskg.graph.publish import current
from nhskg.graph.query.published_answers import ANSWERS_FOLDER
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings
from nhskg.graph.validation.batches import Batch

GOLDEN = Path(__file__).resolve().parent / "golden" / "mini.nq"


def break_trust_name(data: Path, code: str) -> None:
    """Blank one trust's name in every ODS list: its organisation loses its label."""
    for path in (data / "reference").glob("ods_etr_trusts_*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        fixed = []
        for line in lines:
            fields = line.split(",")
            if fields[0].strip('"') == code:
                fields[1] = '""'
            fixed.append(",".join(fields))
        path.write_text("\n".join(fixed) + "\n", encoding="utf-8")


def test_build_of_the_mini_fixture_matches_the_golden_dump(mini: Settings) -> None:
    """The golden file holds the quads sorted; the dump holds them batch by batch."""
    outcome = build(mini)
    assert outcome.published
    lines = current(mini.build).dump.read_text(encoding="utf-8").splitlines(keepends=True)
    if os.environ.get("NHSKG_UPDATE_GOLDEN"):
        GOLDEN.write_text("".join(sorted(lines)), encoding="utf-8")
    assert "".join(sorted(lines)) == GOLDEN.read_text(encoding="utf-8"), (
        "run with NHSKG_UPDATE_GOLDEN=1 after a deliberate change"
    )


def test_same_input_builds_the_same_dump_twice(mini: Settings) -> None:
    first = build(mini)
    first_dump = current(mini.build).dump.read_bytes()
    second = build(mini)
    assert first.build_id != second.build_id
    assert current(mini.build).dump.read_bytes() == first_dump
    manifest = current(mini.build).read_manifest()
    assert manifest["validation"] == {
        "conforms": True,
        "Violation": 0,
        "Warning": 0,
        "Info": 0,
        "mode": "whole graph",
        "pyshacl_triples": manifest["quads"],
        "pyshacl_batches": 0,
        "batches_left_for_later_builds": 0,
    }


def test_dump_is_n_quads_sorted_within_each_batch_without_blank_nodes(mini: Settings) -> None:
    build(mini)
    dump = current(mini.build).dump
    text = dump.read_text(encoding="utf-8")
    lines = text.splitlines()
    batches = [b for b in _summary_batches(mini)]
    written = "".join(b.read(dump) for b in batches)
    assert text.startswith(written)
    for batch in batches:
        part = batch.read(dump).splitlines()
        assert part == sorted(part) and len(part) == batch.quads
    # the last batch: the statistics, counted from the loaded store
    counted = text[len(written) :].splitlines()
    assert counted and counted == sorted(counted)
    assert all(line.endswith(f" {STATISTICS_GRAPH} .") for line in counted)
    assert len(set(line.rsplit(" <", 1)[0] for line in lines)) == len(lines)  # each triple once
    assert all(line.endswith(" .") and "_:" not in line.split('"')[0] for line in lines)


def _summary_batches(settings: Settings) -> list[Batch]:
    with tempfile.TemporaryDirectory() as folder:
        return write_dump(settings, Path(folder) / "graph.nq").batches


def test_failed_validation_keeps_the_last_good_graph_published(
    mini: Settings, mini_data: Path
) -> None:
    good = build(mini)
    assert good.published
    published_before = current(mini.build).path
    break_trust_name(mini_data, "RD8")
    bad = build(mini)
    assert not bad.published
    assert not bad.report.conforms
    assert any(
        f.focus.endswith("/org/RD8") and "prefLabel" in f.message for f in bad.report.findings
    )
    assert current(mini.build).path == published_before
    assert (bad.folder / "validation-report.txt").is_file()
    assert not (bad.folder / ANSWERS_FOLDER).exists()  # answers are for published graphs only
    assert (current(mini.build).path / ANSWERS_FOLDER / "organisations.srj").is_file()
    # the last good graph still answers queries
    service = QueryService(mini)
    rows = service.run("organisation", {"code": "RD8"}).dicts()
    assert rows[0]["name"].value == "Milton Keynes University Hospital NHS Foundation Trust"  # type: ignore[union-attr]


def test_build_cli_exits_1_when_the_data_does_not_conform(
    mini: Settings,
    mini_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini_data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    assert main(["build", "--quiet"]) == 0
    break_trust_name(mini_data, "RD8")
    assert main(["build", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Violation" in err and "RD8" in err


def test_bad_date_in_a_reference_file_names_file_line_and_column(
    mini: Settings,
    mini_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = mini_data / "reference" / "ods_etr_trusts_2024-12.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('"RC1"')
    lines[0] = lines[0].replace('"20200331"', '"20201331"', 1)  # RC1's close date
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini_data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    assert main(["build", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nhskg build: ")
    assert f"{path}:1: column 12: not a calendar date: '20201331'" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_unknown_code_in_a_lookup_names_the_file_and_line(
    mini: Settings,
    mini_data: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = mini_data / "reference" / "ons_ccg21_stp21_lookup_2021-04.csv"
    text = path.read_text(encoding="utf-8").replace("M1J4Y", "ZZZ99", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NHSKG_DATA_DIR", str(mini_data))
    monkeypatch.setenv("NHSKG_BUILD_DIR", str(mini.build))
    assert main(["build", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: CCG ZZZ99 (E38000249) is not in the ODS CCG file" in err


def test_manifest_counts_quads_per_named_graph(mini: Settings) -> None:
    outcome = build(mini)
    manifest = json.loads((outcome.folder / "manifest.json").read_text())
    assert manifest["quads"] == outcome.quads
    assert sum(manifest["graphs"].values()) == outcome.quads
    assert "https://w3id.org/nhskg/graph/ontology" in manifest["graphs"]
    assert "https://w3id.org/nhskg/graph/reference/ods-succ-2026" in manifest["graphs"]


def test_manifest_digest_is_the_published_dump_files_own_with_the_statistics_batch(
    mini: Settings,
) -> None:
    outcome = build(mini)
    manifest = json.loads((outcome.folder / "manifest.json").read_text())
    dump = current(mini.build).dump.read_bytes()
    assert manifest["sha256"] == hashlib.sha256(dump).hexdigest()
    assert f"<{STATISTICS_GRAPH.value}> .".encode() in dump.splitlines()[-1]


def test_old_builds_are_pruned_but_current_is_kept(mini: Settings) -> None:
    for _ in range(4):
        build(mini)
    stores = [p for p in (mini.build / "stores").iterdir() if p.is_dir()]
    assert len(stores) == mini.keep_builds + 1
    assert current(mini.build).path in [p.resolve() for p in stores]


def test_a_broken_shapes_or_ontology_file_is_named_in_the_error(tmp_path: Path) -> None:
    from nhskg.graph.building.dump import add_ontology
    from nhskg.graph.emit import QuadSink
    from nhskg.graph.errors import RdfFileError
    from nhskg.graph.validation.validate import load_shapes

    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <http://example.org/> .\nx:a x:b x:c ;;; oops\n")
    with pytest.raises(RdfFileError, match=r"broken\.ttl"):
        load_shapes(tmp_path)
    with pytest.raises(RdfFileError, match=r"broken\.ttl"):
        add_ontology(QuadSink(), tmp_path)


def test_the_store_loaded_while_the_dump_is_written_holds_the_dump(mini: Settings) -> None:
    build(mini)
    folder = current(mini.build)
    streamed = OxigraphStore.open_read_only(folder.store)
    loaded = OxigraphStore.create()  # Oxigraph keeps xsd:nonNegativeInteger as xsd:integer
    loaded.bulk_load_nquads(folder.dump)
    assert sorted(map(str, streamed.quads())) == sorted(map(str, loaded.quads()))
    assert len(streamed) == folder.read_manifest()["quads"]


def test_a_load_that_stops_says_why_and_never_passes_for_a_store(tmp_path: Path) -> None:
    loader = StreamingLoad(tmp_path / "store")
    loader.write(b"<https://example.org/s> <https://example.org/p> not a term .\n")
    with pytest.raises(LoadFailed, match="stopped"):
        loader.finish()


def test_the_dump_pauses_the_garbage_collector_and_leaves_it_as_it_was(
    mini: Settings, tmp_path: Path
) -> None:
    seen: list[bool] = []
    write_dump(mini, tmp_path / "graph.nq", also=lambda _batch: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
