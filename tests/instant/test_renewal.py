"""Renewal: a session is replaced before its time limit, without a gap the user can see.

The demo server runs sessions of 1.5 s here. With an overlap allowed (a session in its last
second no longer blocks a new job), nothing may be lost or duplicated across several renewals;
when the server allows no overlap, logtui switches over at once and still duplicates nothing.
The engine sees one connection throughout: no reconnect, the state stays live.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState
from logtui.demo import DemoServer, Fault

from .helpers import WaitingSink, demo_config, emit, fast_backoff, make_source, running

SESSION = 1.5


@contextlib.asynccontextmanager
async def steady_traffic(server: DemoServer) -> AsyncIterator[None]:
    """Five records every 20 ms while the block runs.

    The producer is asked to stop rather than cancelled: a cancelled ``to_thread`` leaves its
    thread storing records after the block, which the test would count as unexpected.
    """
    stop = asyncio.Event()

    async def produce() -> None:
        while not stop.is_set():
            await emit(server, 5)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.02)

    task = asyncio.create_task(produce())
    try:
        yield
    finally:
        stop.set()
        await task


def _live_throughout(sink: WaitingSink) -> bool:
    states = sink.states()
    first = states.index(ConnectionState.LIVE)
    return all(state is ConnectionState.LIVE for state in states[first:])


async def test_renewal_with_overlap_loses_and_duplicates_nothing() -> None:
    config = demo_config(session_max=SESSION, session_renew_window=1.0)
    with DemoServer(config) as server:
        source = make_source(server, session_max=SESSION, renew_margin=0.6)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            before = len(server.entries("instant-logs"))
            async with steady_traffic(server):
                await sink.wait_for(lambda s: len(source.jobs) >= 4, within=15)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.until_count(len(expected))
            await emit(server, 1)
            await sink.until_count(len(expected) + 1)
    received = sink.rays()
    assert len(received) == len(set(received)), "no record is handed on twice"
    assert set(received[:-1]) == set(expected), "no record is lost"
    assert _live_throughout(sink)
    assert sink.statuses[-1].reconnects == 0
    assert sink.statuses[-1].duplicates == 0
    assert any("runs beside" in notice.message for notice in sink.notices)


async def test_renewal_without_overlap_switches_at_once_and_duplicates_nothing() -> None:
    config = demo_config(session_max=SESSION, session_renew_window=0.0)
    with DemoServer(config) as server:
        source = make_source(server, session_max=SESSION, renew_margin=0.6)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            async with steady_traffic(server):
                await sink.wait_for(lambda s: len(source.jobs) >= 3, within=15)
            before = len(server.entries("instant-logs"))
            await emit(server, 50)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.wait_for(lambda s: s.rays()[-50:] == expected)
    received = sink.rays()
    assert len(received) == len(set(received))
    assert _live_throughout(sink)
    assert sink.statuses[-1].reconnects == 0
    assert any("allows no overlap" in notice.message for notice in sink.notices)


async def test_a_session_that_expires_unrenewed_is_replaced_at_once() -> None:
    config = demo_config(session_max=0.8)
    with DemoServer(config) as server:
        source = make_source(server, session_max=3600, renew_margin=0)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            await sink.wait_for(lambda s: len(source.jobs) >= 2)
            before = len(server.entries("instant-logs"))
            await emit(server, 20)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.wait_for(lambda s: s.rays()[-20:] == expected)
    assert _live_throughout(sink)
    assert any("ended (code 1000: session expired)" in n.message for n in sink.notices)


async def test_without_rayid_the_renewal_switches_over_instead_of_overlapping() -> None:
    config = demo_config(session_max=SESSION, session_renew_window=1.0)
    with DemoServer(config) as server:
        source = make_source(
            server, session_max=SESSION, renew_margin=0.6, fields=("ClientIP", "EdgeStartTimestamp")
        )
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            async with steady_traffic(server):
                await sink.wait_for(lambda s: len(source.jobs) >= 3, within=15)
            before = len(server.entries("instant-logs"))
            await emit(server, 10)
            expected = [r["ClientIP"] for r in server.entries("instant-logs")[before:]]
            await sink.wait_for(lambda s: [e.data["ClientIP"] for e in s.entries[-10:]] == expected)
    assert _live_throughout(sink)
    assert any("add RayID to --fields" in notice.message for notice in sink.notices)


async def test_a_renewal_refused_for_a_passing_reason_falls_back_to_a_new_job_at_expiry() -> None:
    with DemoServer(demo_config(session_max=1.0, session_renew_window=1.0)) as server:
        server.faults.script("instant-logs-jobs", [None, Fault.unavailable(retry_after=1)])
        source = make_source(server, session_max=1.0, renew_margin=0.5)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            await sink.wait_for(lambda s: len(source.jobs) >= 2)
            before = len(server.entries("instant-logs"))
            await emit(server, 10)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.wait_for(lambda s: s.rays()[-10:] == expected)
    assert _live_throughout(sink)
    assert any("could not renew the session yet" in n.message for n in sink.notices)
    assert server.faults.connections("instant-logs-jobs") == 3
