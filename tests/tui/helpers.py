"""Test helpers: read what the dashboard shows, as text, and drive frames deterministically."""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

from rich.console import Console
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

if TYPE_CHECKING:
    import pytest

    from logtui.tui.app import LogtuiApp

from logtui.tui import filter_job


def screen_text(app: App[object]) -> str:
    """The whole screen as plain text, as a user would read it."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    ))
    # The status bar keeps each figure on one line with no-break spaces; a reader sees spaces.
    return console.export_text().replace("\u00a0", " ")


def screen_ansi(app: App[object]) -> str:
    """The whole screen as the bytes a terminal would receive (styles included)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    ))
    return console.export_text(styles=True)


async def settle(pilot: Pilot[object]) -> None:
    """A frame, then stop every input's cursor blinking so a screenshot is stable."""
    await frame(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def frame(pilot: Pilot[object]) -> None:
    """Apply everything the source pushed (as the frame timer would, over as many frames as it
    takes) and let the screen settle."""
    app = pilot.app
    while app.drain():  # type: ignore[attr-defined]
        await pilot.pause()
    app.refresh_status()  # type: ignore[attr-defined]
    app.refresh_stats()  # type: ignore[attr-defined]
    await pilot.pause()


async def burst(pilot: Pilot[object], *keys: tuple[str, str]) -> None:
    """Send keys as a terminal read does: all queued at once, none handled in between (a
    pilot's ``press`` waits for each key to be handled, which hides ordering bugs)."""
    driver = pilot.app._driver
    assert driver is not None
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


def filter_in_steps(monkeypatch: pytest.MonkeyPatch, max_rows: int = 5_000) -> None:
    """Have a buffer over 10,000 entries filtered in steps (the first of 2,000 rows, the
    others of at most ``max_rows``), as a large buffer is."""
    monkeypatch.setattr(filter_job, "AT_ONCE", 10_000)
    monkeypatch.setattr(filter_job, "FIRST_ROWS", 2_000)
    monkeypatch.setattr(filter_job, "MAX_ROWS", max_rows)


async def filtered_and_counted(app: LogtuiApp, pilot: Pilot[object]) -> None:
    """Wait until the filter in progress is done and its matches are counted into the stats."""
    deadline = time.monotonic() + 60
    while app.filtering.progress is not None or app.stats.snapshot().entries < len(
            app.store.view):
        assert time.monotonic() < deadline, "the filter never finished"
        await pilot.pause(0.01)
