"""The competency questions (../shared/competency-questions.md), asked through named queries.

Each test asks what an analyst would ask, with the parameters an analyst would type
(names and aliases as well as codes), and checks both the answer and its evidence:
the document identifier and a verbatim quote.
"""

from __future__ import annotations

from nhskg.graph.query.service import QueryService

BCT_DOC_2018 = "001_8f4681f0f741929f.txt"
BCT_DOC_2015 = "004_e57bb13dd4c17d92.txt"
HT_DOC = "000_ab1d5f3ab4a972f1.txt"
CWT_DOC = "002_65e2a9f04634f3a6.txt"
BLMK_DOC = "003_f7ec335ea921a4a0.txt"
ID = "https://w3id.org/nhskg/id/"


def rows(service: QueryService, name: str, **params: str) -> list[dict[str, str]]:
    result = service.run(name, params)
    return [
        {k: ("" if v is None else str(v.value)) for k, v in row.items()} for row in result.dicts()
    ]


def test_c1_partners_of_better_care_together_are_stated_and_resolved(
    service: QueryService,
) -> None:
    members = rows(service, "partnership-members", partnership="BCT", as_of="2018-09-27")
    resolved = {r["code"]: r for r in members if r["basis"] == "resolved"}
    for code in ("04C", "04V", "03W", "RWE", "RT5", "RX9"):
        assert code in resolved, code
        assert BCT_DOC_2018 in resolved[code]["documents"]
        assert resolved[code]["statedAs"], "a resolved member names the group the document states"
    councils = {r["name"] for r in resolved.values() if "Council" in r["name"]}
    assert councils == {
        "Leicester City Council",
        "Leicestershire County Council",
        "Rutland County Council",
    }
    assert "three NHS trusts and three clinical commissioning groups" in resolved["RWE"]["quotes"]
    stated = {r["name"]: r for r in members if r["basis"] == "stated"}
    assert any(r["kind"] == "stated group of 3" for r in stated.values())
    assert any("NHS trusts" in name for name in stated)


def test_c2_the_healthier_luton_pmo_coordinates_the_luton_work(service: QueryService) -> None:
    found = rows(service, "coordination", partnership="Healthier Together")
    luton = [r for r in found if r["coordinatorName"] == "Healthier Luton PMO"]
    assert len(luton) == 1
    assert "redevelopment" in luton[0]["description"]
    assert "Luton and Dunstable Hospital" in luton[0]["description"]
    assert luton[0]["documents"] == HT_DOC
    assert "Healthier Luton" in luton[0]["quotes"]


def test_c3_the_bedford_and_luton_merger_with_its_business_case(service: QueryService) -> None:
    found = rows(service, "merger-proposals", organisation="L&D")
    assert len({r["proposal"] for r in found}) == 1
    for merger in found:
        assert "(RC1)" in merger["proposers"] and "(RC9)" in merger["proposers"]
        assert merger["proposedName"] == "Bedfordshire Hospitals NHS Foundation Trust"
        assert merger["realisedOn"] == "2020-04-01"
        assert merger["documents"] == BLMK_DOC
        assert "Bedfordshire Hospitals NHS Foundation Trust is being considered" in merger["quotes"]
    papers = {r["businessCase"].split(" for the proposed merger")[0]: r for r in found}
    # the brief says work on the Full Business Case "has been in progress", and that
    # "plans were submitted on 22 December following approval by both Trust Boards",
    # without saying the plans were the business case, or to whom they went
    assert papers["Full Business Case"]["submittedOn"] == ""
    plans = papers["Plans"]
    assert plans["submittedOn"] == "2017-12-22" and plans["submittedToName"] == ""
    assert set(plans["approvedBy"].split("; ")) == {
        "Trust Board of Bedford Hospital",
        "Trust Board of Luton & Dunstable University Hospital",
    }


def test_c4_phase_one_workstreams_of_commissioners_working_together(
    service: QueryService,
) -> None:
    found = rows(service, "workstreams", partnership="Commissioners Working Together")
    focus: dict[str, set[str]] = {}
    for r in found:
        focus.setdefault(r["workstreamName"], set()).add(r["focus"].lower())
    # names as the document writes them (with a typographic apostrophe)
    by_stream = {name.split(" (")[0].replace("\u2019", "'"): foci for name, foci in focus.items()}
    assert {"paediatric surgery and anaesthesia", "urgent care"} <= by_stream["Children's Services"]
    assert {"acute cardiology", "stroke"} <= by_stream["Cardiovascular Disease"]
    assert {"ophthalmology", "omfs", "ent"} <= by_stream["Smaller specialties"]
    assert any("urgent care response" in f for f in by_stream["Out of Hospital"])
    assert all(r["documents"] == CWT_DOC and r["quotes"] for r in found)


def test_c5_consultations_better_care_together_planned(service: QueryService) -> None:
    found = {r["consultationName"]: r for r in rows(service, "consultations", partnership="BCT")}
    planned_2015 = [r for r in found.values() if r["plannedStart"] == "2015-11-30"]
    assert len(planned_2015) == 1 and planned_2015[0]["documents"] == BCT_DOC_2015
    assert "maternity" in planned_2015[0]["topics"].lower()
    awaiting = [r for r in found.values() if r["statusName"] == "awaiting funding"]
    assert len(awaiting) == 1
    # the 2018 update only hopes to announce it in 2019, once capital funding is identified
    assert awaiting[0]["plannedStart"] == "" and awaiting[0]["hopedFor"] == "2019"
    assert awaiting[0]["condition"] == "once capital funding is identified"
    assert awaiting[0]["documents"] == BCT_DOC_2018
    launched = rows(service, "consultations", partnership="BCT", status="launched")
    assert len(launched) == 1 and "planned care" in launched[0]["consultationName"]


def test_c6_blmk_ccgs_are_in_both_healthier_together_and_the_stp(service: QueryService) -> None:
    shared = rows(service, "shared-memberships")
    partnerships: dict[str, set[str]] = {}
    for r in shared:
        partnerships.setdefault(r["code"], set()).add(r["partnership"].rsplit("/", 1)[-1])
    for ccg in ("06F", "06P", "04F"):
        assert {"healthier-together", "QHG"} <= partnerships[ccg], ccg


def test_c7_evidence_that_elft_provides_community_services_in_bedfordshire(
    service: QueryService,
) -> None:
    found = rows(service, "evidence", organisation="ELFT")
    contract = [r for r in found if r["kind"] == "contract"]
    assert contract, "ELFT's contract is stated"
    assert {r["source"] for r in contract} == {BLMK_DOC}
    assert all(r["from"] == "2018-04-01" and r["until"] == "2023-03-31" for r in contract)
    quotes = " ".join(r["quote"] for r in contract)
    assert "preferred bidder to provide Community Health Services in Bedfordshire" in quotes
    assert "£39m" in quotes


def test_c8_milton_keynes_ccg_partnerships_differ_by_date(service: QueryService) -> None:
    in_2013 = {
        r["name"]
        for r in rows(service, "memberships", organisation="Milton Keynes CCG", as_of="2013-03-01")
    }
    evidenced_2018 = {
        r["name"]
        for r in rows(
            service, "memberships", organisation="04F", as_of="2018-01-01", evidenced_only="true"
        )
    }
    assert in_2013 == {"Healthier Together Programme"}
    assert any("Bedfordshire, Luton and Milton Keynes" in name for name in evidenced_2018)
    assert "Healthier Together Programme" not in evidenced_2018
    # read as an analyst reads a tie with no end: the 2013 membership is presumed to run
    # on in 2018 (nothing ended it), and says so, with its last evidence
    held_2018 = rows(service, "memberships", organisation="04F", as_of="2018-01-01")
    presumed = {r["name"]: r for r in held_2018 if r["presumed"] == "true"}
    assert set(presumed) == {"Healthier Together Programme"}
    assert presumed["Healthier Together Programme"]["lastEvidenced"] == "2013-03-31"
    assert {r["name"] for r in held_2018 if r["presumed"] == "false"} == evidenced_2018
    every = rows(service, "memberships", organisation="04F")
    assert all(r["from"] for r in every), "each membership says from when it is known"


def test_every_name_form_the_documents_use_finds_the_organisation(
    service: QueryService,
) -> None:
    expected = {
        "L&D": "RC9",
        "Luton and Dunstable Hospital": "RC9",
        "ELFT": "RWK",
        "BCT": "QK1",
        "Better Care Together": "QK1",
        "BLMK": "QHG",
        "NHSE": "nhs-england",
        "NHSI": "nhs-improvement",
        "TDA": "nhs-trust-development-authority",
        "Nene CCG": "04G",
        "Corby CCG": "03V",
    }
    for alias, key in expected.items():
        assert service.index.resolve("name", alias).value.endswith(f"/org/{key}"), alias


def test_partners_of_bedford_hospital_and_through_what(service: QueryService) -> None:
    found = rows(service, "partners", organisation="Bedford Hospital")
    through = {(r["code"], r["throughName"]) for r in found}
    assert (
        "RC9",
        "Proposed merger of Bedford Hospital and Luton & Dunstable University Hospital",
    ) in through
    assert ("06F", f"{ID}org/QHG") in {(r["code"], r["through"]) for r in found}
    # the 2013 report counts "all five Trusts" but never makes them programme partners,
    # and the 2018 brief does not say to whom the merger plans were submitted
    assert "Healthier Together Programme" not in {r["throughName"] for r in found}
    assert "nhs-improvement" not in {r["code"] for r in found}
    assert all(r["documents"] for r in found), "every tie carries its evidence"
