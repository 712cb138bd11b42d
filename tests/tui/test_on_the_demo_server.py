"""The dashboard on a real source: the stream engine against the demo server over loopback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig
from logtui.demo import DemoConfig, DemoServer
from logtui.tui.run import build_dashboard

from .helpers import screen_text

TOKEN = "tui-test-token"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=3, rate=0.0, token=TOKEN, history=30)) as running:
        yield running


async def _until(pilot: Pilot[Any], ready: Callable[[], bool], limit: float = 10.0) -> None:
    """Let the app run frames until ``ready`` holds (the engine works on its own thread)."""
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, "the dashboard never reached the expected state"
        await pilot.pause(0.05)


async def test_history_then_live_entries_reach_the_stream(server: DemoServer) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url, secret=TOKEN, history=10)
    app, engine_thread = build_dashboard(config, engine_options={"resume": False})
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: len(app.store) >= 10
                     and app.status_bar.status.state is ConnectionState.LIVE)
        server.emit(6, "proxy")
        await _until(pilot, lambda: len(app.store) >= 16)
        app.refresh_status()
        await pilot.pause()
        text = screen_text(app)
        assert "● live" in text and server.proxy_url in text
        assert TOKEN not in text
        assert {entry.origin for entry in app.store.view} == {"history", "live"}
        await pilot.press("q")
    thread = engine_thread()
    assert thread is not None and not thread.is_alive()


async def test_a_rejected_token_shows_failed_with_what_to_fix(server: DemoServer) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url, secret="wrong-token")
    app, _ = build_dashboard(config, engine_options={"resume": False})
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.status_bar.status.state is ConnectionState.FAILED)
        app.refresh_status()
        await pilot.pause()
        text = screen_text(app)
        assert "● failed" in text and "LOGTUI_PROXY_TOKEN" in text
        assert "wrong-token" not in text
        await pilot.press("q")
    assert app.return_value == 3
