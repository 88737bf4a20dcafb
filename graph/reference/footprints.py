"""CCG-to-STP footprints by year, from the ONS lookups (2018 derived, 2019, 2020, 2021).

Each lookup row places a CCG in an STP's footprint for the NHS year the lookup
describes (see the periods in datasets.yaml), clipped to the CCG's open and close
dates. This is geography, not partnership membership.
"""

from __future__ import annotations

from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.common import clip, fail, period
from nhskg.graph.reference.model import Landscape, Placement

FOOTPRINT_TABLES = (
    ("derived-ccg18-stp18", "CCG18CDH", "STP18CD"),
    ("ons-ccg19-stp19", "CCG19CDH", "STP19CD"),
    ("ons-ccg20-stp20-nhser20", "CCG20CDH", "STP20CDH"),
    ("ons-ccg21-stp21", "CCG21CDH", "STP21CDH"),
)


def read_footprints(catalog: Catalog, land: Landscape) -> None:
    for dataset, ccg_col, stp_col in FOOTPRINT_TABLES:
        span = period(catalog, dataset)
        for row, (ccg_code, stp_code) in catalog.table(dataset).records(ccg_col, stp_col):
            ccg = land.get(ccg_code)
            stp = land.get(stp_code) or land.by_ons(stp_code)
            if ccg is None:
                raise fail(catalog, row, f"unknown CCG code {ccg_code!r}")
            if stp is None:
                raise fail(catalog, row, f"unknown STP code {stp_code!r}")
            known = clip(span, ccg.lifetime())
            if known is not None:
                land.placements.append(
                    Placement("FootprintPlacement", ccg.key, stp.key, row, known)
                )
