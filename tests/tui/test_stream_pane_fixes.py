"""The stream pane's remaining rough edges: clicks, the detail pane, the filter's caret, G."""

from __future__ import annotations

from .conftest import AppMaker
from .entries import proxy_entries, proxy_pair
from .helpers import burst, frame, screen_text


async def test_a_click_selects_the_row_clicked_not_the_one_below(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("g")  # the oldest rows at the top, scrolled to 0
        await frame(pilot)
        assert app.stream.scroll_offset.y == 0
        # Row 0 of the widget is its border, row 1 the column header, row 2 the first entry.
        await pilot.click("#stream", offset=(20, 2 + 4))
        await frame(pilot)
        assert app.stream.cursor == 4


async def test_opening_the_detail_pane_when_narrow_keeps_the_cursor_row_visible(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        await pilot.press("k")  # the cursor on the newest row in view, at the bottom
        await frame(pilot)
        cursor = app.stream.cursor
        assert cursor is not None
        await pilot.press("enter")
        await frame(pilot)
        stream = app.stream
        assert app.detail.display
        top = stream.scroll_offset.y
        rows = stream.scrollable_content_region.height - 1  # the header takes a line
        assert top <= cursor < top + rows, (top, cursor, rows)


async def test_a_replaced_expression_puts_the_caret_at_its_end(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"x", "home", "escape")
        assert app.filter_input.cursor_position == 0
        await pilot.press("k", "t")  # the selected entry's trace replaces the expression
        await frame(pilot)
        value = app.filter_input.value
        assert value.startswith("traceId=")
        assert app.filter_input.cursor_position == len(value)


async def test_slash_ctrl_u_and_text_typed_in_one_burst_all_land(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        app.apply_filter("level=error")
        await frame(pilot)
        await pilot.press("slash", "ctrl+u", *"level=warn")  # one key at a time
        assert app.filter_input.value == "level=warn"
        await pilot.press("escape")
        text = [(("equals_sign" if c == "=" else c), c) for c in "level=info"]
        await burst(pilot, ("slash", "/"), ("ctrl+u", "\x15"), *text)
        assert app.filter_input.value == "level=info"
        await burst(pilot, ("end", ""), ("ctrl+w", "\x17"), *text[6:], ("enter", "\r"))
        assert app.outcome is not None and app.outcome.expression == "level=info"


async def test_G_follows_the_newest_entry_and_the_border_says_so(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(60))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("space")
        assert factory.source is not None
        factory.source.push(proxy_pair(70))
        await frame(pilot)
        assert "paused · 2 new" in screen_text(app)
        await pilot.press("G")
        await frame(pilot)
        assert app.stream.following and app.stream.new_count == 0
        text = screen_text(app)
        assert "following" in text and "paused" not in text


async def test_the_detail_pane_lets_go_of_an_entry_the_new_filter_hides(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "enter")
        await frame(pilot)
        shown = app.detail.entry
        assert shown is not None
        app.apply_filter(f"id!={shown.data['id']}")
        await frame(pilot)
        assert app.detail.entry is None or app.detail.entry in app.store.view
        assert app.detail.entry is not shown
