"""Linking a mention to the organisation that bore the name on the document's day: open and
close dates, successions, names over time, ambiguous initials decided by date and by the
document's other mentions, and local bodies of other areas. The reference landscape is
the real one (data/reference); the curated records are written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nhskg.graph.ingest.gazetteer import Gazetteer, load_gazetteer
from nhskg.graph.ingest.mentions import find_mentions
from nhskg.graph.ingest.model import DocumentDay, Mention
from nhskg.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

# A board and a Healthwatch that a document about Bedford Hospital (RC1, in QHG) introduced.
CURATED = """\
document: 901_test.txt
entities:
  - key: test-bedford-board
    kind: board
    name: Transformation Board (Bedford)
    aliases: [Transformation Board]
    part_of: RC1
    quote: the Transformation Board
  - key: test-luton-council
    kind: council
    name: Luton Borough Council
    quote: Luton Borough Council
aliases:
  - org: RC1
    alias: Bedford
    quote: Bedford
"""


def day(text: str) -> DocumentDay:
    d = dt.date.fromisoformat(text)
    return DocumentDay(d, d)


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    data = tmp_path_factory.mktemp("data")
    (data / "reference").symlink_to(ROOT / "data" / "reference")
    (data / "curated").mkdir()
    (data / "curated" / "901_test.yaml").write_text(CURATED, encoding="utf-8")
    return load_gazetteer(Settings(data_dir=data))


def only(mentions: list[Mention], text: str) -> Mention:
    (m,) = [m for m in mentions if m.text == text]
    return m


def test_a_trust_name_used_after_a_merger_links_to_the_successor(gazetteer: Gazetteer) -> None:
    # RC1 closed on 2020-03-31 and merged into RC9 (Bedfordshire Hospitals) on 2020-04-01.
    text = "Bedford Hospital NHS Trust agreed the plan."
    before = only(find_mentions(text, day("2018-05-01"), gazetteer), "Bedford Hospital NHS Trust")
    after = only(find_mentions(text, day("2021-05-01"), gazetteer), "Bedford Hospital NHS Trust")
    assert [k.ref for k in before.links] == ["RC1"]
    assert before.links[0].name == "Bedford Hospital NHS Trust"
    assert [k.ref for k in after.links] == ["RC9", "RC1"]
    assert after.links[0].name == "Bedfordshire Hospitals NHS Foundation Trust"
    assert "succeeded it on 2020-04-01" in after.links[0].why
    assert after.links[0].score > after.links[1].score


def test_a_ccg_name_used_after_the_ccg_closed_links_to_the_ccg_that_succeeded_it(
    gazetteer: Gazetteer,
) -> None:
    text = "Bedfordshire CCG commissions the service."
    assert only(find_mentions(text, day("2018-01-15"), gazetteer), "Bedfordshire CCG").ref == "06F"
    later = only(find_mentions(text, day("2021-06-01"), gazetteer), "Bedfordshire CCG")
    assert later.ref == "M1J4Y"  # NHS Bedfordshire, Luton and Milton Keynes CCG from 2021-04-01
    assert "06F" in [k.ref for k in later.links]


def test_a_partnership_named_by_its_later_name_is_found_with_the_name_it_bore_on_the_day(
    gazetteer: Gazetteer,
) -> None:
    # QJ2 was recorded as "Derbyshire" until 2019, then "Joined Up Care Derbyshire".
    text = "Joined Up Care Derbyshire met."
    on_the_day = only(find_mentions(text, day("2021-05-01"), gazetteer), text[:-5])
    earlier = only(find_mentions(text, day("2018-05-01"), gazetteer), text[:-5])
    assert on_the_day.ref == earlier.ref == "QJ2"
    assert on_the_day.links[0].name == "Joined Up Care Derbyshire"
    assert earlier.links[0].name == "Derbyshire"
    assert earlier.links[0].score < on_the_day.links[0].score


def test_a_county_that_shares_a_one_word_partnership_name_is_not_a_mention(
    gazetteer: Gazetteer,
) -> None:
    assert find_mentions("Services across Derbyshire were reviewed.", day("2018-05-01"),
                         gazetteer) == []  # fmt: skip


def test_ambiguous_initials_keep_ranked_alternatives_decided_by_date_and_context(
    gazetteer: Gazetteer,
) -> None:
    # NUH: Nottingham University Hospitals (RX1, open) and Newham University Hospital
    # (RNH, closed 2012-03-31, succeeded by Barts Health, R1H).
    alone = only(find_mentions("NUH agreed.", day("2018-05-01"), gazetteer), "NUH")
    assert alone.pattern == "abbreviation"
    assert [k.ref for k in alone.links] == ["RX1", "R1H", "RNH"]
    assert [k.score for k in alone.links] == sorted((k.score for k in alone.links), reverse=True)
    # In 2010 both were open: a tie, until the document names a Nottinghamshire trust.
    tie = only(find_mentions("NUH agreed.", day("2010-05-01"), gazetteer), "NUH")
    assert {k.ref for k in tie.links} == {"RNH", "RX1"}
    assert tie.links[0].score == tie.links[1].score
    text = "Nottinghamshire Healthcare NHS Foundation Trust and NUH agreed."
    near = only(find_mentions(text, day("2010-05-01"), gazetteer), "NUH")
    assert near.links[0].ref == "RX1"
    assert near.links[0].score > near.links[1].score
    assert "same area" in near.links[0].why


def test_a_local_body_of_another_area_is_proposed_as_a_body_of_this_document(
    gazetteer: Gazetteer,
) -> None:
    # The curated Transformation Board belongs to Bedford Hospital (QHG's area).
    near = "Bedford Hospital NHS Trust reported to the Transformation Board."
    far = "University Hospitals of Leicester NHS Trust reported to the Transformation Board."
    here = only(find_mentions(near, day("2018-05-01"), gazetteer), "Transformation Board")
    there = only(find_mentions(far, day("2018-05-01"), gazetteer), "Transformation Board")
    assert here.ref == "test-bedford-board"
    assert there.pattern == "new-body"
    assert there.links == ()
    assert there.kind == "board"
    # A body whose name holds a place is that body wherever it is named.
    council = "University Hospitals of Leicester NHS Trust wrote to Luton Borough Council."
    m = only(find_mentions(council, day("2018-05-01"), gazetteer), "Luton Borough Council")
    assert m.ref == "test-luton-council"


def test_a_ccg_named_shortly_before_it_opened_is_linked_less_surely_than_once_open(
    gazetteer: Gazetteer,
) -> None:
    # NHS Nene CCG (04G) opened on 2013-04-01; papers named the CCGs before that.
    text = "Nene CCG will lead the work."
    march = only(find_mentions(text, day("2013-03-31"), gazetteer), "Nene CCG")
    years_before = only(find_mentions(text, day("2010-03-31"), gazetteer), "Nene CCG")
    after = only(find_mentions(text, day("2014-03-31"), gazetteer), "Nene CCG")
    assert march.ref == years_before.ref == after.ref == "04G"
    assert years_before.links[0].score < march.links[0].score < after.links[0].score
    assert "within a year after the document" in march.links[0].why


def test_an_organisation_that_closed_within_the_documents_span_is_not_succeeded(
    gazetteer: Gazetteer,
) -> None:
    # RC1 closed on 2020-03-31; a paper dated "2019/20" may be from before that.
    text = "Bedford Hospital NHS Trust agreed the plan."
    span = DocumentDay(dt.date(2019, 4, 1), dt.date(2020, 6, 30))
    m = only(find_mentions(text, span, gazetteer), "Bedford Hospital NHS Trust")
    assert [k.ref for k in m.links] == ["RC1", "RC9"]  # its successor as the alternative
    assert "within the days the document's date allows" in m.links[0].why


def test_initials_the_text_defines_take_the_long_forms_link_alone(gazetteer: Gazetteer) -> None:
    text = "Nottingham University Hospitals NHS Trust (NUH) met. Later NUH agreed."
    mentions = find_mentions(text, day("2010-05-01"), gazetteer)
    nuh = [m for m in mentions if m.text == "NUH"]
    assert len(nuh) == 2
    assert all([k.ref for k in m.links] == ["RX1"] for m in nuh)
    assert all("defined in the text" in m.why for m in nuh)


def test_a_partnership_named_before_any_record_knows_it_is_linked_doubtfully(
    gazetteer: Gazetteer,
) -> None:
    # QF7 (South Yorkshire and Bassetlaw) has no opening date; the reference files know it
    # from 2017. In a 2015 paper the words may name the area, not the partnership.
    text = "Commissioners across South Yorkshire and Bassetlaw met."
    name = "South Yorkshire and Bassetlaw"
    early = only(find_mentions(text, day("2015-01-15"), gazetteer), name)
    later = only(find_mentions(text, day("2018-05-01"), gazetteer), name)
    assert early.ref == later.ref == "QF7"
    assert early.links[0].score < later.links[0].score
    assert "may not have existed on 2015-01-15" in early.links[0].why
