"""HTTP hygiene around the whole application: security headers out, a pinned Host in.

:class:`SecurityHeadersMiddleware` wraps everything else (the error middleware
included), so every response carries the headers of :data:`SECURITY_HEADERS` (pages,
the API, /sparql, static files, errors, 304s and cached replays alike): a Content
Security Policy that allows our own scripts, styles, images and fetches and nothing
inline, no framing, no sniffing, no referrer and no powerful browser features. It also
replaces each request's Host header and scheme with those of the public base URL (a
setting), so nothing downstream can build a URL from what a client claims its Host is.
:class:`ScopedCORSMiddleware` lets other sites' scripts read the API and the SPARQL
endpoint (``/api``, ``/api/...``, ``/sparql``) and nothing else: not the pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
POWERFUL_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", ", ".join(f"{feature}=()" for feature in POWERFUL_FEATURES)),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
RAW_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS]
CORS_PREFIXES = ("/api/",)
CORS_PATHS = ("/api", "/sparql")


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every response; pins Host and scheme to
    ``base_url`` on every request."""

    def __init__(self, app: ASGIApp, *, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.host = parts.netloc.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        scope = dict(scope, scheme=self.scheme, headers=[(b"host", self.host), *headers])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A copy: a cached replay's headers are the cache's own list.
                message = dict(message, headers=list(message.get("headers", ())))
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    out[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cors_applies(path: str) -> bool:
    """Whether other sites' scripts may read ``path``: the API and the SPARQL endpoint."""
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


class ScopedCORSMiddleware:
    """Starlette's CORS middleware (any origin, no credentials) on the API and the SPARQL
    endpoint only; pages and everything else answer without CORS headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Nhskg-Truncated", "X-Nhskg-Row-Cap", "X-Nhskg-Timeout"],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and cors_applies(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
