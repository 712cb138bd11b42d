"""A client restart at the worst moment: right after a gap was backfilled, before the live
stream's replay caught up. The saved resume point must not make the next run hand on entries
the last run already handed on."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, ConnectionState, Entry, SourceKind, SourceStatus
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from logtui.demo import DemoConfig, DemoServer, Fault

PROXY_STREAM = "proxy-stream"


class StopOnBackfill(CollectingSink):
    """Cancels its engine from inside the first backfilled batch, as Ctrl-C could land."""

    def __init__(self) -> None:
        super().__init__()
        self.task: asyncio.Task[object] | None = None
        self.live = asyncio.Event()
        self.changed = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.changed.set()
        if entries[0].origin == "backfill" and self.task is not None:
            self.task.cancel()
            self.task = None

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        if status.state is ConnectionState.LIVE:
            self.live.set()

    async def wait_for_count(self, count: int) -> None:
        async with asyncio.timeout(10):
            while len(self.entries) < count:
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=0)) as server:
        yield server


def _engine(demo: DemoServer, sink: CollectingSink, store: StateStore) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=demo.config.token)
    return Engine(build_source(config), sink, state_store=store,
                  backoff=Backoff(0.01, 0.05, random.Random(1)))


async def test_a_restart_right_after_a_backfill_hands_nothing_on_twice(
    demo: DemoServer, tmp_path: Path
) -> None:
    store = StateStore(tmp_path)
    # The first connection ends after 5 events, leaving 6..15 to the next one's backfill; that
    # one's live replay is held back, so the stop lands between backfill and replay every time.
    demo.faults.script(PROXY_STREAM, [Fault.end(after=5), Fault.stall(after=0, seconds=5)])
    first = StopOnBackfill()
    run = asyncio.create_task(_engine(demo, first, store).run())
    first.task = run
    await asyncio.wait_for(first.live.wait(), 10)
    await asyncio.to_thread(demo.emit, 15, "proxy")
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(run, 10)
    assert [e.origin for e in first.entries] == ["live"] * 5 + ["backfill"] * 10

    second = StopOnBackfill()
    run = asyncio.create_task(_engine(demo, second, store).run())
    try:
        await asyncio.wait_for(second.live.wait(), 10)
        await asyncio.to_thread(demo.emit, 3, "proxy")
        await second.wait_for_count(3)
        await asyncio.sleep(0.2)  # room for a late duplicate to show up
    finally:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run

    received = [e.data["id"] for e in first.entries + second.entries]
    assert received == [e["id"] for e in demo.entries("proxy")]
