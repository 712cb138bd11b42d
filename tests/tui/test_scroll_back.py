"""Scroll-back and ``goto TIME``: older pages of the server's history, loaded on demand.

A fake reader (``history_fakes``) serves the server's older entries a page at a time, as the
history reader contract says; the dashboard runs on a scripted source with a fixed clock.
"""

from __future__ import annotations

import asyncio
import threading

from textual import events
from textual.pilot import Pilot

from logtui.core.models import Entry
from logtui.tui.app import LogtuiApp
from logtui.tui.history_loader import OVERLAP, LoadState

from .conftest import AppMaker
from .helpers import frame, screen_text
from .history_fakes import BASE_MS, HANG, FakeReader, log


def _rows(count: int, *, first_id: int = 1, first_ms: int = BASE_MS, step_ms: int = 100,
          ) -> list[Entry]:
    return [log(first_id + n, first_ms + n * step_ms) for n in range(count)]


def _ids(app: LogtuiApp) -> list[int]:
    return [entry.data["id"] for entry in app.store.view]


async def _landed(pilot: Pilot[object]) -> None:
    """Wait until no page is in flight and every landed page was applied."""
    app = pilot.app
    assert isinstance(app, LogtuiApp)
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.scroll_back.busy:
            return


def _toasts(app: LogtuiApp) -> list[str]:
    return [toast.message for toast in app._notifications]


async def _to_top(pilot: Pilot[object]) -> None:
    await pilot.press("g")  # the oldest row: the next move up loads
    await pilot.pause()


async def test_up_at_the_top_loads_the_page_before_the_oldest_row(make_app: AppMaker) -> None:
    server = _rows(100)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[80:], history=reader)
    app.scroll_back.page_size = 30
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        assert reader.calls == []
        await pilot.press("up")
        await _landed(pilot)
        oldest = server[80].data["tsMs"] / 1000
        assert reader.calls == [(oldest + OVERLAP, 30 + 1)]  # its own row asked again
        assert _ids(app) == list(range(51, 101))
        assert [e.origin for e in app.store.view][:30] == ["history"] * 30
        assert "history +30" in screen_text(app)
        await pilot.press("k")  # still on row 81: k moves into the page
        assert app.stream.selected_entry is not None
        assert app.stream.selected_entry.data["id"] == 80


async def test_the_selected_row_stays_on_its_entry_and_place_when_a_page_lands(
    make_app: AppMaker,
) -> None:
    server = _rows(100)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[60:], history=reader)
    app.scroll_back.page_size = 25
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        stream = app.stream
        line = stream.cursor - int(stream.scroll_offset.y)  # type: ignore[operator]
        await pilot.press("pageup")
        await _landed(pilot)
        selected = stream.selected_entry
        assert selected is not None and selected.data["id"] == 61
        assert stream.cursor == 25
        assert stream.cursor - int(stream.scroll_offset.y) == line
        assert not stream.following


async def test_the_wheel_past_the_top_loads_older_rows_above_those_on_screen(
    make_app: AppMaker,
) -> None:
    server = _rows(100)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[60:], history=reader)
    app.scroll_back.page_size = 20
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        stream = app.stream
        while not (app.scroll_back.busy or app.scroll_back.pages):  # to the top, once more
            await pilot._post_mouse_events([events.MouseScrollUp], "#stream", offset=(5, 5))
            await pilot.pause()
        await _landed(pilot)
        assert len(reader.calls) == 1 and stream.cursor is None
        assert stream.first_visible == 20  # the row that was on top still is
        assert app.store.view[20].data["id"] == 61


async def test_pages_split_inside_one_timestamp_keep_every_entry_once_in_order(
    make_app: AppMaker,
) -> None:
    # Twelve entries share each millisecond: every page boundary falls inside a group.
    server = [log(n + 1, BASE_MS + (n // 12) * 10) for n in range(96)]
    reader = FakeReader(server)  # the server holds what is buffered too
    app, _ = make_app(entries=server[90:], history=reader)  # half of the newest group
    app.scroll_back.page_size = 7
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        for _ in range(30):
            await pilot.press("home")
            await _landed(pilot)
            if app.scroll_back.state is LoadState.EXHAUSTED:
                break
        assert app.scroll_back.state is LoadState.EXHAUSTED
        assert _ids(app) == list(range(1, 97))
        assert app.scroll_back.loaded == 90


async def test_the_start_of_the_servers_history_is_said_once(make_app: AppMaker) -> None:
    server = _rows(30)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[10:], history=reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        for _ in range(4):
            await pilot.press("up")
            await _landed(pilot)
        assert len(reader.calls) == 1  # exhausted: never asked again
        assert _ids(app) == list(range(1, 31))
        said = [m for m in _toasts(app) if "Start of the server's history" in m]
        assert len(said) == 1
        assert "history +10 · start of the server's history" in screen_text(app)


async def test_an_api_without_history_says_so_once(make_app: AppMaker) -> None:
    app, _ = make_app(entries=_rows(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        for _ in range(3):
            await pilot.press("up")
            await pilot.pause()
        said = [m for m in _toasts(app) if "keeps no history" in m]
        assert len(said) == 1
        assert "no server history" in screen_text(app)
        assert len(app.store) == 20


async def test_a_failed_page_is_shown_sanitised_and_up_retries(make_app: AppMaker) -> None:
    server = _rows(40)
    reader = FakeReader(server, fail_with=[OSError("refused \x1b]0;pwned\x07 [red]x")])
    app, _ = make_app(entries=server[20:], history=reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        await pilot.press("up")
        await _landed(pilot)
        assert app.scroll_back.state is LoadState.FAILED
        message = next(m for m in _toasts(app) if "could not be loaded" in m)
        assert "\x1b" not in message and "\x07" not in message
        assert "older pages failed" in screen_text(app)
        assert len(app.store) == 20
        await pilot.press("up")
        await _landed(pilot)
        assert _ids(app) == list(range(1, 41))


async def test_esc_stops_a_load_after_the_page_in_flight(make_app: AppMaker) -> None:
    server = _rows(200)
    gate = threading.Event()
    reader = FakeReader(server, gate=gate, free_calls=1)
    app, _ = make_app(entries=server[180:], history=reader)
    app.scroll_back.page_size = 20
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.goto(server[0].data["tsMs"] / 1000)  # far back: many pages
        await pilot.pause()
        assert await asyncio.to_thread(reader.waiting.wait, 30)
        await pilot.pause()
        assert "loading older: 20 entries, 1 page — esc stops" in screen_text(app)
        await pilot.press("escape")
        assert "stopping after this page" in screen_text(app)
        gate.set()
        await _landed(pilot)
        assert len(reader.calls) == 2
        assert app.scroll_back.state is LoadState.IDLE
        assert app.scroll_back.loaded == 40
        assert any("Stopped loading older entries: 40 loaded in 2 pages" in m
                   for m in _toasts(app))
        assert app.stream.cursor is None  # stopped: the goto does not move the cursor


async def test_goto_within_the_buffer_selects_the_first_row_at_that_time(
    make_app: AppMaker,
) -> None:
    rows = [log(n + 1, BASE_MS + (n // 2) * 1000) for n in range(40)]  # two per second
    app, _ = make_app(entries=rows, history=FakeReader([]))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.goto(BASE_MS / 1000 + 7)
        await pilot.pause()
        selected = app.stream.selected_entry
        assert selected is not None and selected.data["id"] == 15  # the first of second 7
        app.goto(BASE_MS / 1000 + 7.5)
        await pilot.pause()
        selected = app.stream.selected_entry
        assert selected is not None and selected.data["id"] == 17
        assert app.scroll_back.pages == 0


async def test_goto_older_than_the_buffer_loads_pages_until_reached(make_app: AppMaker) -> None:
    server = _rows(300)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[250:], history=reader)
    app.scroll_back.page_size = 40
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        target = server[123].data["tsMs"] / 1000
        app.goto(target)
        await _landed(pilot)
        assert len(reader.calls) == 4  # 250 → 210 → 170 → 130 → 90: reached
        assert _ids(app) == list(range(91, 301))
        selected = app.stream.selected_entry
        assert selected is not None and selected.data["id"] == 124


async def test_goto_older_than_the_servers_history_selects_the_oldest_row(
    make_app: AppMaker,
) -> None:
    server = _rows(90)
    reader = FakeReader(server)
    app, _ = make_app(entries=server[60:], history=reader)
    app.scroll_back.page_size = 40
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.goto(BASE_MS / 1000 - 3600)
        await _landed(pilot)
        assert app.scroll_back.state is LoadState.EXHAUSTED
        assert app.stream.cursor == 0 and _ids(app)[0] == 1
        app.goto(BASE_MS / 1000 - 7200)  # again: said once, nothing asked, the oldest row
        await pilot.pause()
        assert len(reader.calls) == 2 and app.stream.cursor == 0


async def test_the_goto_key_reads_a_time_and_says_what_it_cannot_read(
    make_app: AppMaker,
) -> None:
    rows = [log(n + 1, BASE_MS + n * 1000) for n in range(40)]  # 14:07:14 on, one a second
    app, _ = make_app(entries=rows, history=FakeReader([]))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("T")
        await pilot.press(*"soon", "enter")
        assert "goto soon: not a duration" in screen_text(app)
        await pilot.press(*("backspace",) * 4, *"14:07:30", "enter")
        await pilot.pause()
        selected = app.stream.selected_entry
        assert selected is not None and selected.data["id"] == 17


async def test_scroll_back_never_evicts_what_it_loaded_nor_what_the_user_reads(
    make_app: AppMaker,
) -> None:
    server = _rows(400)
    reader = FakeReader(server)
    app, factory = make_app(entries=server[300:350], history=reader, buffer=50)
    app.scroll_back.page_size = 20
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        await pilot.press("up")
        await _landed(pilot)
        assert len(app.store) == 70 and app.store.evicted == 0
        assert factory.source is not None
        factory.source.push(server[350:360])  # live, while the view is paused up there
        await frame(pilot)
        assert app.store.evicted == 0 and _ids(app)[0] == 281
        for _ in range(6):
            await pilot.press("home")
            await _landed(pilot)
        assert len(app.store) == 100  # the ceiling: twice the buffer
        assert app.scroll_back.state is LoadState.FULL
        assert any("The buffer is full" in m for m in _toasts(app))
        assert "buffer full" in screen_text(app)
        await pilot.press("f")  # following again gives the room back, the oldest first
        for _ in range(5):
            app.drain()  # frames with nothing new: the room stays, nothing to evict
        assert app.store.capacity == 100
        factory.source.push(server[360:400])
        await frame(pilot)
        assert app.store.capacity == 60 and app.store.evicted == 80  # twice what came
        assert _ids(app)[-1] == 400


async def test_closing_the_dashboard_abandons_a_page_in_flight(make_app: AppMaker) -> None:
    server = _rows(60)
    reader = FakeReader(server, hang_after=0)
    app, _ = make_app(entries=server[30:], history=reader)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        await pilot.press("up")
        assert await asyncio.to_thread(reader.waiting.wait, 30)
        await pilot.press("q")
    assert await asyncio.to_thread(reader.hung_up.wait, HANG / 2)
    assert reader.cancelled  # not waited for: the server may never answer


async def test_a_new_server_filter_reads_older_pages_with_that_filter(make_app: AppMaker) -> None:
    server = _rows(40)
    asked: list[dict[str, str]] = []

    def history_for(params: dict[str, str]) -> FakeReader:
        asked.append(dict(params))
        return FakeReader(server)

    app, _ = make_app(entries=server[30:], history=FakeReader(server), history_for=history_for)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.apply_filter("level=error")
        await pilot.pause()
        assert asked == [{"level": "error"}]
        assert isinstance(app.scroll_back.reader, FakeReader)
        assert app.scroll_back.reader is not None
        app.apply_filter("level=error status>=500")  # the server's part did not change
        await pilot.pause()
        assert len(asked) == 1
