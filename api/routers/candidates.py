"""A document's candidates, read-only: ``/api/documents/{id}/candidates`` (JSON) and the
page ``/documents/{id}/candidates`` that shows the document's text with each candidate's
quote highlighted and the list of candidates beside it.

Candidates are records ``nhskg ingest`` proposes and nobody has accepted yet: they are
not in the graph. Nothing here changes them; the page says how to review them
(``nhskg review FILE``, in a terminal).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from nhskg.api.deps import Graph, rows
from nhskg.api.errors import ApiError
from nhskg.api.limits import TEXT_MAX
from nhskg.api.published_candidates import (
    SECTION_NAMES,
    candidate_counts,
    document_candidates,
    named_refs,
    text_parts,
)
from nhskg.api.routers.pages import render
from nhskg.api.state import PublishedGraph
from nhskg.graph.dates import parse_date

router = APIRouter(tags=["documents"])
Identifier = Annotated[
    str, Path(max_length=TEXT_MAX, description="the document's identifier (its file name)")
]


class NamedRef(BaseModel):
    ref: str = Field(description="the code or key as the record writes it")
    name: str = Field(
        description="the organisation's name on the document's day (its last possible day), "
        "or today's where the graph has no date for the document"
    )
    nameNow: str | None = Field(None, description="its name today, where that differs")
    url: str = Field(description="its page on this server")


class CandidateItem(BaseModel):
    key: str = Field(description="the candidate's stable key (what `nhskg review` takes)")
    section: str = Field(description="entities, aliases or statements")
    kind: str = Field(description="a statement's type, an entity's kind, or alias")
    confidence: float = Field(description="how sure the machine is, 0 to 1")
    why: str = Field(description="why it was proposed")
    summary: str = Field(description="one line saying what the record proposes")
    start: int = Field(description="where its quote starts in the text (a character offset)")
    end: int = Field(description="where its quote ends (exclusive)")
    quote: str = Field(description="the text from start to end")
    record: dict[str, Any] = Field(description="the record, as accepting would write it")
    recordYaml: str = Field(description="the record as YAML, as in the curated file")
    alternatives: list[Any] = Field(description="ranked alternatives (an ambiguous link's)")
    extra: dict[str, Any] = Field(description="anything else the proposal carries")
    refs: list[NamedRef] = Field(
        description="the codes and keys of the graph's organisations the record names"
    )


class DocumentCandidates(BaseModel):
    document: str
    title: str | None = Field(None, description="the document's title, when it is in the graph")
    review: str | None = Field(None, description="the command that reviews the candidates")
    text: str | None = Field(None, description="the document's text, which offsets index")
    candidates: list[CandidateItem]


def _document(graph: PublishedGraph, identifier: str) -> dict[str, Any] | None:
    for d in rows(graph.run("documents")):
        if str(d["identifier"]) == identifier:
            return d
    return None


def _day(document: dict[str, Any] | None) -> str | None:
    """The document's last possible day (its date, or the end of its period), as linking
    took it: the names a document can use are those in force when it was finished."""
    written = document and (document.get("until") or document.get("date"))
    return parse_date(str(written)).last.isoformat() if written else None


def _names_on(graph: PublishedGraph, refs: list[dict[str, str]], day: str | None) -> None:
    """Each organisation named as it was on the document's day, today's name beside it."""
    if day is None:
        return
    for ref in refs:
        found = rows(graph.run("name-on", {"code": ref["ref"], "as_of": day}))
        if len(found) == 1 and found[0].get("name"):
            ref["name"] = str(found[0]["name"])
            now = str(found[0].get("currentName") or "")
            if now and now != ref["name"]:
                ref["nameNow"] = now


def _lookup(graph: PublishedGraph, identifier: str) -> dict[str, Any]:
    document = _document(graph, identifier)
    title = str(document["title"]) if document else None
    page = document_candidates(graph, identifier)
    if page is None and title is None:
        raise ApiError(
            404,
            "unknown document",
            f"no source document {identifier!r}",
            parameter="identifier",
            suggestions=sorted(candidate_counts(graph)),
        )
    page = page or {"document": identifier, "candidates": []}
    for candidate in page["candidates"]:
        candidate["refs"] = named_refs(graph.index, candidate["record"])
        _names_on(graph, candidate["refs"], _day(document))
    return {**page, "title": title}


@router.get(
    "/api/documents/{identifier}/candidates",
    response_model=DocumentCandidates,
    summary="A document's candidate records (proposed, not accepted)",
)
def candidates_json(graph: Graph, identifier: Identifier) -> dict[str, Any]:
    """The records `nhskg ingest` proposed for a document and nobody has accepted yet
    (none of them is in the graph), each with its confidence, why it was proposed, its
    quote's offsets in the document's text, and its alternatives; with the text and the
    command that reviews them. An empty list when the document has none."""
    page = _lookup(graph, identifier)
    return {k: page.get(k) for k in ("document", "title", "review", "text", "candidates")}


@router.get(
    "/documents/{identifier}/candidates", response_class=HTMLResponse, include_in_schema=False
)
def candidates_page(request: Request, graph: Graph, identifier: Identifier) -> HTMLResponse:
    page = _lookup(graph, identifier)
    candidates = page["candidates"]
    sections = sorted({c["section"] for c in candidates}, key=list(SECTION_NAMES).index)
    return render(
        request,
        "candidates.html",
        page=page,
        candidates=candidates,
        parts=text_parts(page.get("text") or "", candidates),
        sections=[(s, SECTION_NAMES[s]) for s in sections],
        names=SECTION_NAMES,
    )
