"""Candidate statements from small texts: one per kind, quotes verbatim at exact offsets,
dates and amounts typed, nothing for a sentence without a cue, the same output twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nhskg.graph.ingest.model import Candidate, DocumentDay, Link, Mention
from nhskg.graph.ingest.statements import propose_statements

DAY = DocumentDay(dt.date(2018, 1, 1), dt.date(2018, 1, 31))


def at(
    text: str, words: str, ref: str | None = None, n: int = 1, name: str = "", **kw: Any
) -> Mention:
    """A mention of ``words`` (its n-th occurrence) linked to ``ref`` (named ``name``)."""
    start = -1
    for _ in range(n):
        start = text.index(words, start + 1)
    links = (Link(ref, name or words, 1.0, "test"),) if ref else ()
    return Mention(start, start + len(words), words, kw.pop("pattern", "name"), links, **kw)


def statements(text: str, mentions: list[Mention], when: DocumentDay = DAY) -> list[Candidate]:
    out = propose_statements(text, mentions, when)
    for c in out:
        quote = c.record["quote"]
        first = quote[0] if isinstance(quote, list) else quote
        first = first["text"] if isinstance(first, dict) else first
        assert c.record.get("quote") and c.key
        assert text[c.start : c.end] == first, (c.record, text[c.start : c.end])
        if isinstance(quote, str) and "occurrence" not in c.record:
            assert text.count(quote) == 1
        assert 0 < c.confidence <= 1 and c.why
    return [c for c in out if c.section == "statements"]


def of_type(cands: list[Candidate], kind: str) -> list[dict[str, Any]]:
    return [c.record for c in cands if c.record.get("type") == kind]


def test_membership_names_the_member_and_the_partnership_it_belongs_to() -> None:
    text = "Intro line.\n\nThe Acme Partnership comprises Northtown CCG and Southtown CCG.\n"
    got = statements(
        text,
        [
            at(text, "Acme Partnership", "QAA"),
            at(text, "Northtown CCG", "01A"),
            at(text, "Southtown CCG", "02B"),
        ],
    )
    members = sorted(of_type(got, "membership"), key=lambda r: r["member"])
    assert [(r["member"], r["organization"]) for r in members] == [("01A", "QAA"), ("02B", "QAA")]
    assert members[0]["quote"] == "The Acme Partnership comprises Northtown CCG and Southtown CCG."
    c = next(c for c in got if c.record["type"] == "membership")
    assert (c.start, c.end) == (13, 13 + len(members[0]["quote"]))


def test_a_counted_group_is_a_member_as_a_stated_group_and_resolves_only_when_the_text_names_them_all() -> (
    None
):
    text = (
        "The five CCGs are partners of the Acme Partnership.\n"
        "Alpha, Beta and Gamma CCGs met. Delta CCG and Epsilon CCG agreed.\n"
    )
    group = at(text, "five CCGs", pattern="counted-group", count=5, member_type="ccg")
    hub = at(text, "Acme Partnership", "QAA")
    named = [
        at(text, "Alpha", "01A", name="Alpha CCG"),
        at(text, "Beta", "02B", name="Beta CCG"),
        at(text, "Gamma CCGs", "03C", name="Gamma CCG"),
        at(text, "Delta CCG", "04D"),
        at(text, "Epsilon CCG", "05E"),
    ]
    got = of_type(statements(text, [group, hub, *named]), "membership")
    stated = [r for r in got if r.get("basis") != "resolved"]
    assert stated == [
        {
            "type": "membership",
            "id": "members-five-ccgs",
            "member": "five-ccgs",
            "organization": "QAA",
            "quote": "The five CCGs are partners of the Acme Partnership.",
        }
    ]
    resolved = [r for r in got if r.get("basis") == "resolved"]
    assert sorted(r["member"] for r in resolved) == ["01A", "02B", "03C", "04D", "05E"]
    assert all(r["resolved_from"] == "members-five-ccgs" for r in resolved)
    # with one of the five not named, only the stated group
    fewer = of_type(statements(text, [group, hub, *named[:4]]), "membership")
    assert [r["member"] for r in fewer] == ["five-ccgs"]


def test_leading_and_chairing_make_a_leadership_from_leader_to_led() -> None:
    text = "The Workforce Board is leading on the People Programme this year.\n"
    got = of_type(
        statements(
            text,
            [
                at(text, "Workforce Board", "workforce-board"),
                at(text, "People Programme", "people-programme"),
            ],
        ),
        "leadership",
    )
    assert got == [
        {
            "type": "leadership",
            "leader": "workforce-board",
            "led": "people-programme",
            "quote": "The Workforce Board is leading on the People Programme this year.",
        }
    ]
    passive = "The Stroke Network is chaired by Northtown CCG.\n"
    got = of_type(
        statements(
            passive,
            [at(passive, "Stroke Network", "stroke-network"), at(passive, "Northtown CCG", "01A")],
        ),
        "leadership",
    )
    assert [(r["leader"], r["led"]) for r in got] == [("01A", "stroke-network")]


def test_based_in_makes_a_hosting() -> None:
    text = "The work is run by the Central PMO, based in Northtown CCG.\n"
    got = of_type(
        statements(
            text, [at(text, "Central PMO", "central-pmo"), at(text, "Northtown CCG", "01A")]
        ),
        "hosting",
    )
    assert [(r["host"], r["hosted"]) for r in got] == [("01A", "central-pmo")]


def test_host_as_a_verb_puts_the_host_before_it_and_takes_only_what_follows_at_once() -> None:
    text = "Northtown CCG will host the Central PMO from April.\n"
    got = of_type(
        statements(
            text, [at(text, "Northtown CCG", "01A"), at(text, "Central PMO", "central-pmo")]
        ),
        "hosting",
    )
    assert [(r["host"], r["hosted"]) for r in got] == [("01A", "central-pmo")]
    # the body after "host" is not the hosted one when it comes further on, in another clause
    text = "Luton CCG will host the new programme office from April, with Bedfordshire CCG as partner.\n"
    got = of_type(
        statements(text, [at(text, "Luton CCG", "06P"), at(text, "Bedfordshire CCG", "06F")]),
        "hosting",
    )
    assert got == []


def test_provided_by_makes_a_provision_with_the_service_words() -> None:
    text = "We talk about a range of adult community health services provided by Shire Partnership NHS Trust.\n"
    got = of_type(statements(text, [at(text, "Shire Partnership NHS Trust", "RT5")]), "provision")
    assert got == [
        {
            "type": "provision",
            "provider": ["RT5"],
            "service": "a range of adult community health services",
            "quote": text.strip(),
        }
    ]


def test_a_consultation_takes_its_status_and_date_from_its_words_and_nothing_without_them() -> None:
    text = (
        "Northtown CCG will hold a public consultation on stroke services from 30th November 2015.\n"
        "A consultation on planned care has recently been launched.\n"
        "The consultation was mentioned.\n"
        "Formal consultation is committed to, which we hope to announce in 2019.\n"
    )
    got = of_type(statements(text, [at(text, "Northtown CCG", "01A")]), "consultation")
    assert got[0]["consulting"] == ["01A"]
    assert got[0]["status"] == "planned"
    assert got[0]["planned_start"] == "2015-11-30"
    assert got[0]["label"] == "Public consultation on stroke services from 30th November 2015"
    assert got[1]["status"] == "launched" and "consulting" not in got[1]
    assert got[2]["hoped_for"] == "2019" and got[2]["date_text"] == "hope to announce in 2019"
    assert len(got) == 3  # "The consultation was mentioned." says no status


def test_a_proposal_to_merge_two_trusts_is_a_merger_proposal_dated_by_its_month() -> None:
    text = "Following the announcement in September of their proposal to merge, Alpha Hospital and Beta Hospital work together.\n"
    got = of_type(
        statements(text, [at(text, "Alpha Hospital", "RA1"), at(text, "Beta Hospital", "RB2")]),
        "merger-proposal",
    )
    assert got == [
        {
            "type": "merger-proposal",
            "label": "Proposed merger of Alpha Hospital and Beta Hospital",
            "proposers": ["RA1", "RB2"],
            "status": "proposed",
            "date": "2017-09",
            "date_text": "September",
            "quote": text.strip(),
        }
    ]
    c = next(
        c
        for c in propose_statements(
            text, [at(text, "Alpha Hospital", "RA1"), at(text, "Beta Hospital", "RB2")], DAY
        )
        if c.record["type"] == "merger-proposal"
    )
    assert "2017" in c.why and "past" in c.why  # says how the year was decided


def test_a_contract_takes_its_provider_term_start_and_annual_value_from_the_paragraph() -> None:
    text = (
        "Shire NHS Foundation Trust has been announced as the preferred bidder to provide Community "
        "Health Services in Northshire for the next five years. The annual value of the contract, "
        "which is due to commence 1 April 2018, is £39m and covers many services.\n"
    )
    got = of_type(statements(text, [at(text, "Shire NHS Foundation Trust", "RWK")]), "contract")
    assert len(got) == 1
    r = got[0]
    assert r["provider"] == ["RWK"]
    assert r["annual_value"] == 39000000 and r["currency"] == "GBP"
    assert r["term"] == "P5Y" and r["start"] == "2018-04-01" and r["status"] == "preferred-bidder"
    assert r["quote"] == [
        text[: text.index("years.") + 6],
        text[text.index("The annual") :].strip(),
    ]


def test_funding_amounts_are_plain_numbers_each_with_its_own_status() -> None:
    text = (
        "£48 million has been secured for the new A&E department as well as a commitment to "
        "fund around £2 million of improvements at general practice premises.\n"
        "£1 per head of population has been allocated to provide incentives.\n"
        "A further £200K has been allocated for primary care initiatives.\n"
        "National funding to support the reconfiguration is being applied for.\n"
    )
    got = of_type(statements(text, []), "funding")
    assert sorted(
        (str(r["quote"])[:6], r.get("amount") or 0, r.get("rate") or 0, r["status"]) for r in got
    ) == [
        ("A furt", 200000, 0, "allocated"),
        ("Nation", 0, 0, "applied-for"),
        ("£1 per", 0, 1, "allocated"),
        ("£48 mi", 2000000, 0, "committed"),
        ("£48 mi", 48000000, 0, "secured"),
    ]
    rate = next(r for r in got if "rate" in r)
    assert rate["per"] == "per head of population" and rate["per_unit_code"] == "IE"
    assert (
        next(r for r in got if r.get("amount") == 48000000)["purpose"] == "the new A&E department"
    )


def test_an_event_with_two_days_is_two_events_with_typed_dates() -> None:
    when = DocumentDay(dt.date(2015, 10, 1), dt.date(2015, 10, 1))
    text = "The priority has been the completion of two 'lock in' sessions with officers (7th and 14th September).\n"
    got = of_type(statements(text, [], when), "event")
    assert [(r["date"], r["date_text"]) for r in got] == [
        ("2015-09-07", "7th and 14th September"),
        ("2015-09-14", "7th and 14th September"),
    ]
    heading = "Workforce in Focus – 25 January 2017 – Luton\n"
    got = of_type(statements(heading, []), "event")
    assert got == [
        {
            "type": "event",
            "label": "Workforce in Focus",
            "date": "2017-01-25",
            "place": "Luton",
            "quote": heading.strip(),
        }
    ]


def test_a_person_in_a_named_post_is_a_post_and_a_person_entity() -> None:
    text = "Dr Navina Evans, Chief Executive of ELFT, said: “We are delighted.”\n"
    out = propose_statements(text, [at(text, "ELFT", "RWK")], DAY)
    posts = [c.record for c in out if c.record.get("type") == "post"]
    assert posts == [
        {
            "type": "post",
            "organization": "RWK",
            "title": "Chief Executive",
            "person": "navina-evans",
            "role": "chief-executive",
            "quote": "Dr Navina Evans, Chief Executive of ELFT, said: “We are delighted.”",
        }
    ]
    people = [c for c in out if c.section == "entities"]
    assert [c.record for c in people] == [
        {
            "key": "navina-evans",
            "kind": "person",
            "name": "Dr Navina Evans",
            "quote": "Dr Navina Evans",
        }
    ]
    assert text[people[0].start : people[0].end] == "Dr Navina Evans"


def test_a_sentence_with_no_cue_proposes_nothing() -> None:
    text = "Northtown CCG and Southtown CCG published a newsletter.\n"
    assert (
        propose_statements(
            text, [at(text, "Northtown CCG", "01A"), at(text, "Southtown CCG", "02B")], DAY
        )
        == []
    )


def test_a_repeated_sentence_is_quoted_with_its_occurrence() -> None:
    text = "£5m has been secured for a ward.\nOther words.\n£5m has been secured for a ward.\n"
    got = statements(text, [])
    assert [(c.record["occurrence"], c.start) for c in got] == [(1, 0), (2, text.rindex("£5m"))]


def test_the_same_input_gives_the_same_candidates_in_offset_order() -> None:
    text = (
        "The Acme Partnership comprises Northtown CCG.\n"
        "£3m has been secured for a ward. Dr Ann Lee, Director of Northtown CCG, spoke.\n"
    )
    mentions = [
        at(text, "Acme Partnership", "QAA"),
        at(text, "Northtown CCG", "01A"),
        at(text, "Northtown CCG", "01A", n=2),
    ]
    first = propose_statements(text, mentions, DAY)
    second = propose_statements(text, list(reversed(mentions)), DAY)
    assert [(c.key, c.start) for c in first] == [(c.key, c.start) for c in second]
    assert [c.start for c in first] == sorted(c.start for c in first)
    assert {c.record.get("type", c.section) for c in first} >= {
        "membership",
        "funding",
        "post",
        "entities",
    }


def test_organisations_described_without_a_count_are_proposed_as_stated_groups() -> None:
    text = "The Acme Partnership is a partnership of local NHS organisations and councils.\n"
    out = propose_statements(text, [at(text, "Acme Partnership", "QAA")], DAY)
    members = sorted(c.record["member"] for c in out if c.record.get("type") == "membership")
    assert members == ["councils", "local-nhs-organisations"]
    groups = sorted((c.record["key"], c.record["quote"]) for c in out if c.section == "entities")
    assert groups == [
        ("councils", "councils"),
        ("local-nhs-organisations", "local NHS organisations"),
    ]


def test_a_partnership_named_like_a_place_and_used_as_one_is_an_area_not_a_member() -> None:
    text = "The three CCGs in Leicester, Leicestershire and Rutland are partners of BCT.\n"
    llr = at(text, "Leicester, Leicestershire and Rutland", "QK1")
    group = at(text, "three CCGs", pattern="counted-group", count=3, member_type="ccg")
    got = of_type(statements(text, [group, llr, at(text, "BCT", "QK1")]), "membership")
    assert [(r["member"], r["organization"]) for r in got] == [("three-ccgs", "QK1")]


def test_both_trusts_names_the_two_trusts_named_before() -> None:
    text = (
        "Alpha Hospital and Beta Hospital propose to merge.\n"
        "Sessions were held, bringing colleagues from both Trusts together.\n"
    )
    mentions = [at(text, "Alpha Hospital", "RA1"), at(text, "Beta Hospital", "RB2")]
    events = of_type(statements(text, mentions), "event")
    assert [r.get("participants") for r in events] == [["RA1", "RB2"]]


def test_a_counted_group_working_together_is_a_member_of_the_documents_partnership() -> None:
    text = (
        "The Acme Programme reports.\n"
        "The five CCGs will continue to work together with Specialist Commissioners.\n"
    )
    group = at(text, "The five CCGs", pattern="counted-group", count=5, member_type="ccg")
    out = propose_statements(text, [at(text, "Acme Programme", "acme-programme"), group], DAY)
    members = [c for c in out if c.record.get("type") == "membership"]
    assert [(c.record["member"], c.record["organization"]) for c in members] == [
        ("the-five-ccgs", "acme-programme")
    ]
    assert members[0].confidence < 0.5 and "document's partnership" in members[0].why
    parties = of_type(out, "joint-working")[0]["parties"]
    assert parties == ["the-five-ccgs", "specialist-commissioners"]


def test_titles_led_by_in_a_described_body_are_posts_of_that_body() -> None:
    text = "Each work-stream is taken forward by a core leadership group led by a Clinical Chair and CCG Accountable Officer.\n"
    out = propose_statements(text, [], DAY)
    posts = sorted((r["organization"], r["title"], r.get("role")) for r in of_type(out, "post"))
    assert posts == [
        ("core-leadership-group", "CCG Accountable Officer", "accountable-officer"),
        ("core-leadership-group", "Clinical Chair", "clinical-chair"),
    ]
    body = [c.record for c in out if c.section == "entities"]
    assert body == [
        {
            "key": "core-leadership-group",
            "kind": "leadership-group",
            "name": "core leadership group",
            "quote": "core leadership group",
        }
    ]


def test_one_contract_told_of_in_several_sentences_is_one_candidate() -> None:
    text = (
        "Shire Trust announced as new provider for Northshire.\n"
        "Shire Trust has been awarded the contract for the next three years.\n"
    )
    got = of_type(
        statements(text, [at(text, "Shire Trust", "RSH"), at(text, "Shire Trust", "RSH", n=2)]),
        "contract",
    )
    assert len(got) == 1
    assert got[0]["term"] == "P3Y" and got[0]["quote"] == [line for line in text.splitlines()]


def test_a_post_whose_organisation_is_unnamed_is_proposed_in_the_documents_partnership_as_inferred() -> (
    None
):
    text = (
        "Report of the Acme Partnership.\n"
        "The joint SROs have written to the regulator.\n"
        "Name and Job Title: Sarah Prema, Director of Implementation\n"
    )
    out = propose_statements(text, [at(text, "Acme Partnership", "QAA")], DAY)
    posts = [c for c in out if c.record.get("type") == "post"]
    assert [
        (c.record["organization"], c.record["title"], c.record.get("person")) for c in posts
    ] == [
        ("QAA", "joint SROs", None),
        ("QAA", "Director of Implementation", "sarah-prema"),
    ]
    assert all(c.confidence <= 0.35 and "inferred" in c.why for c in posts)
    # without a partnership to infer, nothing
    assert [c for c in propose_statements(text, [], DAY) if c.record.get("type") == "post"] == []


def test_an_event_headed_name_date_place_takes_the_counted_groups_of_its_section() -> None:
    text = (
        "Mental Health Day – 3 August 2017 – Luton\n"
        "Attendees then sat on one of seven working groups.\n"
        "Lunch was served.\n"
    )
    group = at(text, "seven working groups", pattern="counted-group", count=7)
    (event,) = of_type(statements(text, [group]), "event")
    assert event["participants"] == ["seven-working-groups"]
    assert event["quote"] == [
        "Mental Health Day – 3 August 2017 – Luton",
        "Attendees then sat on one of seven working groups.",
    ]


def test_the_evening_told_of_after_its_introduction_is_that_event_with_its_chair() -> None:
    text = (
        "The first Clinical Conversation of 2018 will focus on young people.\n"
        "The evening will be chaired by Professor Chris Ham, and more.\n"
    )
    (event,) = of_type(statements(text, []), "event")
    assert event["label"] == "The first Clinical Conversation of 2018"
    assert event["chairs"] == ["chris-ham"] and event["status"] == "planned"
    assert event["quote"] == [line for line in text.splitlines()]


def test_the_body_that_established_events_organises_them_and_on_the_day_adds_participants() -> None:
    when = DocumentDay(dt.date(2015, 9, 1), dt.date(2015, 9, 30))
    text = (
        "The Acme Programme Board has established a meeting with the regulator on 29th September.\n"
        "The Leadership Group will support discussion on the day.\n"
    )
    mentions = [
        at(text, "Acme Programme Board", "acme-board"),
        at(text, "Leadership Group", "lead-group"),
    ]
    (event,) = of_type(statements(text, mentions, when), "event")
    assert event["organisers"] == ["acme-board"] and event["participants"] == ["lead-group"]
    assert event["date"] == "2015-09-29"


def test_one_body_in_each_of_the_organisations_named_before_is_hosted_by_each() -> None:
    text = (
        "Report of the Acme Programme.\n"
        "Alpha and Beta CCGs plan to take a more incremental approach. "
        "The work will be coordinated through two separate PMOs one based in each CCG, "
        "with joint working between the two where this is required.\n"
    )
    mentions = [
        at(text, "Acme Programme", "acme-programme"),
        at(text, "Alpha", "01A", name="NHS Alpha CCG"),
        at(text, "Beta CCGs", "02B", name="NHS Beta CCG"),
    ]
    out = propose_statements(text, mentions, DAY)
    hosting = sorted((r["host"], r["hosted"]) for r in of_type(out, "hosting"))
    assert hosting == [("01A", "pmo-based-in-alpha-ccg"), ("02B", "pmo-based-in-beta-ccgs")]
    (coordination,) = of_type(out, "coordination")
    assert coordination["coordinator"] == ["pmo-based-in-alpha-ccg", "pmo-based-in-beta-ccgs"]
    assert coordination["coordinated"] == "acme-programme"
    assert of_type(out, "joint-working")[0]["parties"] == coordination["coordinator"]
    kinds = {c.record["key"]: c.record["kind"] for c in out if c.section == "entities"}
    assert kinds == {
        "pmo-based-in-alpha-ccg": "programme-office",
        "pmo-based-in-beta-ccgs": "programme-office",
    }
    # with only one CCG named before, the text does not say which PMO is where
    one = [at(text, "Alpha", "01A", name="NHS Alpha CCG")]
    assert of_type(propose_statements(text, one, DAY), "hosting") == []


def test_a_partnership_described_by_its_members_is_a_new_body_they_belong_to() -> None:
    text = "A similar partnership has also been established comprising the seven acute hospital providers.\n"
    group = at(text, "the seven acute hospital providers", pattern="counted-group", count=7)
    out = propose_statements(text, [group], DAY)
    (membership,) = of_type(out, "membership")
    assert membership["organization"] == "partnership-of-the-seven-acute-hospital-providers"
    assert membership["member"] == "the-seven-acute-hospital-providers"
    assert [c.record["kind"] for c in out if c.section == "entities"] == ["partnership"]


def test_a_consultation_hoped_for_in_the_next_sentence_is_proposed_not_planned() -> None:
    text = (
        "If successful, formal consultation would be undertaken.\n"
        "The programme remains committed to doing this, which we hope to announce in 2019.\n"
    )
    out = propose_statements(text, [at(text, "programme", "acme-programme")], DAY)
    (consultation,) = of_type(out, "consultation")
    assert consultation["status"] == "proposed" and consultation["hoped_for"] == "2019"
    assert "planned_start" not in consultation
    assert consultation["quote"] == [line for line in text.splitlines()]


def test_funding_goes_to_the_body_the_sentence_defines_or_runs() -> None:
    text = (
        "Social prescribing is a workstream in the prevention priority and has received funding.\n"
        "External funding has been secured to programme manage the mental health work programme.\n"
    )
    got = of_type(statements(text, []), "funding")
    assert [r.get("recipient") for r in got] == [
        ["social-prescribing"],
        ["mental-health-work-programme"],
    ]
    assert [r.get("status") for r in got] == [None, "secured"]  # "received" is no status word


def test_a_body_named_only_in_a_persons_post_is_proposed_as_a_new_body() -> None:
    text = "The evening will be chaired by Professor Chris Ham, Chief Executive, Kings Fund, and more.\n"
    out = propose_statements(text, [], DAY)
    assert [(r["organization"], r["title"], r["person"]) for r in of_type(out, "post")] == [
        ("kings-fund", "Chief Executive", "chris-ham")
    ]
    bodies = [c.record for c in out if c.section == "entities" and c.record["kind"] != "person"]
    assert bodies == [
        {"key": "kings-fund", "kind": "national-body", "name": "Kings Fund", "quote": "Kings Fund"}
    ]


def test_every_record_proposed_has_the_curated_formats_fields_and_keys() -> None:
    import re
    from pathlib import Path

    from nhskg.graph.curated.schema import COMMON, ENTITY_FIELDS, STATEMENTS

    concepts = (Path(__file__).resolve().parents[1] / "ontology" / "concepts.ttl").read_text()
    scheme = {k: set(re.findall(rf"^{k}:([a-z-]+)", concepts, re.M)) for k in ("role", "status")}
    text = (
        "The Acme Partnership comprises the five CCGs and local councils.\n"
        "The Workforce Board is leading on the development of a workforce strategy.\n"
        "Dr Ann Lee, Chief Executive of Shire NHS Trust, said the consultation was launched.\n"
        "Shire NHS Trust has been announced as the preferred bidder for the next five years.\n"
        "£5m has been secured for a ward. £1 per head of population has been allocated.\n"
        "A regional event was held on 3 May 2017. The predicted funding gap is £30 billion.\n"
    )
    mentions = [
        at(text, "Acme Partnership", "QAA"),
        at(text, "the five CCGs", pattern="counted-group", count=5, member_type="ccg"),
        at(text, "Workforce Board", "workforce-board"),
        at(text, "Shire NHS Trust", "RSH"),
        at(text, "Shire NHS Trust", "RSH", n=2),
    ]
    out = propose_statements(text, mentions, DAY)
    kinds = {c.record.get("type", c.section) for c in out}
    assert kinds >= {"membership", "leadership", "post", "consultation", "contract", "funding"}
    assert kinds >= {"event", "funding-gap", "entities"}
    for c in out:
        if c.section == "entities":
            assert set(c.record) <= set(ENTITY_FIELDS), c.record
            continue
        spec = STATEMENTS[c.record["type"]]
        fields = {**COMMON, **spec.fields}
        assert set(c.record) - {"type"} <= set(fields), c.record
        assert all(n in c.record for n, f in spec.fields.items() if f.required), c.record
        for name, value in c.record.items():
            kind = fields[name].kind if name in fields else None
            if kind in scheme:
                assert value in scheme[kind], (name, value)


def test_an_unseen_board_update_gets_its_ties_posts_money_and_dates() -> None:
    when = DocumentDay(dt.date(2019, 6, 1), dt.date(2019, 6, 30))
    text = (
        "The Integrated Care Partnership brings together Northtown CCG and Alpha Hospitals NHS Trust.\n"
        "The Partnership Board is chaired by Cllr John Smith, Leader of the council.\n"
        "A public consultation on the future of maternity services was launched on 12th March.\n"
        "Alpha Hospitals NHS Trust and Shire Partnership NHS Foundation Trust have agreed to merge, "
        "and a business case will be submitted to NHS Improvement in September.\n"
    )
    mentions = [
        at(text, "Integrated Care Partnership", "integrated-care-partnership", pattern="new-body"),
        at(text, "Northtown CCG", "01A"),
        at(text, "Alpha Hospitals NHS Trust", "RAA"),
        at(text, "Partnership Board", "partnership-board", pattern="new-body"),
        at(text, "Alpha Hospitals NHS Trust", "RAA", n=2),
        at(text, "Shire Partnership NHS Foundation Trust", "RSP"),
        at(text, "NHS Improvement", "nhs-improvement"),
    ]
    out = statements(text, mentions, when)
    members = sorted((r["member"], r["organization"]) for r in of_type(out, "membership"))
    assert members == [
        ("01A", "integrated-care-partnership"),
        ("RAA", "integrated-care-partnership"),
    ]
    assert [(r["organization"], r["title"], r["person"]) for r in of_type(out, "post")] == [
        ("partnership-board", "Chair", "john-smith")
    ]
    (consultation,) = of_type(out, "consultation")
    assert consultation["label"] == "Public consultation on the future of maternity services"
    assert (consultation["status"], consultation["start"]) == ("launched", "2019-03-12")
    (merger,) = of_type(out, "merger-proposal")
    # a trust named "Partnership" is a trust; the regulator a case goes to does not merge;
    # September is the business case's month, not the merger's
    assert merger["proposers"] == ["RAA", "RSP"] and "date" not in merger


def test_a_briefing_in_other_words_gets_members_a_contract_in_one_sentence_and_an_events_chair() -> (
    None
):
    when = DocumentDay(dt.date(2018, 11, 1), dt.date(2018, 11, 30))
    text = (
        "Shire Care System: Stakeholder Briefing\n"
        "Our members include Northtown CCG and Alpha Hospital NHS Trust.\n"
        "Beta Ambulance Service NHS Trust has been awarded a five year contract worth £10m a year "
        "to provide the 111 service, starting 1 April 2019.\n"
        "A workshop took place on 15 October, chaired by Dr Tim Moore, Chair of Northtown CCG.\n"
    )
    mentions = [
        at(text, "Shire Care System", "QSC"),
        at(text, "Northtown CCG", "01A"),
        at(text, "Alpha Hospital NHS Trust", "RAA"),
        at(text, "Beta Ambulance Service NHS Trust", "RBB"),
        at(text, "Northtown CCG", "01A", n=2),
    ]
    out = statements(text, mentions, when)
    assert sorted(r["member"] for r in of_type(out, "membership")) == ["01A", "RAA"]
    (contract,) = of_type(out, "contract")
    assert (contract["term"], contract["annual_value"], contract["start"]) == (
        "P5Y",
        10000000,
        "2019-04-01",
    )
    (event,) = of_type(out, "event")
    assert (event["date"], event["chairs"]) == ("2018-10-15", ["tim-moore"])


def test_findings_brought_together_and_partner_as_an_adjective_make_no_members() -> None:
    text = (
        "The Acme Senate brings together the findings of the six working groups.\n"
        "It will be shared with NHS England and partner member boards and the Acme Partnership Board.\n"
    )
    mentions = [
        at(text, "Acme Senate", "acme-senate", pattern="new-body"),
        at(text, "the six working groups", pattern="counted-group", count=6),
        at(text, "NHS England", "nhs-england"),
        at(text, "Acme Partnership Board", "acme-board"),
    ]
    assert of_type(statements(text, mentions), "membership") == []


def test_coordinated_through_and_coordinates_name_coordinator_and_coordinated() -> None:
    text = (
        "The Stroke Network is coordinated through the Central PMO.\n"
        "The Central PMO co-ordinates the Heart Network.\n"
    )
    mentions = [
        at(text, "Stroke Network", "stroke-network"),
        at(text, "Central PMO", "central-pmo"),
        at(text, "Central PMO", "central-pmo", n=2),
        at(text, "Heart Network", "heart-network"),
    ]
    got = [
        (r["coordinator"], r["coordinated"])
        for r in of_type(statements(text, mentions), "coordination")
    ]
    assert got == [("central-pmo", "stroke-network"), ("central-pmo", "heart-network")]


def test_a_newsletter_gets_a_provision_with_its_commissioner_joint_work_and_an_appointment() -> (
    None
):
    text = (
        "Alpha Hospitals NHS Foundation Trust will provide the new diabetes service across the "
        "county, commissioned by Northtown CCG.\n"
        "We are working with Beta Health NHS Foundation Trust and local GP practices.\n"
        "Simon Jones has been appointed as Programme Director of the Healthy Lives Partnership.\n"
    )
    mentions = [
        at(text, "Alpha Hospitals NHS Foundation Trust", "RAA"),
        at(text, "Northtown CCG", "01A"),
        at(text, "Beta Health NHS Foundation Trust", "RBB"),
        at(text, "Healthy Lives Partnership", "healthy-lives-partnership", pattern="new-body"),
    ]
    out = statements(text, mentions)
    assert of_type(out, "provision")[0] | {"quote": ""} == {
        "type": "provision",
        "provider": ["RAA"],
        "service": "the new diabetes service",
        "commissioner": ["01A"],
        "quote": "",
    }
    assert of_type(out, "joint-working")[0]["parties"] == ["RBB", "local-gp-practices"]
    (post,) = of_type(out, "post")
    assert (post["organization"], post["title"], post["person"]) == (
        "healthy-lives-partnership",
        "Programme Director",
        "simon-jones",
    )
