"""What curated records may refer to: the landscape's codes, change events and close
dates, the concept schemes of the ontology, and the rows of the reference datasets."""

from __future__ import annotations

from pathlib import Path

from nhskg.graph.concepts import concept_keys
from nhskg.graph.curated.loader import Context
from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.model import Landscape


def build_context(catalog: Catalog, land: Landscape, ontology_dir: Path) -> Context:
    rows = {}
    for info in catalog.datasets.values():
        if info.file.endswith(".csv"):
            text = (catalog.folder / info.file).read_text(encoding="utf-8-sig")
            rows[info.id] = text.splitlines()
    changes = {f"{c.date.isoformat()}/{c.resulting}" for c in land.changes}
    closed_by = {
        original: f"{c.date.isoformat()}/{c.resulting}"
        for c in sorted(land.changes, key=lambda c: c.date)
        for original in c.originals
        if original != c.resulting
    }
    closures = {
        key: (org.closed, closed_by.get(key))
        for key, org in land.organisations.items()
        if org.closed is not None
    }
    return Context(
        org_codes=set(land.organisations),
        ons_to_org=dict(land.ons_index),
        changes=changes,
        concepts=concept_keys(ontology_dir),
        dataset_rows=rows,
        closures=closures,
    )
