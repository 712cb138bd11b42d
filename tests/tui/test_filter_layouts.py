"""Applying a filter and moving the focus lay out only what changed size: the quick toggles
that show what they showed are left alone, and the key bar is rebuilt only for other keys."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from logtui.tui.widgets.quick_toggles import ToggleChip

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame, screen_text, settle


def _footer_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the key bars rebuilt from now on."""
    rebuilt: list[str] = []
    recompose = Widget.recompose

    async def counted(widget: Widget) -> None:
        if "Footer" in type(widget).__name__:
            rebuilt.append(type(widget).__name__)
        await recompose(widget)

    monkeypatch.setattr(Widget, "recompose", counted)
    return rebuilt


async def test_the_key_bar_is_not_rebuilt_when_the_focus_moves_between_panes_with_the_same_keys(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rebuilt = _footer_rebuilds(monkeypatch)
        before = screen_text(app).splitlines()[-1]
        for pane in (app.stats_pane, app.stream, app.stats_pane, app.stream):
            app.screen.set_focus(pane)
            await frame(pilot)
            await frame(pilot)
        assert app.focused is app.stream
        assert rebuilt == []
        assert screen_text(app).splitlines()[-1] == before


async def test_the_key_bar_still_follows_the_keys_the_focused_widget_shows(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Filter" in screen_text(app).splitlines()[-1]
        await pilot.press("slash")
        await frame(pilot)
        await frame(pilot)
        assert "Filter" not in screen_text(app).splitlines()[-1]
        await pilot.press(*"url:healthz", "enter")
        await frame(pilot)
        await frame(pilot)
        assert "Filter" in screen_text(app).splitlines()[-1]


async def test_a_filter_that_leaves_the_quick_toggles_as_they_were_lays_out_no_chip(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _ = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        laid_out: list[str | None] = []
        refresh = Widget.refresh

        def counted(widget: Widget, *regions: object, **options: bool) -> Widget:
            if isinstance(widget, ToggleChip) and options.get("layout"):
                laid_out.append(widget.id)
            return refresh(widget, *regions, **options)  # type: ignore[arg-type]

        monkeypatch.setattr(Widget, "refresh", counted)
        await pilot.press("slash", *"url:healthz", "enter")
        await frame(pilot)
        assert len(app.store.view) == 14
        assert laid_out == []
        # A toggle given a value of another width still moves the chips beside it.
        await pilot.press("slash", "ctrl+u", *"level=error", "enter")
        await frame(pilot)
        assert "level:error" in screen_text(app)
        assert set(laid_out) == {"toggle-level"}
