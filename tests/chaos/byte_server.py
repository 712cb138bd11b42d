"""A loopback HTTP server that answers every request with the same exact bytes, then holds on.

For the size tests: the body is written in pieces as given, the connection is then kept open
(so a client that reconnects shows up in ``connections`` rather than in a closed socket), and
every connection is counted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable


class ByteServer:
    """Serve ``parts()`` as a ``text/event-stream`` response to every connection."""

    def __init__(self, parts: Callable[[], Iterable[bytes]]) -> None:
        self._parts = parts
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/stream"

    async def __aenter__(self) -> ByteServer:
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
        self.connections += 1
        self._writers.add(writer)
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         b"Connection: close\r\n\r\n")
            for part in self._parts():
                writer.write(part)
                await writer.drain()
            await reader.read()  # hold the stream open until the client leaves
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
