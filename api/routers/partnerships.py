"""/api/partnerships: partnerships and programmes with their members and their work."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from nhskg.api import browse
from nhskg.api.deps import (
    AsOf,
    EvidencedOnly,
    Graph,
    code_of,
    on_the_day,
    resolve_org,
    rows,
)
from nhskg.api.limits import KEY_MAX, TEXT_MAX
from nhskg.api.models import PartnershipDetail, PartnershipSummary
from nhskg.api.routers.organisations import name_on_day, statement_kinds
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.named_queries import to_term

router = APIRouter(prefix="/api/partnerships", tags=["partnerships"])


@router.get("", response_model=list[PartnershipSummary], summary="Partnerships")
def partnerships(
    graph: Graph,
    type: Annotated[
        str | None,
        Query(
            max_length=KEY_MAX, pattern=r"^[a-z][a-z0-9-]*$", description="organisation type key"
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """Every partnership, programme, board or group with members, with how many are stated
    by a document, how many resolved from reference data, and how many documents state them."""
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "type": r.get("types", ""),
            "members": r["members"],
            "stated": r["stated"],
            "resolved": r["resolved"],
            "documents": r["documents"],
            "url": f"/api/partnerships/{r['code']}",
        }
        for r in _listed(graph, type)
    ]


def _listed(graph: PublishedGraph, type: str | None) -> list[dict[str, Any]]:
    """The `partnerships` named query's rows: its published answer, narrowed for a type
    (checked as the query checks it) to the bodies the facet index gives that type or a
    narrower one (:mod:`nhskg.api.browse`), as the query narrows them."""
    listed = rows(graph.run("partnerships"))
    if type is None:
        return listed
    param = graph.service.query_file("partnerships").header.param("type")
    assert param is not None
    to_term(param, type, None, graph.service.orgtypes)  # an unknown type is refused
    index = browse.facets_of(graph)
    return [r for r in listed if type in index.of(str(r["partnership"]), "type")]


@router.get("/{id}", response_model=PartnershipDetail, summary="One partnership")
def partnership(
    graph: Graph,
    id: Annotated[str, Path(max_length=TEXT_MAX, description="code, key, name or alias")],
    as_of: AsOf = None,
    evidenced_only: EvidencedOnly = False,
) -> dict[str, Any]:
    """Members (roles, periods, stated or resolved with the group they were resolved from,
    evidence), programme offices, workstreams, consultations, events and people; risks
    (RAG status), milestones (target date), funding, estimated funding gaps, decisions and
    approvals, contracts, other activities and principles, each row with its documents and
    quotes (``as_of`` keeps those the documents had said by the day). On a day
    (``as_of``), only the members then: those evidenced on the day and, unless
    ``evidenced_only``, those presumed to continue after their last evidence (marked
    ``presumed``, with ``lastEvidenced`` and ``presumedUntil``)."""
    iri = resolve_org(graph, id, "id")
    key = code_of(graph, iri)
    params = {"partnership": key}
    return {
        "code": key,
        "name": graph.index.labels.get(iri, key),
        "iri": iri,
        "aliases": sorted(graph.index.names_of(iri)),
        "as_of": as_of,
        "onDay": name_on_day(graph, key, as_of),
        "members": rows(
            graph.run("partnership-members", {**params, **on_the_day(as_of, evidenced_only)})
        ),
        "coordination": rows(graph.run("coordination", params)),
        "workstreams": rows(graph.run("workstreams", params)),
        "consultations": rows(graph.run("consultations", params)),
        "events": rows(graph.run("events", params)),
        "people": rows(graph.run("people", params)),
        **statement_kinds(graph, key, as_of),
    }
