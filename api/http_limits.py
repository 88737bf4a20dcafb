"""Limits on how a client sends a request's head, which uvicorn does not have.

uvicorn's keep-alive timer is cancelled by the first byte a client sends, and its
httptools parser buffers any length of headers, so a client that sends half a head
and waits, or megabytes of one header, holds a connection and its memory as long as
it likes. :func:`protocol_class` gives uvicorn's httptools protocol with three limits
(settings): a request's line and headers must arrive within ``header_timeout_s`` of
the connection opening or of the request's first byte (else 408, connection closed);
the request line is at most :data:`MAX_REQUEST_LINE_BYTES` (else 413 saying to POST a
long SPARQL query: httptools cannot parse a longer URL anyway), and the headers at
most ``max_header_bytes`` (else 431). Each refusal is the API's one error shape, with
the security headers, and closes the connection; bytes over a limit are never parsed
or kept.
"""

from __future__ import annotations

import asyncio
import json
import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from nhskg.api.security_headers import RAW_SECURITY_HEADERS
from nhskg.graph.settings import Settings

# httptools keeps a URL's parts as 16-bit offsets: a longer URL is a parse error.
MAX_REQUEST_LINE_BYTES = 65_536
LINGER_S = 2.0  # how long a refused request's remaining bytes are read and dropped
log = logging.getLogger("nhskg.api")
REASONS = {408: "Request Timeout", 413: "Content Too Large", 431: "Request Header Fields Too Large"}


def error_bytes(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 response in the one error shape, closing the connection."""
    body = json.dumps({"error": {"status": status, "title": title, "detail": detail}}).encode()
    head = [
        f"HTTP/1.1 {status} {REASONS[status]}".encode(),
        b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        *(name + b": " + value for name, value in RAW_SECURITY_HEADERS),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline and a size limit on each head."""

    header_timeout_s = 10.0
    max_header_bytes = 32_768

    # Between a request's last byte and the next one's end of headers, the bytes fed to
    # the parser (None while a body is read) and where the request line ended in them.
    _head_bytes: int | None = 0
    _line_bytes: int | None = None
    _deadline: asyncio.TimerHandle | None = None
    _refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # what a refused client still sends is read and dropped
        if self._head_bytes is None or not data:
            super().data_received(data)
            return
        if self._line_bytes is None:
            end = data.find(b"\n")
            if end >= 0:
                self._line_bytes = self._head_bytes + end + 1
        line = self._head_bytes + len(data) if self._line_bytes is None else self._line_bytes
        if line > MAX_REQUEST_LINE_BYTES:
            self._refuse(
                413,
                "request line too long",
                f"the request line is longer than {MAX_REQUEST_LINE_BYTES} bytes: send a "
                "long SPARQL query by POST, in the body",
            )
            return
        room = line + self.max_header_bytes - self._head_bytes
        fed = data[: max(room, 0)]
        self._head_bytes += len(fed)
        super().data_received(fed)
        if self.transport.is_closing():
            return
        if self._head_bytes is not None and len(fed) < len(data):
            self._refuse(
                431,
                "request header fields too large",
                f"the request's headers are longer than {self.max_header_bytes} bytes",
            )
            return
        if len(fed) < len(data):
            self.data_received(data[len(fed) :])

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        self._head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_bytes = 0
        self._line_bytes = None

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if not self._head_bytes:  # nothing of a request yet: an idle connection
            self.transport.close()
            return
        self._refuse(
            408,
            "request timeout",
            f"the request's line and headers took longer than {self.header_timeout_s:g} s",
        )

    def _refuse(self, status: int, title: str, detail: str) -> None:
        """Answer ``status`` and close. A client still sending would see its connection
        reset, not the answer, if it closed at once; so the answer goes, the sending
        side shuts, and the rest of the request is read and dropped for a while."""
        log.warning("refused a request from %s: %s", self.client, detail)
        self._disarm()
        self._refused = True
        self.transport.write(error_bytes(status, title, detail))
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()


def protocol_class(settings: Settings) -> type[LimitedHttpToolsProtocol]:
    """The protocol class for ``uvicorn.run(http=...)`` with the limits of ``settings``."""
    return type(
        "NhskgHttpProtocol",
        (LimitedHttpToolsProtocol,),
        {
            "header_timeout_s": settings.header_timeout_s,
            "max_header_bytes": settings.max_header_bytes,
        },
    )
