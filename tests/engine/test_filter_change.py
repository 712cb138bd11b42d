"""Changing server-side filters never loses, doubles or misorders what the buffer holds.

The engine against the demo server over loopback, its entries fed to an entry store built the
way the dashboard builds it: narrow a filter, widen it, cycle it, then compare the buffer with
the server's ground truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest

from logtui.core.engine import Engine
from logtui.core.fields import FieldResolver
from logtui.core.identity import GAP_FIELD, identity_for, order_for
from logtui.core.models import ConnectionState, Entry, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.store import EntryStore, entries_only
from logtui.demo import DemoConfig, DemoServer

from .helpers import WaitingSink, fast_backoff
from .scripted_server import Recorded, Reply, ScriptedServer


class StoreSink(WaitingSink):
    """Feeds every batch to an entry store, as the dashboard does."""

    def __init__(self, kind: SourceKind) -> None:
        super().__init__()
        self.store = EntryStore(1000, identity=identity_for(kind), order=order_for(kind))
        identity = identity_for(kind)
        assert identity is not None
        self.identity = identity

    def held(self) -> set[object]:
        """The identities of the buffered entries."""
        return {self.identity(entry) for entry in entries_only(self.store.entries())}

    def on_entries(self, entries: Sequence[Entry]) -> None:
        self.store.extend(list(entries))
        super().on_entries(entries)


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=40, heartbeat=15.0)) as server:
        yield server


def _ids(sink: StoreSink) -> list[int]:
    return [entry.data["id"] for entry in entries_only(sink.store.entries())]


def _gaps(sink: StoreSink) -> list[Mapping[str, Any]]:
    return [e.data[GAP_FIELD] for e in sink.store.entries() if e.origin == "gap"]


async def _reconnected(sink: StoreSink, before: int) -> None:
    await sink.wait_for(
        lambda s: s.statuses[-1].reconnects > before
        and s.statuses[-1].state is ConnectionState.LIVE
    )


async def _drive(
    demo: DemoServer,
    engine: Engine,
    sink: StoreSink,
    api: str,
    steps: Sequence[Mapping[str, str]],
    newest: Callable[[Mapping[str, str]], object],
) -> None:
    """Run the engine through ``steps`` of server filters, emitting entries under each and
    waiting until the newest one the filter selects has arrived."""
    task = asyncio.create_task(engine.run())
    try:
        await sink.wait_for(lambda s: ConnectionState.LIVE in s.states())
        await sink.wait_for(lambda s: len(s.entries) >= 20)
        for params in [{}, *steps]:
            if params or engine.status.reconnects:
                before = engine.status.reconnects
                engine.set_server_filters(params)
                await _reconnected(sink, before)
            await asyncio.to_thread(demo.emit, 30, api)  # type: ignore[arg-type]
            wanted = newest(params)
            if wanted is not None:
                await sink.wait_for(lambda s, w=wanted: w in s.held())
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


MS = 0.001
"""Entry timestamps are whole milliseconds; gap bounds are not."""
CYCLE = [{"level": "warn"}, {}, {"level": "error"}, {"level": "info"}, {"level": "debug"}, {}]


async def test_proxy_filter_changes_keep_every_entry_once_in_order(demo: DemoServer) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=demo.config.token)
    sink = StoreSink(SourceKind.PROXY)
    engine = Engine(build_source(config), sink, backoff=fast_backoff(), history=20)

    def newest(params: Mapping[str, str]) -> object:
        rows = [e for e in demo.entries("proxy") if params.get("level", e["level"]) == e["level"]]
        return rows[-1]["id"] if rows else None

    await _drive(demo, engine, sink, "proxy", CYCLE, newest)

    ids = _ids(sink)
    assert len(ids) == len(set(ids)), "an entry is buffered twice"
    assert ids == sorted(ids), "reloaded entries were not placed in order"
    server = [e["id"] for e in demo.entries("proxy")]
    # proxy-logs backfills with /_logs?afterId=: every entry since the first buffered one is
    # there, the ones a narrow filter left out included, and no gap row was needed.
    assert ids == [i for i in server if i >= ids[0]]
    assert _gaps(sink) == []


async def test_nextdns_widening_shows_a_gap_row_for_what_was_not_fetched(
    demo: DemoServer,
) -> None:
    config = SourceConfig(
        kind=SourceKind.NEXTDNS, url=f"{demo.nextdns_url}/profiles/abc123",
        secret=demo.config.api_key,
    )
    sink = StoreSink(SourceKind.NEXTDNS)
    engine = Engine(build_source(config), sink, backoff=fast_backoff(), history=20)
    steps = [{"status": "blocked"}, {}, {"status": "default"}, {"status": "error"}, {}]

    def newest(params: Mapping[str, str]) -> object:
        rows = [e for e in demo.entries("nextdns")
                if params.get("status", e["status"]) == e["status"]]
        return identity_for(SourceKind.NEXTDNS)(_entry(rows[-1])) if rows else None

    await _drive(demo, engine, sink, "nextdns", steps, newest)

    rows = sink.store.entries()
    keys = [sink.identity(e) for e in entries_only(rows)]
    assert len(keys) == len(set(keys)), "an entry is buffered twice"
    time_of = FieldResolver.for_kind(SourceKind.NEXTDNS).time_of
    order = order_for(SourceKind.NEXTDNS)
    assert [order(e) for e in rows] == sorted(order(e) for e in rows)
    gaps = _gaps(sink)
    assert gaps, "widening after a narrow filter must show a gap row"
    assert any("status=blocked" in gap["outside"] for gap in gaps)
    # Every server entry since the first one loaded is buffered or inside a gap row (a narrow
    # filter's history may reach further back: that is history, not a gap).
    held = set(keys)
    first = time_of(sink.entries[0]) or 0.0
    missing = [
        e for e in demo.entries("nextdns")
        if (time_of(_entry(e)) or 0.0) >= first
        and identity_for(SourceKind.NEXTDNS)(_entry(e)) not in held
    ]
    uncovered = [
        e for e in missing
        if not any(
            gap["from"] - MS <= (time_of(_entry(e)) or 0.0) <= gap["to"] + MS for gap in gaps
        )
    ]
    assert uncovered == []


def _entry(data: Mapping[str, Any]) -> Entry:
    return Entry(raw="", data=dict(data))


async def test_widening_a_proxy_filter_backfills_from_the_last_id_before_narrowing() -> None:
    """Over a scripted server: the request the widening makes, and what the buffer holds."""
    levels = dict(enumerate(["info", "info", "warn", "info", "warn", "info", "warn", "info"], 1))
    horizon = {"id": 3}

    def frame(entry_id: int) -> bytes:
        data = json.dumps({"id": entry_id, "level": levels[entry_id]})
        return f"id: {entry_id}\ndata: {data}\n\n".encode()

    def logs(request: Recorded) -> Reply:
        after = int(request.query.get("afterId", "0"))
        level = request.query.get("level")
        rows = [{"id": i, "level": lv} for i, lv in levels.items()
                if after < i <= horizon["id"] and level in (None, lv)]
        return Reply(200, {"Content-Type": "application/json"},
                     [json.dumps({"entries": rows}).encode()])

    sse = {"Content-Type": "text/event-stream"}
    async with ScriptedServer() as server:
        server.script("/api/proxy-logs/_logs/stream", [
            Reply(200, sse, [frame(1), frame(2), frame(3)], hold_open=True),
            Reply(200, sse, [frame(5)], hold_open=True),  # level=warn: 4 is never sent
            Reply(200, sse, [frame(8)], hold_open=True),
        ])
        server.script("/api/proxy-logs/_logs", [logs])
        config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"))
        sink = StoreSink(SourceKind.PROXY)
        engine = Engine(build_source(config), sink, backoff=fast_backoff())
        task = asyncio.create_task(engine.run())
        try:
            await sink.wait_for(lambda s: {1, 2, 3} <= s.held())
            horizon["id"] = 5
            engine.set_server_filters({"level": "warn"})
            await sink.wait_for(lambda s: 5 in s.held())
            horizon["id"] = 8
            engine.set_server_filters({})
            await sink.wait_for(lambda s: {4, 6, 7, 8} <= s.held())
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    backfills = [r.query for r in server.requests_to("/api/proxy-logs/_logs")]
    assert backfills[-1]["afterId"] == "3" and "level" not in backfills[-1]
    assert _ids(sink) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert _gaps(sink) == []
