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


class OrganisationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[OrganisationSummary]


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
    placements: list[dict[str, Any]] = Field(description="STP/ICB footprint, area, region")
    memberships: list[dict[str, Any]] = Field(description="with documents and quotes")
    posts: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    changes: list[dict[str, Any]] = Field(description="mergers, successions, transfers")
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
