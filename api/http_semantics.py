"""Two pieces of HTTP that standard clients rely on: HEAD wherever GET, and ``Vary: Accept``.

:class:`HeadAsGetMiddleware` answers HEAD as the GET of the same URL would be answered
(status and headers, Content-Length included) without its body, so every route that
takes GET takes HEAD (routes are declared for GET only). :class:`VaryAcceptMiddleware`
puts ``Vary: Accept`` on every response of the paths whose answer the Accept header
chooses (the SPARQL endpoint, linked data ``/id/...`` and ``/def``), redirects and
errors included, so a shared cache never hands one client's format to another.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NEGOTIATED_PATHS = ("/sparql", "/def")
NEGOTIATED_PREFIXES = ("/id/",)


def negotiated(path: str) -> bool:
    """Whether the Accept header chooses the answer at ``path``."""
    return path in NEGOTIATED_PATHS or path.startswith(NEGOTIATED_PREFIXES)


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = dict(message, body=b"")
            await send(message)

        await self.app(dict(scope, method="GET"), receive, without_body)


class VaryAcceptMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not negotiated(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A copy: a cached replay's headers are the cache's own list.
                message = dict(message, headers=list(message.get("headers", ())))
                headers = MutableHeaders(scope=message)
                named = {v.strip().lower() for h in headers.getlist("vary") for v in h.split(",")}
                if "accept" not in named:
                    headers.add_vary_header("Accept")
            await send(message)

        await self.app(scope, receive, with_vary)
