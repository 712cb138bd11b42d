"""A TCP proxy on loopback that breaks connections the way networks do, and counts each break.

It sits between the client and a real server and forwards bytes unchanged, except that some
connections are cut (FIN) or reset (RST) after a random number of response bytes: inside the
HTTP head, inside a chunk-size line, inside an SSE frame or a UTF-8 sequence, wherever the
offset falls. Decisions come from a seeded random generator, so a failing run can be replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections import Counter
from dataclasses import dataclass

CUT = "proxy-cut"
RESET = "proxy-reset"


@dataclass(frozen=True)
class Fate:
    """What happens to one connection: ``kind`` after ``offset`` response bytes, or nothing."""

    kind: str | None
    offset: int = 0


class ChaosProxy:
    """Forward ``127.0.0.1:port`` to an upstream server, breaking some connections."""

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        *,
        seed: int,
        break_rate: float = 0.3,
        max_offset: int = 64 * 1024,
    ) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._rng = random.Random(seed)
        self.break_rate = break_rate
        """Share of connections that get cut or reset; set it to 0 to calm the network."""
        self._max_offset = max_offset
        self.fired: Counter[str] = Counter()
        """Breaks that actually happened (the offset was reached), by kind."""
        self.connections = 0
        self._breaks = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def __aenter__(self) -> ChaosProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._server.wait_closed()

    def _fate(self) -> Fate:
        if self._rng.random() >= self.break_rate:
            return Fate(None)
        self._breaks += 1
        kind = CUT if self._breaks % 2 else RESET  # alternate, so both always happen
        return Fate(kind, self._rng.randint(1, self._max_offset))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        fate = self._fate()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return
        upstream = asyncio.create_task(_pump(reader, up_writer))
        try:
            await self._downstream(up_reader, writer, fate)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            upstream.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await upstream
            up_writer.close()
            if not writer.transport.is_closing():
                writer.close()
            self._tasks.discard(task)

    async def _downstream(
        self, up_reader: asyncio.StreamReader, writer: asyncio.StreamWriter, fate: Fate
    ) -> None:
        sent = 0
        while True:
            data = await up_reader.read(65536)
            if not data:
                return
            if fate.kind is not None and sent + len(data) >= fate.offset:
                writer.write(data[: fate.offset - sent])
                await writer.drain()
                self.fired[fate.kind] += 1
                if fate.kind == RESET:
                    _abort_with_reset(writer)
                else:
                    writer.close()
                return
            writer.write(data)
            await writer.drain()
            sent += len(data)


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


def _abort_with_reset(writer: asyncio.StreamWriter) -> None:
    """Close so the peer sees a TCP RST rather than a FIN (linger on, timeout zero)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
