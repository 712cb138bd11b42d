"""The dashboard repaints only what changed: an idle dashboard writes nothing to the terminal,
a new entry below the last row draws that row, not the pane, and the countdowns still tick.

What is counted is what a terminal would receive: every update the app hands to its display
hook, turned into terminal output (cursor moves and text) as the real driver does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pytest
from textual._compositor import CompositorUpdate

from logtui.core.models import ConnectionState, Entry, SourceKind, SourceStatus
from logtui.tui import ScriptedSourceFactory, create_app
from logtui.tui.app import (
    FAST_FRAME_SKIP,
    FRAME_INTERVAL,
    MAX_ENTRIES_PER_FRAME,
    SLOW_FAST_FRAME_SKIP,
    LogtuiApp,
    ticks_to_skip,
)

from .conftest import NOW, AppMaker
from .entries import proxy_entries
from .helpers import frame, screen_text, settle

CURSOR_MOVE = re.compile(r"\x1b\[(\d+);(\d+)H(?![\r\n]|\x1b\[\d+;\d+H|$)")
"""A move to a cell that something is then written to (Textual also moves to the end of each
line written and sends a line break)."""


class Terminal:
    """What the app wrote to the terminal since :meth:`clear`."""

    def __init__(self, app: LogtuiApp) -> None:
        self.output = ""
        self._app = app
        display = app._display

        def record(screen: object, renderable: object) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.output += renderable.render_segments(app.console)
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = record  # type: ignore[method-assign]

    def clear(self) -> None:
        self.output = ""

    def rows_written(self, left: int, right: int) -> set[int]:
        """Screen rows (from 0) written to between columns ``left`` and ``right``."""
        return {
            int(y) - 1 for y, x in CURSOR_MOVE.findall(self.output) if left <= int(x) - 1 < right
        }


async def _idle_ticks(app: LogtuiApp, pause: Callable[[], object], ticks: int) -> None:
    """What the timers do when nothing arrives: a frame, the status and the stats."""
    for _ in range(ticks):
        app.drain()
        app.refresh_status()
        app.refresh_stats()
        await pause()  # type: ignore[misc]


def _clocked(now: list[float], entries: Sequence[Entry] = (),
             statuses: Sequence[SourceStatus] = ()) -> LogtuiApp:
    """A dashboard whose wall clock the test moves (``now[0]``)."""
    factory = ScriptedSourceFactory(initial=entries, statuses=statuses)
    return create_app(factory, SourceKind.PROXY, description="proxy", clock=lambda: now[0],
                      frame_interval=60.0)


def _live(**fields: object) -> SourceStatus:
    return SourceStatus(kind=SourceKind.PROXY, description="proxy", state=ConnectionState.LIVE,
                        **fields)  # type: ignore[arg-type]


async def test_an_idle_dashboard_writes_nothing_to_the_terminal(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20), statuses=[_live(received=40)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        terminal = Terminal(app)
        await _idle_ticks(app, pilot.pause, 10)
        assert terminal.output == ""
        assert "40 matching of 40 in buffer" in screen_text(app)  # it did draw before


async def test_an_entry_below_the_last_row_draws_that_row_not_the_whole_pane(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5), statuses=[_live(received=10)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        terminal = Terminal(app)
        assert factory.source is not None
        factory.source.push(proxy_entries(6)[-1:])
        await frame(pilot)
        region = app.stream.content_region
        written = {
            row for row in terminal.rows_written(region.x, region.right)
            if region.y <= row < region.bottom
        }
        new_row = region.y + 1 + 10  # under the header, after the ten rows there were
        assert written == {new_row}
        lines = screen_text(app).splitlines()
        assert lines[new_row][region.x:region.right].strip()  # the new entry is drawn there
        assert not lines[new_row + 1][region.x:region.right].strip()


async def test_the_countdowns_still_tick_on_an_idle_dashboard() -> None:
    now = [NOW]
    waiting = SourceStatus(kind=SourceKind.PROXY, description="proxy",
                           state=ConnectionState.RECONNECTING, retry_at=NOW + 4)
    app = _clocked(now, statuses=[waiting])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "reconnecting in 4s" in screen_text(app)
        terminal = Terminal(app)
        await _idle_ticks(app, pilot.pause, 3)
        assert terminal.output == ""  # the same second: nothing to say
        now[0] += 1
        await _idle_ticks(app, pilot.pause, 1)
        assert "reconnecting in 3s" in screen_text(app)
        bar = app.status_bar.region
        # The bar's connection line only: its counters did not change.
        assert terminal.rows_written(0, 120) == {bar.y}


async def test_a_quiet_stream_says_so_once_a_second_without_repainting_the_rows() -> None:
    now = [NOW]
    app = _clocked(now, proxy_entries(20), [_live(received=40)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        terminal = Terminal(app)
        for seconds in (6, 7):
            now[0] = NOW + seconds
            await _idle_ticks(app, pilot.pause, 2)
            assert f"live · quiet {seconds} s" in screen_text(app)
        stream = app.stream.region
        assert not terminal.rows_written(stream.x, stream.right) & set(
            range(stream.y, stream.bottom)
        )


async def test_a_stream_faster_than_the_pane_is_shown_at_a_lower_frame_rate(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert factory.source is not None
        factory.source.push(proxy_entries(60)[-50:])  # more rows than the pane shows
        app._frame_tick()
        assert app.sink.queued == 0
        factory.source.push(proxy_entries(61)[-1:])
        for _ in range(FAST_FRAME_SKIP):
            app._frame_tick()
            assert app.sink.queued == 1  # the next frames wait
        app._frame_tick()
        assert app.sink.queued == 0
        factory.source.push(proxy_entries(62)[-1:])
        app._frame_tick()  # a slow stream: every frame, as before
        assert app.sink.queued == 0


def test_a_slower_fast_stream_skips_more_ticks_as_long_as_a_frame_takes_what_they_bring(
) -> None:
    assert ticks_to_skip(0, FRAME_INTERVAL) == FAST_FRAME_SKIP  # no rate yet
    assert ticks_to_skip(1_000, FRAME_INTERVAL) == SLOW_FAST_FRAME_SKIP
    assert ticks_to_skip(10_000, FRAME_INTERVAL) == FAST_FRAME_SKIP
    for rate in range(500, 40_000, 250):
        skipped = ticks_to_skip(rate, FRAME_INTERVAL)
        assert FAST_FRAME_SKIP <= skipped <= SLOW_FAST_FRAME_SKIP
        brought = rate * FRAME_INTERVAL * (skipped + 1)
        # More than the fewest skipped only while what the ticks bring fits one frame.
        assert skipped == FAST_FRAME_SKIP or brought <= MAX_ENTRIES_PER_FRAME


async def test_a_paused_view_takes_every_frame_however_fast_the_stream(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert factory.source is not None
        factory.source.push(proxy_entries(60)[-50:])
        app._frame_tick()
        factory.source.push(proxy_entries(61)[-1:])
        app._frame_tick()
        assert app.sink.queued == 0


async def test_an_entry_more_while_the_rows_overflow_lays_nothing_out_and_shows_at_the_bottom(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, factory = make_app(entries=proxy_entries(100), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        layouts: list[bool] = []
        screen_type = type(app.screen)
        refresh_layout = screen_type._refresh_layout

        def counted(screen: object, *args: object, **kwargs: object) -> None:
            layouts.append(True)
            refresh_layout(screen, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(screen_type, "_refresh_layout", counted)
        assert factory.source is not None
        factory.source.push(proxy_entries(101)[-1:])
        await frame(pilot)
        assert layouts == []  # the screen is not laid out again for a longer scroll track
        stream = app.stream
        rows = stream.scrollable_content_region.height - 1  # under the header
        assert stream.virtual_size.height == 202  # the header and every row
        assert stream.scroll_offset.y + rows == len(app.store.view) == 201  # newest at bottom
        assert stream.vertical_scrollbar.window_virtual_size == 202


async def test_the_stats_count_in_the_border_is_redrawn_without_the_pane_around_it(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(20), statuses=[_live(received=40)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "received 40 ·" in screen_text(app)
        terminal = Terminal(app)
        assert factory.source is not None
        factory.source.push(proxy_entries(21)[-2:])
        await frame(pilot)
        assert "received 42 ·" in screen_text(app)
        pane = app.stats_pane.region
        written = terminal.rows_written(pane.x, pane.right) & set(range(pane.y, pane.bottom))
        assert pane.bottom - 1 in written  # the border with the count
        assert pane.y not in written  # the top border and title were left alone


async def test_a_paused_view_counts_new_entries_in_its_border_without_repainting_its_rows(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(40))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert "paused · 0 new" in screen_text(app)
        terminal = Terminal(app)
        assert factory.source is not None
        factory.source.push(proxy_entries(41)[-2:])
        await frame(pilot)
        assert "paused · 2 new · f follows" in screen_text(app)
        pane = app.stream.region
        rows = app.stream.scrollable_content_region  # the scroll bar's track may grow
        written = terminal.rows_written(pane.x, rows.right) & set(range(pane.y, pane.bottom))
        assert written == {pane.bottom - 1}  # the border with the count, not the rows


async def test_the_frame_timer_stops_while_nothing_arrives_and_the_next_entry_wakes_it() -> None:
    factory = ScriptedSourceFactory(initial=proxy_entries(5), statuses=[_live(received=5)])
    app = create_app(factory, SourceKind.PROXY, description="proxy", clock=lambda: NOW,
                     frame_interval=0.01)
    ticks: list[bool] = []
    async with app.run_test(size=(120, 40)) as pilot:
        frame_tick = app._frame_tick

        def counted() -> None:
            ticks.append(bool(app.sink.pending))
            frame_tick()

        app._frame_tick = counted  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.pause(0.3)  # thirty ticks of the timer, were it still running
        idle = len(ticks)
        await pilot.pause(0.3)
        assert len(ticks) == idle  # asleep: not one tick more
        assert idle <= 2 * 10  # fell asleep soon after the queue emptied
        assert factory.source is not None
        held = len(app.store)
        factory.source.push(proxy_entries(6)[-1:])  # nobody drains by hand: the timer must
        for _ in range(100):
            if len(app.store) > held:
                break
            await pilot.pause(0.01)
        assert len(app.store) == held + 1
        assert ticks[idle] is True  # the first tick after waking took the entry


async def test_a_focus_move_repaints_the_panes_it_restyles_not_every_row(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20), statuses=[_live(received=40)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        terminal = Terminal(app)
        app.screen.set_focus(app.stats_pane)
        await frame(pilot)
        await frame(pilot)
        written = terminal.rows_written(0, 120)
        assert written & set(range(app.stats_pane.region.y, app.stats_pane.region.bottom))
        assert not written & {0, 39}  # the filter row and the key bar stay as they were
