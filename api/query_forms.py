"""What the query pages need to draw a named query's form: its parameters as inputs of
the right kind, and the choices the graph offers for them.

An ``org`` parameter gets a text input with a list of suggestions (an HTML
``<datalist>``: partnerships for a ``partnership``, STPs and ICBs for an ``stp``, every
organisation otherwise), whose values are the codes (or keys) the query resolves; a
``document`` parameter a ``<select>`` of the documents' titles, whose values are their
identifiers; an ``orgtype`` a ``<select>`` of the graph's organisation types. The
choices are read once per build (the published graph caches named queries' answers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nhskg.api.deps import rows
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.named_queries import GROUPS, Param, QueryFile

OTHER_GROUP = "Other queries"
# Which suggestion list an org parameter offers, by the parameter's name.
LIST_OF_PARAM = {"partnership": "partnerships", "stp": "stps"}
STP_TYPES = ("stp", "icb")


@dataclass(frozen=True)
class Field:
    """One input of a query's form."""

    name: str
    label: str
    type: str
    required: bool
    description: str
    control: str  # text, org, document, orgtype, date, year, boolean
    suggestions: str | None = None  # the id of the datalist an org input offers


def field_of(param: Param) -> Field:
    control = param.type if param.type in ("org", "document", "orgtype", "date", "year") else ""
    if param.type == "boolean":
        control = "boolean"
    return Field(
        name=param.name,
        label=param.name.replace("_", " ").capitalize(),
        type=param.type,
        required=param.required,
        description=param.description,
        control=control or "text",
        suggestions=LIST_OF_PARAM.get(param.name, "organisations") if control == "org" else None,
    )


def form_of(query: QueryFile) -> dict[str, Any]:
    """A named query as its form shows it."""
    header = query.header
    return {
        "name": query.name,
        "title": header.title,
        "description": header.description,
        "summary": first_sentence(header.description),
        "rest": header.description[len(first_sentence(header.description)) :].strip(),
        "group": header.group or OTHER_GROUP,
        "fields": [field_of(p) for p in header.params],
    }


def first_sentence(text: str) -> str:
    """The description up to its first full stop followed by a space (or all of it)."""
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def grouped(library: Mapping[str, QueryFile]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The library's forms by group, groups in task order (:data:`GROUPS`), then any
    query with no group; within a group, by title."""
    forms = [form_of(q) for q in library.values()]
    order = [*GROUPS, OTHER_GROUP]
    return [
        (group, sorted((f for f in forms if f["group"] == group), key=lambda f: f["title"]))
        for group in order
        if any(f["group"] == group for f in forms)
    ]


def every_name(index: OrganisationIndex, iris: set[str]) -> list[tuple[str, str]]:
    """(code, name) for each name of each organisation, sorted by name."""
    return sorted(
        {
            (index.code_of[iri], name)
            for iri in iris
            if iri in index.code_of
            for name in {index.labels.get(iri, ""), *index.names_of(iri)} - {""}
        },
        key=lambda pair: pair[1].lower(),
    )


def choices(graph: PublishedGraph, forms: list[dict[str, Any]]) -> dict[str, Any]:
    """The suggestion lists and options the given forms' inputs need, and only those."""
    fields = [f for form in forms for f in form["fields"]]
    needed = {f.suggestions for f in fields if f.suggestions}
    index = graph.index
    lists: dict[str, list[tuple[str, str]]] = {}
    if "organisations" in needed:
        lists["organisations"] = sorted(
            ((index.code_of[iri], name) for iri, name in index.labels.items()),
            key=lambda pair: pair[1].lower(),
        )
    if "partnerships" in needed or "stps" in needed:
        # A partnership or STP is offered under every name it has had (BCT is QK1, today
        # an ICB's name), so typing any of them finds it; organisations under one name.
        parts = {str(r["partnership"]) for r in rows(graph.run("partnerships"))}
        stps = {
            str(r["org"])
            for kind in STP_TYPES
            for r in rows(graph.run("organisations", {"type": kind}))
        }
        if "stps" in needed:
            lists["stps"] = every_name(index, stps)
        if "partnerships" in needed:
            lists["partnerships"] = every_name(index, parts | stps)
    documents = []
    if any(f.control == "document" for f in fields):
        documents = [
            (str(d["identifier"]), f"{d['title']} ({d['date']})" if d.get("date") else d["title"])
            for d in rows(graph.run("documents"))
        ]
    orgtypes = sorted(graph.service.orgtypes) if any(f.control == "orgtype" for f in fields) else []
    return {"lists": lists, "documents": documents, "orgtypes": orgtypes}
