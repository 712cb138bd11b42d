"""Applying a filter and moving the focus lay out only what changed size: the quick toggles
that show what they showed are left alone, and the key bar is rebuilt only for other keys (the
filter's input leaves it as it was).
An active search's matches are counted once per new view, not at every step of a filter."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

import pytest
from textual.widget import Widget

from logtui.core.models import Entry
from logtui.tui import filter_job
from logtui.tui.widgets import stream_view
from logtui.tui.widgets.lines_view import Line, LinesView
from logtui.tui.widgets.quick_toggles import ToggleChip

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import filter_in_steps, frame, screen_text, settle


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


async def test_the_key_bar_keeps_the_streams_keys_while_a_filter_is_typed_and_follows_others(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rebuilt = _footer_rebuilds(monkeypatch)
        keys = screen_text(app).splitlines()[-1]
        assert "Filter" in keys
        await pilot.press("slash")
        await frame(pilot)
        await frame(pilot)
        assert app.focused is app.filter_input
        assert screen_text(app).splitlines()[-1] == keys
        await pilot.press(*"url:healthz", "enter")
        await frame(pilot)
        await frame(pilot)
        assert app.focused is app.stream
        assert screen_text(app).splitlines()[-1] == keys
        assert rebuilt == []  # neither going in nor coming out
        await pilot.press("ctrl+f")  # the search's input shows keys of its own
        await frame(pilot)
        await frame(pilot)
        assert rebuilt
        assert screen_text(app).splitlines()[-1] != keys


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


def _search_counts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each view the search's matches are counted over from now on."""
    counts: list[int] = []
    matching = stream_view.matching_indexes

    def counted(view: Sequence[Entry], pattern: re.Pattern[str]) -> list[int]:
        counts.append(len(view))
        return matching(view, pattern)

    monkeypatch.setattr(stream_view, "matching_indexes", counted)
    return counts


async def test_a_new_filter_counts_the_search_matches_once_over_the_new_view(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _ = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.stream.set_search("healthz") is None
        counts = _search_counts(monkeypatch)
        assert app.apply_filter("method=GET")
        await frame(pilot)
        assert counts == [len(app.store.view)]
        healthy = sum("healthz" in entry.data["url"] for entry in app.store.view)
        assert 0 < app.stream.search_matches == healthy


async def test_a_filter_in_steps_counts_the_search_matches_once_it_is_done(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    filter_in_steps(monkeypatch, max_rows=2_000)
    monkeypatch.setattr(filter_job, "REDRAW_SECONDS", 0.0)
    app, _ = make_app(entries=proxy_entries(20_000), buffer=40_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.stream.set_search("healthz") is None
        counts = _search_counts(monkeypatch)
        assert app.apply_filter("method=GET")
        deadline = time.monotonic() + 60
        while app.filtering.progress is not None:
            assert time.monotonic() < deadline, "the filter never finished"
            await pilot.pause(0.01)
        await frame(pilot)
        view = app.store.view
        assert len(view) > 10_000
        assert counts[:1] == [len(view)]  # the view drawn step by step was not counted
        assert app.stream.search_matches == sum("healthz" in e.data["url"] for e in view)


async def test_matches_evicted_from_the_buffer_leave_the_search_count_within_a_second(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(10), buffer=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.stream.set_search("healthz") is None
        assert factory.source is not None
        factory.source.push(proxy_entries(40)[20:])
        await frame(pilot)
        app.refresh_stats()  # the once-a-second tick
        view = app.store.view
        assert app.stream.search_matches == sum("healthz" in e.data["url"] for e in view)
        assert len(app.store) == 20 and app.store.received == 80  # 60 were evicted


async def test_a_new_filter_redraws_the_stats_counts_once_with_its_matches_counted(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not first with the counts emptied for the new filter (a line each, then their values:
    two layouts of the screen on the way to the filtered rows)."""
    app, _ = make_app(entries=proxy_entries(3_000), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        counts = app.stats_pane.counts
        shown: list[str] = []
        show = LinesView.show_lines

        def recorded(widget: LinesView, lines: Sequence[Line]) -> bool:
            changed = show(widget, lines)
            if widget is counts and changed:
                shown.append(widget.text)
            return changed

        monkeypatch.setattr(LinesView, "show_lines", recorded)
        assert app.apply_filter("url~^/v1/invoices")
        matches = len(app.store.view)
        deadline = time.monotonic() + 30
        while f"{matches:,} matching the filt" not in screen_text(app):
            assert time.monotonic() < deadline, "the matches were never counted"
            await pilot.pause(0.01)
        assert len(shown) == 1
        assert "—" not in shown[0]
