"""The FastAPI application: lookup API, SPARQL endpoint, one error shape, caching.

``create_app(settings)`` opens the published graph and, as it starts, warms it (the
organisation index built, a worker of each pool started, the page templates compiled)
and leaves the objects then alive out of the garbage collector's passes (``gc.freeze``:
a full pass over the index paused a request for tens of milliseconds), then serves it
read-only; while it runs it switches to each newly published build without a restart,
warmed and frozen in the same way (:mod:`nhskg.api.state`).
Run it with ``nhskg serve`` (uvicorn on 127.0.0.1:8000).
Outside everything else, :mod:`nhskg.api.security_headers` puts the security headers on
every response and pins each request's Host to the public base URL; CORS is for the
API and the SPARQL endpoint only; HEAD is answered wherever GET is, and negotiated
answers say ``Vary: Accept`` (:mod:`nhskg.api.http_semantics`). ``/docs`` is the
OpenAPI document as a page of our own (:mod:`nhskg.api.api_docs`), not Swagger UI from
a CDN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.types import ASGIApp

from nhskg.api.api_docs import add_docs_page
from nhskg.api.caching import ConditionalGetMiddleware
from nhskg.api.client_limits import add_client_limits
from nhskg.api.deps import published
from nhskg.api.disconnect import CancelOnDisconnect
from nhskg.api.errors import add_error_handlers
from nhskg.api.http_semantics import HeadAsGetMiddleware, VaryAcceptMiddleware
from nhskg.api.limits import BOUNDED
from nhskg.api.routers import (
    areas,
    candidates,
    linked_data,
    network,
    organisations,
    pages,
    partnerships,
    queries,
    query_pages,
    search,
    sparql,
)
from nhskg.api.security_headers import ScopedCORSMiddleware, SecurityHeadersMiddleware
from nhskg.api.state import GenerationMiddleware, ServedGraph, keep_out_of_collection
from nhskg.api.static_files import mount_static
from nhskg.graph.settings import Settings

DESCRIPTION = """Read-only lookups over the English NHS partnership knowledge graph: who
works with whom, when, and on what evidence. Every fact carries its source (a document
and its exact words, or a reference dataset row). Errors share one shape:
`{"error": {"status", "title", "detail", "parameter"?, "suggestions"?}}`."""


class NhskgApp(FastAPI):
    """FastAPI with :class:`SecurityHeadersMiddleware` outside its whole middleware
    stack, so that even the error middleware's answers carry the security headers."""

    def __init__(self, *, base_url: str, **options: Any) -> None:
        super().__init__(**options)
        self.base_url = base_url

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack(), base_url=self.base_url)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.graph.warm()  # before the first request, not in it (nothing is served yet)
        pages.compile_templates()
        keep_out_of_collection()  # what the build holds is not collected again and again
        app.state.graph.start()  # watch build/current for new builds
        yield
        app.state.graph.close()

    app = NhskgApp(
        base_url=settings.base_url,
        title="nhskg",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs is add_docs_page's; no Swagger UI or ReDoc from a CDN
        redoc_url=None,
        dependencies=[BOUNDED],  # every parameter within its length, before any work
    )
    app.state.graph = ServedGraph(settings)
    add_error_handlers(app)
    add_client_limits(app, settings)  # SPARQL places per client, 429 over them
    # Innermost: a handler whose client has gone is cancelled (a cached answer costs nothing)
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(ConditionalGetMiddleware, budget_bytes=settings.response_cache_mb << 20)
    # Outside the cache: each request takes its build once, and the cache keys by it.
    app.add_middleware(GenerationMiddleware, graph=app.state.graph)
    app.add_middleware(ScopedCORSMiddleware)
    app.add_middleware(VaryAcceptMiddleware)  # outside the cache: replays and 304s too
    app.add_middleware(HeadAsGetMiddleware)  # outermost: every layer sees a GET
    for module in (
        sparql,
        organisations,
        partnerships,
        queries,
        network,
        areas,
        linked_data,
        query_pages,
        search,
        candidates,
        pages,
    ):
        app.include_router(module.router)
    mount_static(app, settings.root)
    add_docs_page(app)

    @app.get("/api", tags=["about"], summary="What this server serves")
    def about(request: Request) -> dict[str, object]:
        return {
            "build": published(request).build_id,
            "sparql": "/sparql",
            "docs": "/docs",
            "openapi": "/openapi.json",
            "resources": [
                "/api/organisations",
                "/api/partnerships",
                "/api/queries",
                "/api/network",
                "/api/paths",
            ],
        }

    return app
