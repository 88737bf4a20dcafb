"""The mention evaluation on a small hand-worked fixture: the gold set read from curated
records, and precision, recall, F1 and linking accuracy worked out by hand."""

from __future__ import annotations

import pytest

from nhskg.graph.ingest.evaluate_mentions import (
    GoldMention,
    MentionScores,
    gold_from_records,
    score_mentions,
)
from nhskg.graph.ingest.model import Link, Mention

TEXT = (
    "Luton & Dunstable University Hospital (L&D) and Bedford Hospital met. "
    "Nene and Corby CCGs agreed. The L&D board and the five CCGs of the area met "
    "Dr Jane Example at the Programme Board."
)

RECORDS = {
    "entities": [
        {"key": "test-board", "kind": "board", "name": "Programme Board (of the test)"},
        {"key": "jane", "kind": "person", "name": "Dr Jane Example"},
        {"key": "five-ccgs", "kind": "stated-group", "name": "the five CCGs (of the area)",
         "count": 5, "member_type": "ccg", "quote": "the five CCGs of the area"},
    ],
    "aliases": [
        {"org": "RC9", "alias": "Luton & Dunstable University Hospital"},
        {"org": "03V", "alias": "Corby CCG", "quote": "Nene and Corby CCGs"},
        {"org": "04G", "alias": "Nene CCG", "quote": "Nene and Corby CCGs"},
    ],
    "statements": [{"type": "membership", "member": "RC1", "organization": "QHG"}],
}  # fmt: skip

NAMES = {"RC1": ["Bedford Hospital NHS Trust", "Bedford Hospital"], "QHG": ["BLMK"]}


def reference_names(code: str) -> list[str]:
    return NAMES.get(code, [])


def at(text: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(text, start + 1)
    return start, start + len(text)


def test_the_gold_set_holds_names_list_items_defined_abbreviations_and_groups() -> None:
    gold = gold_from_records(TEXT, RECORDS, reference_names)
    names = {(g.start, g.end): sorted(g.refs) for g in gold if g.count is None}
    assert names == {
        at("Luton & Dunstable University Hospital"): ["RC9"],  # an alias record
        at("L&D"): ["RC9"],  # defined in the text for a gold mention...
        at("L&D", 2): ["RC9"],  # ...so every later L&D too
        at("Bedford Hospital"): ["RC1"],  # a reference name of a cited organisation
        at("Nene"): ["04G"],  # list items of "Nene and Corby CCGs"
        at("Corby"): ["03V"],
        at("Programme Board"): ["test-board"],  # a body's name, its parenthesis left out
    }  # the person (Dr Jane Example) is no organisation mention
    groups = [(g.start, g.end, g.count) for g in gold if g.count is not None]
    assert groups == [(*at("the five CCGs"), 5), (*at("the five CCGs of the area"), 5)]


def mention(text: str, pattern: str = "name", ref: str | None = None, n: int = 1,
            **extra: object) -> Mention:  # fmt: skip
    start, end = at(text, n)
    links = (Link(ref, text, 0.9, "test"),) if ref else ()
    return Mention(start, end, text, pattern, links, **extra)  # type: ignore[arg-type]


def test_scores_are_worked_out_by_hand() -> None:
    gold = gold_from_records(TEXT, RECORDS, reference_names)
    found = [
        mention("Luton & Dunstable University Hospital", ref="RC9"),  # right, linked right
        mention("L&D", "abbreviation", ref="RC9"),  # right, linked right
        mention("L&D", "abbreviation", ref="RC9", n=2),  # right, linked right
        mention("Bedford Hospital", ref="RC1"),  # right, linked right
        mention("Nene", "list", ref="04G"),  # right, linked right
        mention("Corby", "list", ref="04G"),  # right span, linked wrong (03V)
        mention("Dr Jane Example", "new-body", kind="board"),  # wrong: a person
        mention("five CCGs", "counted-group", count=5, member_type="ccg"),  # right group
        mention("the area", "counted-group", count=3),  # wrong: no group of 3 there
    ]
    scores = score_mentions(gold, found)
    # Gold: 7 names + 1 group (two places, one group) = 8.
    assert scores.gold == 8
    # Found 9; right: 6 names + 1 group = 7. Matched gold: 6 names + 1 group = 7
    # (the Programme Board is missed).
    assert (scores.found, scores.right, scores.matched) == (9, 7, 7)
    assert scores.precision == pytest.approx(7 / 9)  # 0.778
    assert scores.recall == pytest.approx(7 / 8)  # 0.875
    assert scores.f1 == pytest.approx(2 * (7 / 9) * (7 / 8) / (7 / 9 + 7 / 8))  # 0.824
    # Linking: 5 of the 6 right names have the right best link.
    assert (scores.names_right, scores.linked_right) == (6, 5)
    assert scores.linking_accuracy == pytest.approx(5 / 6)
    assert scores.missed == [f"{at('Programme Board')[0]}:'Programme Board' ['test-board']"]


def test_a_body_only_the_document_knows_is_linked_right_when_proposed_as_new() -> None:
    gold = [GoldMention(0, 5, "Board", frozenset({"own-board"}), known=frozenset())]
    new = Mention(0, 5, "Board", "new-body", kind="board")
    wrong = Mention(0, 5, "Board", "alias", (Link("other-board", "Board", 0.8, "test"),))
    assert score_mentions(gold, [new]).linking_accuracy == 1.0
    assert score_mentions(gold, [wrong]).linking_accuracy == 0.0


def test_scores_of_documents_add_up() -> None:
    one = MentionScores(gold=4, found=5, right=3, matched=3, names_right=3, linked_right=3)
    two = MentionScores(gold=6, found=5, right=5, matched=5, names_right=5, linked_right=4)
    total = one + two
    assert (total.gold, total.found, total.right, total.matched) == (10, 10, 8, 8)
    assert total.precision == pytest.approx(0.8)
    assert total.linking_accuracy == pytest.approx(7 / 8)
