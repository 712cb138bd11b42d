"""Bytes on a loopback socket: requests read, responses written, connections cut or reset.

Plain asyncio and the standard library only, so nothing here shares code with logtui.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import struct
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from tests.hostile.faults import HOSTILE_REASON


@dataclass(frozen=True)
class Request:
    """A request as the server read it (header names lower-cased)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float
    """The event loop's clock when it arrived."""


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request head, or None when the client left first."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip(" \t")
    parts = urlsplit(target)
    loop = asyncio.get_running_loop()
    return Request(method, parts.path, dict(parse_qsl(parts.query)), headers, loop.time())


def head(status: int, headers: dict[str, str], *, hostile_reason: bool = False) -> bytes:
    """A status line and headers; the reason phrase carries control bytes if asked."""
    reason = HOSTILE_REASON if hostile_reason else "OK" if status == 200 else "Nope"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items()),
             "Connection: close", "", ""]
    return "\r\n".join(lines).encode("utf-8")


def json_response(status: int, document: object, *, gzipped: bool = False) -> bytes:
    """A whole JSON response (``Content-Length`` set, gzip if asked)."""
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/json"}
    if gzipped:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    headers["Content-Length"] = str(len(body))
    return head(status, headers) + body


class Body:
    """A streamed response body, gzip-compressed on the fly (flushed per write) if asked."""

    def __init__(self, writer: asyncio.StreamWriter, *, gzipped: bool) -> None:
        self._writer = writer
        self._zip = zlib.compressobj(wbits=31) if gzipped else None

    async def send(self, data: bytes) -> None:
        if self._zip is not None:
            data = self._zip.compress(data) + self._zip.flush(zlib.Z_SYNC_FLUSH)
        self._writer.write(data)
        await self._writer.drain()


def tcp_reset(writer: asyncio.StreamWriter) -> None:
    """Abort the connection with an RST (SO_LINGER 0) instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(Exception):
        writer.close()


__all__ = ["Body", "Request", "close", "head", "json_response", "read_request", "tcp_reset"]
