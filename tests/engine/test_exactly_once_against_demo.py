"""Zero lost, zero duplicated: the engine against the demo server's faults, over real sockets.

Each test compares the exact entries received with the server's ground truth.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from logtui.demo import DemoConfig, DemoServer, Fault

from .helpers import WaitingSink, fast_backoff, run_until, states_in_order

PROXY_STREAM = "proxy-stream"
NEXTDNS_STREAM = "nextdns-stream"


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=3, history=0, heartbeat=15.0)) as server:
        yield server


def _proxy_engine(demo: DemoServer, sink: WaitingSink, **options: Any) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=demo.config.token)
    options.setdefault("backoff", fast_backoff())
    return Engine(build_source(config), sink, **options)


def _ids(sink: WaitingSink) -> list[int]:
    return [entry.data["id"] for entry in sink.entries]


def _server_ids(demo: DemoServer) -> list[int]:
    return [entry["id"] for entry in demo.entries("proxy")]


async def _live(sink: WaitingSink) -> None:
    await sink.wait_for(lambda s: ConnectionState.LIVE in s.states())


async def _stream_then_emit(
    demo: DemoServer, engine: Engine, sink: WaitingSink, count: int, expected: int | None = None
) -> None:
    """Start the engine, emit ``count`` entries once it is live (and has delivered what it
    loads first), run until ``expected`` entries arrived."""
    loaded = 0 if expected is None else expected - count

    async def emit_when_live(s: WaitingSink) -> None:
        await _live(s)
        await s.wait_for(lambda s: len(s.entries) >= loaded)
        await asyncio.to_thread(demo.emit, count, "proxy")
        s.poke()

    emitter = asyncio.create_task(emit_when_live(sink))
    want = count if expected is None else expected
    await run_until(engine, sink, lambda s: len(s.entries) >= want and emitter.done())
    emitter.result()


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("cut mid-frame", [Fault.cut(after=4), Fault.cut(after=3), None]),
        ("429 then resume", [Fault.cut(after=5), Fault.rate_limited(1), None]),
        ("503 then resume", [Fault.cut(after=5), Fault.unavailable(), None]),
        ("CRLF framing", [Fault.framing(line_ending="\r\n") + Fault.cut(after=6), None]),
        ("CR framing", [Fault.framing(line_ending="\r")]),
        ("multi-line data", [Fault.framing(split_data=True) + Fault.cut(after=7),
                             Fault.framing(line_ending="\r\n", split_data=True)]),
        ("clean end", [Fault.end(after=5), None]),
        ("reset", [Fault.reset(after=4), None]),
    ],
)
async def test_every_entry_arrives_once_across(
    demo: DemoServer, name: str, script: list[Fault | None]
) -> None:
    demo.faults.script(PROXY_STREAM, script)
    sink = WaitingSink()
    engine = _proxy_engine(demo, sink)

    await _stream_then_emit(demo, engine, sink, 30)

    assert _ids(sink) == _server_ids(demo), name
    assert [e.data for e in sink.entries] == demo.entries("proxy")
    assert engine.status.received == 30


async def test_a_stall_goes_stale_and_loses_nothing(demo: DemoServer) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.stall(after=5, seconds=30), None])
    sink = WaitingSink()
    engine = _proxy_engine(demo, sink, idle_timeout=0.5)

    await _stream_then_emit(demo, engine, sink, 20)

    assert _ids(sink) == _server_ids(demo)
    assert states_in_order(sink.states(), ConnectionState.LIVE, ConnectionState.STALE,
                           ConnectionState.RECONNECTING, ConnectionState.LIVE)


async def test_a_reset_is_backfilled_from_the_last_entry(demo: DemoServer) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.reset(after=4), None])
    sink = WaitingSink()
    engine = _proxy_engine(demo, sink)

    await _stream_then_emit(demo, engine, sink, 12)

    assert _ids(sink) == _server_ids(demo)
    assert engine.status.backfilled == 8
    assert [e.origin for e in sink.entries] == ["live"] * 4 + ["backfill"] * 8
    assert any("reset" in n.message for n in sink.notices)


async def test_scope_destroyed_ends_the_run_cleanly(demo: DemoServer) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.scope_destroyed(after=5)])
    sink = WaitingSink()
    engine = _proxy_engine(demo, sink)
    task = asyncio.create_task(engine.run())
    await _live(sink)
    await asyncio.to_thread(demo.emit, 9, "proxy")

    status = await asyncio.wait_for(task, 10)

    assert status.state is ConnectionState.ENDED
    assert _ids(sink) == _server_ids(demo)[:5]
    assert demo.faults.connections(PROXY_STREAM) == 1


async def test_history_then_live_meet_without_gap_or_duplicate(demo: DemoServer) -> None:
    await asyncio.to_thread(demo.emit, 40, "proxy")
    sink = WaitingSink()
    engine = _proxy_engine(demo, sink, history=15)

    await _stream_then_emit(demo, engine, sink, 10, expected=25)

    assert _ids(sink) == _server_ids(demo)[-25:]
    assert [e.origin for e in sink.entries][:15] == ["history"] * 15
    assert engine.status.history == 15


async def test_a_restarted_engine_resumes_from_the_state_dir(
    demo: DemoServer, tmp_path: Path
) -> None:
    store = StateStore(tmp_path)
    first = WaitingSink()
    await _stream_then_emit(demo, _proxy_engine(demo, first, state_store=store), first, 7)
    await asyncio.to_thread(demo.emit, 6, "proxy")  # while nothing is running

    second = WaitingSink()
    engine = _proxy_engine(demo, second, state_store=store, history=50)
    await _stream_then_emit(demo, engine, second, 4, expected=10)

    assert _ids(first) + _ids(second) == _server_ids(demo)
    assert all(e.origin != "history" for e in second.entries)


async def test_no_resume_ignores_the_saved_point(demo: DemoServer, tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    first = WaitingSink()
    await _stream_then_emit(demo, _proxy_engine(demo, first, state_store=store), first, 3)
    await asyncio.to_thread(demo.emit, 5, "proxy")

    second = WaitingSink()
    engine = _proxy_engine(demo, second, state_store=store, resume=False)
    await _stream_then_emit(demo, engine, second, 2)

    assert _ids(second) == _server_ids(demo)[-2:]


async def test_server_filters_reach_the_stream_and_the_backfill(demo: DemoServer) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.reset(after=2), None])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=demo.config.token,
                          filters={"kind": "request"})
    engine = Engine(build_source(config), sink, backoff=fast_backoff())
    expected: list[int] = []

    async def emit_when_live(s: WaitingSink) -> None:
        await _live(s)
        await asyncio.to_thread(demo.emit, 30, "proxy")
        expected.extend(e["id"] for e in demo.entries("proxy") if e["kind"] == "request")
        s.poke()

    emitter = asyncio.create_task(emit_when_live(sink))
    await run_until(engine, sink, lambda s: bool(expected) and len(s.entries) >= len(expected))
    await emitter

    assert _ids(sink) == expected
    assert {e.data["kind"] for e in sink.entries} == {"request"}


async def test_nextdns_history_and_live_meet_and_survive_cuts(demo: DemoServer) -> None:
    await asyncio.to_thread(demo.emit, 30, "nextdns")
    before = len(demo.entries("nextdns"))
    demo.faults.script(NEXTDNS_STREAM, [Fault.cut(after=3), Fault.cut(after=2), None])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{demo.nextdns_url}/profiles/abc123",
                          secret=demo.config.api_key)
    engine = Engine(build_source(config), sink, backoff=fast_backoff(), history=12)
    expected: list[Any] = []

    async def emit_when_live(s: WaitingSink) -> None:
        await _live(s)
        await asyncio.to_thread(demo.emit, 10, "nextdns")
        expected.extend(demo.entries("nextdns")[before - 12:])
        s.poke()

    emitter = asyncio.create_task(emit_when_live(sink))
    await run_until(engine, sink, lambda s: bool(expected) and len(s.entries) >= len(expected))
    await emitter

    assert [e.data for e in sink.entries] == expected
    assert [e.origin for e in sink.entries][:12] == ["history"] * 12
    assert sink.statuses[-1].reconnects >= 2


async def test_a_restart_right_after_a_backfill_repeats_nothing(
    demo: DemoServer, tmp_path: Path
) -> None:
    store = StateStore(tmp_path)
    # The first connection ends after 5 events; the next one backfills 6..15 and then its
    # replay of the same entries is held back, so the stop lands between the two.
    demo.faults.script(PROXY_STREAM, [Fault.end(after=5), Fault.stall(after=0, seconds=5)])
    first = WaitingSink()
    engine = _proxy_engine(demo, first, state_store=store)
    await _stream_then_emit(demo, engine, first, 15)
    assert [e.origin for e in first.entries] == ["live"] * 5 + ["backfill"] * 10

    second = WaitingSink()
    await _stream_then_emit(demo, _proxy_engine(demo, second, state_store=store), second, 3)

    assert _ids(first) + _ids(second) == _server_ids(demo)
    assert _ids(second) == _server_ids(demo)[-3:]


async def test_nextdns_restart_resumes_with_the_saved_id(demo: DemoServer, tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{demo.nextdns_url}/profiles/abc123",
                          secret=demo.config.api_key)
    first = WaitingSink()
    engine = Engine(build_source(config), first, backoff=fast_backoff(), state_store=store)
    task = asyncio.create_task(engine.run())
    try:
        await _live(first)
        await asyncio.to_thread(demo.emit, 12, "nextdns")
        seen = len(demo.entries("nextdns"))
        await first.wait_for(lambda s: len(s.entries) >= seen)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await asyncio.to_thread(demo.emit, 12, "nextdns")  # while stopped

    second = WaitingSink()
    engine = Engine(build_source(config), second, backoff=fast_backoff(), state_store=store,
                    history=100)
    expected = demo.entries("nextdns")
    await run_until(engine, second,
                    lambda s: len(first.entries) + len(s.entries) >= len(expected))

    assert [e.data for e in first.entries + second.entries] == expected
    assert all(e.origin == "live" for e in second.entries)
