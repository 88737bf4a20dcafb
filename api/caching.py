"""ETags for GET: the graph is immutable between builds, so a URL names one answer.

The tag is the build id and a hash of the method, URL and Accept header; a request
whose If-None-Match carries it gets 304 Not Modified without any work. Responses say
they may be cached for a minute.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ConditionalGetMiddleware:
    def __init__(self, app: ASGIApp, *, build_id: str) -> None:
        self.app = app
        self.build_id = build_id

    def etag(self, scope: Scope, headers: Headers) -> str:
        key = "\n".join(
            (
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                headers.get("accept", ""),
            )
        )
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        return f'"{self.build_id}-{digest}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        tag = self.etag(scope, headers)
        if tag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", tag.encode())]}
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_tag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                out["ETag"] = tag
                out["Cache-Control"] = "public, max-age=60"
            await send(message)

        await self.app(scope, receive, send_with_tag)
