"""Sizes and bytes at the edges, end to end over loopback through the engine: a 16 MiB line in
linear time, an event over the size cap dropped with bounded memory and no reconnect, and
invalid UTF-8 shown as U+FFFD (in the entry and in the NDJSON written for it)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, Entry, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.headless import NdjsonSink

from .byte_server import ByteServer

MIB = 1024 * 1024
PIECE = 64 * 1024


class CountingSink(CollectingSink):
    """Lets the test await a number of entries."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.changed.set()

    async def wait_for_count(self, count: int, within: float) -> None:
        async with asyncio.timeout(within):
            while len(self.entries) < count:
                self.changed.clear()
                await self.changed.wait()


def _pieces(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), PIECE):
        yield body[start : start + PIECE]


def _event(payload: str) -> bytes:
    return f"data: {payload}\n\n".encode()


async def _stream(
    body: bytes, count: int, *, max_event_bytes: int = 32 * MIB, within: float = 30
) -> tuple[CountingSink, Engine, int, float]:
    """Serve ``body`` once per connection; run an engine until ``count`` entries arrived.

    Returns the sink, the engine, how many connections the server saw, and the seconds taken.
    """
    async with ByteServer(lambda: _pieces(body)) as server:
        sink = CountingSink()
        config = SourceConfig(kind=SourceKind.SSE, url=server.url,
                              max_event_bytes=max_event_bytes)
        engine = Engine(build_source(config), sink)
        started = time.perf_counter()
        task = asyncio.create_task(engine.run())
        try:
            await sink.wait_for_count(count, within)
            took = time.perf_counter() - started
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return sink, engine, server.connections, took


def _big_line(size: int) -> bytes:
    return _event(json.dumps({"blob": "x" * size}))


async def test_a_16_mib_line_arrives_whole_in_linear_time() -> None:
    timings: dict[int, float] = {}
    for size in (4 * MIB, 16 * MIB):
        best = float("inf")
        for _ in range(2):
            sink, _, connections, took = await _stream(_big_line(size), 1)
            assert len(sink.entries[0].data["blob"]) == size
            assert connections == 1
            best = min(best, took)
        timings[size] = best

    assert timings[16 * MIB] < 8.0, timings
    # Linear: four times the bytes take about four times as long; quadratic would be 16x.
    assert timings[16 * MIB] < 8 * max(timings[4 * MIB], 0.05), timings


async def test_an_event_over_the_size_cap_is_dropped_with_bounded_memory_and_no_reconnect(
) -> None:
    cap = 1 * MIB
    huge = 32 * MIB
    body = _event('{"n":1}') + b"data: " + b"y" * huge + b"\n\n" + _event('{"n":2}')
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        sink, engine, connections, _ = await _stream(body, 2, max_event_bytes=cap)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()

    assert [e.data for e in sink.entries] == [{"n": 1}, {"n": 2}]
    assert engine.status.oversized == 1
    assert any("size limit" in n.message for n in sink.notices)
    assert connections == 1, "the oversized event made the client reconnect"
    assert engine.status.reconnects == 0
    # The client (TLS context included) and the cap fit in a few MiB; the 32 MiB event never
    # sits in memory whole.
    assert peak < huge // 4, f"peak {peak / MIB:.1f} MiB"


async def test_invalid_utf8_becomes_u_fffd_in_the_entry_and_its_ndjson_line() -> None:
    body = b'data: {"msg":"a\xffb\xc3(c\xe2\x82"}\n\n' + _event('{"n":2}')

    sink, engine, _, _ = await _stream(body, 2)

    first = sink.entries[0]
    assert first.data == {"msg": "a\ufffdb\ufffd(c\ufffd"}
    assert engine.status.malformed == 0
    out, err = io.BytesIO(), io.StringIO()
    NdjsonSink(out, err).on_entries(sink.entries)
    lines = out.getvalue().decode("utf-8").splitlines()  # strict: valid UTF-8 on stdout
    assert json.loads(lines[0]) == {"msg": "a\ufffdb\ufffd(c\ufffd"}
    assert "\ufffd" in lines[0]


async def test_a_16_mib_line_comes_out_of_the_cli_whole_and_promptly(tmp_path: Path) -> None:
    """End to end through ``logtui sse --output ndjson``: the line is written out unchanged."""
    size = 16 * MIB
    body = _big_line(size) + _event('{"n":2}')
    async with ByteServer(lambda: _pieces(body)) as server:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "logtui", "sse", server.url, "--output", "ndjson",
            "--no-resume", "--state-dir", str(tmp_path), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, limit=64 * MIB,
        )
        try:
            assert process.stdout is not None
            first = await asyncio.wait_for(process.stdout.readline(), 30)
            second = await asyncio.wait_for(process.stdout.readline(), 10)
            took = time.perf_counter() - started
        finally:
            process.kill()
            await process.wait()

    assert len(first) == size + len('{"blob": ""}\n')
    assert json.loads(first) == {"blob": "x" * size}
    assert json.loads(second) == {"n": 2}
    assert took < 15, f"{took:.1f} s for one 16 MiB line"
