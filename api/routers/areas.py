"""/areas and /api/areas: an area (partnership, STP or ICB footprint, region), the ties
among its organisations, its members by year, and what they do together, each row with
its evidence; the ties and the members by year as CSV (graph/network/area.py builds
them; this router only looks up the area and renders)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nhskg.api.deps import Graph, resolve_org
from nhskg.api.errors import ApiError
from nhskg.api.limits import TEXT_MAX
from nhskg.api.routers.pages import render
from nhskg.api.state import PublishedGraph
from nhskg.graph.network.area import NotAnArea, area_view, areas
from nhskg.graph.network.area_tables import matrix_table, ties_table
from nhskg.graph.network.fetch import short_id

router = APIRouter(tags=["areas"])
AreaId = Annotated[
    str,
    Path(max_length=TEXT_MAX, description="partnership, STP/ICB or region: code, name or alias"),
]


def _view(graph: PublishedGraph, id: str) -> dict[str, Any]:
    iri = resolve_org(graph, id, "id")
    try:
        view = area_view(graph.network, graph.service.store, graph.settings.queries_dir, iri)
    except NotAnArea:
        listed = areas(graph.network)
        raise ApiError(
            404,
            "not an area",
            f"{id!r} is not a partnership, an STP or ICB footprint, or a region",
            parameter="id",
            suggestions=[
                f"{name} ({code})"
                for code, name in dict(listed["partnership"] + listed["region"]).items()
            ]
            + ["every area: /areas"],
        ) from None
    view["aliases"] = sorted(set(graph.index.names_of(iri)) - {view["name"], view["code"]})
    return view


def _csv(table: list[list[str]], name: str) -> Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/areas", summary="Areas: partnerships, STP/ICB footprints, regions")
def areas_json(graph: Graph) -> dict[str, list[dict[str, str]]]:
    """Every area by kind, with its code, name and address."""
    return {
        kind: [{"code": c, "name": n, "url": f"/api/areas/{c}"} for c, n in listed]
        for kind, listed in areas(graph.network).items()
    }


@router.get("/api/areas/{id}", summary="One area: ties, members by year, work, changes")
def area_json(graph: Graph, id: AreaId) -> dict[str, Any]:
    """The area's organisations; every tie among them (to the area, its units, each other
    and bodies two or more share) with relationship, basis, period and evidence; members
    by financial year (stated, resolved, reference or presumed); the contracts, merger
    proposals, decisions and joint working they take part in; and their mergers and
    successions. Evidence pieces: ``kind``, ``quote``, ``title``, ``date``, ``href``."""
    return _view(graph, id)


@router.get("/api/areas/{id}/ties.csv", summary="An area's ties as CSV")
def ties_csv(graph: Graph, id: AreaId) -> Response:
    view = _view(graph, id)
    return _csv(ties_table(view), f"{view['code']}-ties.csv")


@router.get("/api/areas/{id}/members.csv", summary="An area's members by year as CSV")
def members_csv(graph: Graph, id: AreaId) -> Response:
    view = _view(graph, id)
    return _csv(matrix_table(view), f"{view['code']}-members-by-year.csv")


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas_page(
    request: Request,
    graph: Graph,
    id: Annotated[str | None, Query(max_length=TEXT_MAX)] = None,
) -> Response:
    """Every area to pick from; ``?id=`` (the pickers' form) goes to that area's page."""
    if id:
        code = short_id(resolve_org(graph, id, "id"))
        return RedirectResponse(f"/areas/{quote(code, safe='')}", 303)
    return render(request, "areas.html", areas=areas(graph.network))


@router.get("/areas/{id}", response_class=HTMLResponse, include_in_schema=False)
def area_page(request: Request, graph: Graph, id: AreaId) -> HTMLResponse:
    return render(request, "area.html", a=_view(graph, id))
