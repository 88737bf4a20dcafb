"""NHS trusts from the three ODS trust lists, and where they sit.

Each trust keeps the name every list gives it (names over time), its open and
close dates (from the latest list, which holds every code), its types, and its
placements: headquarters STP from the Health Foundation 2017/18 table and the
March 2020 list, headquarters ICB from the December 2024 list, and NHS England
region from the 2020 and 2024 lists.

Types: every trust is an NHS trust over its lifetime; a foundation trust while a
list's name says so; an ambulance trust when its name says so; an acute trust
during 2017/18 when the Health Foundation table (acute trusts only) lists it.
"""

from __future__ import annotations

from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.common import clip, fail, ods_date, period
from nhskg.graph.reference.model import Classification, Landscape, Name, Organisation, Placement
from nhskg.graph.reference.names import title_case

ETR_FILES = ("ods-etr-c2015", "ods-etr-2020", "ods-etr-2024")
LATEST = "ods-etr-2024"


def _is_foundation_trust(name: str) -> bool:
    upper = name.upper()
    return "FOUNDATION TRUST" in upper or upper.endswith(" NHS FT")


def read_trusts(catalog: Catalog, land: Landscape) -> None:
    opened_by: dict[str, tuple[str, str]] = {}
    for dataset in ETR_FILES:
        info = catalog.info(dataset)
        assert info.snapshot is not None
        for row in catalog.table(dataset, min_columns=12).rows:
            org = land.add(Organisation(key=row[0], classes=("NHSTrust",), ods=row[0]))
            org.rows.append(row)
            org.names.append(Name(row[1], row, info.snapshot))
            opened = row[10]
            if opened:
                earlier = opened_by.get(org.key)
                if earlier and earlier[0] != opened:
                    raise fail(
                        catalog,
                        row,
                        f"trust {org.key} opens on {opened} here "
                        f"but on {earlier[0]} in {earlier[1]}",
                    )
                opened_by[org.key] = (opened, dataset)
            if dataset == LATEST:
                org.opened = ods_date(row, 10, catalog)
                org.closed = ods_date(row, 11, catalog)
    hf_rows = {row[2]: row for row in catalog.table("hf-trust-stp-2017-18", min_columns=5).rows}
    hf_span = period(catalog, "hf-trust-stp-2017-18")
    for org in land.organisations.values():
        if "NHSTrust" not in org.classes:
            continue
        if not any(r.dataset == LATEST for r in org.rows):
            raise fail(
                catalog, org.rows[0], f"trust {org.key} is missing from the latest trust list"
            )
        org.known = org.lifetime()
        latest = max(org.names, key=lambda n: n.observed)
        org.pref_label = title_case(latest.text)
        latest_row = next(r for r in org.rows if r.dataset == LATEST)
        org.classifications.append(
            Classification(
                "nhs-trust", org.opened, org.closed, org.lifetime(), "reference", [latest_row]
            )
        )
        ft_names = [n for n in org.names if _is_foundation_trust(n.text)]
        if ft_names:
            first = min(n.observed for n in ft_names)
            last = max(n.observed for n in ft_names)
            org.classifications.append(
                Classification(
                    "foundation-trust",
                    None,
                    None,
                    (first, last),
                    "derived",
                    [n.row for n in ft_names],
                    note="The name in these ODS lists says it is a foundation trust.",
                )
            )
        if any("AMBULANCE" in n.text.upper() for n in org.names):
            org.classifications.append(
                Classification(
                    "ambulance-trust",
                    None,
                    None,
                    org.lifetime(),
                    "derived",
                    [latest_row],
                    note="The name in the ODS list says it is an ambulance service.",
                )
            )
        hf = hf_rows.get(org.key)
        if hf is not None:
            known = clip(hf_span, org.lifetime())
            if known is not None:
                org.classifications.append(
                    Classification(
                        "acute-trust",
                        None,
                        None,
                        known,
                        "reference",
                        [hf],
                        note="The Health Foundation 2017/18 table lists acute trusts only.",
                    )
                )
                org.rows.append(hf)
    for code in hf_rows:
        if land.get(code) is None:
            raise fail(catalog, hf_rows[code], f"trust {code} is in no ODS trust list")


def read_trust_placements(catalog: Catalog, land: Landscape) -> None:
    """Headquarters STP/ICB and NHS England region of each trust, per list."""
    for dataset in ("ods-etr-2020", "ods-etr-2024"):
        span = period(catalog, dataset)
        for row in catalog.table(dataset, min_columns=12).rows:
            trust = land.get(row[0])
            assert trust is not None
            known = clip(span, trust.lifetime())
            if known is None:
                continue  # closed before the year this list describes
            region = land.get(row[2])
            if region is not None and "NHSEnglandRegion" in region.classes:
                land.placements.append(
                    Placement("RegionPlacement", trust.key, region.key, row, known)
                )
            area = land.get(row[3])
            # Closed trusts can keep a 2013-2016 area team code here: only STP/ICB codes count.
            if area is not None and "SustainabilityAndTransformationPartnership" in area.classes:
                land.placements.append(
                    Placement("HeadquartersPlacement", trust.key, area.key, row, known)
                )
    span = period(catalog, "hf-trust-stp-2017-18")
    for row, (code, stp_code) in catalog.table("hf-trust-stp-2017-18").records("code", "STP_code"):
        trust = land.get(code)
        stp = land.by_ons(stp_code)
        if trust is None or stp is None:
            raise fail(catalog, row, f"unknown trust {code!r} or STP {stp_code!r}")
        known = clip(span, trust.lifetime())
        if known is not None:
            land.placements.append(
                Placement("HeadquartersPlacement", trust.key, stp.key, row, known)
            )
