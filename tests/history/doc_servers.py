"""NextDNS and proxy-logs servers written from the API documents, for history tests.

They share no code with ``logtui.demo``: each is a plain asyncio HTTP/1.1 server on loopback
(one request per connection) over an in-memory log that a test appends to. Live streams send
what is appended while they are open, so a test can write entries during a history load and
check that each arrives exactly once.

NextDNS (``nextdns-logs-stream.md`` and the ``/logs`` parameters it refers to): ``/logs``
newest first unless ``sort=asc``, ``limit`` 10..1000, ``from`` inclusive, ``to`` exclusive,
``cursor`` for the next page (``null`` on the last), ``meta.stream.id`` on every answer: the
id of the newest entry when the answer was made, after which ``/logs/stream?id=`` continues.
Stream ids are opaque; an id the server does not know (one from before :meth:`forget_ids`, or
never issued) is answered with ``event: error`` and code ``invalidId``, or a 400 with that
code (``dead_id``).

proxy-logs (``proxy-logs.md``): ``/_logs`` with ``afterId`` (ascending cursor), ``last``,
``offset``/``limit``/``total``; entries ascending by id; ``/_logs/stream`` frames ``id:
<ringSeq>``, resuming after ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Handler = Callable[[Request, asyncio.StreamWriter], Any]


def _iso(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _parse_time(text: str) -> int:
    if text.isdigit():
        number = int(text)
        return number if number > 100_000_000_000 else number * 1000
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no zone")
    return round(moment.timestamp() * 1000)


class LoopbackServer:
    """Serves each connection's one request with ``handle``; records the requests."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.changed = asyncio.Condition()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> LoopbackServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def poke(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            parts = urlsplit(target)
            request = Request(parts.path, dict(parse_qsl(parts.query)), headers)
            self.requests.append(request)
            await self.handle(request, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client left, or the test is over
        finally:
            self._writers.discard(writer)
            writer.close()

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    @staticmethod
    async def send_json(writer: asyncio.StreamWriter, body: object, status: int = 200) -> None:
        data = json.dumps(body).encode()
        writer.write(
            f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data
        )
        await writer.drain()

    async def send_events(
        self, writer: asyncio.StreamWriter, events: Callable[[], list[tuple[str, str]]]
    ) -> None:
        """An event stream: whatever ``events()`` returns now and after each change."""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n:\n\n")
        await writer.drain()
        while True:
            async with self.changed:
                batch = events()
                if not batch:
                    await self.changed.wait()
                    continue
            for event_id, data in batch:
                writer.write(f"id: {event_id}\ndata: {data}\n\n".encode())
            await writer.drain()


@dataclass
class NextDNSLog(LoopbackServer):
    """``/profiles/p/logs`` and ``/logs/stream`` over ``entries`` (oldest first)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    during_pages: Callable[[NextDNSLog], None] = lambda log: None
    """Called before each ``/logs`` answer: traffic that arrives during a history load."""
    unavailable: set[int] = field(default_factory=set)
    """``/logs`` requests (counted from 1) answered 503, as an overloaded server would."""
    logs_requests: int = 0
    dead_id: str = "event"
    """How the stream answers an id it does not know: ``event`` (``event: error``) or ``400``."""
    epoch: int = 0
    """Ids are issued as ``<epoch>.<position>``; those of an older epoch are unknown."""

    def forget_ids(self) -> None:
        """Every stream id issued so far becomes unknown (ids expire on the real service)."""
        self.epoch += 1

    def stream_id(self, position: int) -> str:
        """The id after which the stream continues from ``position`` entries."""
        return f"{self.epoch}.{position}"

    def known_position(self, given: str) -> int | None:
        """The position an id stands for, or None for an id this server does not know."""
        epoch, dot, position = given.partition(".")
        if not dot or epoch != str(self.epoch) or not position.isdigit():
            return None
        return int(position) if int(position) <= len(self.entries) else None

    def __post_init__(self) -> None:
        super().__init__()

    def add(self, ts_ms: int, domain: str) -> None:
        self.entries.append({"timestamp": _iso(ts_ms), "domain": domain, "status": "default",
                             "_ms": ts_ms})

    @staticmethod
    def served(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if k != "_ms"}

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/logs/stream"):
            given = request.query.get("id")
            start = len(self.entries) if not given else self.known_position(given)
            if start is None:
                await self.refuse_id(writer)
                return
            position = [start]

            def fresh() -> list[tuple[str, str]]:
                batch = [(self.stream_id(i + 1), json.dumps(self.served(e)))
                         for i, e in enumerate(self.entries[position[0]:], position[0])]
                position[0] = len(self.entries)
                return batch

            await self.send_events(writer, fresh)
        elif request.path.endswith("/logs"):
            self.logs_requests += 1
            if self.logs_requests in self.unavailable:
                await self.send_json(writer, {"errors": [{"code": "unavailable"}]}, 503)
                return
            self.during_pages(self)
            await self.send_json(writer, self.page(request.query))
        else:
            await self.send_json(writer, {"errors": [{"code": "notFound"}]}, 404)

    async def refuse_id(self, writer: asyncio.StreamWriter) -> None:
        body = {"errors": [{"code": "invalidId", "source": {"parameter": "id"}}]}
        if self.dead_id == "400":
            await self.send_json(writer, body, 400)
            return
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
                     b"event: error\ndata: " + json.dumps(body).encode() + b"\n\n")
        await writer.drain()

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        limit = int(query.get("limit", "100"))
        if not 10 <= limit <= 1000:
            return {"errors": [{"code": "invalidParameter", "source": {"parameter": "limit"}}]}
        ascending = query.get("sort", "desc") == "asc"
        start = _parse_time(query["from"]) if "from" in query else None
        end = _parse_time(query["to"]) if "to" in query else None
        numbered = list(enumerate(self.entries, 1))
        selected = [
            (n, e) for n, e in numbered
            if (start is None or e["_ms"] >= start) and (end is None or e["_ms"] < end)
        ]
        if not ascending:
            selected.reverse()
        if "cursor" in query:
            after = int(query["cursor"])
            selected = [(n, e) for n, e in selected if (n > after if ascending else n < after)]
        page = selected[:limit]
        more = len(selected) > limit
        return {
            "data": [self.served(e) for _, e in page],
            "meta": {
                "pagination": {"cursor": str(page[-1][0]) if more else None},
                "stream": {"id": self.stream_id(len(self.entries))},
            },
        }


@dataclass
class ProxyLog(LoopbackServer):
    """``/api/proxy-logs/_logs`` and ``/_logs/stream`` over ``entries`` (ascending ids)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    page_cap: int = 1000
    """The most entries one answer holds, whatever ``limit`` asks."""
    during_pages: Callable[[ProxyLog], None] = lambda log: None
    page_delay: float = 0.0
    """Seconds each ``/_logs`` answer takes (a slow log store)."""

    def __post_init__(self) -> None:
        super().__init__()

    def add(self, ts_ms: int, entry_id: int | None = None) -> None:
        new_id = entry_id if entry_id is not None else (
            self.entries[-1]["id"] + 1 if self.entries else 1)
        self.entries.append({"id": new_id, "tsMs": ts_ms, "kind": "request", "level": "info",
                             "url": f"/r/{new_id}"})

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if request.path.endswith("/_logs/stream"):
            given = request.headers.get("last-event-id")
            position = [int(given) if given else len(self.entries)]

            def fresh() -> list[tuple[str, str]]:
                batch = [(str(i + 1), json.dumps(e))
                         for i, e in enumerate(self.entries[position[0]:], position[0])]
                position[0] = len(self.entries)
                return batch

            await self.send_events(writer, fresh)
        elif request.path.endswith("/_logs"):
            self.during_pages(self)
            if self.page_delay:
                await asyncio.sleep(self.page_delay)
            await self.send_json(writer, self.page(request.query))
        else:
            await self.send_json(writer, {"statusCode": 404}, 404)

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        selected = list(self.entries)
        if "afterId" in query:
            selected = [e for e in selected if e["id"] > int(query["afterId"])]
        if "last" in query:
            selected = selected[len(selected) - int(query["last"]):]
        total = len(selected)
        offset = int(query.get("offset", "0"))
        limit = min(int(query.get("limit", "200")), self.page_cap)
        return {"entries": selected[offset:offset + limit], "total": total, "limit": limit,
                "offset": offset}


@contextlib.contextmanager
def in_thread(server: LoopbackServer) -> Iterator[asyncio.AbstractEventLoop]:
    """Run ``server`` on its own event loop in a thread (for a test that runs ``logtui`` in a
    subprocess); yields that loop, to change the log through ``call_soon_threadsafe``."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop: asyncio.Event | None = None

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        async with server:
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield loop
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
