"""``/docs``: the OpenAPI document in Swagger UI served from our own node_modules.

FastAPI's own /docs and /redoc load Swagger UI or ReDoc from a CDN and run inline
script, which neither the pages' Content Security Policy nor an offline server allows.
This page loads Swagger UI from ``/vendor/swagger-ui`` (the ``swagger-ui-dist`` npm
package, :mod:`nhskg.api.static_files`) and starts it from a static script,
``/static/api-docs.js``, on ``/openapi.json``. Under it, and in its place when Swagger
UI is not installed or scripts do not run, a listing of every documented operation
(method, path, summary, description, parameters and responses) rendered on the server.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from nhskg.api.deps import published
from nhskg.api.static_files import SWAGGER_UI_URL, swagger_ui_available

METHODS = ("get", "head", "post", "put", "patch", "delete")


def _type_of(schema: dict[str, Any]) -> str:
    if "type" in schema:
        kind = str(schema["type"])
        return f"{kind} of {_type_of(schema['items'])}" if kind == "array" else kind
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    options = [_type_of(s) for s in schema.get("anyOf", ()) if s.get("type") != "null"]
    return " or ".join(options) or "any"


def operations(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The operations of an OpenAPI ``document``, grouped by their first tag."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": bool(p.get("required")),
                    "type": _type_of(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in operation.get("parameters", ())
            ]
            responses = [
                {
                    "status": status,
                    "description": answer.get("description", ""),
                    "media": sorted(answer.get("content", {})),
                }
                for status, answer in operation.get("responses", {}).items()
            ]
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "responses": responses,
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                }
            )
    return sorted(groups.items())


def add_docs_page(app: FastAPI) -> None:
    """Serve ``/docs`` (not in the OpenAPI document itself)."""

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        from nhskg.api.routers.pages import render

        return render(
            request,
            "api_docs.html",
            groups=operations(app.openapi()),
            swagger_ok=swagger_ui_available(published(request).settings.root),
            swagger_url=SWAGGER_UI_URL,
        )
