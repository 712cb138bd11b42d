"""The SSE decoder's own behaviours: resume ids, retry, size cap, speed, and reading a response."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest

from logtui.core.sse import SSEDecoder, aiter_sse, aiter_sse_batches


def datas(decoder: SSEDecoder, *chunks: bytes) -> list[str]:
    return [event.data for chunk in chunks for event in decoder.feed(chunk)]


def test_heartbeat_after_an_id_dispatches_nothing_but_moves_the_resume_id() -> None:
    decoder = SSEDecoder()
    assert datas(decoder, b"data: a\nid: 1\n\n", b":\n\n", b"id: 2\n\n", b":\n\n") == ["a"]
    assert decoder.last_event_id == "2"


def test_id_is_committed_only_when_its_block_ends() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n")
    assert decoder.last_event_id == "1"
    decoder.feed(b"\n")
    assert decoder.last_event_id == "2"


def test_block_cut_off_at_end_of_stream_is_discarded_with_its_id() -> None:
    decoder = SSEDecoder()
    assert datas(decoder, b"id: 1\ndata: a\n\nid: 2\ndata: b\n") == ["a"]
    decoder.close()
    assert decoder.last_event_id == "1"
    # The next connection starts clean: the cut block's id and data never resurface.
    assert [(e.data, e.id) for e in decoder.feed(b"data: c\n\n")] == [("c", "1")]


def test_decoder_is_reusable_across_connections_and_strips_a_bom_on_each() -> None:
    decoder = SSEDecoder(last_event_id="41")
    assert [(e.data, e.id) for e in decoder.feed(b"\xef\xbb\xbfdata: a\n\n")] == [("a", "41")]
    decoder.close()
    assert datas(decoder, b"\xef\xbb", b"\xbfdata: b\n\n") == ["b"]


def test_event_carries_the_retry_of_its_own_block_only() -> None:
    decoder = SSEDecoder()
    first, second = decoder.feed(b"retry: 2500\ndata: a\n\ndata: b\n\n")
    assert (first.retry, second.retry, decoder.retry_ms) == (2500, None, 2500)


def test_retry_without_data_still_sets_the_reconnection_time() -> None:
    decoder = SSEDecoder()
    assert datas(decoder, b"retry: 700\n\n") == []
    assert decoder.retry_ms == 700


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"03000", 3000),
        (b"0", 0),
        (b"99999999999999999999999999999999", 60_000),
        (b"0" * 5000 + b"1234", 1234),
        (b"9" * 5000, 60_000),
    ],
)
def test_retry_is_clamped_and_never_overflows(value: bytes, expected: int) -> None:
    decoder = SSEDecoder(max_retry_ms=60_000)
    decoder.feed(b"retry: " + value + b"\n")
    assert decoder.retry_ms == expected


def test_oversized_event_is_dropped_counted_and_the_stream_resyncs() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    got = datas(
        decoder,
        b"data: small\n\nid: 5\ndata: ",
        b"x" * 600,
        b"x" * 600,
        b"\n\r\n",
        b"data: after\n\n",
    )
    assert got == ["small", "after"]
    assert decoder.oversized == 1
    assert decoder.last_event_id == ""  # the dropped block's id is never used


def test_oversized_block_of_many_short_lines_is_dropped_within_one_chunk() -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    stream = b"id: 9\n" + b"data: 0123456789\n" * 20 + b"id: 10\n\ndata: ok\n\n"
    assert datas(decoder, stream) == ["ok"]
    assert (decoder.oversized, decoder.last_event_id) == (1, "")


@pytest.mark.parametrize("split", [b"\r", b"\n", b"\r\n"])
def test_resync_after_oversize_finds_a_blank_line_split_across_chunks(split: bytes) -> None:
    decoder = SSEDecoder(max_event_bytes=10)
    got = datas(decoder, b"data: " + b"y" * 50 + split, split + b"data: ok\n\n")
    assert got == ["ok"]
    assert decoder.oversized == 1


def test_cr_then_lf_in_the_next_chunk_is_one_line_end_while_skipping() -> None:
    decoder = SSEDecoder(max_event_bytes=10)
    got = datas(decoder, b"data: " + b"y" * 50 + b"\r", b"\ndata: still skipped\n\ndata: ok\n\n")
    assert got == ["ok"]


def test_oversized_line_uses_bounded_memory() -> None:
    decoder = SSEDecoder(max_event_bytes=1024 * 1024)
    chunk = b"z" * 65536
    tracemalloc.start()
    try:
        decoder.feed(b"data: ")
        for _ in range(512):  # 32 MiB of one line
            decoder.feed(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    assert decoder.oversized == 1
    assert datas(decoder, b"\n\ndata: next\n\n") == ["next"]


def test_sixteen_mib_line_in_small_chunks_decodes_in_linear_time() -> None:
    line = b"data: " + b"q" * (16 * 1024 * 1024) + b"\n\n"
    chunks = [line[i : i + 4096] for i in range(0, len(line), 4096)]
    decoder = SSEDecoder()
    start = time.perf_counter()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    elapsed = time.perf_counter() - start
    assert len(events) == 1 and len(events[0].data) == 16 * 1024 * 1024
    assert elapsed < 3.0  # linear is ~0.1 s; re-joining the buffer per chunk takes minutes


def test_named_control_events_can_be_dispatched_without_data_when_asked() -> None:
    stream = b"id: 4\nevent: scope-destroyed\n\nevent: other\n\n:\n\n"
    assert SSEDecoder().feed(stream) == []
    decoder = SSEDecoder(dataless_events={"scope-destroyed", "reset"})
    assert [(e.event, e.data, e.id) for e in decoder.feed(stream)] == [("scope-destroyed", "", "4")]


def test_decoder_rejects_a_nonsensical_size_cap() -> None:
    with pytest.raises(ValueError, match="max_event_bytes"):
        SSEDecoder(max_event_bytes=0)


# --- reading a real response over loopback -------------------------------------------------


async def serve_raw(parts: list[bytes], content_type: bytes) -> tuple[asyncio.Server, str]:
    """A raw HTTP/1.1 server that sends ``parts`` as separate writes, then closes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\nConnection: close\r\n\r\n"
        )
        for part in parts:
            writer.write(part)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/stream"


async def read_events(url: str, decoder: SSEDecoder) -> list[tuple[str, str]]:
    async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
        return [(e.data, e.id) async for e in aiter_sse(response, decoder)]


async def test_response_is_read_as_utf8_whatever_the_charset_says() -> None:
    server, url = await serve_raw(
        ["data: é€ ok\n\n".encode()], b"text/event-stream; charset=iso-8859-1"
    )
    async with server:
        assert await read_events(url, SSEDecoder()) == [("é€ ok", "")]


async def test_response_cut_mid_block_yields_complete_events_and_keeps_their_id() -> None:
    server, url = await serve_raw(
        [b"id: 1\ndata: a\n\n", b"id: 2\nda", b"ta: b\n"], b"text/event-stream"
    )
    decoder = SSEDecoder()
    async with server:
        assert await read_events(url, decoder) == [("a", "1")]
    assert decoder.last_event_id == "1"


async def test_batches_hold_every_event_once_and_the_decoder_is_closed_at_the_end() -> None:
    server, url = await serve_raw(
        [b"data: a\n\ndata: b\n\n", b"data: c\n\nid: 3\n"], b"text/event-stream"
    )
    decoder = SSEDecoder()
    async with server, httpx.AsyncClient() as client, client.stream("GET", url) as response:
        batches = [[e.data for e in batch] async for batch in aiter_sse_batches(response, decoder)]
    assert [data for batch in batches for data in batch] == ["a", "b", "c"]
    assert all(batches)
    assert decoder.last_event_id == ""  # "id: 3" never completed its block


# --- why httpx-sse's decoder is replaced ------------------------------------------------------


async def httpx_sse_reads(body: bytes, content_type: str = "text/event-stream") -> list[object]:
    from httpx_sse import EventSource

    async def stream() -> AsyncIterator[bytes]:
        yield body

    response = httpx.Response(200, headers={"content-type": content_type}, content=stream())
    return [(e.event, e.data, e.id, e.retry) async for e in EventSource(response).aiter_sse()]


@pytest.mark.parametrize(
    ("body", "content_type", "httpx_sse_result", "ours"),
    [
        (
            b"data: a\nid: 1\n\n:\n\n",
            None,
            [("message", "a", "1", None), ("message", "", "1", None)],
            ["a"],
        ),
        (b"event: x\n\n", None, [("x", "", "", None)], []),
        (b"retry: 10\n\n", None, [("message", "", "", 10)], []),
        (b"\xef\xbb\xbfdata: a\n\n", None, [], ["a"]),
        (
            "data: é\n\n".encode(),
            "text/event-stream; charset=latin-1",
            [("message", "Ã©", "", None)],
            ["é"],
        ),
        (b"retry: -5\ndata: a\n\n", None, [("message", "a", "", -5)], ["a"]),
    ],
    ids=[
        "heartbeat-after-id",
        "event-without-data",
        "retry-only",
        "bom",
        "charset",
        "negative-retry",
    ],
)
async def test_httpx_sse_0_4_3_defects_named_in_the_module_docstring_are_real(
    body: bytes, content_type: str | None, httpx_sse_result: list[object], ours: list[str]
) -> None:
    """If this fails after an upgrade, httpx-sse fixed something: update the docstring."""
    assert await httpx_sse_reads(body, content_type or "text/event-stream") == httpx_sse_result
    assert [e.data for e in SSEDecoder().feed(body)] == ours


async def test_stopping_early_closes_the_decoder_at_once() -> None:
    server, url = await serve_raw([b"data: a\n\nid: 2\ndata: b\n"], b"text/event-stream")
    decoder = SSEDecoder()
    async with server, httpx.AsyncClient() as client, client.stream("GET", url) as response:
        events = aiter_sse(response, decoder)
        assert (await anext(events)).data == "a"
        await events.aclose()
    [event] = decoder.feed(b"data: fresh\n\n")
    assert (event.data, event.id) == ("fresh", "")
