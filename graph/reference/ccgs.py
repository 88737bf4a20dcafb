"""Clinical commissioning groups, 2013-2022, from the ODS CCG file and the ONS names.

Every CCG in the ODS eccg file (open or closed) becomes an organisation with its
open and close dates. CCG-era names come from the ONS files of 2018-2021; a CCG
closed before 2018 keeps its ODS name. A CCG still open on 30 June 2022 continued
under its code as a sub-ICB location of an ICB from 1 July 2022.
"""

from __future__ import annotations

from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.common import RULE_ICB, clip, day_before, fail, ods_date, period
from nhskg.graph.reference.model import Classification, Landscape, Name, Organisation, Placement
from nhskg.graph.reference.names import title_case

CCG_ROLES = {"", "RO319", "RO319|RO326"}
SUB_ICB_ROLES = {"RO319", "RO319|RO326"}

ONS_NAME_FILES = (
    ("ons-ccg18-names", "CCG18CD", "CCG18CDH", "CCG18NM"),
    ("ons-ccg19-stp19", "CCG19CD", "CCG19CDH", "CCG19NM"),
    ("ons-ccg20-stp20-nhser20", "CCG20CD", "CCG20CDH", "CCG20NM"),
    ("ons-ccg21-stp21", "CCG21CD", "CCG21CDH", "CCG21NM"),
)


def read_ccgs(catalog: Catalog, land: Landscape) -> None:
    rule = land.rules[RULE_ICB]
    last_ccg_day = day_before(rule.date)
    eccg = catalog.table("ods-eccg-2024", min_columns=14)
    eccg_info = catalog.info("ods-eccg-2024")
    assert eccg_info.snapshot is not None
    for row in eccg.rows:
        if row[13] not in CCG_ROLES:
            continue
        opened = ods_date(row, 10, catalog)
        closed = ods_date(row, 11, catalog)
        if opened is None:
            raise fail(catalog, row, "a CCG without an open date")
        if opened >= rule.date:
            continue  # not a CCG: opened after CCGs were abolished
        sub_icb = row[13] in SUB_ICB_ROLES
        classes = (
            ("ClinicalCommissioningGroup", "SubICBLocation")
            if sub_icb
            else ("ClinicalCommissioningGroup",)
        )
        org = land.add(
            Organisation(key=row[0], classes=classes, ods=row[0], opened=opened, closed=closed)
        )
        org.known = (opened, closed)
        org.rows.append(row)
        org.names.append(Name(row[1], row, eccg_info.snapshot))
        if closed is not None and closed <= last_ccg_day:
            end, basis, rules = closed, "reference", []
        else:
            end, basis, rules = last_ccg_day, "derived", [RULE_ICB]
        org.classifications.append(
            Classification("ccg", opened, end, (opened, end), basis, [row], rules)
        )
        if sub_icb:
            org.classifications.append(
                Classification(
                    "sub-icb-location",
                    rule.date,
                    closed,
                    (rule.date, closed),
                    "derived",
                    [row],
                    [RULE_ICB],
                    note="Open on 30 June 2022 with ODS role RO319 (sub-ICB location).",
                )
            )
    for dataset, cd, cdh, nm in ONS_NAME_FILES:
        info = catalog.info(dataset)
        assert info.snapshot is not None
        for row, (ons, ods, name) in catalog.table(dataset).records(cd, cdh, nm):
            if not ons.startswith("E"):
                continue  # Welsh, Scottish and Northern Irish equivalents
            ccg = land.get(ods)
            if ccg is None:
                raise fail(catalog, row, f"CCG {ods} ({ons}) is not in the ODS CCG file")
            ccg.add_ons(ons, row)
            land.ons_index[ons] = ccg.key
            ccg.names.append(Name(name, row, info.snapshot))
            ccg.rows.append(row)
    for org in land.organisations.values():
        if "ClinicalCommissioningGroup" not in org.classes:
            continue
        ons_names = [n for n in org.names if n.row.dataset != "ods-eccg-2024"]
        latest = max(ons_names, key=lambda n: n.observed) if ons_names else org.names[0]
        org.pref_label = title_case(latest.text)


def read_sub_icb_parents(catalog: Catalog, land: Landscape) -> None:
    """Each sub-ICB location's ICB, as the 2024 ODS CCG file gives it (column 4)."""
    span = period(catalog, "ods-eccg-2024")
    for row in catalog.table("ods-eccg-2024", min_columns=14).rows:
        if row[13] not in SUB_ICB_ROLES:
            continue
        org = land.get(row[0])
        icb = land.get(row[3])
        if org is None or icb is None:
            raise fail(catalog, row, f"sub-ICB location {row[0]} names unknown ICB {row[3]!r}")
        known = clip(span, org.lifetime())
        if known is not None:
            land.placements.append(Placement("ParentPlacement", org.key, icb.key, row, known))
