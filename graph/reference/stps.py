"""NHS England regions, STPs and the ICBs they became.

Organisations are keyed by ODS code: an STP and the ICB that replaced it on
1 July 2022 share a Q-code, so they are one organisation whose classification
changes. ONS issued new codes when footprints changed; the files of 2020 onwards
pair ONS and ODS codes, and the 2018/2019 codes that do not reappear later are tied
to an ODS code through their footprint: the STP of 2020 that received most of their
CCGs (following CCG mergers). A code that cannot be tied (the three 2017/18 STPs
that merged in 2018) stays an organisation of its own, keyed by its ONS code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.common import RULE_ICB, clip, day_before, fail, period
from nhskg.graph.reference.model import (
    Classification,
    CodeLink,
    Landscape,
    Name,
    Organisation,
    Placement,
)
from nhskg.graph.reference.readers import Row

STP_CLASS = "SustainabilityAndTransformationPartnership"

# ONS-only sources of STP codes: (dataset, code column, name column or None)
ONS_ONLY: tuple[tuple[str, str, str | None], ...] = (
    ("su-stp18-names", "stp18cd", "stp18nm"),
    ("ons-ccg19-stp19", "STP19CD", "STP19NM"),
    ("derived-ccg18-stp18", "STP18CD", None),
    ("hf-trust-stp-2017-18", "STP_code", "STP"),
)
# Footprint tables used to tie an ONS-only STP code to an ODS code.
LINEAGE_TABLES = (
    ("ons-ccg19-stp19", "CCG19CDH", "STP19CD"),
    ("derived-ccg18-stp18", "CCG18CDH", "STP18CD"),
)


def read_regions(catalog: Catalog, land: Landscape) -> None:
    info = catalog.info("ons-stp20-nhser20")
    assert info.snapshot is not None
    for row, (ons, ods, name) in catalog.table("ons-stp20-nhser20").records(
        "NHSER20CD", "NHSER20CDH", "NHSER20NM"
    ):
        region = land.add(Organisation(key=ods, classes=("NHSEnglandRegion",), ods=ods))
        _note_code(land, region, ons, row)
        _add_name(region, name, row, info.snapshot)
    info18 = catalog.info("su-nhser18-names")
    assert info18.snapshot is not None
    for row, (ons, name) in catalog.table("su-nhser18-names").records("nhser18cd", "nhser18nm"):
        known_region = land.by_ons(ons)
        if known_region is None:
            raise fail(catalog, row, f"region {ons} is not in the 2020 ONS region lookup")
        _note_code(land, known_region, ons, row)
        _add_name(known_region, name, row, info18.snapshot)
    for org in land.organisations.values():
        if "NHSEnglandRegion" in org.classes:
            start = min(_period_start(catalog, r) for r in org.rows)
            org.known = (start, None)
            org.pref_label = _latest_name(org)
            org.classifications.append(
                Classification(
                    "nhs-england-region", None, None, (start, None), "reference", org.rows[:1]
                )
            )


def read_stps(catalog: Catalog, land: Landscape) -> None:
    rule = land.rules[RULE_ICB]
    # 1. Files that pair ONS and ODS codes.
    for dataset, cd, cdh, nm, is_icb in (
        ("ons-stp20-nhser20", "STP20CD", "STP20CDH", "STP20NM", False),
        ("ons-ccg20-stp20-nhser20", "STP20CD", "STP20CDH", "STP20NM", False),
        ("ons-ccg21-stp21", "STP21CD", "STP21CDH", "STP21NM", False),
        ("ons-icb24-names", "ICB24CD", "ICB24CDH", "ICB24NM", True),
    ):
        info = catalog.info(dataset)
        assert info.snapshot is not None
        for row, (ons, ods, name) in catalog.table(dataset).records(cd, cdh, nm):
            org = land.add(Organisation(key=ods, classes=(STP_CLASS,), ods=ods))
            if is_icb and "IntegratedCareBoard" not in org.classes:
                org.classes = (*org.classes, "IntegratedCareBoard")
            _note_code(land, org, ons, row)
            _add_name(org, name, row, info.snapshot)
    # 2. ONS-only codes: tie them to ODS codes through their footprints.
    for link in _lineage(catalog, land):
        land.code_links.append(link)
        land.ons_index[link.ons] = link.ods
    # 3. Names and codes from the ONS-only files; untied codes become organisations.
    for dataset, cd, name_col in ONS_ONLY:
        info = catalog.info(dataset)
        assert info.snapshot is not None
        columns = (cd, name_col) if name_col else (cd,)
        for row, values in catalog.table(dataset).records(*columns):
            ons = values[0]
            found = land.by_ons(ons)
            if found is None:
                found = land.add(Organisation(key=ons, classes=(STP_CLASS,)))
                land.ons_index[ons] = found.key
            org = found
            org.add_ons(ons, row)
            if row not in org.rows:
                org.rows.append(row)
            if name_col:
                _add_name(org, values[1], row, info.snapshot)
    # 4. Dates and classifications.
    last_stp_day = day_before(rule.date)
    for org in land.organisations.values():
        if STP_CLASS not in org.classes:
            continue
        org.pref_label = _latest_name(org)
        start = min(_period_start(catalog, r) for r in org.rows if _has_period(catalog, r))
        stp_rows = [r for r in org.rows if r.dataset != "ons-icb24-names"][:1]
        if "IntegratedCareBoard" in org.classes:
            icb_rows = [r for r in org.rows if r.dataset == "ons-icb24-names"]
            org.known = (start, None)
            org.classifications.append(
                Classification(
                    "stp",
                    None,
                    last_stp_day,
                    (start, last_stp_day),
                    "derived",
                    stp_rows,
                    [RULE_ICB],
                )
            )
            org.classifications.append(
                Classification(
                    "icb", rule.date, None, (rule.date, None), "derived", icb_rows, [RULE_ICB]
                )
            )
        else:
            end = max(_period_end(catalog, r) for r in org.rows if _has_period(catalog, r))
            org.known = (start, end)
            org.classifications.append(
                Classification(
                    "stp",
                    None,
                    None,
                    (start, end),
                    "reference",
                    stp_rows,
                    note="Listed only in the 2017/18 table; no later file carries this code.",
                )
            )


def read_stp_regions(catalog: Catalog, land: Landscape) -> None:
    """STP to NHS England region, 2018 (ONS codes) and 2020 (ODS codes)."""
    for dataset, stp_col, region_col in (
        ("su-stp18-nhser18", "stp18cd", "nhser18cd"),
        ("ons-stp20-nhser20", "STP20CDH", "NHSER20CDH"),
    ):
        span = period(catalog, dataset)
        for row, (stp_code, region_code) in catalog.table(dataset).records(stp_col, region_col):
            stp = land.get(stp_code) or land.by_ons(stp_code)
            region = land.get(region_code) or land.by_ons(region_code)
            if stp is None or region is None:
                raise fail(catalog, row, f"unknown STP {stp_code!r} or region {region_code!r}")
            known = clip(span, stp.known)
            if known is not None:
                land.placements.append(
                    Placement("RegionPlacement", stp.key, region.key, row, known)
                )


def _lineage(catalog: Catalog, land: Landscape) -> list[CodeLink]:
    """Tie each ONS-only STP code to the ODS-coded STP that received most of its CCGs."""
    stp_of_2020: dict[str, str] = {}
    for _row, (ccg, stp) in catalog.table("ons-ccg20-stp20-nhser20").records(
        "CCG20CDH", "STP20CDH"
    ):
        stp_of_2020[ccg] = stp
    successor: dict[str, str] = {}
    for row in catalog.table("ods-succ-2026", min_columns=4).rows:
        successor.setdefault(row[0], row[1])

    def stp_2020(ccg: str) -> str | None:
        seen = set()
        while ccg not in stp_of_2020 and ccg in successor and ccg not in seen:
            seen.add(ccg)
            ccg = successor[ccg]
        return stp_of_2020.get(ccg)

    members: dict[str, list[tuple[str, Row]]] = {}
    for dataset, ccg_col, stp_col in LINEAGE_TABLES:
        for row, (ccg, stp) in catalog.table(dataset).records(ccg_col, stp_col):
            if land.by_ons(stp) is None:
                members.setdefault(stp, []).append((ccg, row))
    links = []
    for ons, ccgs in sorted(members.items()):
        by_code = {c: r for c, r in ccgs}  # one vote per CCG, whichever table lists it
        votes = Counter(s for s in (stp_2020(c) for c in by_code) if s)
        if not votes:
            continue
        ods, count = votes.most_common(1)[0]
        if count * 2 <= len(by_code):
            continue
        note = (
            f"ONS code {ons} appears only in the 2018/2019 lookups. {count} of its "
            f"{len(by_code)} CCGs (or their successors) lie in STP {ods} in the April 2020 "
            f"lookup, so {ons} is taken as an earlier ONS code of {ods}."
        )
        links.append(
            CodeLink(ons, ods, note, sorted(by_code.values(), key=lambda r: (r.dataset, r.number)))
        )
    return links


def _note_code(land: Landscape, org: Organisation, ons: str, row: Row) -> None:
    org.add_ons(ons, row)
    land.ons_index[ons] = org.key
    if row not in org.rows:
        org.rows.append(row)


def _add_name(org: Organisation, name: str, row: Row, observed: dt.date) -> None:
    if not any(n.text == name and n.row.dataset == row.dataset for n in org.names):
        org.names.append(Name(name, row, observed))


def _latest_name(org: Organisation) -> str:
    return max(org.names, key=lambda n: (n.observed, n.row.dataset)).text


def _has_period(catalog: Catalog, row: Row) -> bool:
    return catalog.info(row.dataset).period is not None


def _period_start(catalog: Catalog, row: Row) -> dt.date:
    p = catalog.info(row.dataset).period
    assert p is not None
    return p[0]


def _period_end(catalog: Catalog, row: Row) -> dt.date:
    p = catalog.info(row.dataset).period
    assert p is not None
    return p[1]
