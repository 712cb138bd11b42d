"""A chunked event stream read straight from its connection, one socket read at a time.

httpx hands a streamed body on through h11 and httpcore, which copy every byte four times
(into h11's buffer, two slices, then ``bytes``) and make a trip through each layer for every
chunk the server sent: at 64 KiB chunks that is most of what a bulk ingest costs outside
logtui. Here, once httpx has the response head, the body of a plain chunked response is read
from the same connection directly: each socket read (up to :data:`READ_SIZE`) gives one piece
holding the data of every whole chunk in it, joined once.

Only the usual shape is taken this way: a chunk-size line of hex digits alone, its data, CRLF.
At anything else (the last chunk, trailers, an extension, spaces, a malformed line) the rest
of the body goes to a fresh h11 parser fed the same bytes, so h11 decides exactly as before;
a connection closed inside a chunk is the same ``RemoteProtocolError``. The response is then
never handed back to httpcore's pool as reusable (its own parser never saw the body end): the
connection closes with the response, which an event stream does anyway.

When httpx's internals are not where this expects them (another httpx or httpcore, HTTP/2, a
body already being read), :func:`direct_chunks` returns None and httpx reads the body.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Any, Final

import httpx

__all__ = ["READ_SIZE", "direct_chunks"]

READ_SIZE: Final = 256 * 1024
"""Bytes asked of the socket per read."""
_SIZE_LINE: Final = re.compile(rb"[0-9A-Fa-f]{1,20}")
"""A chunk-size line in the usual shape (no extension, no spaces): what h11 reads the same."""
_LONGEST_SIZE_LINE: Final = 22
"""20 hex digits and CRLF: a line still unfinished past this is left to h11."""
_CRLF: Final = b"\r\n"
_RESPONSE_HEAD: Final = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


class _Plan:
    """What reading a response directly needs: its connection's stream and parser limits."""

    __slots__ = ("closed", "first", "map_errors", "max_line", "read", "timeout")

    def __init__(
        self, read: Callable[..., Any], first: bytes, closed: bool, timeout: float | None,
        max_line: int, map_errors: Callable[[], contextlib.AbstractContextManager[None]],
    ) -> None:
        self.read = read
        self.first = first
        self.closed = closed
        self.timeout = timeout
        self.max_line = max_line
        self.map_errors = map_errors


def _plan(response: httpx.Response) -> _Plan | None:
    """How to read ``response``'s body directly, or None (see the module doc)."""
    if response.is_stream_consumed or response.is_closed:
        return None
    try:
        import h11
        from h11._readers import ChunkedReader
        from httpcore._async.http11 import AsyncHTTP11Connection, HTTP11ConnectionByteStream
        from httpx._transports.default import map_httpcore_exceptions

        outer: Any = response.stream
        stream = outer._stream._httpcore_stream._stream
        if type(stream) is not HTTP11ConnectionByteStream:
            return None
        connection = stream._connection
        if not isinstance(connection, AsyncHTTP11Connection):
            return None
        parser: Any = connection._h11_state
        reader: Any = getattr(parser, "_reader", None)
        if (
            type(parser) is not h11.Connection
            or parser.their_state is not h11.SEND_BODY
            or type(reader) is not ChunkedReader
            or reader._bytes_in_chunk
            or reader._bytes_to_discard
            or reader._reading_trailer
        ):
            return None
        first, closed = parser.trailing_data
        timeout = response.request.extensions.get("timeout", {}).get("read")
        return _Plan(
            connection._network_stream.read, first, closed, timeout,
            int(connection.MAX_INCOMPLETE_EVENT_SIZE), map_httpcore_exceptions,
        )
    except (ImportError, AttributeError, TypeError, ValueError):
        return None


def direct_chunks(response: httpx.Response) -> AsyncIterator[bytes] | None:
    """The decoded data of ``response``'s chunked body, one piece per socket read; None when
    it cannot be read directly (read it through httpx instead). Raises what httpx would:
    ``httpx.RemoteProtocolError`` for a malformed or cut body, ``httpx.ReadError`` and
    ``httpx.ReadTimeout`` from the socket."""
    plan = _plan(response)
    if plan is None:
        return None
    response.is_stream_consumed = True
    return _read(plan)


async def _read(plan: _Plan) -> AsyncIterator[bytes]:
    read, timeout = plan.read, plan.timeout
    chunks = _Chunks()
    data = plan.first
    closed = plan.closed
    while True:
        pieces = chunks.feed(data)
        if pieces:
            piece = pieces[0]
            yield piece if len(pieces) == 1 and type(piece) is bytes else b"".join(pieces)
        if chunks.broken is not None:  # after the data before it, as h11 would
            raise httpx.RemoteProtocolError(chunks.broken)
        if chunks.rest is not None:
            break
        if closed:
            if chunks.at_boundary:
                chunks.rest = chunks.held  # h11 says what a cut at a boundary is
                break
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body"
                " (incomplete chunked read)"
            )
        with plan.map_errors():
            data = await read(READ_SIZE, timeout=timeout)
        closed = not data
    async for piece in _by_h11(plan, chunks.rest, closed):
        yield piece


async def _by_h11(plan: _Plan, first: bytes, closed: bool) -> AsyncIterator[bytes]:
    """The rest of the body through a fresh h11 parser, from a chunk-size line on."""
    import h11

    parser = h11.Connection(h11.CLIENT, max_incomplete_event_size=plan.max_line)
    parser.send(h11.Request(method="GET", target="/", headers=[("Host", "body")]))
    parser.send(h11.EndOfMessage())
    parser.receive_data(_RESPONSE_HEAD)
    if type(parser.next_event()) is not h11.Response:  # pragma: no cover - h11 changed
        raise httpx.RemoteProtocolError("could not read the rest of the body")
    parser.receive_data(first)
    if closed:
        parser.receive_data(b"")
    while True:
        try:
            event = parser.next_event()
        except h11.RemoteProtocolError as error:
            raise httpx.RemoteProtocolError(str(error)) from error
        if type(event) is h11.Data:
            yield bytes(event.data)
        elif event is h11.NEED_DATA:
            with plan.map_errors():
                data = await plan.read(READ_SIZE, timeout=plan.timeout)
            parser.receive_data(data)
        else:
            return  # EndOfMessage (or PAUSED/ConnectionClosed, which end it too)


class _Chunks:
    """The chunked-coding state between socket reads (the part h11 would keep)."""

    __slots__ = ("broken", "footer", "held", "remaining", "rest")

    def __init__(self) -> None:
        self.remaining = 0
        """Data bytes of the current chunk still to come."""
        self.footer = 0
        """Bytes of the CRLF after the current chunk's data still to come (0, 1 or 2)."""
        self.held = b""
        """The start of a chunk-size line cut by the end of the last read."""
        self.rest: bytes | None = None
        """From a chunk-size line not in the usual shape on: for h11 (None: not yet)."""
        self.broken: str | None = None
        """Why the body is malformed (a chunk's data not followed by CRLF), once it is."""

    @property
    def at_boundary(self) -> bool:
        """Whether the next byte starts a chunk-size line (where h11 can take over)."""
        return not self.remaining and not self.footer

    def feed(self, data: bytes) -> list[bytes | memoryview]:
        """The chunk data in ``data``; sets :attr:`rest` at a line left to h11, or
        :attr:`broken` at a malformed footer (nothing is read after either)."""
        if self.held:
            data = self.held + data
            self.held = b""
        pieces: list[bytes | memoryview] = []
        append = pieces.append
        view = memoryview(data)
        end = len(data)
        pos = 0
        remaining, footer = self.remaining, self.footer
        while pos < end:
            if remaining:
                stop = min(end, pos + remaining)
                append(data if (pos == 0 and stop == end) else view[pos:stop])
                remaining -= stop - pos
                pos = stop
                if remaining:
                    break
                footer = 2
                continue
            if footer:
                for expected in _CRLF[2 - footer:]:
                    if pos == end:
                        break
                    if data[pos] != expected:
                        self.broken = (
                            f"malformed chunk footer: {bytes(view[pos:pos + footer])!r}"
                            " (expected b'\\r\\n')"
                        )
                        return pieces
                    pos += 1
                    footer -= 1
                continue
            line_end = data.find(_CRLF, pos, pos + _LONGEST_SIZE_LINE)
            if line_end < 0:
                if end - pos >= _LONGEST_SIZE_LINE:
                    self.rest = data[pos:]
                else:
                    self.held = data[pos:]
                break
            size = int(data[pos:line_end], 16) if _SIZE_LINE.fullmatch(data, pos, line_end) else 0
            if not size:  # the last chunk, or a line h11 must judge
                self.rest = data[pos:]
                break
            remaining = size
            pos = line_end + 2
        self.remaining, self.footer = remaining, footer
        return pieces
