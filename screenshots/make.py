"""Make the README's screenshots: the dashboard on the embedded demo server, as SVG files.

Run from the repository root: ``.venv/bin/python screenshots/make.py``. It starts the demo
server in-process, opens the dashboard on it headless at 120x40, drives it with keys as a user
would, and saves ``dashboard.svg``, ``filter.svg``, ``detail-trace.svg`` and
``reconnecting.svg`` beside this script, then ``sources.svg``: the three demo APIs in one view, as
``logtui demo --source all`` shows them. Traffic is seeded, but timing is real, so pictures
differ slightly from run to run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from logtui.commands.demo import demo_members
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig
from logtui.demo import DemoConfig, DemoServer
from logtui.tui.app import LogtuiApp
from logtui.tui.run import build_dashboard, build_fleet_dashboard
from logtui.tui.widgets.detail_pane import trace_id_of

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)


async def _until(pilot: Pilot[Any], ready: Callable[[], bool], limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the dashboard did not reach the state to photograph")
        await pilot.pause(0.1)


async def _shoot(pilot: Pilot[Any], name: str) -> None:
    app = pilot.app
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.3)
    app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"wrote screenshots/{name}.svg")


async def _select_traced_response(pilot: Pilot[Any], app: LogtuiApp) -> None:
    """Move the cursor up to a response whose request is in the buffer."""
    await pilot.press("k")
    for _ in range(60):
        entry = app.stream.selected_entry
        trace = trace_id_of(entry) if entry is not None else None
        if entry is not None and entry.data.get("kind") == "response" and trace is not None \
                and len(app.store.trace(trace)) >= 2:
            return
        await pilot.press("k")


def _waiting(app: LogtuiApp) -> bool:
    """Reconnecting with a countdown worth showing."""
    status = app.status_bar.status
    return (
        status.state is ConnectionState.RECONNECTING
        and status.retry_at is not None
        and status.retry_at - time.time() >= 2
    )


async def make(server: DemoServer) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url,
                          secret=server.config.token, history=200)
    app, _ = build_dashboard(config)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: len(app.store) > 300)
        await pilot.pause(1.5)
        await _shoot(pilot, "dashboard")

        await pilot.press("slash", *"level=warn method:POST,PATCH", "enter")
        await pilot.pause(1.5)
        await _shoot(pilot, "filter")

        await pilot.press("slash", "ctrl+a", "ctrl+k", "enter", "s")
        await pilot.pause(0.5)
        await _select_traced_response(pilot, app)
        await pilot.press("enter")
        await _shoot(pilot, "detail-trace")

        await pilot.press("d", "s", "f")
        server.stop()
        await _until(pilot, lambda: _waiting(app), limit=60.0)
        app.refresh_status()
        await _shoot(pilot, "reconnecting")
        await pilot.press("q")


async def make_sources(server: DemoServer) -> None:
    members = demo_members(server.base_url, server.config, 200, "", for_dashboard=True)
    app, _ = build_fleet_dashboard(members)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: len(app.store) > 600)
        await pilot.pause(1.5)
        await _shoot(pilot, "sources")
        await pilot.press("q")


def main() -> None:
    """Start the demo server and take the pictures."""
    for take in (make, make_sources):
        server = DemoServer(DemoConfig(seed=7, rate=40, history=400))
        server.start()
        try:
            asyncio.run(take(server))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
