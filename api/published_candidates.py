"""The candidates a build published for the read-only candidates page.

A build writes ``candidates/index.json`` (documents and how many candidates each has)
and ``candidates/<stem>.json`` (the document's text and its candidates) into its folder
(:mod:`nhskg.graph.building.published_candidates`). They are read here as they were
written; a document is looked up in the index first, so only files the build wrote are
ever opened. A remote store has no build folder, and so no candidates.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

from nhskg.api.state import PublishedGraph
from nhskg.graph.mint import local_page
from nhskg.graph.query.lookup import OrganisationIndex

FOLDER = "candidates"
SECTION_NAMES = {"entities": "entity", "aliases": "alias", "statements": "statement"}


def _folder(graph: PublishedGraph) -> Path | None:
    return graph.lease.folder.path / FOLDER if graph.lease is not None else None


def candidate_counts(graph: PublishedGraph) -> dict[str, int]:
    """How many candidates each document has (only documents with some)."""
    folder = _folder(graph)
    index = folder / "index.json" if folder else None
    if index is None or not index.is_file():
        return {}
    counts: dict[str, int] = json.loads(index.read_text(encoding="utf-8"))
    return counts


def document_candidates(graph: PublishedGraph, identifier: str) -> dict[str, Any] | None:
    """The published candidates of one document (text and candidates); None without."""
    folder = _folder(graph)
    if folder is None or identifier not in candidate_counts(graph):
        return None
    stem = identifier.rsplit(".", 1)[0]
    page: dict[str, Any] = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    return page


WORDS = frozenset(("quote", "label", "name", "alias", "description", "title", "why"))


def named_refs(index: OrganisationIndex, record: dict[str, Any]) -> list[dict[str, str]]:
    """The organisations of the graph a record names by code or key (its fields but those
    of words: quote, label, name, ...), each once, in the record's order, with the name
    the graph gives it and its page: what a reviewer needs to see who "QK1" is."""
    values: list[str] = []
    for field, value in record.items():
        if field in WORDS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item and " " not in item and item not in values:
                values.append(item)
    out = []
    for value in values:
        found = index.codes.get(value.upper()) or (
            {index.keys[value.lower()]} if value.lower() in index.keys else set()
        )
        url = local_page(next(iter(found))) if len(found) == 1 else None
        if url:
            name = index.labels.get(next(iter(found)), value)
            out.append({"ref": value, "name": name, "url": url})
    return out


def text_parts(text: str, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut at every candidate's start and end: each piece with the candidates
    that cover it (their positions in ``candidates``, the shortest first: a quote inside
    another's is the one a piece of it links to, so that every candidate is reached from
    the text), and its start, the anchor ``p-START`` a candidate's entry links to."""
    cuts = sorted(
        {0, len(text)} | {c["start"] for c in candidates} | {c["end"] for c in candidates}
    )
    parts = []
    for a, b in pairwise(cuts):
        covering = sorted(
            (i for i, c in enumerate(candidates) if c["start"] <= a and b <= c["end"]),
            key=lambda i: (candidates[i]["end"] - candidates[i]["start"], i),
        )
        parts.append({"text": text[a:b], "start": a, "covering": covering})
    return parts
