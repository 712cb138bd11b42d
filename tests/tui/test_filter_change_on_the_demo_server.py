"""Server-side filter changes in the dashboard: every entry once, in order, gaps shown.

A real engine against the demo server over loopback: narrow the filter, widen it, cycle the
``level:`` chip, then check the buffer and an export against the server's ground truth.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from logtui.core.fields import FieldResolver
from logtui.core.identity import GAP_FIELD, identity_for
from logtui.core.models import ConnectionState, Entry, SourceKind
from logtui.core.sources import SourceConfig
from logtui.demo import DemoConfig, DemoServer
from logtui.tui.app import LogtuiApp
from logtui.tui.run import build_dashboard

from .helpers import screen_text

MS = 0.001
"""Entry timestamps are whole milliseconds; gap bounds are not."""


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=11, rate=0.0, history=60)) as running:
        yield running


def _entries(rows: Sequence[Entry]) -> list[Entry]:
    """The log entries among the rows (gap rows are not entries)."""
    return [row for row in rows if row.origin != "gap"]


def _held(app: LogtuiApp) -> set[object]:
    identity = identity_for(app.kind)
    assert identity is not None
    return {identity(entry) for entry in _entries(app.store.entries())}


async def _until(pilot: Pilot[Any], ready: Callable[[], bool], limit: float = 10.0) -> None:
    """Let the app run frames until ``ready`` holds (the engine works on its own thread)."""
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, "the dashboard never reached the expected state"
        await pilot.pause(0.05)


async def _change(
    pilot: Pilot[Any], app: LogtuiApp, change: Callable[[], object], emit: Callable[[], None],
    newest: Callable[[Mapping[str, str]], object],
) -> None:
    """Change the filter, wait for the new stream, emit, wait for the newest match to show."""
    before = app.status_bar.status.reconnects
    change()
    await _until(pilot, lambda: app.status_bar.status.reconnects > before
                 and app.status_bar.status.state is ConnectionState.LIVE)
    emit()
    wanted = newest(app.server_params)
    if wanted is not None:
        await _until(pilot, lambda: wanted in _held(app))


async def _export(pilot: Pilot[Any], app: LogtuiApp, path: Path) -> list[str]:
    await pilot.press("e")
    await pilot.pause()
    app.screen.query_one("#export-path", Input).value = str(path)
    await pilot.press("enter")
    await _until(pilot, path.exists)
    text = await asyncio.to_thread(path.read_text)
    return text.splitlines()


async def test_narrow_widen_and_cycling_level_keep_each_entry_once_in_order(
    server: DemoServer, tmp_path: Path
) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url,
                          secret=server.config.token, history=20)
    app, _ = build_dashboard(config, engine_options={"resume": False})

    def emit() -> None:
        server.emit(40, "proxy")

    def newest(params: Mapping[str, str]) -> object:
        rows = [e for e in server.entries("proxy")
                if params.get("level", e["level"]) == e["level"]]
        return rows[-1]["id"] if rows else None

    async with app.run_test(size=(140, 40)) as pilot:
        await _until(pilot, lambda: len(app.store) >= 20
                     and app.status_bar.status.state is ConnectionState.LIVE)
        emit()
        await _until(pilot, lambda: newest({}) in _held(app))
        await _change(pilot, app, lambda: app.apply_filter("level=warn"), emit, newest)
        await _change(pilot, app, lambda: app.apply_filter(""), emit, newest)
        for _ in range(5):  # level: debug, info, warn, error, any
            await _change(pilot, app, lambda: app.action_cycle_toggle("level"), emit, newest)
        assert app.server_params == {}
        assert app.stats.snapshot().entries == len(app.store.view), "stats count each once"
        lines = await _export(pilot, app, tmp_path / "all.ndjson")
        await pilot.press("q")

    ids = [e.data["id"] for e in _entries(app.store.entries())]
    assert len(ids) == len(set(ids)), "an entry is buffered twice"
    assert ids == sorted(ids), "reloaded entries were placed out of order"
    server_ids = [e["id"] for e in server.entries("proxy")]
    assert ids == [i for i in server_ids if i >= ids[0]], "entries a narrow filter left out"
    assert [e for e in app.store.entries() if e.origin == "gap"] == []
    assert len(lines) == len(set(lines)) == len(ids)
    assert [json.loads(line)["id"] for line in lines] == ids


async def test_widening_nextdns_shows_a_gap_row_that_is_not_an_entry(
    server: DemoServer, tmp_path: Path
) -> None:
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.nextdns_url}/profiles/abc123",
                          secret=server.config.api_key, history=20)
    app, _ = build_dashboard(config, engine_options={"resume": False})
    identity = identity_for(SourceKind.NEXTDNS)
    assert identity is not None
    time_of = FieldResolver.for_kind(SourceKind.NEXTDNS).time_of

    def emit() -> None:
        server.emit(40, "nextdns")

    def newest(params: Mapping[str, str]) -> object:
        rows = [e for e in server.entries("nextdns")
                if params.get("status", e["status"]) == e["status"]]
        return identity(Entry(raw="", data=rows[-1])) if rows else None

    async with app.run_test(size=(160, 40)) as pilot:
        await _until(pilot, lambda: len(app.store) >= 20
                     and app.status_bar.status.state is ConnectionState.LIVE)
        first = time_of(app.store.entries()[0]) or 0.0
        emit()
        await _until(pilot, lambda: newest({}) in _held(app))
        await _change(pilot, app, lambda: app.apply_filter("status=blocked"), emit, newest)
        await _change(pilot, app, lambda: app.apply_filter(""), emit, newest)
        for _ in range(5):  # status: default, blocked, allowed, error, any
            await _change(pilot, app, lambda: app.action_cycle_toggle("status"), emit, newest)
        assert app.server_params == {}
        gaps = [e for e in app.store.entries() if e.origin == "gap"]
        assert gaps, "widening must show what the narrow filter did not fetch"
        app.stream.action_first()
        for gap in gaps:
            index = list(app.store.view).index(gap)
            app.stream.scroll_to(y=index, animate=False, force=True)
            await pilot.pause()
            assert gap.data["message"][:60] in screen_text(app)  # the row may be cropped
        app.refresh_stats()
        assert app.stats.snapshot().entries == len(_entries(app.store.view))
        lines = await _export(pilot, app, tmp_path / "dns.ndjson")
        await pilot.press("q")

    rows = app.store.entries()
    entries = _entries(rows)
    keys = [identity(e) for e in entries]
    # Queries alike in every field can really happen twice (a NextDNS identity is a digest of
    # the fields), so each identity may be buffered as often as the server wrote it, no more.
    written = Counter(identity(Entry(raw="", data=row)) for row in server.entries("nextdns"))
    assert all(count <= written[key] for key, count in Counter(keys).items()), (
        "an entry is buffered twice"
    )
    times = [time_of(e) or 0.0 for e in entries]
    assert times == sorted(times), "reloaded entries were placed out of order"
    assert len(lines) == len(entries) and all("not loaded" not in line for line in lines)
    spans = [(g.data[GAP_FIELD]["from"] - MS, g.data[GAP_FIELD]["to"] + MS) for g in gaps]
    held = set(keys)
    for row in server.entries("nextdns"):
        entry = Entry(raw="", data=row)
        at = time_of(entry) or 0.0
        if at >= first and identity(entry) not in held:
            assert any(lo <= at <= hi for lo, hi in spans), f"{row} is missing with no gap row"
