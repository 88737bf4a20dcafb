"""Messages of a :class:`multiprocessing.connection.Connection`, read a piece at a time.

``Connection.recv`` blocks until a whole message has come, which an event loop must not
do, and ``Connection.send`` fails on a descriptor an event loop has made non-blocking
(uvloop does, for any descriptor it watches). :class:`FrameReader` takes whatever bytes
a non-blocking read returned and gives back the messages they complete, unpickled,
keeping the rest for the next read; :func:`frame` writes a message as ``send`` would,
for a socket with a timeout to send. The framing is the connection's own (CPython's
``Connection._send_bytes``): a signed 4-byte big-endian length, or -1 followed by an
unsigned 8-byte length for a message over 2 GiB, then the pickle.
"""

from __future__ import annotations

import pickle
import struct

__all__ = ["FrameReader", "frame"]

_SHORT = struct.Struct("!i")
_LONG = struct.Struct("!Q")


def frame(message: object) -> bytes:
    """``message`` pickled and framed as ``Connection.send`` frames it."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        return _SHORT.pack(-1) + _LONG.pack(len(payload)) + payload
    return _SHORT.pack(len(payload)) + payload


class FrameReader:
    """Complete messages out of a stream of bytes fed in pieces."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[object]:
        """The messages ``data`` completes (none if it ends part-way through one)."""
        self._buffer += data
        messages: list[object] = []
        start = 0
        buffer = self._buffer
        while True:
            if len(buffer) - start < _SHORT.size:
                break
            (size,) = _SHORT.unpack_from(buffer, start)
            header = _SHORT.size
            if size == -1:
                if len(buffer) - start < header + _LONG.size:
                    break
                (size,) = _LONG.unpack_from(buffer, start + header)
                header += _LONG.size
            elif size < 0:
                raise ValueError(f"a message on the pipe has a negative length ({size})")
            end = start + header + size
            if len(buffer) < end:
                break
            messages.append(pickle.loads(memoryview(buffer)[start + header : end]))
            start = end
        if start:
            del self._buffer[:start]
        return messages

    @property
    def pending(self) -> int:
        """Bytes read but not yet part of a whole message."""
        return len(self._buffer)
