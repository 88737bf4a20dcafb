"""ETags and a response cache for GET, within a byte budget: a build never changes.

A URL (with its Accept header) names one answer for the life of a build, so: the ETag
is the id of the build that answers (``scope[BUILD_KEY]``, set per request by
:class:`nhskg.api.state.GenerationMiddleware`) and a hash of path, query string and
Accept, and a request whose If-None-Match carries it gets 304 Not Modified without any
work; and a successful answer is kept, so the same request again is answered from
memory without routing, validation or a query. The cache holds at most
``budget_bytes``, counted over what each entry keeps in memory (body, headers, key),
and evicts the least recently used entry first; an answer over ``budget_bytes / 64``
is never kept, so the cache always has room for 64 of the largest and one large
answer cannot flush it. When a new build is served the old build's entries are
dropped (its ETags no longer match anyway). Responses may be cached for a minute.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUILD_KEY = "nhskg.build"  # the id of the build answering this request, in its scope
CACHED_PREFIXES = ("/api", "/sparql")
LARGEST_SHARE = 64  # an entry may take at most 1/64 of the budget


class _Entry:
    __slots__ = ("body", "headers", "size", "status", "tag")

    def __init__(
        self, tag: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        self.tag = tag
        self.status = status
        self.headers = headers
        self.body = body
        self.size = (
            sys.getsizeof(self)
            + sys.getsizeof(tag)
            + sys.getsizeof(body)
            + sys.getsizeof(headers)
            + sum(sys.getsizeof(h) + sys.getsizeof(h[0]) + sys.getsizeof(h[1]) for h in headers)
            + 100  # the OrderedDict's slot and link for the key
        )


class ConditionalGetMiddleware:
    def __init__(self, app: ASGIApp, *, budget_bytes: int) -> None:
        self.app = app
        self.budget_bytes = budget_bytes
        self.largest_bytes = budget_bytes // LARGEST_SHARE
        self.cached_bytes = 0
        self._build: str | None = None  # the build the entries are of
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def etag(scope: Scope, build_id: str, accept: str) -> str:
        key = "\n".join((scope["path"], scope.get("query_string", b"").decode("latin-1"), accept))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        return f'"{build_id}-{digest}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        build_id = scope.get(BUILD_KEY)
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(CACHED_PREFIXES)
            or not isinstance(build_id, str)  # no build to key by: no ETag, nothing kept
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        tag = self.etag(scope, build_id, headers.get("accept", ""))
        if tag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", tag.encode())]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        with self._lock:
            if build_id != self._build:
                self._drop_all(build_id)
            entry = self._entries.get(tag)
            if entry is not None:
                self._entries.move_to_end(tag)
        if entry is not None:
            await self._replay(entry, scope, send)
            return
        await self._record(scope, receive, send, tag, build_id)

    def _drop_all(self, build_id: str) -> None:
        """A new build is served: the entries of the one before go. Under the lock."""
        self._entries.clear()
        self.cached_bytes = 0
        self._build = build_id

    async def _replay(self, entry: _Entry, scope: Scope, send: Send) -> None:
        # CORS headers are added by the CORS middleware, which wraps this one.
        start = {"type": "http.response.start", "status": entry.status, "headers": entry.headers}
        await send(start)
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    async def _record(
        self, scope: Scope, receive: Receive, send: Send, tag: str, build_id: str
    ) -> None:
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
                if size <= self.largest_bytes:
                    chunks.append(message.get("body", b""))
                else:
                    chunks.clear()  # too large to keep: let the chunks go now
                if not message.get("more_body", False) and size <= self.largest_bytes:
                    self._store(tag, build_id, started, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, tag: str, build_id: str, start: Message, body: bytes) -> None:
        entry = _Entry(tag, start["status"], list(start.get("headers", [])), body)
        if entry.size > self.largest_bytes:
            return
        with self._lock:
            if build_id != self._build:  # answered by a build no longer served
                return
            old = self._entries.pop(tag, None)
            if old is not None:
                self.cached_bytes -= old.size
            self._entries[tag] = entry
            self.cached_bytes += entry.size
            while self.cached_bytes > self.budget_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.cached_bytes -= evicted.size
