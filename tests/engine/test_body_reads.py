"""A burst is read from the socket in large pieces: each read costs a trip through the HTTP
stack and the decoder, so httpcore's 64 KiB reads are widened (``widen_body_reads``), and a
stream delivered in those larger pieces still yields every entry once, in order."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from httpcore._async.http11 import AsyncHTTP11Connection

from logtui.core.sources.base import ConnectPlan
from logtui.core.sources.proxy import ProxySource
from logtui.core.sources.sse_source import READ_SIZE
from logtui.core.sse import SSEDecoder

COUNT = 3000


def body() -> bytes:
    frames = b"".join(
        b'id: %d\ndata: {"id":%d,"pad":"%s"}\n\n' % (n, n, b"x" * 150) for n in range(COUNT)
    )
    return frames + b"event: scope-destroyed\ndata: {}\n\n"


def _one_connection(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server for one request: ``answer`` writes the response, then it closes."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        thread.join(5)


@pytest.fixture
def burst_server() -> Iterator[str]:
    """Answers one request with the whole stream in a single send, then closes."""
    payload = body()

    def answer(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(payload), payload)
        )

    yield from _one_connection(answer)


async def test_a_burst_arrives_in_reads_larger_than_64_kib_and_whole(
    burst_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    feed = SSEDecoder.feed_frames

    def recording(self: SSEDecoder, chunk: bytes) -> Any:
        sizes.append(len(chunk))
        return feed(self, chunk)

    monkeypatch.setattr(SSEDecoder, "feed_frames", recording)
    keys: list[str | None] = []
    async with ProxySource(secret=None, url=burst_server, headers={}, filters={}) as source:
        assert AsyncHTTP11Connection.READ_NUM_BYTES >= READ_SIZE
        async with source.connect(ConnectPlan()) as connection:
            async for chunk in connection:
                keys += [entry.key for entry in chunk.entries]

    assert keys == [str(n) for n in range(COUNT)]
    assert sum(sizes) == len(body())
    assert max(sizes) > 64 * 1024


PACED = 300


@pytest.fixture
def paced_server() -> Iterator[str]:
    """Answers one request with a chunked stream written one event a millisecond, in as many
    writes, then a ``scope-destroyed`` event."""

    def answer(connection: socket.socket) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        frames = [b'id: %d\ndata: {"id":%d}\n\n' % (n, n) for n in range(PACED)]
        frames.append(b"event: scope-destroyed\ndata: {}\n\n")
        for frame in frames:
            connection.sendall(b"%x\r\n%s\r\n" % (len(frame), frame))
            threading.Event().wait(0.001)
        connection.sendall(b"0\r\n\r\n")

    yield from _one_connection(answer)


async def test_a_stream_written_an_event_at_a_time_is_read_many_events_at_a_time(
    paced_server: str,
) -> None:
    chunks: list[list[str | None]] = []
    source = ProxySource(secret=None, url=paced_server, headers={}, filters={})
    async with source, source.connect(ConnectPlan()) as connection:
        async for chunk in connection:
            if chunk.entries:
                chunks.append([entry.key for entry in chunk.entries])

    assert [key for chunk in chunks for key in chunk] == [str(n) for n in range(PACED)]
    # Written over at least 0.3 s (more where a sleep of 1 ms takes longer): read in a few
    # dozen pieces at most, not one per event.
    assert len(chunks) <= PACED // 8, f"{len(chunks)} reads for {PACED} events"
