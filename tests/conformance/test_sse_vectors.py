"""SSE conformance vectors after web-platform-tests ``eventsource/format-*`` and the WHATWG
parsing rules. Every vector is decoded whole, split in two at every byte position, and in
one-byte chunks, and must give exactly the expected events, resume id and retry each time.
Then every vector again as a real HTTP response over loopback: written in small pieces, under
a misleading charset, plain and gzip-encoded, read with ``aiter_sse``."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from logtui.core.sse import SSEDecoder, aiter_sse

BOM = "\ufeff"
LONG = "x" * 2048
MAX_RETRY_MS = 600_000


@dataclass(frozen=True)
class Vector:
    name: str
    stream: bytes
    events: tuple[tuple[str, str, str], ...]
    """(type, data, id) of each dispatched event, in order."""
    last_event_id: str = ""
    retry_ms: int | None = None


def v(
    name: str,
    stream: str | bytes,
    *events: tuple[str, str, str] | str,
    last_event_id: str = "",
    retry_ms: int | None = None,
) -> Vector:
    """Build a vector; a bare string event means a ``message`` with that data and no id."""
    raw = stream.encode() if isinstance(stream, str) else stream
    expanded = tuple(("message", e, "") if isinstance(e, str) else e for e in events)
    return Vector(name, raw, expanded, last_event_id, retry_ms)


VECTORS = [
    # Byte order marks and decoding
    v("bom-stripped", BOM + "data:1\n\n", "1"),
    v("bom-twice-first-event-lost", BOM + BOM + "data:1\n\ndata:2\n\ndata:3\n\n", "2", "3"),
    v("bom-mid-stream-kept", "data:1\n\n" + BOM + "data:2\n\ndata:3\n\n", "1", "3"),
    v("utf8-multibyte", "data: é€😀 ünï\n\n", "é€😀 ünï"),
    v("utf8-invalid-replaced", b"data: a\xffb\xc3(\xe2\x82\n\n", "a\ufffdb\ufffd(\ufffd"),
    v("nul-inside-data", "data: a\0b\n\n", "a\0b"),
    v(
        "unicode-line-breaks-stay-in-data",
        "data: a\u2028b\u2029c\u0085d\x0be\x0cf\x1cg\x1dh\x1ei\n\n",
        "a\u2028b\u2029c\u0085d\x0be\x0cf\x1cg\x1dh\x1ei",
    ),
    # Line ends
    v("lf", "data:a\ndata:b\n\n", "a\nb"),
    v("cr", "data:a\rdata:b\r\rdata:c\r\r", "a\nb", "c"),
    v("crlf", "data:a\r\ndata:b\r\n\r\n", "a\nb"),
    v("mixed", "data:a\rdata:b\ndata:c\r\n\rdata:d\n\r\n", "a\nb\nc", "d"),
    v("lf-then-cr-is-two-line-ends", "data:1\n\rdata:2\n\n", "1", "2"),
    v("cr-cr-lf", "data:1\r\r\ndata:2\n\n", "1", "2"),
    v("format-newlines", "data:test\r\ndata\ndata:test\r\n\r\n", "test\n\ntest"),
    v("only-blank-lines", "\n\r\n\r\n\n", last_event_id=""),
    # Comments
    v(
        "comment-fest",
        "data:1\r:\0\n:\r\ndata:2\n:" + LONG + "\rdata:3\n:data:fail\r:" + LONG + "\ndata:4\n\n",
        "1\n2\n3\n4",
    ),
    v("comment-only-blocks-dispatch-nothing", ":\n\n: hello\n\n:\r\n\r\n"),
    # Field parsing
    v(
        "field-parsing",
        "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\r"
        "data:\r\n data:32\ndata:4\n\n",
        "\0\n 2\n1\n3\n\n4",
    ),
    v(
        "leading-space-stripped-once-tab-kept",
        "data:\ttest\rdata: \ndata:  two\n\n",
        "\ttest\n\n two",
    ),
    v("first-colon-only", "data: a:b: c\n\n", "a:b: c"),
    v("data-without-colon", "data\n\n", ""),
    v("data-without-colon-twice", "data\ndata\n\n", "\n"),
    v("empty-data-line-dispatches", "data:\n\n", ""),
    v("trailing-empty-data-line-kept", "data: a\ndata:\n\n", "a\n"),
    v("space-before-colon-is-another-field", "data : x\n\n"),
    v("unknown-fields-ignored", "data: a\nfoo: b\nDATA: c\nEvent: d\nID: 3\n\n", "a"),
    # event
    v("event-named", "event: reset\ndata: x\n\n", ("reset", "x", "")),
    v("event-empty-means-message", "event: \ndata: x\n\nevent\ndata: y\n\n", "x", "y"),
    v("event-type-resets-after-each-block", "event: a\n\ndata: x\n\n", "x"),
    v("event-without-data-dispatches-nothing", "event: scope-destroyed\n\n"),
    # id
    v(
        "id-persists-across-events",
        "id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata: 3\n\ndata: 4\n\n",
        ("message", "1", "1"),
        ("message", "2", "1"),
        ("message", "3", "2"),
        ("message", "4", "2"),
        last_event_id="2",
    ),
    v(
        "id-empty-resets",
        "id: 1\ndata: 1\n\nid:\ndata: 2\n\ndata: 3\n\n",
        ("message", "1", "1"),
        "2",
        "3",
    ),
    v("id-bare-resets", "id: 1\ndata: 1\n\nid\ndata: 2\n\n", ("message", "1", "1"), "2"),
    *(
        v(
            f"id-with-nul-ignored-{n}",
            f"id: 1\ndata: a\n\nid: {bad}\ndata: b\n\n",
            ("message", "a", "1"),
            ("message", "b", "1"),
            last_event_id="1",
        )
        for n, bad in enumerate(["\0\0", "x\0", "\0x", "x\0x", " \0"])
    ),
    v(
        "id-non-ascii-kept-exactly",
        "id: …é😀\ndata: hello\n\n",
        ("message", "hello", "…é😀"),
        last_event_id="…é😀",
    ),
    v(
        "id-keeps-inner-spaces",
        "id:  7 \ndata: x\n\n",
        ("message", "x", " 7 "),
        last_event_id=" 7 ",
    ),
    v("id-then-heartbeat-dispatches-nothing", "id: 1\n\n:\n\n:\n\n", last_event_id="1"),
    v(
        "id-only-block-moves-resume-id",
        "id: 1\ndata: a\n\nid: 2\n\n",
        ("message", "a", "1"),
        last_event_id="2",
    ),
    # retry
    v("retry-leading-zero-is-decimal", "retry: 03000\ndata: x\n\n", "x", retry_ms=3000),
    v("retry-bogus-keeps-previous", "retry:3000\nretry:1000x\ndata:x\n\n", "x", retry_ms=3000),
    *(
        v(f"retry-ignored-{n}", f"retry: {bad}\ndata: x\n\n", "x")
        for n, bad in enumerate(
            ["+5", "-5", "1_000", "\u0663\u0660\u0660\u0660", " 5", "5 ", "1e3"]
        )
    ),
    v("retry-empty-ignored", "retry\ndata:test\n\nretry:\ndata:t2\n\n", "test", "t2"),
    v(
        "retry-huge-clamped",
        "retry: 9999999999999999999999\ndata: x\n\n",
        "x",
        retry_ms=MAX_RETRY_MS,
    ),
    v("retry-without-data-still-applies", "retry: 1500\n\n", retry_ms=1500),
    # End of stream
    v("final-block-cut-not-dispatched", "data: a\n\nid: 9\ndata: b", "a"),
    v("final-block-without-blank-line-not-dispatched", "data: a\n\nid: 9\ndata: b\n", "a"),
    v(
        "format-data-before-final-empty-line",
        "retry:1000\ndata:test1\n\nid:test\ndata:test2",
        "test1",
        retry_ms=1000,
    ),
    v("final-cr-completes-the-block", "data: a\n\r", "a"),
]


def decode(chunks: list[bytes]) -> tuple[tuple[tuple[str, str, str], ...], str, int | None]:
    decoder = SSEDecoder(max_retry_ms=MAX_RETRY_MS)
    events = [(e.event, e.data, e.id) for chunk in chunks for e in decoder.feed(chunk)]
    decoder.close()
    return tuple(events), decoder.last_event_id, decoder.retry_ms


@pytest.mark.parametrize("vector", VECTORS, ids=[vector.name for vector in VECTORS])
def test_vector_whole_split_everywhere_and_byte_by_byte(vector: Vector) -> None:
    expected = (vector.events, vector.last_event_id, vector.retry_ms)
    stream = vector.stream
    assert decode([stream]) == expected
    for cut in range(1, len(stream)):
        assert decode([stream[:cut], stream[cut:]]) == expected, f"split at byte {cut}"
    assert decode([stream[i : i + 1] for i in range(len(stream))]) == expected


def test_vector_names_are_unique() -> None:
    assert len({vector.name for vector in VECTORS}) == len(VECTORS)


# --- the same vectors over a socket ---------------------------------------------------------

PIECE = 7
"""Bytes per write: small and odd, so lines, CRLFs and UTF-8 sequences straddle writes."""


@pytest.fixture
async def server_url() -> AsyncIterator[str]:
    """Serves ``/<index>`` (plain) and ``/<index>.gz`` (gzip) for each vector, then closes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        target = request.split(b" ", 2)[1].decode().lstrip("/")
        body = VECTORS[int(target.removesuffix(".gz"))].stream
        headers = b"Content-Type: text/event-stream; charset=windows-1252\r\n"
        if target.endswith(".gz"):
            body = gzip.compress(body)
            headers += b"Content-Encoding: gzip\r\n"
        writer.write(b"HTTP/1.1 200 OK\r\n" + headers + b"Connection: close\r\n\r\n")
        for start in range(0, len(body), PIECE):
            writer.write(body[start : start + PIECE])
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def read(client: httpx.AsyncClient, url: str) -> tuple[object, ...]:
    decoder = SSEDecoder(max_retry_ms=MAX_RETRY_MS)
    async with client.stream("GET", url) as response:
        events = tuple([(e.event, e.data, e.id) async for e in aiter_sse(response, decoder)])
    return events, decoder.last_event_id, decoder.retry_ms


async def test_every_vector_read_from_a_socket_matches(server_url: str) -> None:
    async with httpx.AsyncClient() as client:
        for index, vector in enumerate(VECTORS):
            expected = (vector.events, vector.last_event_id, vector.retry_ms)
            assert await read(client, f"{server_url}/{index}") == expected, vector.name


async def test_gzip_encoded_streams_are_decoded_before_parsing(server_url: str) -> None:
    chosen: list[tuple[int, Vector]] = [
        (i, v) for i, v in enumerate(VECTORS) if v.name.startswith(("bom", "utf8", "mixed", "id-"))
    ]
    assert chosen
    async with httpx.AsyncClient() as client:
        for index, vector in chosen:
            expected = (vector.events, vector.last_event_id, vector.retry_ms)
            assert await read(client, f"{server_url}/{index}.gz") == expected, vector.name
