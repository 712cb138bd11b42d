"""The dashboard on NextDNS queries that lack fields, and the device toggle, against the demo
server over a real socket.

Queries from no identified device have no ``device`` and no ``client``; ``raw=1`` adds
``type`` and ``dnssec``. No column, filter, stat or toggle may assume a field is there. The API
filters ``device`` by id, so the device chip must send an id while it shows the name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from logtui.core.columns import columns_for
from logtui.core.models import ConnectionState, Entry, SourceKind
from logtui.core.stats import DEVICES
from logtui.tui.run import build_dashboard
from tests.tui.helpers import screen_text

from .conftest import demo, source_config


async def _until(pilot: Pilot[Any], ready: Callable[[], bool], limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, (
            "the dashboard never reached the expected state"
            f" (buffer {len(pilot.app.store)}, refused {pilot.app.store.refused})"
        )
        await pilot.pause(0.05)


def _device_id(entry: Entry) -> str | None:
    device = entry.data.get("device")
    return device.get("id") if isinstance(device, dict) else None


async def test_queries_without_device_or_client_show_blanks_and_crash_nothing() -> None:
    with demo("unidentified=0.4") as server:
        server.emit(60, "nextdns")
        config = source_config(server, filters={"raw": "1"}, history=60)
        app, _ = build_dashboard(config, engine_options={"resume": False})
        async with app.run_test(size=(160, 45)) as pilot:
            await _until(pilot, lambda: len(app.store) >= 60
                         and app.status_bar.status.state is ConnectionState.LIVE)
            await pilot.press("s")  # the stats pane reads every breakdown
            assert app.apply_filter("raw=1 device=__UNIDENTIFIED__", reconnect=False)
            unidentified = [e for e in app.store.entries() if "device" not in e.data]
            assert unidentified and list(app.store.view) == unidentified
            for expression in ("device=__UNIDENTIFIED__", "client:apple", "type=PTR dnssec=true",
                               "device.name:iphone", "-client:router", ""):
                expression = f"raw=1 {expression}".strip()
                assert app.apply_filter(expression)
                await pilot.pause()
            await pilot.click("#toggle-device")
            server.emit(30, "nextdns")
            await pilot.pause(0.2)
            app.refresh_stats()
            await pilot.pause()
            assert app.is_running
            text = screen_text(app)
            await pilot.press("q")
        entries = app.store.entries()
    anonymous = [e for e in entries if "device" not in e.data and "client" not in e.data]
    assert anonymous, "the mode should have produced queries with no device"
    device_column = next(c for c in columns_for(SourceKind.NEXTDNS) if c.name == "device")
    assert {device_column.extract(e) for e in anonymous} == {""}
    assert all({"type", "dnssec"} <= set(e.data) for e in entries)
    assert "domain" in text


async def test_the_device_chip_filters_by_id_shows_the_name_and_live_queries_keep_coming() -> None:
    with demo() as server:
        server.emit(80, "nextdns")
        shown = len(server.entries("nextdns"))  # raw-only queries are hidden without raw=1
        config = source_config(server, history=shown)
        app, _ = build_dashboard(config, engine_options={"resume": False})
        async with app.run_test(size=(160, 45)) as pilot:
            await _until(pilot, lambda: len(app.store) >= shown
                         and app.status_bar.status.state is ConnectionState.LIVE)
            reconnects = app.status_bar.status.reconnects
            await pilot.click("#toggle-device")
            await pilot.pause()
            device_id = app.filter_input.value.removeprefix("device=")
            names = {e["device"]["name"] for e in server.entries("nextdns")
                     if e["device"]["id"] == device_id}
            assert app.server_params == {"device": device_id} and len(names) == 1
            (name,) = names
            assert f"device:{name[:16]}" in screen_text(app)
            await _until(pilot, lambda: app.status_bar.status.state is ConnectionState.LIVE
                         and app.status_bar.status.reconnects > reconnects)
            older = len(server.entries("nextdns"))
            server.emit(120, "nextdns")
            expected = sum(1 for e in server.entries("nextdns")[older:]
                           if e["device"]["id"] == device_id)
            assert expected

            def live() -> list[Entry]:
                return [e for e in app.store.entries() if e.origin == "live"]

            await _until(pilot, lambda: len(live()) >= expected)
            await pilot.press("q")
    assert {_device_id(e) for e in live()} == {device_id}
    assert app.stats.snapshot().group(DEVICES)
