"""A request's handler is cancelled when its client goes away before the answer.

Starlette never notices a client that disconnects while a handler runs: uvicorn says so
only on the request's receive channel (``http.disconnect``), which nobody reads once the
body has been read. :class:`CancelOnDisconnect` reads it. It hands the application the
request's body as it comes (one message at a time, so uvicorn's flow control still
holds a fast sender back), then waits for ``http.disconnect``, and if the response is
not complete by then it cancels the application's task and answers nothing.

What cancelling stops: an async handler, at its next ``await``; a sync handler still
waiting for a thread, which then never starts. A sync handler already running in its
thread cannot be interrupted: it finishes its work (bounded by the parameter limits of
:mod:`nhskg.api.limits` and the query time limit) and its answer is dropped. A SPARQL
query keeps its client's place until its worker is done with it
(:mod:`nhskg.api.client_limits`). Installed inside the response cache, so an answer
replayed from memory costs nothing extra.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


class _Channel:
    """The request's receive channel, read by a watcher here on the application's behalf."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._pending: deque[Message] = deque()
        self._news = asyncio.Event()  # a message arrived, or the client went away
        self._taken = asyncio.Event()  # the application took a message
        self.gone = False
        self.watching = True
        self.complete = False  # the response has been sent in full

    async def watch(self, task: asyncio.Task[None]) -> None:
        """Read the channel until the client goes away; then cancel ``task`` unless its
        response is complete."""
        body_done = False
        try:
            while True:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    self.gone = True
                    if not self.complete:
                        task.cancel()
                    return
                if body_done:
                    # A server that answers again at once after the body (not uvicorn,
                    # which waits) will never say when the client goes: stop watching.
                    self._pending.append(message)
                    return
                self._pending.append(message)
                self._news.set()
                body_done = not message.get("more_body", False)
                # the last part of the body is kept for the application; an earlier part
                # is held until it is taken, so the body is never read faster than used
                while not body_done and self._pending:
                    self._taken.clear()
                    await self._taken.wait()
        finally:
            self.watching = False
            self._news.set()

    async def receive(self) -> Message:
        """The application's receive: the next body message, or the disconnect."""
        while not self._pending and not self.gone and self.watching:
            self._news.clear()
            await self._news.wait()
        if self._pending:
            message = self._pending.popleft()
            self._taken.set()
            return message
        if self.gone:
            return DISCONNECT
        return await self._receive()  # no longer watched: the server's own channel

    def sender(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.complete = True
            await send(message)

        return sending


class CancelOnDisconnect:
    """Pure ASGI middleware: cancel an HTTP request's handler when its client leaves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        channel = _Channel(receive)

        async def answer() -> None:
            await self.app(scope, channel.receive, channel.sender(send))

        task = asyncio.create_task(answer())
        watcher = asyncio.create_task(channel.watch(task))
        watcher.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            await task  # a cancellation of this request cancels the task too
        except asyncio.CancelledError:
            this = asyncio.current_task()
            if not channel.gone or (this is not None and this.cancelling()):
                raise
            # the client went away: there is no one to answer
        finally:
            watcher.cancel()
