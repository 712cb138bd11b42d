"""Serving one Server-Sent Events response: frames, heartbeats, and the scripted faults.

The stream is written with raw ASGI messages rather than Starlette's ``StreamingResponse``
because faults need control below it: a cut must leave half a frame on the wire and close the
socket without the chunked terminator, and a stall must send nothing at all. Frames are
batched into one write while no fault is due, so a 5,000-entry replay leaves in a few writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from logtui.demo.faults import ActionKind, FaultRun, LineEnding
from logtui.demo.wakers import Wakers

BATCH = 500
"""Frames per write at most, so one client cannot hold the loop for long."""

CUT_LOG_MESSAGE = "ASGI callable returned without completing response."
"""What uvicorn logs when a response is abandoned, which is exactly how a cut is made."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One SSE event to send."""

    data: str
    id: str | None = None
    event: str | None = None


class Feed(Protocol):
    """Where a stream's frames come from; one per connection, holding its cursor."""

    wakers: Wakers

    def take(self, limit: int) -> list[Frame]:
        """Up to ``limit`` frames not yet sent on this connection, advancing the cursor."""

    def interruption(self) -> Frame | None:
        """A final frame (such as ``reset``) to send before closing, when one is due."""

    def perform(self, kind: ActionKind) -> Frame | None:
        """Carry out an API-specific action (reset, scope-destroyed); the frame to send, if
        any, after which the stream closes. None means the API ignores this action."""


def encode(frame: Frame, line_ending: LineEnding = "\n", split_data: bool = False) -> bytes:
    """The wire bytes of ``frame``; ``split_data`` puts each top-level member on its own line."""
    lines: list[str] = []
    if frame.event is not None:
        lines.append(f"event: {frame.event}")
    if frame.id is not None:
        lines.append(f"id: {frame.id}")
    for part in _split(frame.data) if split_data else frame.data.split("\n"):
        lines.append(f"data: {part}")
    return (line_ending.join(lines) + line_ending + line_ending).encode("utf-8")


def _split(data: str) -> list[str]:
    """JSON object text as several lines that, joined with ``\\n``, parse to the same value."""
    try:
        value = json.loads(data)
    except ValueError:
        return data.split("\n")
    if not isinstance(value, dict) or len(value) < 2:
        return data.split("\n")
    members = [
        json.dumps(key, ensure_ascii=False) + ":"
        + json.dumps(item, separators=(",", ":"), ensure_ascii=False)
        for key, item in value.items()
    ]
    lines = [member + "," for member in members[:-1]] + [members[-1] + "}"]
    lines[0] = "{" + lines[0]
    return lines


class StreamResponse(Response):
    """A Starlette response that hands the raw ASGI channel to ``serve``."""

    def __init__(self, serve: Callable[[Receive, Send], Awaitable[None]]) -> None:
        self._serve = serve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._serve(receive, send)


class _CutFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != CUT_LOG_MESSAGE


def silence_cut_reports() -> None:
    """Keep uvicorn from logging every deliberate cut as an application error."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _CutFilter) for f in logger.filters):
        logger.addFilter(_CutFilter())


class _Connection:
    """The per-connection state shared by the writer loop and the disconnect watcher."""

    def __init__(self, wake: asyncio.Event, stopping: asyncio.Event) -> None:
        self.wake = wake
        self.stopping = stopping
        self.closed = False

    @property
    def over(self) -> bool:
        return self.closed or self.stopping.is_set()

    async def watch(self, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.closed = True
                self.wake.set()
                return

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` or until new data, a disconnect or shutdown wakes us."""
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), seconds)

    async def stall(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (unless the client leaves or the server stops)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.over and (left := deadline - loop.time()) > 0:
            await self.sleep(left)


async def serve_stream(
    receive: Receive,
    send: Send,
    *,
    feed: Feed,
    run: FaultRun,
    heartbeat: float,
    stopping: asyncio.Event,
) -> None:
    """Write an SSE response from ``feed`` until the client leaves, the server stops, the
    feed is interrupted, or a fault ends it."""
    wake = feed.wakers.add()
    connection = _Connection(wake, stopping)
    watcher = asyncio.create_task(connection.watch(receive))
    try:
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),
            ],
        })
        if await _write_frames(send, feed, run, heartbeat, connection):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        watcher.cancel()
        feed.wakers.remove(wake)


async def _write_frames(
    send: Send, feed: Feed, run: FaultRun, heartbeat: float, connection: _Connection
) -> bool:
    """The stream's main loop; False when the connection was cut (no clean ending)."""
    loop = asyncio.get_running_loop()
    fault = run.fault
    eol, split = fault.line_ending, fault.split_data
    sent = 0
    cutting = False
    last_write = loop.time()

    async def write(body: bytes) -> None:
        nonlocal last_write
        await send(_body(body))
        last_write = loop.time()

    while not connection.over:
        for action in run.due(sent):
            if action.kind == ActionKind.CUT:
                cutting = True
            elif action.kind == ActionKind.STALL:
                await connection.stall(action.seconds)
                last_write = loop.time()
            elif action.kind == ActionKind.GARBAGE:
                await write(encode(Frame("this is not json {"), eol))
            elif action.kind == ActionKind.END:
                return True
            elif action.kind in (ActionKind.RESET, ActionKind.SCOPE_DESTROYED):
                final = feed.perform(action.kind)
                if final is not None:
                    await write(encode(final, eol))
                    return True
        if connection.over:
            break
        final = feed.interruption()
        if final is not None:
            await write(encode(final, eol))
            return True
        room = run.room(sent)
        frames = feed.take(1 if cutting else int(min(room, BATCH)))
        if frames:
            if cutting:
                whole = encode(frames[0], eol, split)
                await send(_body(whole[: run.cut_length(whole)]))
                return False
            await write(_join(frames, eol, split))
            sent += len(frames)
            continue
        idle = loop.time() - last_write
        if idle >= heartbeat:
            await write(f":{eol}{eol}".encode())
            continue
        await connection.sleep(heartbeat - idle)
    return True


def _join(frames: Sequence[Frame], eol: LineEnding, split: bool) -> bytes:
    if eol == "\n" and not split:
        return "".join(
            f"id: {f.id}\ndata: {f.data}\n\n" if f.event is None and f.id is not None
            and "\n" not in f.data else encode(f).decode("utf-8")
            for f in frames
        ).encode("utf-8")
    return b"".join(encode(f, eol, split) for f in frames)


def _body(body: bytes) -> Message:
    return {"type": "http.response.body", "body": body, "more_body": True}
