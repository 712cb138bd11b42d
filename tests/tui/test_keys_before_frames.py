"""A key is shown before the stream's next frame, a frame in progress ends early for it, and
pausing redraws no rows.

Under a fast stream a key's wait is whatever the UI thread does between the key's arrival and
the refresh that shows its effect: a frame's work there (applying entries, drawing the rows
they bring) and redrawing rows the key did not change.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.timer import Timer

from logtui.tui.app import FRAME_CHUNK, MAX_DEFERRED_TICKS, LogtuiApp
from logtui.tui.ingest import Frame

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import screen_text, settle


def frame_timer(app: LogtuiApp) -> Callable[[], Any]:
    """What the app's frame timer calls on each tick."""
    timer: Timer = next(timer for timer in app._timers if timer.name == "drain")
    callback = timer._callback
    assert callback is not None
    return callback


async def test_a_frame_tick_after_a_key_waits_for_the_refresh_that_shows_the_key(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tick = frame_timer(app)
        assert factory.source is not None
        await pilot.press("space")
        factory.source.push(proxy_entries(60)[-50:])
        tick()
        assert app.sink.queued == 50  # the key's refresh goes first
        await pilot.pause()
        assert app.sink.queued == 0  # then the frame, without waiting for the next tick
        assert "paused" in screen_text(app)
        factory.source.push(proxy_entries(61)[-1:])
        tick()  # no key since: a frame at once
        assert app.sink.queued == 0


async def test_a_frame_deferred_for_a_refresh_that_never_comes_runs_a_few_ticks_later(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tick = frame_timer(app)
        assert factory.source is not None
        await pilot.press("space")
        factory.source.push(proxy_entries(60)[-50:])
        for _ in range(MAX_DEFERRED_TICKS + 1):
            tick()  # no await: the refresh cannot come in between
            assert app.sink.queued == 50
        tick()
        assert app.sink.queued == 0


async def rows_drawn_by(pilot: Pilot[object], app: LogtuiApp, act: Callable[[], Awaitable[Any]],
                        monkeypatch: pytest.MonkeyPatch) -> int:
    """How many stream rows are rendered while ``act`` runs and the screen refreshes."""
    rows = app.stream._rows
    drawn = 0
    strip = rows.strip  # what the pane draws each one-line row with

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal drawn
        drawn += 1
        return strip(*args, **kwargs)

    monkeypatch.setattr(rows, "strip", counted)
    await act()
    await pilot.pause()
    return drawn


async def test_pausing_redraws_the_border_not_the_rows(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert await rows_drawn_by(pilot, app, lambda: pilot.press("space"), monkeypatch) == 0
        assert "paused" in screen_text(app)


async def test_a_new_theme_still_redraws_the_rows(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = next(name for name in app.available_themes if name != app.theme)

        async def change_theme() -> None:
            app.theme = other

        assert await rows_drawn_by(pilot, app, change_theme, monkeypatch) >= 30


async def test_a_key_posted_during_a_frame_ends_it_after_the_chunk_in_hand(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert factory.source is not None
        factory.source.push(proxy_entries(1_000))  # request/response pairs: 2,000 entries
        ingest_frame = app.ingest.frame
        chunks: list[int] = []

        def frame_then_key(limit: int | None = None) -> Frame | None:
            applied = ingest_frame() if limit is None else ingest_frame(limit)
            chunks.append(len(applied.entries) if applied is not None else 0)
            if len(chunks) == 1:  # the key comes from the driver's thread meanwhile
                key = threading.Thread(target=app.post_message, args=(events.Key("space", " "),))
                key.start()
                key.join()
            return applied

        app.ingest.frame = frame_then_key  # type: ignore[method-assign]
        assert app.drain()
        assert chunks == [FRAME_CHUNK]
        assert app.sink.queued == 2_000 - FRAME_CHUNK
        await pilot.pause()
        assert "paused" in screen_text(app)
        while app.drain():
            pass
        assert len(app.store) == 2_000


def updates_shown(app: LogtuiApp) -> list[str]:
    """The text of every screen update from now on, in order (as a terminal would get it)."""
    shown: list[str] = []
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and hasattr(renderable, "render_segments"):
            shown.append(renderable.render_segments(app.console))

    app._display = recorded  # type: ignore[method-assign]
    return shown


@pytest.mark.parametrize(("key", "shows"), [("space", "paused"), ("f", "following")])
async def test_the_first_screen_update_after_space_or_f_shows_its_effect(
    make_app: AppMaker, key: str, shows: str,
) -> None:
    app, factory = make_app(entries=proxy_entries(30), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        if key == "f":
            await pilot.press("space")
            assert factory.source is not None
            factory.source.push(proxy_entries(60)[-30:])  # rows the paused view did not show
            while app.drain():
                await pilot.pause()
            await pilot.pause()
        shown = updates_shown(app)
        await pilot.press(key)
        await pilot.pause()
        assert shown
        assert shows in shown[0]  # not an update later, after whatever the UI does between


async def test_space_and_f_restyle_nothing(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A restyle of the pane resolves each of its component classes again: milliseconds a key.
    app, _factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        restyled: list[object] = []
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes: Any, animate: bool = False) -> None:
            restyled.extend(nodes)
            update_nodes(nodes, animate=animate)

        monkeypatch.setattr(app.stylesheet, "update_nodes", counted)
        await pilot.press("space")
        assert "paused" in screen_text(app)
        await pilot.press("f")
        assert "following" in screen_text(app)
        assert app.stream not in restyled


async def test_no_collection_runs_between_a_key_and_the_refresh_that_shows_it(
    make_app: AppMaker,
) -> None:
    # A middle-generation pass takes up to 15 ms under a fast stream, the policy's step a few.
    app, _factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        passes: list[int] = []

        def seen(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                passes.append(info["generation"])

        gc.callbacks.append(seen)
        try:
            app.post_message(events.Key("space", " "))
            garbage = [[[]] for _ in range(50_000)]  # enough for many young passes
            del garbage
            gc_timer: Timer = next(timer for timer in app._timers if timer.name == "gc")
            assert gc_timer._callback is not None
            gc_timer._callback()  # the policy's step, due meanwhile
            assert passes == []
            await pilot.pause()
            assert "paused" in screen_text(app)
            assert gc.isenabled()
        finally:
            gc.callbacks.remove(seen)


async def test_a_frame_tick_between_a_key_arriving_and_its_handling_waits_for_the_key(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tick = frame_timer(app)
        assert factory.source is not None
        factory.source.push(proxy_entries(60)[-50:])
        app.post_message(events.Key("space", " "))  # queued, not handled yet
        tick()
        app._deferred_frame()  # as the screen calls it at once, with nothing to redraw yet
        assert app.sink.queued == 50  # the frame does not run ahead of the key
        await pilot.pause()
        assert "paused" in screen_text(app)
        assert app.sink.queued == 0  # then the frame, after the key's refresh


async def test_a_frame_past_its_budget_lets_the_loop_run_between_its_chunks(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frame of a replay applied 2,000 entries in one callback (8 ms, twice that while the
    # engine's thread packed the next read): nothing else on the UI thread ran meanwhile.
    monkeypatch.setattr("logtui.tui.app.FRAME_BUDGET", 0.0, raising=False)
    app, factory = make_app(buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert factory.source is not None
        factory.source.push(proxy_entries(1_000))  # request/response pairs: 2,000 entries
        loop = asyncio.get_running_loop()
        ingest_frame = app.ingest.frame
        ran: list[str] = []

        def chunk(limit: int | None = None) -> Frame | None:
            if not ran:
                loop.call_soon(ran.append, "other callback")
            ran.append("chunk")
            return ingest_frame(limit)

        app.ingest.frame = chunk  # type: ignore[method-assign]
        frame_timer(app)()
        while app.sink.queued:
            await pilot.pause()
        assert ran == ["chunk", "other callback", "chunk", "chunk", "chunk"]
        assert len(app.store) == 2_000
        assert [entry.data["id"] for entry in app.store.view] == [
            entry.data["id"] for entry in proxy_entries(1_000)]


async def test_a_key_between_the_chunks_of_a_frame_goes_before_the_rest_of_it(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("logtui.tui.app.FRAME_BUDGET", 0.0)
    app, factory = make_app(buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert factory.source is not None
        factory.source.push(proxy_entries(1_000))
        tick = frame_timer(app)
        tick()
        app.post_message(events.Key("space", " "))
        await pilot.pause()
        assert app.sink.queued == 2_000 - FRAME_CHUNK  # the rest waits for the next tick
        assert "paused" in screen_text(app)
        while app.sink.queued:
            tick()
            await pilot.pause()
        assert len(app.store) == 2_000
