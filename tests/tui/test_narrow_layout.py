"""At 80x24 the essentials fit: quit and help in the footer, a filter input wide enough to
type in (quick toggles appear only while set)."""

from __future__ import annotations

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame, screen_text


async def test_the_footer_shows_quit_and_help_at_80_columns(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "q Quit" in footer and "? Help" in footer and "/ Filter" in footer


async def test_the_filter_input_keeps_most_of_80_columns(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        assert app.filter_input.size.width >= 60
        assert "kind:any" not in screen_text(app).splitlines()[0]
        await pilot.press("slash", *"level=error", "enter")
        await frame(pilot)
        first = screen_text(app).splitlines()[0]
        assert "level:error" in first  # a set toggle stays in view
        assert app.filter_input.size.width >= 50
