"""Response models: what the OpenAPI document promises each route returns."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class OrganisationSummary(BaseModel):
    code: str = Field(description="ODS code, or the curated key of a body without one")
    name: str = Field(description="its name on as_of (given one), else today's name")
    currentName: str = Field(description="its name today (its preferred label)")
    types: str = ""
    opened: date | str | None = None
    closed: date | str | None = None
    presumed: bool | None = Field(
        None,
        description="with as_of: true when the organisation is known on the day only by "
        "presumption (a body last mentioned before it, with nothing known to end it)",
    )
    score: float | None = Field(None, description="match score for a search, 1.0 exact")
    matchedName: str | None = Field(
        None, description="the former name or alias a search matched, when not the name shown"
    )
    iri: str
    url: str


class FacetValue(BaseModel):
    key: str = Field(description="the value to give the facet's parameter")
    label: str
    count: int = Field(description="how many of the organisations found have it")


class OrganisationPage(BaseModel):
    total: int = Field(description="how many organisations were found (all pages)")
    limit: int
    offset: int
    items: list[OrganisationSummary]
    facets: dict[str, list[FacetValue]] = Field(
        default_factory=dict,
        description="type, region and partnership: each value's count among all found",
    )


class OnDay(BaseModel):
    day: date
    name: str = Field(description="its name on the day (before any record, the earliest)")
    currentName: str = Field(description="its name today")
    types: str = Field("", description="its types on the day")


class OrganisationDetail(BaseModel):
    code: str
    name: str = Field(description="its name today (its preferred label)")
    types: str
    onDay: OnDay | None = Field(None, description="its name and types on as_of, given one")
    opened: date | str | None = None
    closed: date | str | None = None
    iri: str
    aliases: list[str]
    names: list[dict[str, Any]] = Field(description="names with the date each dataset records")
    documentNames: list[dict[str, Any]] = Field(
        description="names and abbreviations the documents use for it, with quotes"
    )
    placements: list[dict[str, Any]] = Field(description="STP/ICB footprint, area, region")
    memberships: list[dict[str, Any]] = Field(description="with documents and quotes")
    posts: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    changes: list[dict[str, Any]] = Field(description="mergers, successions, transfers")
    decisions: list[dict[str, Any]] = Field(
        description="decisions and approvals it takes part in: who, kind, on what, when, due by"
    )
    contracts: list[dict[str, Any]] = Field(
        description="contracts: parties, service, term, annual value, dates"
    )
    funding: list[dict[str, Any]] = Field(description="money: amount, purpose, funder, status")
    fundingGaps: list[dict[str, Any]] = Field(
        description="estimated funding gaps: amount, area, period, assumption"
    )
    services: list[dict[str, Any]] = Field(description="services provided: provider, commissioners")
    submissions: list[dict[str, Any]] = Field(
        description="documents submitted: what, by whom, to whom, when"
    )
    mergerProposals: list[dict[str, Any]] = Field(
        description="merger proposals it makes: proposed name, business case, approvals"
    )
    links: dict[str, str]


class Rows(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class QueryParam(BaseModel):
    name: str
    type: str
    required: bool
    description: str
    pattern: str | None = None


class QueryInfo(BaseModel):
    name: str
    title: str
    description: str
    params: list[QueryParam]
    url: str


class QueryResult(Rows):
    query: str
    params: dict[str, str]
    published: bool = Field(
        description="True when the rows are the answer the build published for this query "
        "asked with no parameters; false when they were evaluated for this call."
    )


class PartnershipSummary(BaseModel):
    code: str
    name: str
    type: str
    members: int
    stated: int
    resolved: int
    documents: int
    url: str


class PartnershipDetail(BaseModel):
    code: str
    name: str
    iri: str
    aliases: list[str]
    as_of: date | None = Field(None, description="the day the members are those of, if one")
    onDay: OnDay | None = Field(None, description="its name and types on as_of, given one")
    members: list[dict[str, Any]] = Field(
        description="roles, periods, stated or resolved; on a day, presumed or evidenced"
    )
    coordination: list[dict[str, Any]]
    workstreams: list[dict[str, Any]]
    consultations: list[dict[str, Any]]
    events: list[dict[str, Any]]
    people: list[dict[str, Any]]
    risks: list[dict[str, Any]] = Field(description="risks and issues with their RAG status")
    milestones: list[dict[str, Any]] = Field(
        description="milestones: target date (and the document's words), RAG status, status"
    )
    funding: list[dict[str, Any]] = Field(description="money: amount or rate, purpose, status")
    fundingGaps: list[dict[str, Any]] = Field(
        description="estimated funding gaps: amount, area, period, assumption"
    )
    services: list[dict[str, Any]] = Field(description="services provided: provider, commissioners")
    submissions: list[dict[str, Any]] = Field(
        description="documents submitted: what, by whom, to whom, when"
    )
    decisions: list[dict[str, Any]] = Field(
        description="decisions and approvals: who, kind, on what, when, due by, status"
    )
    contracts: list[dict[str, Any]] = Field(
        description="contracts: provider, commissioners, service, term, annual value, dates"
    )
    activities: list[dict[str, Any]] = Field(
        description="other named pieces of work: who leads, who takes part, status"
    )
    principles: list[dict[str, Any]] = Field(description="principles and intentions stated")
    jointWorking: list[dict[str, Any]] = Field(description="parties working together, purpose")
    leadership: list[dict[str, Any]] = Field(description="who leads which workstream or group")
    classifications: list[dict[str, Any]] = Field(
        description="what the documents say a body is (e.g. that BCT is the STP)"
    )
