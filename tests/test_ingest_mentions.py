"""Finding organisation mentions in a document's text: each pattern, exact offsets, and the
same answer twice. The reference landscape is the real one (data/reference); the curated
records are a small file written here, so the tests do not depend on the five documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nhskg.graph.ingest.gazetteer import Gazetteer, load_gazetteer
from nhskg.graph.ingest.mention_records import mention_records, quote_around
from nhskg.graph.ingest.mentions import find_mentions
from nhskg.graph.ingest.model import DocumentDay, Mention, candidate_key, mention_ref
from nhskg.graph.ingest.name_forms import name_forms
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

CURATED = """\
document: 900_test.txt
entities:
  - key: test-programme-board
    kind: board
    name: Test Programme Board (of a test programme)
    aliases: [Programme Board]
    quote: the Programme Board
  - key: test-healthwatch
    kind: healthwatch
    name: Healthwatch (of the test)
    aliases: [Healthwatch]
    quote: Healthwatch
  - key: test-person
    kind: person
    name: Dr Jane Example
    quote: Dr Jane Example
aliases:
  - org: RC1
    alias: Bedford
    quote: both organisations (Bedford and L&D)
"""

DAY_2018 = DocumentDay(dt.date(2018, 1, 1), dt.date(2018, 1, 31))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("data")
    (data / "reference").symlink_to(ROOT / "data" / "reference")
    (data / "curated").mkdir()
    (data / "curated" / "900_test.yaml").write_text(CURATED, encoding="utf-8")
    (data / "curated" / "900_test.candidates.yaml").write_text("not: [read", encoding="utf-8")
    return Settings(data_dir=data)


@pytest.fixture(scope="module")
def gazetteer(settings: Settings) -> Gazetteer:
    return load_gazetteer(settings)


def _by_text(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in mentions}


def test_full_reference_names_are_found_whatever_their_case_with_exact_offsets(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Minutes.\nUNIVERSITY HOSPITALS OF LEICESTER NHS TRUST met "
        "Leicestershire Partnership NHS Trust on Monday."
    )
    mentions = find_mentions(text, DAY_2018, gazetteer)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    found = _by_text(mentions)
    assert found["UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST"].ref == "RWE"
    assert found["UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST"].pattern == "name"
    assert found["Leicestershire Partnership NHS Trust"].ref == "RT5"
    assert found["Leicestershire Partnership NHS Trust"].start == text.index("Leicestershire P")


def test_a_name_broken_over_lines_is_one_mention_with_original_offsets(
    gazetteer: Gazetteer,
) -> None:
    text = "Chief Executive of East London\n\nFoundation Trust, said"
    (m,) = [m for m in find_mentions(text, DAY_2018, gazetteer) if m.ref == "RWK"]
    assert m.text == "East London\n\nFoundation Trust"
    assert (m.start, m.end) == (19, 48)


def test_curated_aliases_and_body_names_are_found_as_written(gazetteer: Gazetteer) -> None:
    text = "Both organisations (Bedford and the Trust) reported to the Programme Board. bedford"
    found = _by_text(find_mentions(text, DAY_2018, gazetteer))
    assert found["Bedford"].ref == "RC1"
    assert found["Bedford"].pattern == "alias"
    assert found["Programme Board"].ref == "test-programme-board"
    assert "bedford" not in found  # a one-word alias is matched only as written


def test_records_of_excluded_documents_are_not_used(settings: Settings) -> None:
    gazetteer = load_gazetteer(settings, exclude=frozenset({"900_test.txt"}))
    text = "Both organisations (Bedford and the Trust) met."
    assert [m for m in find_mentions(text, DAY_2018, gazetteer) if m.text == "Bedford"] == []
    assert load_gazetteer(settings, exclude=frozenset({"900_test.txt"})) is gazetteer


def test_the_same_text_gives_the_same_mentions(gazetteer: Gazetteer) -> None:
    text = (
        "Luton & Dunstable University Hospital (L&D) and Bedford Hospital plan to merge; "
        "the L&D board met. Bedfordshire, Milton Keynes and Luton CCGs agreed."
    )
    first = find_mentions(text, DAY_2018, gazetteer)
    second = find_mentions(text, DAY_2018, gazetteer)
    assert first == second
    assert first == sorted(first, key=lambda m: (m.start, m.end))
    assert [mention_ref(m) for m in first] == [mention_ref(m) for m in second]


def test_progress_is_reported_up_to_the_whole_text(gazetteer: Gazetteer) -> None:
    text = "Bedford Hospital NHS Trust.\n\n" * 2000
    calls: list[tuple[int, int]] = []
    find_mentions(
        text, DAY_2018, gazetteer, progress=lambda done, total: calls.append((done, total))
    )
    assert len(calls) >= 2
    assert calls[-1] == (len(text), len(text))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_an_abbreviation_defined_in_the_text_links_like_its_long_form(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Luton & Dunstable University Hospital (L&D) met the Northamptonshire Programme "
        "Management Office (PMO). Later the L&D and the PMO agreed."
    )
    mentions = find_mentions(text, DAY_2018, gazetteer)
    l_and_d = [m for m in mentions if m.text == "L&D"]
    assert len(l_and_d) == 2
    assert all(m.pattern == "abbreviation" and m.ref == "RC9" for m in l_and_d)
    pmo = [m for m in mentions if m.text == "PMO"]
    assert len(pmo) == 2
    body = _by_text(mentions)["Northamptonshire Programme Management Office"]
    assert body.pattern == "new-body" and body.kind == "programme-office"
    assert {mention_ref(m) for m in pmo} == {mention_ref(body)}


def test_each_item_of_a_list_of_ccgs_is_a_mention_of_its_ccg(gazetteer: Gazetteer) -> None:
    text = "First drafts have been received from Bedfordshire, Milton Keynes and Luton CCGs."
    found = _by_text(find_mentions(text, DAY_2018, gazetteer))
    assert {t: (m.pattern, m.ref) for t, m in found.items()} == {
        "Bedfordshire": ("list", "06F"),
        "Milton Keynes": ("list", "04F"),
        "Luton": ("list", "06P"),
    }


def test_a_counted_group_has_its_count_and_member_type(gazetteer: Gazetteer) -> None:
    text = (
        "The three NHS trusts and the two acute hospitals met 16 BLMK partners and "
        "the eight CCGs of Kent and Medway."
    )
    groups = [m for m in find_mentions(text, DAY_2018, gazetteer) if m.pattern == "counted-group"]
    assert [(m.text, m.count, m.member_type) for m in groups] == [
        ("The three NHS trusts", 3, "nhs-trust"),
        ("the two acute hospitals", 2, "acute-trust"),
        ("16 BLMK partners", 16, None),
        ("the eight CCGs of Kent and Medway", 8, "ccg"),
    ]
    assert all(m.links == () and mention_ref(m) for m in groups)


def test_a_near_miss_of_a_recorded_name_is_a_fuzzy_mention(gazetteer: Gazetteer) -> None:
    # ODS: GREAT ORMOND STREET HOSPITAL FOR CHILDREN NHS FOUNDATION TRUST (RP4).
    text = "Professor of Child Health, Great Ormond Street Hospital, spoke."
    m = _by_text(find_mentions(text, DAY_2018, gazetteer))["Great Ormond Street Hospital"]
    assert (m.pattern, m.ref) == ("fuzzy", "RP4")
    assert m.confidence < 1


def test_a_body_the_reference_data_lacks_is_a_new_body_of_its_kind(gazetteer: Gazetteer) -> None:
    text = (
        "The Regional Estates Advisory Board met the ICS digital programme board, the "
        "Carers and Families Advisory Forum and the Urgent Care Clinical Reference Group."
    )
    found = _by_text(find_mentions(text, DAY_2018, gazetteer))
    assert {t: (m.pattern, m.kind) for t, m in found.items() if m.pattern == "new-body"} == {
        "Regional Estates Advisory Board": ("new-body", "board"),
        "ICS digital programme board": ("new-body", "board"),
        "Carers and Families Advisory Forum": ("new-body", "forum"),
        "Urgent Care Clinical Reference Group": ("new-body", "reference-group"),
    }


def test_a_name_over_time_is_found_in_any_of_its_periods(gazetteer: Gazetteer) -> None:
    # RC9 was Luton and Dunstable University Hospital NHS Foundation Trust until 2020, then
    # Bedfordshire Hospitals NHS Foundation Trust: both names are RC9's.
    text = (
        "Luton and Dunstable University Hospital NHS Foundation Trust became "
        "Bedfordshire Hospitals NHS Foundation Trust."
    )
    day = DocumentDay(dt.date(2021, 1, 1), dt.date(2021, 1, 1))
    mentions = find_mentions(text, day, gazetteer)
    assert [(m.text, m.ref) for m in mentions] == [
        ("Luton and Dunstable University Hospital NHS Foundation Trust", "RC9"),
        ("Bedfordshire Hospitals NHS Foundation Trust", "RC9"),
    ]
    old, new = mentions
    assert old.links[0].name == new.links[0].name == "Bedfordshire Hospitals NHS Foundation Trust"
    assert old.links[0].score < new.links[0].score  # the old name was not borne on the day


def test_mention_records_propose_aliases_new_bodies_and_groups_with_unique_quotes(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Luton & Dunstable University Hospital (L&D) joined the Local Workforce Advisory "
        "Board. The L&D met. The L&D met. The three CCGs agreed. "
        "Bedford Hospital NHS Trust agreed."
    )
    mentions = find_mentions(text, DAY_2018, gazetteer)
    records = mention_records(text, mentions, DAY_2018)
    for c in records:
        quote = c.record["quote"]
        assert text[c.start : c.end] == quote
        if "occurrence" not in c.record:
            assert text.count(quote) == 1
        assert c.key == candidate_key(c.section, c.record)
        assert 0 < c.confidence <= 1 and c.why
    aliases = [(c.record["org"], c.record["alias"]) for c in records if c.section == "aliases"]
    # The name RC9 bore in 2018 is not proposed as an alias; its other words are, once each.
    assert aliases == [("RC9", "Luton & Dunstable University Hospital"), ("RC9", "L&D")]
    entities = {c.record["key"]: c.record for c in records if c.section == "entities"}
    board = next(m for m in mentions if m.pattern == "new-body")
    group = next(m for m in mentions if m.pattern == "counted-group")
    assert set(entities) == {mention_ref(board), mention_ref(group)}
    assert entities[mention_ref(board)]["kind"] == "board"
    assert entities[mention_ref(board)]["name"] == "Local Workforce Advisory Board"
    assert entities[mention_ref(group)] | {"quote": ""} == {
        "key": "the-three-ccgs", "kind": "stated-group", "name": "The three CCGs",
        "count": 3, "member_type": "ccg", "quote": "",
    }  # fmt: skip
    assert mention_records(text, mentions, DAY_2018) == records


def test_a_recorded_name_gives_the_forms_writers_use() -> None:
    ccg = {text for text, _, _ in name_forms("NHS LUTON CCG", ("ClinicalCommissioningGroup",))}
    assert {"Luton CCG", "NHS Luton CCG", "Luton Clinical Commissioning Group"} <= ccg
    assert "Luton" not in ccg  # a place, not the CCG
    trust = name_forms("EAST LONDON NHS FOUNDATION TRUST", ("NHSTrust",))
    texts = {text for text, _, is_initials in trust if not is_initials}
    assert "East London Foundation Trust" in texts
    assert "East London" not in texts  # no organisation's word in it: a place
    assert {text for text, _, is_initials in trust if is_initials} == {"EL", "ELFT"}
    stp = name_forms(
        "Bedfordshire, Luton and Milton Keynes", ("SustainabilityAndTransformationPartnership",)
    )
    assert ("BLMK", "the initials of the name", True) in stp
    assert name_forms("Derbyshire", ("SustainabilityAndTransformationPartnership",))[0][0] == (
        "Derbyshire STP"
    )  # a one-word place name is never a name by itself


def test_an_unreadable_curated_file_is_refused_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "reference").mkdir(parents=True)
    (data / "curated").mkdir()
    for path in (ROOT / "data" / "reference").iterdir():
        (data / "reference" / path.name).symlink_to(path)
    broken = data / "curated" / "902_broken.yaml"
    broken.write_text("entities: [key: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"902_broken\.yaml"):
        load_gazetteer(Settings(data_dir=data))


def test_a_body_named_by_its_type_and_a_place_is_that_places_body(gazetteer: Gazetteer) -> None:
    text = "The Board welcomed Sue Brown from Healthwatch Kent and the county council."
    (kent,) = find_mentions(text, DAY_2018, gazetteer)
    assert (kent.text, kent.pattern, kent.kind, kent.links) == (
        "Healthwatch Kent",
        "new-body",
        "healthwatch",
        (),
    )


def test_a_mention_in_a_table_is_quoted_by_its_line_not_the_whole_table() -> None:
    rows = [f"Objective {n} met\t[Yes /No]" for n in range(12)]
    table = "\n".join([*rows[:6], "Enabled by excellent IM&T\t[Yes /No]", *rows[6:]])
    text = f"{table}\nSigned by the IM&T lead on the day."
    start = text.index("IM&T")
    assert quote_around(text, start, start + 4) == {"quote": "Enabled by excellent IM&T\t[Yes /No]"}
    # a line that repeats: the fewest words around the mention that occur once
    text = "Row\tIM&T\tYes\n" * 3 + "Row\tIM&T\tNo\n" + "Row\tother\tYes\n" * 20
    start = text.index("IM&T\tNo")
    quote = quote_around(text, start, start + 4)["quote"]
    assert text.count(quote) == 1 and "IM&T\tNo" in quote and len(quote) < 40
