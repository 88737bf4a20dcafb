"""Search across the graph: organisations (names, former names, aliases, codes), the
documents' text, people and sites.

Organisations come from the organisation index (forgiving of case, punctuation and
small typos). Everything else is read once per build from internal queries
(``queries/internal/search-*.rq``) into a :class:`SearchIndex` kept beside the build,
then matched here in Python: the words of the search in order, any case, any
whitespace between them, the first at the start of a word. A hit in a document's text
inside a quoted passage links to that passage on the document's page
(``/documents/ID#q-START``, the anchor the page gives the piece of a passage that
starts there); a hit elsewhere, to the document.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from nhskg.api.state import PublishedGraph
from nhskg.graph.mint import local_page
from nhskg.graph.network.fetch import internal_rows

KINDS = ("organisations", "passages", "people", "sites")
SNIPPET = 90  # characters of context either side of a hit in a document


@dataclass
class Document:
    identifier: str
    title: str
    date: str
    text: str
    passages: list[tuple[int, int]] = field(default_factory=list)  # quoted spans
    cuts: list[int] = field(default_factory=list)  # where the page cuts the text into parts


@dataclass
class SearchIndex:
    documents: list[Document] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)


_indexes: WeakKeyDictionary[PublishedGraph, SearchIndex] = WeakKeyDictionary()
_lock = threading.Lock()


def local(iri: str) -> str:
    """Our page for an IRI of ours (mint.local_page), else the IRI itself."""
    return local_page(iri) or iri


def index_of(graph: PublishedGraph) -> SearchIndex:
    """The search index of this build, read on first use."""
    with _lock:
        found = _indexes.get(graph)
    if found is not None:
        return found
    store, queries = graph.service.store, graph.settings.queries_dir
    index = SearchIndex()
    documents: dict[str, Document] = {}
    for row in internal_rows(store, queries, "search-documents"):
        identifier = str(row["document"])
        documents[identifier] = Document(
            identifier, row["title"] or identifier, row["date"] or "", str(row["text"])
        )
    for row in internal_rows(store, queries, "search-passages"):
        document = documents.get(str(row["document"]))
        if document is not None:
            document.passages.append((int(str(row["start"])), int(str(row["end"]))))
    for document in documents.values():
        document.passages.sort()
        document.cuts = sorted(
            {0, *(s for s, _ in document.passages), *(e for _, e in document.passages)}
        )
    index.documents = sorted(documents.values(), key=lambda d: (d.date, d.identifier))
    people: dict[str, dict[str, Any]] = {}
    for row in internal_rows(store, queries, "search-people"):
        person = people.setdefault(
            str(row["person"]),
            {"name": row["name"], "href": local(str(row["person"])), "posts": []},
        )
        if row["post"] and row["org"]:
            post = {
                "post": row["post"],
                "organisation": row["orgName"],
                "href": local(str(row["org"])),
            }
            if post not in person["posts"]:
                person["posts"].append(post)
    index.people = sorted(people.values(), key=lambda p: str(p["name"]))
    sites: dict[str, dict[str, Any]] = {}
    for row in internal_rows(store, queries, "search-sites"):
        site = sites.setdefault(
            str(row["site"]),
            {
                "name": row["name"],
                "href": local(str(row["site"])),
                "aliases": [],
                "organisation": row["orgName"],
                "organisationHref": local(str(row["org"])),
            },
        )
        if row["alias"] and row["alias"] not in site["aliases"]:
            site["aliases"].append(row["alias"])
    index.sites = sorted(sites.values(), key=lambda s: str(s["name"]))
    with _lock:
        _indexes[graph] = index
    return index


def pattern(q: str) -> re.Pattern[str]:
    """The words of ``q`` in order, any case, any whitespace between them, the first
    at the start of a word (``trust`` finds "Trusts", not "entrusted")."""
    words = r"\s+".join(re.escape(w) for w in q.split())
    return re.compile(r"(?<!\w)" + words, re.IGNORECASE)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """About SNIPPET characters before and after a hit, cut at whole words, with an
    ellipsis where the text goes on; whitespace runs shown as one space."""
    before, after = text[max(0, start - SNIPPET) : start], text[end : end + SNIPPET]
    if start > SNIPPET:
        before = "…" + before.split(" ", 1)[-1]
    if end + SNIPPET < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return " ".join(before.split()) + (" " if before[-1:].isspace() else ""), (
        (" " if after[:1].isspace() else "") + " ".join(after.split())
    )


def passages(index: SearchIndex, q: str) -> list[dict[str, Any]]:
    """Every place the documents' text says ``q``, with its context and a link."""
    found = []
    words = pattern(q)
    for document in index.documents:
        for match in words.finditer(document.text):
            start, end = match.span()
            quoted = any(s <= start < e for s, e in document.passages)
            part = document.cuts[bisect.bisect_right(document.cuts, start) - 1]
            before, after = context(document.text, start, end)
            found.append(
                {
                    "document": document.identifier,
                    "title": document.title,
                    "date": document.date,
                    "start": start,
                    "quoted": quoted,
                    "before": before,
                    "match": match.group(0),
                    "after": after,
                    "href": f"/documents/{document.identifier}" + (f"#q-{part}" if quoted else ""),
                }
            )
    return found


def people(index: SearchIndex, q: str) -> list[dict[str, Any]]:
    """People whose name, or a post they hold, or its organisation, says ``q``."""
    words = pattern(q)
    return [
        p
        for p in index.people
        if words.search(str(p["name"]))
        or any(words.search(f"{x['post']} {x['organisation']}") for x in p["posts"])
    ]


def sites(index: SearchIndex, q: str) -> list[dict[str, Any]]:
    """Sites whose name or another name says ``q``."""
    words = pattern(q)
    return [s for s in index.sites if any(words.search(str(n)) for n in [s["name"], *s["aliases"]])]
