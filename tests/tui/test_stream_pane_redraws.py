"""What a new entry draws again in a full, following dashboard: only what moved, in one
screen update."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widget import Widget

from logtui.core.columns import entry_time, format_clock
from logtui.core.models import Entry

from .conftest import AppMaker
from .entries import proxy_entries, proxy_pair
from .helpers import frame, screen_ansi, screen_text


def _count_renders(widget: Widget) -> list[int]:
    """Count the widget's ``render`` calls from now on (one list item, incremented)."""
    calls = [0]
    render = widget.render

    def counted() -> Any:
        calls[0] += 1
        return render()

    widget.render = counted  # type: ignore[method-assign]
    return calls


async def test_the_scroll_bar_is_not_drawn_again_while_its_thumb_stays(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(2500), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        bar = app.stream.vertical_scrollbar
        calls = _count_renders(bar)
        before = screen_text(app)
        assert factory.source is not None
        factory.source.push(proxy_pair(2500))  # 2 rows more in 5,000: the thumb stays
        await frame(pilot)
        assert app.stream.scroll_offset.y == app.stream.max_scroll_y
        assert calls[0] == 0
        assert screen_text(app) != before  # the rows did scroll


async def test_the_scroll_bar_is_drawn_again_when_its_thumb_moves(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(30), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        bar = app.stream.vertical_scrollbar
        calls = _count_renders(bar)
        assert factory.source is not None
        factory.source.push(proxy_pair(30))  # 2 rows more in 62: the thumb moves
        await frame(pilot)
        assert calls[0] >= 1


async def test_rows_that_only_moved_up_are_not_finished_again(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(100), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        cache = app.stream._styles_cache
        finished: list[int] = []
        finish = cache.render_line

        def counted(styles: Any, y: int, *args: Any) -> Any:
            finished.append(y)
            return finish(styles, y, *args)

        cache.render_line = counted  # type: ignore[method-assign]
        assert factory.source is not None
        newer = proxy_pair(100)
        factory.source.push(newer)
        await frame(pilot)
        text = screen_text(app)
        assert _clock(newer[0]) in text and _clock(newer[1]) in text
        page = app.stream.scrollable_content_region.height
        # The two new rows, the header and the border: not the ~35 rows that moved up.
        assert 0 < len(finished) <= 6 < page


async def test_moved_rows_show_what_a_fresh_drawing_shows(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(100), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        for n in range(100, 103):
            factory.source.push(proxy_pair(n))
            await frame(pilot)
        moved = screen_text(app)
        app.stream.clear_cache()
        app.stream.refresh()
        await pilot.pause()
        assert screen_text(app) == moved


async def test_the_stats_are_redrawn_with_the_frame_that_brings_entries(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(10), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert "received 20 " in str(app.stats_pane.border_subtitle)
        app.refresh_stats()  # nothing due, whatever the app's own ticks did meanwhile
        app._stats_timer()  # the once-a-second tick, before the entries come
        assert factory.source is not None
        factory.source.push(proxy_pair(10))
        while app.drain():
            await pilot.pause()
        assert "received 22 " in str(app.stats_pane.border_subtitle)


async def test_a_stats_tick_with_no_entries_since_the_last_redraws_itself(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(10), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.stats.add(proxy_pair(10)[:1])  # counted, as if its frame had not come yet
        app._stats_timer()
        app._stats_timer()
        assert "received 21 " in str(app.stats_pane.border_subtitle)


def _clock(entry: Entry) -> str:
    return format_clock(entry_time(entry))


async def _new_page_after_f(pilot: Any, app: Any, factory: Any) -> None:
    """Pause, let a page of entries arrive unseen, then ``f``: every row on screen is new."""
    await pilot.press("space")
    factory.source.push([entry for n in range(100, 120) for entry in proxy_pair(n)])
    await frame(pilot)
    await pilot.press("f")
    await pilot.pause()


async def test_new_rows_after_f_are_finished_without_textual_per_line_work(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(100), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        cache = app.stream._styles_cache
        finished: list[int] = []
        finish = cache.render_line

        def counted(styles: Any, y: int, *args: Any) -> Any:
            finished.append(y)
            return finish(styles, y, *args)

        cache.render_line = counted  # type: ignore[method-assign]
        await _new_page_after_f(pilot, app, factory)
        text = screen_text(app)
        assert "following" in text
        assert _clock(proxy_pair(119)[1]) in text
        # The border and the header (space, the frame, f): none of the ~35 new rows.
        border = app.stream.styles.gutter.top
        assert finished
        assert set(finished) <= {0, border, app.stream.outer_size.height - 1}


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_rows_the_pane_finishes_look_as_textual_finishes_them(
    make_app: AppMaker, theme: str,
) -> None:
    app, factory = make_app(entries=proxy_entries(100), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await frame(pilot)
        await _new_page_after_f(pilot, app, factory)
        assert app.stream._edges  # the rows were finished by the pane
        ours = screen_ansi(app)
        app.stream.clear_cache()
        app.stream._edges = False  # every row finished by Textual
        app.stream.refresh()
        await pilot.pause()
        assert screen_ansi(app) == ours
