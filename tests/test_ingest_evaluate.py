"""`nhskg ingest evaluate` end to end on a corpus of two tiny documents, with the figures
worked out by hand: leave-one-document-out, scores per document, micro-averaged overall."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nhskg.graph.cli import main
from nhskg.graph.ingest.evaluate import evaluate, micro
from nhskg.graph.ingest.evaluate_statements import StatementScores
from nhskg.graph.settings import Settings

MINI_REFERENCE = Path(__file__).resolve().parent / "fixtures" / "mini" / "data" / "reference"

BRIEF = """# Partnership brief

Bedford Hospital NHS Trust is a member of Bedfordshire, Luton and Milton Keynes.

Luton and Dunstable University Hospital NHS Foundation Trust (the Hatters) met NHS Luton CCG in December.
"""
UPDATE = """# Partnership update

The Hatters and Bedford Hospital NHS Trust share a car park.

NHS Luton CCG is a member of Bedfordshire, Luton and Milton Keynes. The Wardown Friends will report in May.
"""
DOCUMENTS = """documents:
  - identifier: 000_aaaaaaaaaaaaaaaa.txt
    title: Partnership brief
    date: 2018-01
  - identifier: 001_bbbbbbbbbbbbbbbb.txt
    title: Partnership update
    date: 2018-03-05
"""
BRIEF_RECORDS = """document: 000_aaaaaaaaaaaaaaaa.txt
aliases:
  - org: RC9
    alias: Hatters
    quote: Luton and Dunstable University Hospital NHS Foundation Trust (the Hatters)
statements:
  - type: membership
    member: RC1
    organization: QHG
    quote: Bedford Hospital NHS Trust is a member of Bedfordshire, Luton and Milton Keynes.
"""
UPDATE_RECORDS = """document: 001_bbbbbbbbbbbbbbbb.txt
entities:
  - key: wardown-friends
    kind: working-group
    name: Wardown Friends
    quote: The Wardown Friends will report in May.
aliases:
  - org: RC9
    alias: Hatters
    quote: The Hatters and Bedford Hospital NHS Trust share a car park.
statements:
  - type: membership
    member: 06P
    organization: QHG
    quote: NHS Luton CCG is a member of Bedfordshire, Luton and Milton Keynes.
  - type: joint-working
    parties: [RC9, RC1]
    quote: The Hatters and Bedford Hospital NHS Trust share a car park.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(MINI_REFERENCE, data / "reference")
    (data / "sources").mkdir()
    (data / "curated").mkdir()
    (data / "sources" / "000_aaaaaaaaaaaaaaaa.txt").write_text(BRIEF, encoding="utf-8")
    (data / "sources" / "001_bbbbbbbbbbbbbbbb.txt").write_text(UPDATE, encoding="utf-8")
    (data / "sources" / "documents.yaml").write_text(DOCUMENTS, encoding="utf-8")
    (data / "curated" / "000_aaaaaaaaaaaaaaaa.yaml").write_text(BRIEF_RECORDS, encoding="utf-8")
    (data / "curated" / "001_bbbbbbbbbbbbbbbb.yaml").write_text(UPDATE_RECORDS, encoding="utf-8")
    return Settings(data_dir=data, build_dir=tmp_path / "build")


# The brief (000). Gold mentions: the names of the organisations its records cite (RC1
# "Bedford Hospital NHS Trust", QHG "Bedfordshire, Luton and Milton Keynes", RC9 "Luton
# and Dunstable University Hospital NHS Foundation Trust") and its alias "Hatters": 4.
# Left out, its own alias is gone, but the update's alias "Hatters" is not: all 4 found,
# and "NHS Luton CCG" (06P, which no record of the brief cites) is found too: 5 found,
# 4 right. Precision 4/5 = 0.8, recall 4/4 = 1.0, F1 2*0.8*1/(0.8+1) = 1.6/1.8 = 0.8889;
# linking 4/4. Statements: 1 gold membership (RC1 of QHG), 1 candidate, matched: 1/1, 1/1.
#
# The update (001). Gold: "Hatters" (its alias), RC1, 06P "NHS Luton CCG", QHG, and the
# entity "Wardown Friends", which only the update's own records know: 5. Left out, the
# Wardown Friends are unknown and missed; the other 4 are found, all right (the brief's
# "Hatters" alias finds it). Precision 4/4, recall 4/5 = 0.8, F1 1.6/1.8 = 0.8889;
# linking 4/4. Statements: 2 gold (the membership, and joint working in "share a car
# park", which no cue names), 1 candidate (the membership), matched: precision 1/1,
# recall 1/2 = 0.5.
#
# Overall, micro-averaged (counts summed, then the ratios): mentions 8 right of 9 found
# and of 9 gold: precision 8/9 = recall 8/9 = F1 0.8889; linking 8/8 = 1.0; statements
# 2 matched of 2 candidates and of 3 gold: precision 2/2 = 1.0, recall 2/3 = 0.6667.
EXPECTED = {
    "000_aaaaaaaaaaaaaaaa.txt": (0.8, 1.0, 0.8889, 1.0, 1.0, 1.0),
    "001_bbbbbbbbbbbbbbbb.txt": (1.0, 0.8, 0.8889, 1.0, 1.0, 0.5),
}
OVERALL = (0.8889, 0.8889, 0.8889, 1.0, 1.0, 0.6667)
FIGURES = (
    "mention_precision",
    "mention_recall",
    "mention_f1",
    "linking_accuracy",
    "statement_precision",
    "statement_recall",
)


def test_leave_one_out_scores_match_the_hand_worked_figures(corpus: Settings) -> None:
    result = evaluate(corpus)
    assert [d.identifier for d in result.documents] == list(EXPECTED)
    brief, update = result.documents
    assert (brief.mentions.gold, brief.mentions.found, brief.mentions.right) == (4, 5, 4)
    assert (update.mentions.gold, update.mentions.found, update.mentions.right) == (5, 4, 4)
    (missed,) = update.mentions.missed  # the body only the update's own records know
    assert "Wardown Friends" in missed
    assert (update.statements.gold, update.statements.matched_gold) == (2, 1)
    assert (result.mentions.gold, result.mentions.found, result.mentions.right) == (9, 9, 8)
    assert (result.statements.candidates, result.statements.matched_candidates) == (2, 2)
    assert (result.statements.gold, result.statements.matched_gold) == (3, 2)
    assert all(d.seconds >= 0 and d.setup_seconds > 0 for d in result.documents)


def test_the_command_reports_per_document_and_overall_in_json_and_text(
    corpus: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NHSKG_DATA_DIR", str(corpus.data))
    out = tmp_path / "results" / "evaluation.json"
    assert main(["ingest", "evaluate", "--format", "json", "--quiet", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text(encoding="utf-8")) == printed
    for doc in printed["documents"]:
        assert tuple(doc[f] for f in FIGURES) == EXPECTED[doc["document"]]
        assert doc["seconds"] >= 0
    assert tuple(printed["overall"][f] for f in FIGURES) == OVERALL
    assert printed["overall"]["meets_targets"] == {
        "mention_f1": False,  # 0.8889 < 0.9
        "linking_accuracy": True,
        "statement_recall": False,  # 0.6667 < 0.8
        "statement_precision": True,
    }
    assert main(["ingest", "evaluate"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    (overall,) = [line for line in lines if line.startswith("overall (micro)")]
    assert overall.split()[3:9] == ["0.889", "0.889", "0.889", "1.000", "1.000", "0.667"]
    assert f"001_bbbbbbbbbbbbbbbb.txt: {len(UPDATE)} characters in" in captured.err


def test_micro_averaging_sums_counts_before_dividing() -> None:
    # one document with 1 of 1 gold matched and another with 1 of 3: the mean of the
    # recalls is (1 + 1/3) / 2 = 0.667, the micro-average 2/4 = 0.5
    a = StatementScores(1, 1, 1, 1, 1, {"membership": (1, 1)}, {})
    b = StatementScores(2, 3, 1, 1, 2, {"membership": (2, 1), "hosting": (1, 0)}, {"x": 1})
    both = micro([a, b])
    assert (both.candidates, both.gold, both.matched_gold) == (3, 4, 2)
    assert both.recall == 0.5 and both.precision == 2 / 3
    assert both.by_kind == {"hosting": (1, 0), "membership": (3, 2)} and both.left_out == {"x": 1}


def test_no_curated_documents_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI_REFERENCE, data / "reference")
    (data / "sources").mkdir()
    (data / "curated").mkdir()
    (data / "sources" / "documents.yaml").write_text("documents: []\n", encoding="utf-8")
    monkeypatch.setenv("NHSKG_DATA_DIR", str(data))
    assert main(["ingest", "evaluate"]) == 2
    assert "no curated documents to evaluate" in capsys.readouterr().err
