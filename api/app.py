"""The FastAPI application: lookup API, SPARQL endpoint, one error shape, caching.

``create_app(settings)`` opens the published graph once (query workers start on first
use) and serves it read-only. Run it with ``nhskg serve`` (uvicorn on 127.0.0.1:8000).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from nhskg.api.caching import ConditionalGetMiddleware
from nhskg.api.errors import add_error_handlers
from nhskg.api.routers import (
    linked_data,
    network,
    organisations,
    pages,
    partnerships,
    queries,
    sparql,
)
from nhskg.api.state import PublishedGraph
from nhskg.api.static_files import mount_static
from nhskg.graph.settings import Settings

DESCRIPTION = """Read-only lookups over the English NHS partnership knowledge graph: who
works with whom, when, and on what evidence. Every fact carries its source (a document
and its exact words, or a reference dataset row). Errors share one shape:
`{"error": {"status", "title", "detail", "parameter"?, "suggestions"?}}`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.graph.close()

    app = FastAPI(title="nhskg", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.graph = PublishedGraph(settings)
    add_error_handlers(app)
    app.add_middleware(ConditionalGetMiddleware, build_id=app.state.graph.build_id)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["ETag", "X-Nhskg-Truncated"],
    )
    for module in (sparql, organisations, partnerships, queries, network, linked_data, pages):
        app.include_router(module.router)
    mount_static(app, settings.root)

    @app.get("/api", tags=["about"], summary="What this server serves")
    def about() -> dict[str, object]:
        return {
            "build": app.state.graph.build_id,
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
