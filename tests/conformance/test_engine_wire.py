"""SSE conformance at the engine's edge, over real loopback sockets: what goes back on the wire.

The decoder's vectors (``test_sse_vectors.py``) prove what is parsed; these prove what the
engine does with it when it reconnects: the last event id echoed byte for byte in
``Last-Event-ID`` (non-ASCII included) or percent-encoded in NextDNS's ``?id=``, the id of a
block cut off at end of stream never used, redirects 301/302/307/308 followed for one
connection only (the next one starts again from the configured URL) with credentials never
sent to another host, and 204 or a content type that is not ``text/event-stream`` stopping at
once with no retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.errors import FatalSourceError
from logtui.core.models import CollectingSink, ConnectionState, Entry, SourceKind, SourceStatus
from logtui.core.sources import SourceConfig, build_source

SSE = "text/event-stream"
NON_ASCII_ID = "é€😀-ид-٣"
"""An id a server may well send: Latin-1, BMP, astral and Arabic-Indic characters."""


@dataclass
class Reply:
    """One scripted answer; ``hold`` keeps the stream open after the body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": SSE})
    body: bytes = b""
    hold: bool = False


@dataclass(frozen=True)
class Seen:
    """A request as it arrived: the raw target and the raw header lines (bytes, unparsed)."""

    host: str
    target: bytes
    headers: dict[bytes, bytes]

    @property
    def path(self) -> str:
        return urlsplit(self.target.decode("ascii")).path

    @property
    def query(self) -> str:
        return urlsplit(self.target.decode("ascii")).query


class WireServer:
    """Answers each path from its script (the last reply repeats) and records raw requests."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self.arrived = asyncio.Event()
        self.port = 0
        self._server: asyncio.Server | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.split(b"\r\n")
        target = lines[0].split(b" ")[1]
        headers = {}
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        seen = Seen(headers.get(b"host", b"").decode("latin-1"), target, headers)
        self.seen.append(seen)
        self.arrived.set()
        script = self.scripts.get(seen.path) or [Reply(404, {}, b"")]
        reply = script.pop(0) if len(script) > 1 else script[0]
        head_out = f"HTTP/1.1 {reply.status} X\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in reply.headers.items()
        )
        try:
            writer.write(head_out.encode("latin-1") + b"Connection: close\r\n\r\n" + reply.body)
            await writer.drain()
            if reply.hold:
                await reader.read()
        except ConnectionError:
            pass
        finally:
            writer.close()


@pytest.fixture
async def wire() -> AsyncIterator[WireServer]:
    server = WireServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class Sink(CollectingSink):
    """A collecting sink whose contents can be awaited."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.changed.set()

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        self.changed.set()


def _engine(config: SourceConfig, sink: Sink) -> Engine:
    return Engine(build_source(config), sink, backoff=Backoff(0.01, 0.02, random.Random(3)))


async def _run_until(
    engine: Engine, sink: Sink, wire: WireServer, done: Callable[[], bool]
) -> None:
    task = asyncio.create_task(engine.run())
    try:
        async with asyncio.timeout(10):
            while not done():
                if task.done():
                    task.result()
                    break
                sink.changed.clear()
                wire.arrived.clear()
                waiters = [asyncio.ensure_future(sink.changed.wait()),
                           asyncio.ensure_future(wire.arrived.wait())]
                await asyncio.wait([*waiters, task], return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# --- ids on the wire ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SourceKind.SSE, SourceKind.PROXY])
async def test_a_non_ascii_id_is_echoed_byte_for_byte_in_last_event_id(
    wire: WireServer, kind: SourceKind
) -> None:
    path = "/stream" if kind is SourceKind.SSE else "/api/_logs/stream"
    wire.scripts[path] = [
        Reply(body=f'id: {NON_ASCII_ID}\ndata: {{"id": 1}}\n\n'.encode()),
        Reply(hold=True),
    ]
    wire.scripts["/api/_logs"] = [Reply(headers={"Content-Type": "application/json"},
                                        body=b'{"entries":[],"total":0,"limit":1000,"offset":0}')]
    url = wire.url("/stream") if kind is SourceKind.SSE else wire.url("/api")
    sink = Sink()
    engine = _engine(SourceConfig(kind=kind, url=url, secret="t"), sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to(path)) >= 2)

    assert [e.event_id for e in sink.entries] == [NON_ASCII_ID]
    first, second = wire.to(path)[:2]
    assert b"last-event-id" not in first.headers
    assert second.headers[b"last-event-id"] == NON_ASCII_ID.encode("utf-8")
    assert engine.status.state is not ConnectionState.FAILED


async def test_a_non_ascii_id_is_percent_encoded_in_the_nextdns_id_parameter(
    wire: WireServer,
) -> None:
    stream_id = NON_ASCII_ID + " &=+/?#"
    wire.scripts["/profiles/p1/logs/stream"] = [
        Reply(body=f'id: {stream_id}\ndata: {{"domain": "a.example"}}\n\n'.encode()),
        Reply(hold=True),
    ]
    sink = Sink()
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=wire.url("/profiles/p1"), secret="k")
    engine = _engine(config, sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to("/profiles/p1/logs/stream")) >= 2)

    second = wire.to("/profiles/p1/logs/stream")[1]
    assert second.target.isascii()
    assert parse_qs(second.query, encoding="utf-8")["id"] == [stream_id]
    assert b"%C3%A9" in second.target.upper()


async def test_the_id_of_a_block_cut_at_end_of_stream_is_never_sent(wire: WireServer) -> None:
    wire.scripts["/stream"] = [
        Reply(body=b'id: 1\ndata: {"n":1}\n\nid: 2\ndata: {"n":2}\n'),  # no blank line: cut
        Reply(hold=True),
    ]
    sink = Sink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream")), sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to("/stream")) >= 2)

    assert [e.data for e in sink.entries] == [{"n": 1}]
    assert wire.to("/stream")[1].headers[b"last-event-id"] == b"1"


async def test_an_id_containing_nul_is_ignored_and_the_previous_one_is_sent(
    wire: WireServer,
) -> None:
    wire.scripts["/stream"] = [
        Reply(body=b'id: 7\ndata: {"n":1}\n\nid: 8\x009\ndata: {"n":2}\n\n'),
        Reply(hold=True),
    ]
    sink = Sink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream")), sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to("/stream")) >= 2)

    assert [e.event_id for e in sink.entries] == ["7", "7"]
    assert wire.to("/stream")[1].headers[b"last-event-id"] == b"7"


async def test_a_bare_id_line_resets_the_id_and_the_next_request_sends_none(
    wire: WireServer,
) -> None:
    wire.scripts["/stream"] = [
        Reply(body=b'id: 7\ndata: {"n":1}\n\nid\ndata: {"n":2}\n\n'),
        Reply(hold=True),
    ]
    sink = Sink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream")), sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to("/stream")) >= 2)

    assert len(sink.entries) == 2
    assert b"last-event-id" not in wire.to("/stream")[1].headers


# --- redirects ------------------------------------------------------------------------------

CREDENTIALS = {"Authorization": "Bearer s3cret-token", "X-Api-Key": "s3cret-key"}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["same-host", "cross-host"])
async def test_a_redirect_is_followed_for_one_connection_and_credentials_stay_home(
    wire: WireServer, status: int, host: str
) -> None:
    moved = wire.url("/moved", host=host)
    wire.scripts["/stream"] = [Reply(status, {"Location": moved})]
    wire.scripts["/moved"] = [Reply(body=b'id: 1\ndata: {"n":1}\n\n')]  # then the stream ends
    sink = Sink()
    config = SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream"), headers=CREDENTIALS)
    engine = _engine(config, sink)

    await _run_until(engine, sink, wire, lambda: len(wire.to("/moved")) >= 2)

    order = [s.path for s in wire.seen][:4]
    assert order == ["/stream", "/moved", "/stream", "/moved"], "the redirect was remembered"
    original, redirected = wire.to("/stream")[0], wire.to("/moved")[0]
    assert original.headers[b"authorization"] == b"Bearer s3cret-token"
    assert original.headers[b"x-api-key"] == b"s3cret-key"
    if host == "127.0.0.1":
        assert redirected.headers[b"authorization"] == b"Bearer s3cret-token"
        assert redirected.headers[b"x-api-key"] == b"s3cret-key"
    else:
        assert b"authorization" not in redirected.headers
        assert b"x-api-key" not in redirected.headers
        assert all(b"s3cret" not in value for value in redirected.headers.values())
    assert wire.to("/moved")[1].headers[b"last-event-id"] == b"1"


# --- stop at once ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(204, {}), ["204"]),
        (Reply(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>hi</html>"),
         ["text/html", "text/event-stream"]),
        (Reply(200, {"Content-Type": "application/json"}, b"{}"), ["application/json"]),
        (Reply(200, {"Content-Type": "text/plain"}, b"data: {}\n\n"), ["text/plain"]),
        (Reply(200, {"Content-Type": "text/event-streams"}, b"data: {}\n\n"),
         ["text/event-streams"]),
        (Reply(200, {}, b"data: {}\n\n"), ["text/event-stream"]),
    ],
    ids=["204", "html", "json", "plain", "near-miss", "missing"],
)
async def test_204_and_wrong_content_types_stop_after_one_request(
    wire: WireServer, reply: Reply, words: list[str]
) -> None:
    wire.scripts["/stream"] = [reply]
    sink = Sink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream")), sink)

    status = await asyncio.wait_for(engine.run(), 10)

    assert status.state is ConnectionState.FAILED
    assert isinstance(engine.error, FatalSourceError)
    for word in words:
        assert word in str(engine.error)
    assert len(wire.to("/stream")) == 1
    assert sink.entries == []


@pytest.mark.parametrize(
    "content_type", ["text/event-stream; charset=windows-1252", "TEXT/Event-Stream", SSE]
)
async def test_the_event_stream_type_is_matched_without_case_or_parameters(
    wire: WireServer, content_type: str
) -> None:
    wire.scripts["/stream"] = [
        Reply(headers={"Content-Type": content_type},
              body='data: {"s":"é"}\n\n'.encode(), hold=True),
    ]
    sink = Sink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=wire.url("/stream")), sink)

    await _run_until(engine, sink, wire, lambda: len(sink.entries) == 1)

    assert sink.entries[0].data == {"s": "é"}  # UTF-8 whatever the charset says
