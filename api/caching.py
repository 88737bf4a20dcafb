"""ETags and a response cache for GET: the graph is immutable between builds.

A URL (with its Accept header) names one answer for the life of a build, so:
the ETag is the build id and a hash of path, query string and Accept, and a request
whose If-None-Match carries it gets 304 Not Modified without any work; and a
successful answer (up to ``MAX_CACHED_BYTES``) is kept, and the same request again is
answered from memory without routing, validation or a query. Responses say they may
be cached for a minute.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 4096
MAX_CACHED_BYTES = 512 * 1024
CACHED_PREFIXES = ("/api", "/sparql")


class _Entry:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class ConditionalGetMiddleware:
    def __init__(self, app: ASGIApp, *, build_id: str) -> None:
        self.app = app
        self.build_id = build_id
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def etag(self, scope: Scope, accept: str) -> str:
        key = "\n".join((scope["path"], scope.get("query_string", b"").decode("latin-1"), accept))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        return f'"{self.build_id}-{digest}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(CACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        tag = self.etag(scope, headers.get("accept", ""))
        if tag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", tag.encode())]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        with self._lock:
            entry = self._entries.get(tag)
            if entry is not None:
                self._entries.move_to_end(tag)
        if entry is not None:
            await self._replay(entry, scope, send)
            return
        await self._record(scope, receive, send, tag)

    async def _replay(self, entry: _Entry, scope: Scope, send: Send) -> None:
        # CORS headers are added by the CORS middleware, which wraps this one.
        start = {"type": "http.response.start", "status": entry.status, "headers": entry.headers}
        await send(start)
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    async def _record(self, scope: Scope, receive: Receive, send: Send, tag: str) -> None:
        started: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal started, size
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    out = MutableHeaders(scope=message)
                    out["ETag"] = tag
                    out["Cache-Control"] = "public, max-age=60"
                    started = message
            elif message["type"] == "http.response.body" and started is not None:
                size += len(message.get("body", b""))
                if size <= MAX_CACHED_BYTES:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and size <= MAX_CACHED_BYTES:
                    self._store(tag, started, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, tag: str, start: Message, body: bytes) -> None:
        with self._lock:
            self._entries[tag] = _Entry(start["status"], list(start.get("headers", [])), body)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
