"""The stream pane: follow mode, pause with "N new", cursor keys, bounded buffer."""

from __future__ import annotations

from textual import events

from logtui.core.columns import entry_time, format_clock
from logtui.core.models import Entry

from .conftest import AppMaker
from .entries import proxy_entries, proxy_pair
from .helpers import frame, screen_text


def _clock(entry: Entry) -> str:
    return format_clock(entry_time(entry))


async def test_follow_mode_keeps_the_newest_entry_in_view(make_app: AppMaker) -> None:
    entries = proxy_entries(60)
    app, factory = make_app(entries=entries)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.stream.following
        assert _clock(entries[-1]) in screen_text(app)
        assert factory.source is not None
        newer = proxy_pair(60)
        factory.source.push(newer)
        await frame(pilot)
        text = screen_text(app)
        assert _clock(newer[0]) in text and _clock(newer[1]) in text
        assert _clock(entries[0]) not in text


async def test_space_pauses_the_view_and_counts_new_entries(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("space")
        before = app.stream.scroll_offset.y
        assert factory.source is not None
        for n in range(60, 65):
            factory.source.push(proxy_pair(n))
        await frame(pilot)
        assert not app.stream.following
        assert app.stream.new_count == 10
        assert app.stream.scroll_offset.y == before
        assert "paused · 10 new" in screen_text(app)
        assert len(app.store) == 130  # ingest went on


async def test_f_and_end_resume_following_and_clear_the_count(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        for n, key in enumerate(("f", "end"), start=70):
            await pilot.press("space")
            assert factory.source is not None
            factory.source.push(proxy_pair(n))  # a new pair each time: a repeat is refused
            await frame(pilot)
            assert app.stream.new_count == 2
            await pilot.press(key)
            await frame(pilot)
            assert app.stream.following and app.stream.new_count == 0
            assert app.stream.scroll_offset.y == app.stream.max_scroll_y
            assert "following" in screen_text(app)


async def test_cursor_keys_pause_and_move_the_selection(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k")
        assert not app.stream.following
        newest_visible = app.stream.cursor
        assert newest_visible == 119
        await pilot.press("k", "k", "j")
        assert app.stream.cursor == 118
        await pilot.press("g")
        assert app.stream.cursor == 0 and app.stream.scroll_offset.y == 0
        await pilot.press("G")  # the newest entry, followed (as end and f)
        assert app.stream.following and app.stream.scroll_offset.y == app.stream.max_scroll_y
        await pilot.press("pageup")
        assert app.stream.cursor is not None and app.stream.cursor < 119 - 20


async def test_mouse_scroll_up_pauses_the_view(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot._post_mouse_events([events.MouseScrollUp], "#stream", offset=(5, 5))
        await pilot.pause()
        assert not app.stream.following


async def test_buffer_is_bounded_and_evictions_are_shown(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(40), buffer=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert len(app.store) == 50
        assert app.store.evicted == 30
        text = screen_text(app)
        assert "buffer 50/50" in text and "evicted 30" in text


async def test_a_paused_view_keeps_its_rows_when_old_entries_are_evicted(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(50), buffer=100)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k")
        selected = app.stream.selected_entry
        assert selected is not None
        assert factory.source is not None
        factory.source.push(proxy_pair(50))  # two entries evicted from the front
        await frame(pilot)
        assert app.stream.selected_entry is selected
        assert app.stream.new_count == 2


async def test_the_newest_rows_are_drawn_after_the_buffer_evicted(make_app: AppMaker) -> None:
    entries = proxy_entries(40)
    app, _ = make_app(entries=entries, buffer=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        text = screen_text(app)
        assert _clock(entries[-1]) in text
        assert _clock(entries[-30]) in text
