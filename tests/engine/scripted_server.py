"""A tiny HTTP/1.1 server on loopback that answers each connection from a script.

The demo server covers the real APIs; this one covers what only exact bytes can: redirects
between hosts, 204 and wrong content types, chunk boundaries, a stream that never ends. Each
request is recorded (path, query, headers) so tests can check what the client sent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Pause:
    """Wait this many seconds before the next body part."""

    seconds: float


@dataclass
class Reply:
    """One scripted response; the body is written part by part, then the socket closes."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/event-stream"})
    parts: Sequence[bytes | Pause] = ()
    hold_open: bool = False
    """Keep the connection open after the body until the client leaves."""


@dataclass(frozen=True)
class Recorded:
    """A request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


Route = Callable[[Recorded], Reply]


class ScriptedServer:
    """Serve ``script`` replies in order (per path prefix), recording every request."""

    def __init__(self) -> None:
        self._scripts: dict[str, deque[Reply | Route]] = {}
        self.requests: list[Recorded] = []
        self._server: asyncio.Server | None = None
        self.port = 0
        self.arrived = asyncio.Event()
        self._writers: set[asyncio.StreamWriter] = set()

    def script(self, path: str, replies: Sequence[Reply | Route]) -> None:
        self._scripts[path] = deque(replies)

    def url(self, path: str = "", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self._serve(reader, writer)
        finally:
            self._writers.discard(writer)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        _, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts = urlsplit(target)
        recorded = Recorded(parts.path, dict(parse_qsl(parts.query)), headers)
        self.requests.append(recorded)
        self.arrived.set()
        script = self._scripts.get(parts.path)
        if not script:
            reply = Reply(status=404, headers={"Content-Type": "application/json"},
                          parts=[b'{"message":"no script"}'])
        else:
            item = script[0] if len(script) == 1 else script.popleft()
            reply = item(recorded) if callable(item) else item
        try:
            status_line = f"HTTP/1.1 {reply.status} X\r\n"
            head_out = status_line + "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
            writer.write((head_out + "Connection: close\r\n\r\n").encode("latin-1"))
            await writer.drain()
            for part in reply.parts:
                if isinstance(part, Pause):
                    await asyncio.sleep(part.seconds)
                else:
                    writer.write(part)
                    await writer.drain()
            if reply.hold_open:
                await reader.read()
        except ConnectionError:
            pass
        finally:
            writer.close()
