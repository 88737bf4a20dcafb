"""Assemble the national reference landscape from every reference file.

The order matters only where one family needs another: CCGs first (their ONS codes
index the footprint tables), then regions and STPs (whose older ONS codes are tied
to ODS codes through CCG footprints), then footprints, trusts, placements and
change events.
"""

from __future__ import annotations

from pathlib import Path

from nhskg.graph.reference.catalog import Catalog, load_catalog
from nhskg.graph.reference.ccgs import read_ccgs, read_sub_icb_parents
from nhskg.graph.reference.changes import read_changes, read_icb_transfers
from nhskg.graph.reference.footprints import read_footprints
from nhskg.graph.reference.model import Landscape
from nhskg.graph.reference.stps import read_regions, read_stp_regions, read_stps
from nhskg.graph.reference.trusts import read_trust_placements, read_trusts


def read_landscape(catalog: Catalog) -> Landscape:
    land = Landscape(rules=catalog.rules())
    read_ccgs(catalog, land)
    read_regions(catalog, land)
    read_stps(catalog, land)
    read_sub_icb_parents(catalog, land)
    read_stp_regions(catalog, land)
    read_footprints(catalog, land)
    read_trusts(catalog, land)
    read_trust_placements(catalog, land)
    read_changes(catalog, land)
    read_icb_transfers(catalog, land)
    return land


def load_landscape(reference_folder: Path) -> tuple[Catalog, Landscape]:
    catalog = load_catalog(reference_folder)
    return catalog, read_landscape(catalog)
