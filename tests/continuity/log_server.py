"""An independent loopback server for proxy-logs and NextDNS, written from the API documents.

It shares no code with ``logtui.demo``: a test here checks logtui against the documents, not
against the demo's reading of them. Each knob is a behaviour a real server may have and the
documents allow: ``/_logs`` applying its default ``limit`` of 200, a stream that joins the ring
only after its headers went out, a first connection refused with 429, ids that restart lower,
event names and ids the client does not expect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Stored:
    """One committed entry: its row id (``id``), its ring sequence and its payload."""

    id: int
    seq: int
    payload: dict[str, object]


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Behaviour:
    """What the server does beyond the documented basics."""

    refuse_streams: int = 0
    """Answer this many stream requests with 429 and ``Retry-After``."""
    retry_after: str = "1"
    join_late: asyncio.Event | None = None
    """A stream waits for this after sending its headers before pinning its start."""
    event_name: Callable[[Stored], str | None] = lambda stored: None
    frame_id: Callable[[Stored], str] = lambda stored: str(stored.seq)
    unknown_id: str = "ignore"
    """NextDNS ``?id=`` it never issued: ``ignore`` (heartbeats only), ``400`` or ``event``."""
    heartbeat: float = 0.05
    logs_delay: float = 0.0
    """Seconds each history page (``/_logs``, ``/logs``) takes before it is answered."""


@dataclass
class LogServer:
    """Entries shared by both APIs' routes; ``write`` commits more and wakes the streams."""

    behaviour: Behaviour = field(default_factory=Behaviour)
    entries: list[Stored] = field(default_factory=list)
    next_id: int = 1000
    next_seq: int = 1
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    issued: set[str] = field(default_factory=set)
    """NextDNS stream ids this server handed out (``meta.stream.id`` and frame ids)."""

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._streams: set[asyncio.StreamWriter] = set()
        self.arrived = asyncio.Event()
        self.joined = asyncio.Event()
        """Set once a stream has fixed where it starts."""

    def cut(self) -> None:
        """Close every open stream connection, as a network failure would."""
        for writer in list(self._streams):
            writer.transport.abort()

    async def wait_request(self, match: Callable[[Request], bool]) -> Request:
        """The first request ``match`` accepts, once it has arrived (its answer is computed
        in the same step, so what the server commits afterwards is not in it)."""
        while True:
            for request in self.requests:
                if match(request):
                    return request
            self.arrived.clear()
            await self.arrived.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def write(self, count: int) -> None:
        for _ in range(count):
            stored = Stored(self.next_id, self.next_seq, {})
            stored.payload = {
                "id": stored.id,
                "timestamp": f"2026-01-01T00:00:{stored.id:08d}Z",
                "domain": f"d{stored.id}.example",
            }
            self.entries.append(stored)
            self.next_id += 1
            self.next_seq += 1
        async with self._changed:
            self._changed.notify_all()

    def restart(self, *, next_id: int, next_seq: int) -> None:
        """Lose everything, as a server whose store and counters start again lower."""
        self.entries.clear()
        self.issued.clear()
        self.next_id = next_id
        self.next_seq = next_seq

    def committed(self) -> list[int]:
        return [stored.id for stored in self.entries]

    def requests_to(self, suffix: str) -> list[Request]:
        return [r for r in self.requests if r.path.endswith(suffix)]

    async def __aenter__(self) -> LogServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            _, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip(" ")
            parts = urlsplit(target)
            request = Request(parts.path, dict(parse_qsl(parts.query)), headers)
            self.requests.append(request)
            self.arrived.set()
            await self._route(request, writer)
        except (asyncio.IncompleteReadError, ConnectionError, RuntimeError):
            pass
        finally:
            self._writers.discard(writer)
            self._streams.discard(writer)
            writer.close()

    async def _route(self, request: Request, writer: asyncio.StreamWriter) -> None:
        path = request.path
        if path.endswith("logs") and self.behaviour.logs_delay:
            await asyncio.sleep(self.behaviour.logs_delay)
        if path.endswith("/_logs"):
            await self._json(writer, 200, self._proxy_logs(request.query))
        elif path.endswith("/_logs/stream"):
            await self._proxy_stream(request, writer)
        elif path.endswith("/logs"):
            await self._json(writer, 200, self._nextdns_logs(request.query))
        elif path.endswith("/logs/stream"):
            await self._nextdns_stream(request, writer)
        else:
            await self._json(writer, 404, {"message": "not found"})

    @staticmethod
    async def _json(
        writer: asyncio.StreamWriter, status: int, body: object, extra: str = ""
    ) -> None:
        data = json.dumps(body).encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data
        )
        await writer.drain()

    async def _open_stream(self, writer: asyncio.StreamWriter) -> None:
        self._streams.add(writer)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Connection: close\r\n\r\n"
        )
        await writer.drain()

    async def _follow(
        self,
        writer: asyncio.StreamWriter,
        start: Callable[[], int],
        frame: Callable[[Stored], bytes],
    ) -> None:
        """Send every entry committed after index ``start()`` (called once the stream joins),
        with heartbeats, until the client leaves."""
        join = self.behaviour.join_late
        if join is not None:
            await join.wait()
        index = start()
        self.joined.set()
        while not writer.is_closing():
            while index < len(self.entries):
                writer.write(frame(self.entries[index]))
                index += 1
            writer.write(b":\n\n")
            await writer.drain()
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), self.behaviour.heartbeat)

    # -- proxy-logs --------------------------------------------------------------------------

    def _proxy_logs(self, query: dict[str, str]) -> dict[str, object]:
        limit = int(query.get("limit", "200"))
        offset = int(query.get("offset", "0"))
        rows = self.entries
        if "afterId" in query:
            after = int(query["afterId"])
            selected = [r for r in rows if r.id > after]
            if "last" in query:
                selected = selected[-int(query["last"]):]
        elif "last" in query:
            last = int(query["last"])
            selected = rows[len(rows) - last:] if last else []
        else:
            selected = rows[::-1]
        page = selected[offset: offset + limit]
        return {
            "entries": [r.payload for r in page],
            "total": len(selected),
            "limit": limit,
            "offset": offset,
        }

    async def _proxy_stream(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if self.behaviour.refuse_streams > 0:
            self.behaviour.refuse_streams -= 1
            await self._json(writer, 429, {"statusCode": 429, "error": "Too Many Requests"},
                             f"Retry-After: {self.behaviour.retry_after}\r\n")
            return
        header = request.headers.get("last-event-id")
        await self._open_stream(writer)

        last = int(header) if header is not None and header.isdigit() else None

        def start() -> int:
            return len(self.entries) if last is None else 0

        def frame(stored: Stored) -> bytes:
            if last is not None and stored.seq <= last:
                return b""  # "the server skips any frame with ringSeq <= Last-Event-ID"
            name = self.behaviour.event_name(stored)
            event = f"event: {name}\n" if name else ""
            data = json.dumps(stored.payload)
            return f"{event}id:{self.behaviour.frame_id(stored)}\ndata: {data}\n\n".encode()

        await self._follow(writer, start, frame)

    # -- NextDNS -----------------------------------------------------------------------------

    def _stream_id(self, stored: Stored | None) -> str:
        value = f"s{stored.seq if stored else self.next_seq - 1}"
        self.issued.add(value)
        return value

    def _nextdns_logs(self, query: dict[str, str]) -> dict[str, object]:
        limit = int(query.get("limit", "100"))
        newest_first = self.entries[::-1]
        skip = int(query.get("cursor", "0") or "0")
        page = newest_first[skip: skip + limit]
        more = skip + limit < len(newest_first)
        return {
            "data": [r.payload for r in page],
            "meta": {
                "pagination": {"cursor": str(skip + limit) if more else None},
                "stream": {"id": self._stream_id(self.entries[-1] if self.entries else None)},
            },
        }

    async def _nextdns_stream(self, request: Request, writer: asyncio.StreamWriter) -> None:
        resume = request.query.get("id")
        if resume is not None and resume not in self.issued:
            mode = self.behaviour.unknown_id
            if mode == "400":
                body = {"errors": [{"code": "invalidId", "source": {"parameter": "id"}}]}
                await self._json(writer, 400, body)
                return
            await self._open_stream(writer)
            if mode == "event":
                writer.write(b'event: error\ndata: {"errors":[{"code":"invalidId"}]}\n\n')
                await writer.drain()
                await asyncio.sleep(0.05)
                return
            while not writer.is_closing():  # "ignore": heartbeats and nothing else
                writer.write(b":\n\n")
                await writer.drain()
                await asyncio.sleep(self.behaviour.heartbeat)
        await self._open_stream(writer)

        def start() -> int:
            if resume is None:
                return len(self.entries)
            seq = int(resume[1:])
            return sum(1 for r in self.entries if r.seq <= seq)

        def frame(stored: Stored) -> bytes:
            data = json.dumps(stored.payload)
            return f"id: {self._stream_id(stored)}\ndata: {data}\n\n".encode()

        await self._follow(writer, start, frame)
