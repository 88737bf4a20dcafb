"""Scoring candidate statements against a small curated fixture, with the arithmetic by hand."""

from __future__ import annotations

from typing import Any

import pytest

from nhskg.graph.ingest.evaluate_statements import (
    gold_statements,
    same_organisation,
    score_statements,
)
from nhskg.graph.ingest.model import Candidate, candidate_key

TEXT = (
    "The Acme Partnership comprises the five CCGs of the north.\n"  # sentence 0
    "Northtown CCG and Southtown CCG will work closely together with Acme Hospital.\n"  # 1
    "The Programme Board agreed the plan on 3 May 2015.\n"  # 2
    "Dr Ann Lee, Director of Northtown CCG, spoke at the event.\n"  # 3
    "£5m has been secured for a new ward.\n"  # 4
)

CURATED: dict[str, Any] = {
    "entities": [
        {
            "key": "acme-five-ccgs",
            "kind": "stated-group",
            "name": "the five CCGs (of the north)",
            "count": 5,
        },
        {
            "key": "acme-programme-board",
            "kind": "board",
            "name": "Acme Programme Board",
            "aliases": ["Programme Board"],
        },
        {"key": "ann-lee", "kind": "person", "name": "Dr Ann Lee"},
        {"key": "nowhere-council", "kind": "council", "name": "Nowhere Council"},
    ],
    "aliases": [{"org": "01A", "alias": "Northtown CCG", "quote": "Northtown CCG"}],
    "statements": [
        # g1: membership of the stated group
        {
            "type": "membership",
            "id": "five",
            "member": "acme-five-ccgs",
            "organization": "QAA",
            "quote": "The Acme Partnership comprises the five CCGs",
        },
        # g2: joint working of three parties
        {
            "type": "joint-working",
            "parties": ["01A", "02B", "RAA"],
            "quote": "Northtown CCG and Southtown CCG will work closely together with Acme Hospital.",
        },
        # g3: a post (the person is not an organisation)
        {
            "type": "post",
            "organization": "01A",
            "title": "Director",
            "person": "ann-lee",
            "quote": "Dr Ann Lee, Director of Northtown CCG",
        },
        # g4: funding with no organisation
        {"type": "funding", "amount": 5000000, "quote": "£5m has been secured for a new ward."},
        # left out: a decision (kind not proposed)
        {
            "type": "decision",
            "by": "acme-programme-board",
            "kind": "agreed",
            "quote": "The Programme Board agreed the plan on 3 May 2015.",
        },
        # left out: resolved from reference data (the text never names Nowhere Council)
        {
            "type": "membership",
            "member": "nowhere-council",
            "organization": "QAA",
            "basis": "resolved",
            "resolved_from": "five",
            "quote": "The Acme Partnership comprises the five CCGs",
        },
    ],
}


def cand(record: dict[str, Any], section: str = "statements") -> Candidate:
    quote = record["quote"]
    start = TEXT.index(quote if isinstance(quote, str) else quote[0])
    first = quote if isinstance(quote, str) else quote[0]
    return Candidate(
        section, record, start, start + len(first), 0.5, "test", candidate_key(section, record)
    )


def test_gold_keeps_the_proposed_kinds_and_counts_what_it_leaves_out() -> None:
    gold = gold_statements(CURATED, TEXT)
    assert [g.type for g in gold.statements] == ["membership", "joint-working", "post", "funding"]
    assert gold.left_out == {
        "decision (kind not proposed)": 1,
        "membership (resolved from reference data)": 1,
    }
    post = gold.statements[2]
    assert post.organisations == {"01A"} and post.sentences == {3}


def test_an_entity_key_the_pipeline_cannot_know_is_compared_by_its_words() -> None:
    names = gold_statements(CURATED, TEXT).names
    assert same_organisation("the-five-ccgs", "acme-five-ccgs", names)  # "the five CCGs"
    assert same_organisation("programme-board", "acme-programme-board", names)  # an alias
    assert not same_organisation("five-trusts", "acme-five-ccgs", names)
    assert not same_organisation("01B", "01A", names)  # codes only when equal
    # a key from another document matches by the words of the mention it came from
    assert not same_organisation("other-senate", "acme-programme-board", names)
    assert same_organisation("other-board", "acme-programme-board", names, ["Programme Board"])


def test_scores_on_a_hand_worked_fixture() -> None:
    gold = gold_statements(CURATED, TEXT)
    candidates = [
        # c1 matches g1: same kind, "the-five-ccgs" is the group's name, same sentence
        cand(
            {
                "type": "membership",
                "member": "the-five-ccgs",
                "organization": "QAA",
                "quote": "The Acme Partnership comprises the five CCGs of the north.",
            }
        ),
        # c2 does not match g2: one party short (kind and sentence match: a loose match)
        cand(
            {
                "type": "joint-working",
                "parties": ["01A", "02B"],
                "quote": "Northtown CCG and Southtown CCG will work closely together with Acme Hospital.",
            }
        ),
        # c3 matches g3: the person (a person entity among the candidates) is not compared
        cand(
            {
                "type": "post",
                "organization": "01A",
                "title": "Director",
                "person": "ann-lee",
                "quote": "Dr Ann Lee, Director of Northtown CCG, spoke at the event.",
            }
        ),
        cand(
            {"key": "ann-lee", "kind": "person", "name": "Dr Ann Lee", "quote": "Dr Ann Lee"},
            "entities",
        ),
        # c4 does not match: an event where the gold has none
        cand(
            {
                "type": "event",
                "label": "the event",
                "quote": "Dr Ann Lee, Director of Northtown CCG, spoke at the event.",
            }
        ),
        # c5 does not match g4: funding, but in another sentence
        cand(
            {
                "type": "funding",
                "amount": 5000000,
                "quote": "The Programme Board agreed the plan on 3 May 2015.",
            }
        ),
    ]
    scores = score_statements(gold, candidates, TEXT)
    # statement candidates: c1..c5 = 5 (the entity is not scored); matched: c1, c3 = 2
    assert (scores.candidates, scores.matched_candidates) == (5, 2)
    assert scores.precision == pytest.approx(2 / 5)  # 0.4
    # gold: g1..g4 = 4; matched: g1, g3 = 2
    assert (scores.gold, scores.matched_gold) == (4, 2)
    assert scores.recall == pytest.approx(2 / 4)  # 0.5
    # by kind and sentence alone g1, g2, g3 = 3 of 4
    assert scores.loose_recall == pytest.approx(3 / 4)
    assert scores.by_kind == {
        "funding": (1, 0),
        "joint-working": (1, 0),
        "membership": (1, 1),
        "post": (1, 1),
    }


def test_a_gold_quote_not_in_the_text_is_an_error_naming_the_statement() -> None:
    broken = {"statements": [{"type": "funding", "quote": "not in the text"}]}
    with pytest.raises(ValueError, match=r"x\.yaml: statement 1: quote not found"):
        gold_statements(broken, TEXT, where="x.yaml")
