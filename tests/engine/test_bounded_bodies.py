"""Compressed bodies are inflated with a bound: a gzip bomb is an error or a dropped event,
never gigabytes of memory. Over real loopback sockets, with bombs built in the test."""

from __future__ import annotations

import asyncio
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest

from logtui.core.body import BodyTooLarge, UnsupportedEncoding
from logtui.core.engine import Engine
from logtui.core.http import get_json, make_client
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source

from .helpers import WaitingSink, fast_backoff

MIB = 1024 * 1024


def gzip_bomb(mebibytes: int) -> bytes:
    """A gzip body that inflates to ``mebibytes`` MiB of zeros, built without holding them:
    after a full flush, every further MiB of zeros compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    head = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (mebibytes - 1) + compressor.flush()


def gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


async def serve(head: bytes, body: bytes) -> AsyncIterator[str]:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            for start in range(0, len(body), 64 * 1024):
                writer.write(body[start : start + 64 * 1024])
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


@pytest.fixture
def memory() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


async def test_a_gzip_bomb_as_a_json_document_is_a_clear_error_in_flat_memory(
    memory: None,
) -> None:
    bomb = gzip_bomb(1024)  # 1 GiB once inflated, about 1 MB on the wire
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    async for url in serve(head, bomb):
        async with make_client() as client:
            tracemalloc.reset_peak()
            with pytest.raises(BodyTooLarge) as caught:
                await get_json(client, f"{url}/_logs", params={}, headers={}, what="the log store",
                               credential_hint="", now=0.0)
            _, peak = tracemalloc.get_traced_memory()

    assert "larger than 64 MiB once decompressed" in str(caught.value)
    assert peak < 100 * MIB


async def test_a_doubly_gzipped_bomb_on_the_stream_is_a_dropped_event_in_flat_memory(
    memory: None,
) -> None:
    body = gzip(gzip_bomb(512) + b"\n\n") + b""
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Content-Encoding: gzip, gzip\r\n")
    async for url in serve(head, body):
        sink = WaitingSink()
        config = SourceConfig(kind=SourceKind.SSE, url=f"{url}/events")
        engine = Engine(build_source(config), sink, backoff=fast_backoff())
        tracemalloc.reset_peak()
        task = asyncio.create_task(engine.run())
        try:
            await sink.wait_for(lambda s: bool(s.statuses) and s.statuses[-1].oversized >= 1, 60)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        _, peak = tracemalloc.get_traced_memory()

    assert peak < 100 * MIB


async def test_a_url_keeps_its_own_query_when_filters_are_added() -> None:
    seen: list[str] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b" ")[1].decode())
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 2\r\nConnection: close\r\n\r\n[]")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient() as client:
            await get_json(client, f"http://127.0.0.1:{port}/logs?channel=x", params={"limit": "5"},
                           headers={}, what="logs", credential_hint="", now=0.0)
    finally:
        server.close()

    assert seen == ["/logs?channel=x&limit=5"]


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        (b"gzip", gzip),
        (b"deflate", zlib.compress),
        (b"deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        (b"gzip, deflate", lambda data: zlib.compress(gzip(data))),
        (b"identity", lambda data: data),
    ],
)
async def test_a_compressed_document_within_the_limit_reads_whole(
    encoding: bytes, encode: Callable[[bytes], bytes]
) -> None:
    document = b'[{"id": 1, "message": "' + b"abc" * 100_000 + b'"}]'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: %s\r\n" % (
        encoding)
    async for url in serve(head, encode(document)):
        async with make_client() as client:
            value = await get_json(client, f"{url}/_logs", params={}, headers={}, what="logs",
                                   credential_hint="", now=0.0)

    assert value == [{"id": 1, "message": "abc" * 100_000}]


async def test_an_encoding_that_was_not_asked_for_is_a_clear_error() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: br\r\n"
    async for url in serve(head, b"\x0b\x02\x80[]\x03"):
        async with make_client() as client:
            with pytest.raises(UnsupportedEncoding, match="'br'"):
                await get_json(client, f"{url}/_logs", params={}, headers={}, what="logs",
                               credential_hint="", now=0.0)
