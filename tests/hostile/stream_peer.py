"""What the two hostile servers share: a schedule of faults applied to SSE connections.

A subclass says how to answer its history endpoint and which frames a new stream connection
replays; this class runs the connection: status refusals, ``retry:``, heartbeats, line endings,
gzip, and the cut, reset, stall or restart its :class:`~tests.hostile.faults.Fault` asks for.
Every request and every stream connection attempt is recorded, so tests count them here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from typing import Any, Self

from tests.hostile.faults import Fault, Kind, Style, retry_after_value
from tests.hostile.wire import Body, Request, close, head, json_response, read_request, tcp_reset

HEARTBEAT_EVERY = 0.15
"""Seconds of silence before a ``:`` heartbeat (the docs say 15 s; tests cannot wait that)."""


class Frame:
    """One entry as the stream carries it: its SSE id and its JSON payload."""

    __slots__ = ("data", "event_id", "ident")

    def __init__(self, event_id: str, data: dict[str, Any], ident: tuple[int, int]) -> None:
        self.event_id = event_id
        self.data = data
        self.ident = ident
        """(epoch, id): what the checker calls this entry."""


class StreamPeer:
    """A loopback HTTP server whose stream connections follow a fault schedule."""

    stream_path = "/stream"

    def __init__(self, schedule: Sequence[Fault]) -> None:
        self.schedule = list(schedule)
        self._next_fault = 0
        self.requests: list[Request] = []
        self.stream_attempts: list[float] = []
        """Loop times of stream connection attempts (every request to the stream path)."""
        self.attempted = asyncio.Event()
        """Set at the first stream connection attempt."""
        self.subscribed = asyncio.Event()
        """Set once a stream connection is open and receiving live entries."""
        self._queues: set[asyncio.Queue[Frame | None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    # -- what a subclass provides ------------------------------------------------------------

    def replay(self, request: Request, fault: Fault) -> list[Frame] | None:
        """Frames owed to a new connection before live ones; None: refuse the resume."""
        raise NotImplementedError

    async def other(self, request: Request) -> bytes:
        """The whole response to a request that is not for the stream."""
        raise NotImplementedError

    def authorised(self, request: Request) -> bool:
        raise NotImplementedError

    def matches(self, request: Request, frame: Frame) -> bool:
        """Whether the stream's filters let ``frame`` through."""
        return True

    def resumes(self, request: Request) -> bool:
        """Whether ``request`` asks to resume (only then can its resume point be refused)."""
        return "last-event-id" in request.headers or "id" in request.query

    def refuse_resume(self, fault: Fault) -> bytes:
        """The answer to a resume id the server does not know."""
        return json_response(400, {"errors": [{"code": "invalid", "detail": "id"}]})

    def after_reset_event(self) -> None:
        """The server restarted after sending ``event: reset``."""

    def after_crash(self, fault: Fault) -> None:
        """The server restarted with no word to its clients."""

    # -- running -----------------------------------------------------------------------------

    @property
    def schedule_done(self) -> bool:
        return self._next_fault >= len(self.schedule)

    def publish(self, frame: Frame) -> None:
        for queue in list(self._queues):
            queue.put_nowait(frame)

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            close(writer)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            request = await read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            if not self.authorised(request):
                writer.write(json_response(403, {"statusCode": 403, "error": "Forbidden",
                                                 "message": "Logs token missing or invalid"}))
            elif request.path == self.stream_path:
                await self._stream(request, writer)
            else:
                writer.write(await self.other(request))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            close(writer)

    def _take_fault(self) -> Fault | None:
        if self.schedule_done:
            return None
        fault = self.schedule[self._next_fault]
        self._next_fault += 1
        return fault

    async def _stream(self, request: Request, writer: asyncio.StreamWriter) -> None:
        self.stream_attempts.append(request.at)
        self.attempted.set()
        fault = self._take_fault()
        if fault is not None and fault.kind is Kind.STATUS:
            headers = {"Content-Type": "application/json"}
            value = retry_after_value(fault.retry_after, time.time())
            if value is not None:
                headers["Retry-After"] = value
            body = json.dumps({"statusCode": fault.status, "error": "Too Many Requests",
                               "message": "Rate limit exceeded for log stream"}).encode()
            headers["Content-Length"] = str(len(body))
            writer.write(head(fault.status, headers, hostile_reason=True) + body)
            return
        queue: asyncio.Queue[Frame | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            await self._serve_stream(request, writer, fault, queue)
        finally:
            self._queues.discard(queue)

    async def _serve_stream(self, request: Request, writer: asyncio.StreamWriter,
                            fault: Fault | None, queue: asyncio.Queue[Frame | None]) -> None:
        style = fault.style if fault is not None else Style()
        if fault is not None and fault.kind is Kind.BAD_RESUME and self.resumes(request):
            replayed = None
        else:
            replayed = self.replay(request, fault or Fault())
        if replayed is None:
            writer.write(self.refuse_resume(fault or Fault()))
            return
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        if style.gzip:
            headers["Content-Encoding"] = "gzip"
        writer.write(head(200, headers))
        body = Body(writer, gzipped=style.gzip)
        le = style.line_ending
        if style.retry_ms is not None:
            await body.send(f"retry: {style.retry_ms}{le}{le}".encode())
        else:
            await body.send(f":{le}{le}".encode())
        self.subscribed.set()
        pending = list(replayed)
        sent = 0
        while True:
            if fault is not None and sent >= fault.after and fault.kind is not Kind.PLAIN:
                await self._fire(fault, writer, body, pending, queue, request)
                return
            if fault is not None and fault.kind is Kind.PLAIN and sent >= fault.after:
                return
            frame = pending.pop(0) if pending else await self._next_live(queue, body, style)
            if frame is None:
                continue
            if not self.matches(request, frame):
                continue
            await body.send(self.frame_bytes(frame, style))
            sent += 1

    async def _next_live(self, queue: asyncio.Queue[Frame | None], body: Body,
                         style: Style) -> Frame | None:
        try:
            return await asyncio.wait_for(queue.get(), HEARTBEAT_EVERY)
        except TimeoutError:
            if style.heartbeats:
                le = style.line_ending
                await body.send(f":{le}{le}".encode())
            return None

    def frame_bytes(self, frame: Frame, style: Style, event: str | None = None) -> bytes:
        le = style.line_ending
        ident = f"id:\t{frame.event_id} " if style.id_padding else f"id: {frame.event_id}"
        lines = [ident]
        if event is not None:
            lines.append(f"event: {event}")
        lines.append("data: " + json.dumps(frame.data, ensure_ascii=False))
        return (le.join(lines) + le + le).encode()

    async def _fire(self, fault: Fault, writer: asyncio.StreamWriter, body: Body,
                    pending: list[Frame], queue: asyncio.Queue[Frame | None],
                    request: Request) -> None:
        le = fault.style.line_ending
        if fault.kind is Kind.CUT:
            frame = pending.pop(0) if pending else await self._live_frame(queue, request)
            data = self.frame_bytes(frame, fault.style)
            await body.send(data[: max(1, fault.offset % len(data))])
            await writer.drain()
        elif fault.kind is Kind.TCP_RESET:
            await writer.drain()
            tcp_reset(writer)
        elif fault.kind is Kind.STALL:
            await asyncio.sleep(fault.seconds)
        elif fault.kind is Kind.RESET_EVENT:
            await body.send(f"event: reset{le}data: {{}}{le}{le}".encode())
            self.after_reset_event()
        elif fault.kind is Kind.SCOPE_DESTROYED:
            await body.send(f"event: scope-destroyed{le}data: {{}}{le}{le}".encode())
        elif fault.kind is Kind.RESTART:
            self.after_crash(fault)
        elif fault.kind is Kind.UNKNOWN_EVENT:
            frame = pending.pop(0) if pending else await self._live_frame(queue, request)
            event = "log\x1b]0;x\x07\x9b" if fault.style.hostile_text else "log"
            await body.send(self.frame_bytes(frame, fault.style, event=event))

    async def _live_frame(self, queue: asyncio.Queue[Frame | None], request: Request) -> Frame:
        while True:
            frame = await queue.get()
            if frame is not None and self.matches(request, frame):
                return frame


__all__ = ["HEARTBEAT_EVERY", "Frame", "StreamPeer"]
