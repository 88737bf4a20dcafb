"""Time told as an analyst reads it: a tie holds from its evidence until something ends
it; the part past its last evidence is presumed, marked so, and can be left out.

The worked examples of docs/modelling.md ("Time and as_of"), on the real data: the
BLMK partnership on 2018-06-01, Bedford Hospital's BLMK tie ending when it merged into
RC9, Better Care Together carried from its 2015 paper to its 2018 one, and the CCG
footprints (reference geography) left as they were. The named queries answer through
the query service; the API and the pages through a real server on loopback.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from loopback import free_port, running, venv_command

from nhskg.graph.curated.context import build_context
from nhskg.graph.curated.emit import known_period
from nhskg.graph.curated.loader import load_curated
from nhskg.graph.curated.presumption import Presumptions
from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.query.service import QueryService
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings

BLMK = "QHG"
BLMK_PARTNERS = {"RC1", "RC9", "RD8", "06F", "06P", "04F"}


def rows(service: QueryService, name: str, **params: str) -> list[dict[str, str]]:
    result = service.run(name, params)
    return [
        {k: ("" if v is None else str(v.value)) for k, v in row.items()} for row in result.dicts()
    ]


def ask(service: QueryService, text: str) -> list[dict[str, str]]:
    prefixes = (
        "PREFIX nhskg: <https://w3id.org/nhskg/def#>\nPREFIX org: <http://www.w3.org/ns/org#>\n"
    )
    result = service.sparql(prefixes + text)
    return [
        {k: ("" if v is None else str(v.value)) for k, v in row.items()} for row in result.dicts()
    ]


# -- the worked examples -------------------------------------------------------------


def test_blmk_partners_on_2018_06_01_are_presumed_and_last_evidenced_in_january_2018(
    service: QueryService,
) -> None:
    members = rows(service, "partnership-members", partnership=BLMK, as_of="2018-06-01")
    organisations = {r["code"]: r for r in members if r["kind"] == "organisation"}
    assert set(organisations) >= BLMK_PARTNERS
    assert all(r["presumed"] == "true" for r in members)
    assert {r["lastEvidenced"] for r in members} == {"2018-01-31"}
    # evidenced on the day only: the Central Brief of January 2018 does not reach June
    assert (
        rows(
            service,
            "partnership-members",
            partnership=BLMK,
            as_of="2018-06-01",
            evidenced_only="true",
        )
        == []
    )
    # in January itself the same members are evidenced, not presumed
    january = rows(service, "partnership-members", partnership=BLMK, as_of="2018-01-15")
    assert {r["code"] for r in january} == {r["code"] for r in members}
    assert all(r["presumed"] == "false" for r in january)


def test_bedford_hospital_leaves_blmk_when_it_merges_into_rc9(service: QueryService) -> None:
    def codes(day: str) -> set[str]:
        return {
            r["code"] for r in rows(service, "partnership-members", partnership=BLMK, as_of=day)
        }

    last_day = rows(service, "partnership-members", partnership=BLMK, as_of="2020-03-31")
    rc1 = [r for r in last_day if r["code"] == "RC1"]
    assert rc1 and rc1[0]["presumed"] == "true" and rc1[0]["presumedUntil"] == "2020-03-31"
    assert "RC1" not in codes("2020-04-01")
    assert "RC9" in codes("2020-04-01")
    ended = ask(
        service,
        """SELECT ?by WHERE {
             ?m a org:Membership ; org:member <https://w3id.org/nhskg/id/org/RC1> ;
                org:organization <https://w3id.org/nhskg/id/org/QHG> ;
                nhskg:presumptionEndedBy ?by }""",
    )
    assert {r["by"] for r in ended} == {"https://w3id.org/nhskg/id/change/2020-04-01/RC9"}


def test_a_later_document_carries_the_tie_on_so_no_member_is_listed_twice(
    service: QueryService,
) -> None:
    # Better Care Together: paper G (1 October 2015), then the update of 27 September 2018
    in_2016 = rows(service, "partnership-members", partnership="QK1", as_of="2016-06-01")
    assert in_2016, "the 2015 members are presumed to continue in 2016"
    assert all(r["presumed"] == "true" and r["lastEvidenced"] == "2015-10-01" for r in in_2016)
    on_the_day_before = rows(service, "partnership-members", partnership="QK1", as_of="2018-09-26")
    on_the_day = rows(service, "partnership-members", partnership="QK1", as_of="2018-09-27")
    for day in (in_2016, on_the_day_before, on_the_day):
        keys = [(r["code"], r["role"], r["basis"]) for r in day]
        assert len(keys) == len(set(keys)), "one row a member and role on any day"
    # restated in 2018: evidenced again; not restated: still presumed from 2015
    assert any(r["presumed"] == "false" for r in on_the_day)
    assert all(r["lastEvidenced"] == "2015-10-01" for r in on_the_day if r["presumed"] == "true")


def test_ccg_footprints_are_reference_geography_and_never_presumed(
    service: QueryService,
) -> None:
    presumed = ask(
        service,
        """SELECT ?p WHERE {
             VALUES ?kind { nhskg:FootprintPlacement nhskg:HeadquartersPlacement
                            nhskg:RegionPlacement }
             ?p a ?kind ; nhskg:presumedFrom ?d }""",
    )
    assert presumed == []
    # before the first CCG-to-STP lookup (April 2018) no footprint is known
    assert rows(service, "stp-footprint", stp=BLMK, as_of="2017-06-01") == []
    assert {r["code"] for r in rows(service, "stp-footprint", stp=BLMK, as_of="2018-06-01")} == {
        "06F",
        "06P",
        "04F",
    }


def test_partners_on_a_day_mark_presumed_ties_with_their_last_evidence(
    service: QueryService,
) -> None:
    found = rows(service, "partners", organisation="RC1", as_of="2018-06-01")
    blmk = [r for r in found if r["through"].endswith("/org/QHG")]
    assert blmk and all(r["presumed"] == "true" for r in blmk)
    assert {r["lastEvidenced"] for r in blmk} == {"2018-01-31"}
    evidenced = rows(
        service, "partners", organisation="RC1", as_of="2018-06-01", evidenced_only="yes"
    )
    assert all(r["presumed"] == "false" for r in evidenced)
    assert not [r for r in evidenced if r["through"].endswith("/org/QHG")]


def test_a_curated_body_is_presumed_to_continue_after_its_last_mention(
    service: QueryService,
) -> None:
    later = rows(service, "organisations", type="partnership", as_of="2016-06-01")
    names = {r["name"]: r for r in later}
    assert "Healthier Together Programme" in names
    assert names["Healthier Together Programme"]["presumed"] == "true"
    evidenced = rows(
        service, "organisations", type="partnership", as_of="2016-06-01", evidenced_only="true"
    )
    assert "Healthier Together Programme" not in {r["name"] for r in evidenced}


# -- a later document saying a tie ended ------------------------------------------------


@pytest.fixture
def curated_copy(tmp_path: Path, national: Settings) -> tuple[Settings, Path]:
    data = tmp_path / "data"
    shutil.copytree(national.data, data)
    return Settings(data_dir=data, build_dir=tmp_path / "build"), data / "curated"


def _load(settings: Settings):  # type: ignore[no-untyped-def]
    catalog, land = load_landscape(settings.data / "reference")
    ctx = build_context(catalog, land, settings.ontology_dir)
    return ctx, load_curated(settings.data / "sources", settings.data / "curated", ctx)


ENDING = """
  - type: ending
    ends: "000#{target}"
    label: The tie ended
    date: 2013-06-30
    quote: {quote}
"""


def with_statement(text: str, record: str) -> str:
    """A curated file's text with ``record`` first among its statements."""
    assert "\nstatements:\n" in text
    return text.replace("\nstatements:\n", "\nstatements:" + record, 1)


def _first_id(path: Path, kind: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.strip() == f"- type: {kind}":
            for follow in lines[i + 1 : i + 12]:
                if follow.strip().startswith("id:"):
                    return follow.split(":", 1)[1].strip()
    raise AssertionError(f"no {kind} with an id in {path}")


def test_a_later_document_saying_a_tie_ended_ends_its_presumption(
    curated_copy: tuple[Settings, Path],
) -> None:
    settings, folder = curated_copy
    target_file = next(folder.glob("000_*.yaml"))
    target = _first_id(target_file, "membership")
    later = next(folder.glob("003_*.yaml"))
    text = later.read_text(encoding="utf-8")
    # any verbatim sentence of the later document stands in for its words here
    quote = '"Central Brief: January 2018"'
    later.write_text(
        with_statement(text, ENDING.format(target=target, quote=quote)), encoding="utf-8"
    )
    ctx, curated = _load(settings)
    presumptions = Presumptions(curated, ctx, lambda r: known_period(r, r.get("end")))
    record = curated.record_by_ref(f"000#{target}")
    assert record is not None
    presumed = presumptions.for_statement(record)
    assert presumed is not None
    assert presumed.until is not None and presumed.until.isoformat() == "2013-06-30"
    assert getattr(presumed.ended_by, "type", None) == "ending"


def test_an_ending_of_an_unknown_statement_is_refused_naming_the_file_and_line(
    curated_copy: tuple[Settings, Path],
) -> None:
    settings, folder = curated_copy
    later = next(folder.glob("003_*.yaml"))
    later.write_text(
        with_statement(
            later.read_text(encoding="utf-8"),
            ENDING.format(target="no-such-record", quote='"Central Brief: January 2018"'),
        ),
        encoding="utf-8",
    )
    with pytest.raises(CuratedFileError) as error:
        _load(settings)
    assert later.name in str(error.value) and "'ends'" in str(error.value)
    assert "000#no-such-record" in str(error.value)


# -- the API and the pages, on a real server ------------------------------------------


@pytest.fixture(scope="module")
def base(national: Settings) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"NHSKG_BUILD_DIR": str(national.build)}
    url = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, url + "/api", env=env, quiet=True):
        yield url


def test_the_api_gives_members_of_a_day_with_presumed_ones_marked(base: str) -> None:
    on_day = httpx.get(f"{base}/api/partnerships/{BLMK}", params={"as_of": "2018-06-01"}).json()
    assert on_day["as_of"] == "2018-06-01"
    # the partnership as it was that day: an STP, not yet the ICB it is today
    assert on_day["onDay"]["types"] == "sustainability and transformation partnership"
    assert "Integrated Care Board" not in on_day["onDay"]["name"]
    assert {m["code"] for m in on_day["members"]} >= BLMK_PARTNERS
    assert all(
        m["presumed"] is True and m["lastEvidenced"] == "2018-01-31" for m in on_day["members"]
    )
    evidenced = httpx.get(
        f"{base}/api/partnerships/{BLMK}",
        params={"as_of": "2018-06-01", "evidenced_only": "true"},
    ).json()
    assert evidenced["members"] == []
    partners = httpx.get(
        f"{base}/api/organisations/RC1/partners", params={"as_of": "2020-04-01"}
    ).json()
    assert not [r for r in partners["rows"] if str(r.get("through", "")).endswith("/org/QHG")]


def test_the_partnership_page_marks_presumed_members(base: str) -> None:
    page = httpx.get(
        f"{base}/partnerships/{BLMK}",
        params={"as_of": "2018-06-01"},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200
    html = page.text
    assert "Members on 2018-06-01" in html
    assert "(sustainability and transformation partnership)</p>" in html
    assert html.count('class="badge presumed"') >= len(BLMK_PARTNERS)
    assert "last evidenced 2018-01-31" in html
    empty = httpx.get(
        f"{base}/partnerships/{BLMK}",
        params={"as_of": "2018-06-01", "evidenced_only": "true"},
        headers={"Accept": "text/html"},
    ).text
    assert "No members on 2018-06-01 that a document evidences on the day." in empty
