"""Names for what an area page lists (graph/network/area.py): the label, description
or purpose, kind of decision and what was submitted of each body or statement, read
with ``queries/internal/area-details.rq`` for the IRIs asked about (a VALUES block of
IRIs written by pyoxigraph); and, for a body with no label of its own (joint working,
a submission), a name from its kind and what it is about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nhskg.graph.network.fetch import NetworkData
from nhskg.graph.query.named_queries import bind_statements, load_query_file
from nhskg.graph.query.store import GraphStore, SelectResult


def details(store: GraphStore, queries_dir: Path, iris: list[str]) -> dict[str, tuple[str, ...]]:
    """Label, description, kind and submitted ("" where none) of each IRI with any."""
    if not iris:
        return {}
    text = load_query_file(queries_dir / "internal" / "area-details.rq").text
    result = store.query(bind_statements(text, iris))
    assert isinstance(result, SelectResult)
    return {
        row[0].value: tuple(t.value if t is not None else "" for t in row[1:])
        for row in result.rows
        if row[0] is not None
    }


def _generic(data: NetworkData, iri: str) -> bool:
    """Whether a body has no label of its own (joint working, a submission): the
    network names it by its class."""
    info = data.nodes.get(iri)
    return info is None or info.label == info.class_label


def better_names(
    data: NetworkData, store: GraphStore, queries_dir: Path, iris: list[str]
) -> dict[str, str]:
    """A name for each body with no label of its own: its kind and what it submitted,
    or its kind and its description or purpose (cut at 100 characters)."""
    wanted = sorted({i for i in iris if _generic(data, i)})
    named = {}
    for iri, (_label, description, _kind, submitted) in details(store, queries_dir, wanted).items():
        what = submitted or description
        if what:
            kind = data.nodes[iri].class_label if iri in data.nodes else ""
            what = what if len(what) <= 100 else what[:99].rstrip() + "…"
            named[iri] = f"{kind}: {what}" if kind else what
    return named


def rename(view: dict[str, Any], named: dict[str, str]) -> None:
    """Give the bodies the view names the names :func:`better_names` found."""
    for row in view["ties"]:
        row["body"] = named.get(row["bodyIri"], row["body"])
    for pair in view["pairs"]:
        for body in pair["bodies"]:
            body["name"] = named.get(body["iri"], body["name"])
    for row in view["work"]:
        row["label"] = row["label"] or named.get(row["statement"], "")
