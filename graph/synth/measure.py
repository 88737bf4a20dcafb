"""What a data folder's curated papers look like, real or synthetic: the figures the generator
follows and the tests compare.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from nhskg.graph.curated.schema import STATEMENTS
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.synth.vocabulary import CATEGORIES, NOT_ORGANISATIONS

LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # scalars stay text, as nhskg reads them


def _shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values()) or 1
    return {k: round(v / total, 4) for k, v in counts.most_common()}


def _per_record(papers: list[dict[str, Any]], section: str) -> float:
    quotes = [r.get("quote") for paper in papers for r in paper.get(section) or []]
    return round(sum(len(q) if isinstance(q, list) else 1 for q in quotes) / (len(quotes) or 1), 2)


def profile(data_dir: Path) -> dict[str, Any]:
    """What a data folder's curated papers look like: the figures the generator follows.

    Statements per document and the share of each statement type; the share of each
    organisation type among the organisations that statements refer to (reference classes
    and entity kinds grouped as in ``CATEGORIES``, with other organisations as
    ``other-body``; people, papers, sites and stated groups left out); for each
    organisation that is a member of a partnership (an STP/ICS or a curated partnership or
    collaborative), how many it belongs to; quotes per record; and the documents' years.
    """
    _, land = load_landscape(data_dir / "reference")
    papers = [
        yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {}
        for path in sorted((data_dir / "curated").glob("*.yaml"))
    ]
    kinds = {e["key"]: e["kind"] for paper in papers for e in paper.get("entities") or []}

    def category(ref: Any) -> str | None:
        org = (land.get(ref) or land.by_ons(ref)) if isinstance(ref, str) else None
        if org is not None:
            return CATEGORIES.get(org.classes[0])
        kind = kinds.get(ref) if isinstance(ref, str) else None
        return None if kind in (None, *NOT_ORGANISATIONS) else CATEGORIES.get(kind, "other-body")

    refs = {
        t: [f for f, spec in s.fields.items() if spec.kind in ("ref", "refs")]
        for t, s in STATEMENTS.items()
    }
    types: Counter[str] = Counter()
    orgs: Counter[str] = Counter()
    joined: dict[str, set[str]] = defaultdict(set)
    sizes = []
    for paper in papers:
        sizes.append(len(paper.get("statements") or []))
        for s in paper.get("statements") or []:
            types[s.get("type")] += 1
            for name in refs.get(s.get("type"), []):
                value = s.get(name)
                orgs.update(
                    c for r in (value if isinstance(value, list) else [value]) if (c := category(r))
                )
            partnership = category(s.get("organization")) in ("stp-ics", "partnership")
            if s.get("type") == "membership" and partnership and category(s.get("member")):
                joined[s["member"]].add(s["organization"])
    meta = yaml.load(
        (data_dir / "sources" / "documents.yaml").read_text(encoding="utf-8"), Loader=LOADER
    )
    years = Counter(
        str(d.get("date") or d.get("date_from"))[:4] for d in meta.get("documents") or []
    )
    belong = Counter(len(v) for v in joined.values())
    n = len(papers) or 1
    return {
        "documents": len(papers),
        "statements_per_document": {
            "mean": round(sum(sizes) / n, 1),
            "min": min(sizes, default=0),
            "max": max(sizes, default=0),
        },
        "entities_per_document": round(sum(len(p.get("entities") or []) for p in papers) / n, 1),
        "aliases_per_document": round(sum(len(p.get("aliases") or []) for p in papers) / n, 1),
        "quotes_per_statement": _per_record(papers, "statements"),
        "quotes_per_entity": _per_record(papers, "entities"),
        "statement_types": _shares(types),
        "organisation_types": _shares(orgs),
        "partnerships_per_organisation": {
            "organisations": len(joined),
            "mean": round(sum(k * v for k, v in belong.items()) / (len(joined) or 1), 2),
            "max": max(belong, default=0),
            "counts": dict(sorted(belong.items())),
        },
        "years": dict(sorted(years.items())),
    }
