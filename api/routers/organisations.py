"""/api/organisations: search, one organisation with its evidence, and its partners."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from nhskg.api import browse, listing
from nhskg.api.deps import (
    AsOf,
    EvidencedOnly,
    Graph,
    code_of,
    on_the_day,
    resolve_org,
    rows,
)
from nhskg.api.errors import ApiError
from nhskg.api.limits import KEY_MAX, TEXT_MAX
from nhskg.api.models import OrganisationDetail, OrganisationPage, OrganisationSummary, Rows
from nhskg.api.state import PublishedGraph
from nhskg.graph.query.lookup import normalise

router = APIRouter(prefix="/api/organisations", tags=["organisations"])

# Kinds of statement in the curated layer a partnership's (or organisation's) detail lists,
# each with the named query that answers it: the response key -> the query (queries/NAME.rq).
STATEMENT_KINDS = {
    "risks": "risks",
    "milestones": "milestones",
    "funding": "funding",
    "fundingGaps": "funding-gaps",
    "decisions": "decisions",
    "contracts": "contracts",
    "activities": "activities",
    "principles": "principles",
    "submissions": "submissions",
    "jointWorking": "joint-working",
    "services": "services",
    "leadership": "leadership",
    "classifications": "classifications",
}


def statement_kinds(
    graph: PublishedGraph, key: str, as_of: date | None, kinds: dict[str, str] = STATEMENT_KINDS
) -> dict[str, list[dict[str, Any]]]:
    """The statements of each kind that name ``key`` (or one of its units), are part of it,
    or come from a document about it; with ``as_of``, only those said by that day."""
    params = {"partnership": key, "as_of": as_of.isoformat() if as_of else None}
    return {name: rows(graph.run(query, params)) for name, query in kinds.items()}


# The kinds an organisation's detail lists (those it takes part in as a party).
ORGANISATION_KINDS = {
    k: STATEMENT_KINDS[k]
    for k in ("decisions", "contracts", "funding", "fundingGaps", "services", "submissions")
}
TYPE_PATTERN = r"^[a-z][a-z0-9-]*$"
Code = Annotated[str, Path(max_length=TEXT_MAX, description="code, key, name or alias")]


KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"


@router.get("", response_model=OrganisationPage, summary="Search and browse organisations")
def search(
    graph: Graph,
    q: Annotated[str | None, Query(max_length=TEXT_MAX, description="name, alias or code")] = None,
    type: Annotated[
        str | None,
        Query(
            max_length=KEY_MAX, pattern=TYPE_PATTERN, description="organisation type key: ccg, ..."
        ),
    ] = None,
    as_of: Annotated[
        date | None, Query(description="organisations of that type on this day")
    ] = None,
    evidenced_only: EvidencedOnly = False,
    region: Annotated[
        str | None,
        Query(
            max_length=KEY_MAX,
            pattern=KEY_PATTERN,
            description="NHS England region code (Y56, ...): those ever placed in it",
        ),
    ] = None,
    partnership: Annotated[
        str | None,
        Query(
            # a key is made from the body's name, so it may be as long as a name: the
            # listing's facets offer every one of them
            max_length=TEXT_MAX,
            pattern=KEY_PATTERN,
            description="partnership code or key (QHG, healthier-together, ...): its members",
        ),
    ] = None,
    open_from: Annotated[
        date | None,
        Query(description="open at some time from this day (not closed before it)"),
    ] = None,
    open_until: Annotated[
        date | None,
        Query(description="open at some time until this day (opened by it, or no opening date)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Organisations by name, any alias or code (forgiving of case, punctuation and small
    typos), best match first; or all, by name, without ``q``. Narrowed by type, region,
    partnership and a period they were open in; ``facets`` counts each value of each
    facet among all those found (not only the page), ``total`` how many were found."""
    if open_from and open_until and open_from > open_until:
        raise ApiError(
            400,
            "bad period",
            f"open_from ({open_from}) is after open_until ({open_until})",
            parameter="open_from",
        )
    by_iri = {str(r["org"]): r for r in _listed(graph, type, as_of, evidenced_only)}
    ranked: list[tuple[str, float | None]]
    if q:
        ranked = [(iri, s) for iri, s in graph.index.search(q, limit=2000) if iri in by_iri]
    else:
        ranked = [(iri, None) for iri in by_iri]
    index = browse.facets_of(graph)
    kept = set(
        browse.narrowed(
            index, [iri for iri, _ in ranked], {"region": region, "partnership": partnership}
        )
    )
    ranked = [
        (iri, score)
        for iri, score in ranked
        if iri in kept and browse.open_in(by_iri[iri], open_from, open_until)
    ]
    items = []
    for iri, score in ranked[offset : offset + limit]:
        row = by_iri[iri]
        items.append(
            OrganisationSummary(
                code=code_of(graph, iri),
                name=str(row["name"]),
                currentName=str(row["currentName"]),
                types=str(row.get("types", "")),
                opened=row.get("opened"),
                closed=row.get("closed"),
                presumed=bool(row.get("presumed")) if as_of else None,
                score=score,
                matchedName=_matched(graph, iri, q, str(row["name"])),
                iri=iri,
                url=f"/api/organisations/{code_of(graph, iri)}",
            )
        )
    return {
        "total": len(ranked),
        "limit": limit,
        "offset": offset,
        "items": items,
        "facets": browse.counts(index, [iri for iri, _ in ranked]),
    }


def _listed(
    graph: PublishedGraph, type: str | None, as_of: date | None, evidenced_only: bool
) -> list[dict[str, Any]]:
    """The `organisations` named query's rows: its published answer with no filter, else
    worked out for this request from the build's listing table (:mod:`nhskg.api.listing`),
    or the query evaluated where the table cannot give its exact answer."""
    day = on_the_day(as_of, evidenced_only)
    if type is not None or as_of is not None or evidenced_only:
        found = listing.listing(graph, type, day["as_of"], evidenced_only)
        if found is not None:
            return found
    return rows(graph.run("organisations", {"type": type, **day}))


def _matched(graph: PublishedGraph, iri: str, q: str | None, shown: str) -> str | None:
    """The name a search found the organisation by, when it is not the name shown."""
    if not q:
        return None
    matched = graph.index.matched_name(iri, q)
    if matched is None or normalise(matched) == normalise(shown):
        return None
    return matched


def name_on_day(graph: PublishedGraph, key: str, as_of: date | None) -> dict[str, Any] | None:
    """An organisation's name and types on ``as_of`` (None without a day)."""
    if as_of is None:
        return None
    (day,) = rows(graph.run("name-on", {"code": key, "as_of": as_of.isoformat()}))
    return {
        "day": as_of,
        "name": day["name"],
        "currentName": day["currentName"],
        "types": day.get("types") or "",
    }


@router.get("/{code}", response_model=OrganisationDetail, summary="One organisation")
def organisation(
    graph: Graph,
    code: Code,
    as_of: Annotated[date | None, Query(description="also its name and types on this day")] = None,
) -> dict[str, Any]:
    """Names over time (and the names the documents use), types, dates, region and STP,
    memberships, posts, sites and change events; the decisions, contracts, funding, funding
    gaps, services, submissions and merger proposals it takes part in (or a document about it
    states); each with its evidence (dataset rows or document quotes). With ``as_of``, also
    its name and types on that day (``onDay``)."""
    iri = resolve_org(graph, code, "code")
    key = code_of(graph, iri)
    (summary,) = rows(graph.run("organisation", {"code": key}))
    params = {"organisation": key}
    on_day = name_on_day(graph, key, as_of)
    return {
        "code": key,
        "name": summary["name"],
        "types": summary.get("types", ""),
        "onDay": on_day,
        "opened": summary.get("opened"),
        "closed": summary.get("closed"),
        "iri": iri,
        "aliases": sorted(set(graph.index.names_of(iri))),
        "names": rows(graph.run("names", {"code": key})),
        "documentNames": rows(graph.run("document-names", params)),
        "placements": rows(graph.run("placements", params), drop=("placement",)),
        "memberships": rows(graph.run("memberships", params)),
        "posts": rows(graph.run("posts", params)),
        "sites": rows(graph.run("sites", params)),
        "changes": rows(graph.run("history", {"code": key})),
        **statement_kinds(graph, key, None, ORGANISATION_KINDS),
        "mergerProposals": rows(graph.run("merger-proposals", {"organisation": key})),
        "links": {
            "partners": f"/api/organisations/{key}/partners",
            "evidence": f"/api/queries/evidence?organisation={key}",
        },
    }


@router.get("/{code}/partners", response_model=Rows, summary="Partners of an organisation")
def partners(
    graph: Graph,
    code: Code,
    as_of: AsOf = None,
    evidenced_only: EvidencedOnly = False,
) -> dict[str, Any]:
    """Organisations that share a partnership, body, contract or stated relationship with
    it, and through what, with the documents and quotes. On a day (``as_of``), ties presumed
    to continue after their last evidence are included and marked (``presumed``,
    ``lastEvidenced``) unless ``evidenced_only``."""
    key = code_of(graph, resolve_org(graph, code, "code"))
    result = graph.run("partners", {"organisation": key, **on_the_day(as_of, evidenced_only)})
    return {"columns": result.variables, "rows": rows(result), "truncated": result.truncated}
