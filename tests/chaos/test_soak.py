"""Chaos soak: tens of thousands of entries through every fault at once, nothing lost or doubled.

The demo server streams proxy-logs while a seeded script gives each stream connection a fault
(a cut mid-frame, a stall, a 429 or 503 burst with ``Retry-After``, an ``event: reset``, a clean
end), and a chaos proxy in front of it cuts or resets connections at random byte offsets. Half
way through, the client itself is stopped and a second engine resumes from the same state
directory. At the end the server sends ``scope-destroyed``. The entries received must be
exactly the server's, in order, each once; every fault kind must have happened (counted on the
server's side) at least a few times. A NextDNS run does the same with the faults that API has
(no reset, no scope-destroyed), resuming by ``?id=`` alone.

Scale with ``LOGTUI_SOAK_ENTRIES`` (default 10,000, about ten seconds; try 100000 for a long run).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, ConnectionState, Entry, SourceKind, SourceStatus
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from logtui.demo import DemoConfig, DemoServer, Fault
from logtui.demo.proxy_api import PREFIX

from .chaos_proxy import CUT, RESET, ChaosProxy
from .fault_ledger import FaultLedger

ENTRIES = int(os.environ.get("LOGTUI_SOAK_ENTRIES", "10000"))
SEED = int(os.environ.get("LOGTUI_SOAK_SEED", "20240612"))
PROXY_STREAM = "proxy-stream"
IDLE_TIMEOUT = 0.4
"""Seconds without a byte before the client gives up on a stalled stream."""
AT_LEAST = 3
"""How often each fault kind must have happened for the run to count."""


class Collector(CollectingSink):
    """Collects entries, lets the test await a count, and can stop its engine mid-stream.

    ``stop_after``: once this many entries arrived, cancel ``task`` straight from the batch
    that crossed the mark (live or backfilled), as Ctrl-C would land between two reads.
    """

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__()
        self.changed = asyncio.Event()
        self.stop_after = stop_after
        self.task: asyncio.Task[object] | None = None
        self.live = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.changed.set()
        mark = self.stop_after
        if mark is not None and len(self.entries) >= mark:
            self.stop_after = None
            assert self.task is not None
            self.task.cancel()

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        if status.state is ConnectionState.LIVE:
            self.live.set()

    async def wait_for_count(self, count: int, within: float) -> None:
        async with asyncio.timeout(within):
            while len(self.entries) < count:
                self.changed.clear()
                await self.changed.wait()


def fault_script(rng: random.Random, connections: int, *, resets: bool = True) -> list[Fault]:
    """One fault per stream connection, so none lives long; refusals come in bursts.

    ``resets``: include ``event: reset`` (proxy-logs only; NextDNS has no such event).
    """
    script: list[Fault] = []
    while len(script) < connections:
        roll = rng.random()
        after = rng.randint(1, 150)
        if roll < 0.25:
            script.append(Fault.cut(after=after))
        elif roll < 0.4:
            script.append(Fault.stall(after=after, seconds=3 * IDLE_TIMEOUT))
        elif roll < 0.5:
            script.extend([Fault.rate_limited(retry_after=0)] * rng.randint(1, 3))
        elif roll < 0.6:
            script.extend([Fault.unavailable(retry_after=0)] * rng.randint(1, 3))
        elif roll < 0.75 and resets:
            script.append(Fault.reset(after=after))
        elif roll < 0.75:
            script.append(Fault.cut(after=after))
        elif roll < 0.9:
            script.append(Fault.end(after=after))
        else:
            script.append(Fault.framing(line_ending=rng.choice(["\r\n", "\r"]), split_data=True)
                          + Fault.cut(after=after))
    return script


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    config = DemoConfig(seed=SEED, history=0, heartbeat=0.1, retention=ENTRIES + 1000)
    with DemoServer(config) as server:
        yield server


def _engine(
    url: str, token: str, sink: Collector, store: StateStore, seed: int,
    kind: SourceKind = SourceKind.PROXY,
) -> Engine:
    config = SourceConfig(kind=kind, url=url, secret=token)
    return Engine(
        build_source(config), sink,
        state_store=store,
        idle_timeout=IDLE_TIMEOUT,
        backoff=Backoff(0.01, 0.05, random.Random(seed)),
        save_interval=0.05,
    )


async def _emit(
    demo: DemoServer, total: int, rng: random.Random, api: Literal["proxy", "nextdns"] = "proxy"
) -> None:
    """Generate ``total`` entries in uneven bursts, as real traffic arrives."""
    left = total
    while left:
        burst = min(left, rng.randint(5, 60))
        await asyncio.to_thread(demo.emit, burst, api)
        left -= burst
        await asyncio.sleep(rng.uniform(0.005, 0.035))


async def _stop(task: asyncio.Task[object]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


SOAK_TIMEOUT = max(120, int(60 + ENTRIES / 400))
"""pytest-timeout for a soak, grown with ``LOGTUI_SOAK_ENTRIES``."""


@pytest.mark.soak
@pytest.mark.timeout(SOAK_TIMEOUT)
async def test_soak_every_fault_and_a_restart_lose_and_double_nothing(
    demo: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(SEED)
    ledger = FaultLedger(demo, monkeypatch)
    demo.faults.script(PROXY_STREAM, fault_script(rng, 100_000))
    store = StateStore(tmp_path / "state")
    budget = 30 + ENTRIES / 250

    async with ChaosProxy(demo.host, demo.port, seed=SEED, break_rate=0.3,
                          max_offset=12 * 1024) as chaos:
        url = chaos.url(PREFIX)
        token = demo.config.token
        first = Collector(stop_after=ENTRIES // 2)
        run = asyncio.create_task(_engine(url, token, first, store, 1).run())
        first.task = run
        await asyncio.wait_for(first.live.wait(), budget)  # it starts at the live end
        emitter = asyncio.create_task(_emit(demo, ENTRIES, rng))
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(run, budget)  # cancelled mid-stream; saves its resume point
        assert len(first.entries) >= ENTRIES // 2

        second = Collector()
        engine = _engine(url, token, second, store, 2)
        run = asyncio.create_task(engine.run())
        try:
            async with asyncio.timeout(budget):
                await emitter
            await second.wait_for_count(ENTRIES - len(first.entries), budget)
            # The end: a calm network and a server that destroys the scope on the next connection.
            chaos.break_rate = 0.0
            demo.faults.script(PROXY_STREAM, [Fault.scope_destroyed(after=0)] * 10)
            engine.reconnect_now()
            status = await asyncio.wait_for(run, budget)
        finally:
            await _stop(run)

    received = [e.data["id"] for e in first.entries + second.entries]
    expected = [e["id"] for e in demo.entries("proxy")]
    assert len(expected) == ENTRIES
    assert len(received) == len(set(received)), "an entry was handed on twice"
    assert sorted(received) == expected, "the set received differs from the server's"
    assert received == expected, "entries arrived out of order"
    assert [e.data for e in first.entries + second.entries] == demo.entries("proxy")
    assert status.state is ConnectionState.ENDED
    fired = ledger.fired + chaos.fired
    for kind in ("cut", "stall", "429", "503", "reset", "end", CUT, RESET):
        assert fired[kind] >= AT_LEAST, f"{kind} happened only {fired[kind]} times: {fired}"
    assert fired["scope-destroyed"] == 1


@pytest.mark.soak
@pytest.mark.timeout(SOAK_TIMEOUT)
async def test_nextdns_soak_resumes_by_stream_id_through_every_fault_and_a_restart(
    demo: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NextDNS entries have no id to de-duplicate by: exactness rests on ``?id=`` alone."""
    total = max(1000, ENTRIES // 3)
    rng = random.Random(SEED + 1)
    ledger = FaultLedger(demo, monkeypatch)
    demo.faults.script("nextdns-stream", fault_script(rng, 100_000, resets=False))
    store = StateStore(tmp_path / "state")
    budget = 30 + total / 250

    async with ChaosProxy(demo.host, demo.port, seed=SEED + 1, break_rate=0.3,
                          max_offset=12 * 1024) as chaos:
        url = chaos.url("/profiles/soak")
        key = demo.config.api_key
        first = Collector(stop_after=total // 2)
        run = asyncio.create_task(
            _engine(url, key, first, store, 1, SourceKind.NEXTDNS).run())
        first.task = run
        await asyncio.wait_for(first.live.wait(), budget)
        emitter = asyncio.create_task(_emit(demo, total, rng, "nextdns"))
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(run, budget)

        second = Collector()
        run = asyncio.create_task(
            _engine(url, key, second, store, 2, SourceKind.NEXTDNS).run())
        try:
            async with asyncio.timeout(budget):
                await emitter
            visible = len(demo.entries("nextdns"))  # raw-only queries are not streamed
            await second.wait_for_count(visible - len(first.entries), budget)
            await asyncio.sleep(0.3)  # room for a late duplicate to show up
        finally:
            await _stop(run)

    received = [e.data for e in first.entries + second.entries]
    assert received == demo.entries("nextdns"), "lost, doubled or reordered entries"
    fired = ledger.fired + chaos.fired
    for kind in ("cut", "stall", "429", "503", "end", CUT, RESET):
        assert fired[kind] >= AT_LEAST, f"{kind} happened only {fired[kind]} times: {fired}"
