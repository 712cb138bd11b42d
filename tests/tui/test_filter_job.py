"""A filter over a large buffer is applied chunk by chunk: keys are answered throughout."""

from __future__ import annotations

import re
import time

import pytest

from logtui.core.filters.session import SEEN_SAMPLE
from logtui.core.models import Entry
from logtui.core.stats import StatsTracker
from logtui.tui import filter_job
from logtui.tui.app import LogtuiApp

from .conftest import NOW, AppMaker
from .entries import entry, proxy_entries, proxy_pair
from .helpers import filter_in_steps, filtered_and_counted, frame, screen_text


async def test_keys_are_handled_while_a_filter_over_a_large_buffer_runs(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks, so the filter surely spans many of them whatever the machine's speed.
    monkeypatch.setattr(filter_job, "AT_ONCE", 10_000)
    monkeypatch.setattr(filter_job, "FIRST_ROWS", 2_000)
    monkeypatch.setattr(filter_job, "MAX_ROWS", 2_000)
    app, _ = make_app(entries=proxy_entries(30_000), buffer=100_000)
    assert len(app.store) == 0
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert len(app.store) == 60_000 > filter_job.AT_ONCE
        assert app.apply_filter("url~^/v1/(users|invoices)")
        progress = app.filtering.progress
        assert progress is not None and progress < 0.1
        # The newest rows are filtered first: the screen has matches already.
        assert len(app.store.view) > 0
        assert "filtering" in screen_text(app)
        seen: list[float | None] = []
        toggle = app.stream.toggle_pause

        def toggle_and_note() -> None:
            seen.append(app.filtering.progress)
            toggle()

        monkeypatch.setattr(app.stream, "toggle_pause", toggle_and_note)
        await pilot.press("space")
        assert not app.stream.following
        # The key was handled between two chunks of the filter, not after the last one.
        assert seen and seen[0] is not None and seen[0] < 0.5
        deadline = time.monotonic() + 60
        while app.filtering.progress is not None:
            assert time.monotonic() < deadline, "the filter never finished"
            await pilot.pause(0.01)
        pattern = re.compile("^/v1/(users|invoices)", re.IGNORECASE)
        expected = [entry.raw for entry in app.store.entries()
                    if pattern.search(str(entry.data.get("url", "")))]
        assert 0 < len(expected) < len(app.store)
        assert [entry.raw for entry in app.store.view] == expected
        await pilot.pause()
        assert "filtering" not in screen_text(app)


async def test_a_new_filter_is_applied_at_once_and_its_matches_counted_after_the_refresh(
    make_app: AppMaker,
) -> None:
    """Counting the matches reads each one's fields and took longer than the filter itself
    over a full buffer: Enter filters the buffer and hands the screen its rows, and the stats
    count every match once after that refresh, with the pane redrawn when they are done."""
    app, _ = make_app(entries=proxy_entries(3_000), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.stats.snapshot().entries == len(app.store) == 6_000
        assert app.apply_filter("url~^/v1/invoices")
        matches = len(app.store.view)
        assert 0 < matches < len(app.store)
        assert app.stats.snapshot().entries == 0  # not counted before the screen's refresh
        deadline = time.monotonic() + 30
        while app.stats.snapshot().entries < matches:
            assert time.monotonic() < deadline, "the matches were never counted"
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.stats.snapshot().entries == matches
        assert f"{matches:,} matching the filt" in screen_text(app)  # the pane, redrawn


async def test_matches_evicted_before_they_are_counted_leave_the_stats(
    make_app: AppMaker,
) -> None:
    """A step notes the seqs it matched and the stats count them after the refresh: rows
    evicted in between are not buffered any more, so they are not counted (nor built)."""
    app, _ = make_app(entries=proxy_entries(5_000), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        store = app.store
        assert len(store) == 10_000
        assert app.apply_filter("url~^/v1/invoices")
        assert app.stats.snapshot().entries == 0  # not counted before the screen's refresh
        old_received = store.received
        store.extend([row for n in range(5_000, 7_500) for row in proxy_pair(n)])
        assert store.evicted == 5_000
        survivors = sum(1 for row in store.view if row.seq < old_received)
        assert 0 < survivors < len(store.view)
        deadline = time.monotonic() + 30
        while app.stats.snapshot().entries < survivors:
            assert time.monotonic() < deadline, "the surviving matches were never counted"
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.stats.snapshot().entries == survivors


async def test_entering_a_filter_builds_only_the_newest_entries_it_reads_for_field_names(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking the expression reads the newest entries' field names; it used to build every
    buffered entry from its bytes first, which over a full buffer took seconds."""
    app, _ = make_app(entries=proxy_entries(10_000), buffer=20_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert len(app.store) == 20_000
        store = app.store
        build = store._build
        built: list[int] = []

        def counted(index: int, seq: int) -> Entry:
            built.append(seq)
            return build(index, seq)

        monkeypatch.setattr(store, "_build", counted)
        assert app.apply_filter("url~^/nowhere")
        assert len(store.view) == 0
        assert 0 < len(built) <= SEEN_SAMPLE


async def test_a_filter_over_a_large_buffer_builds_only_drawn_rows_and_counts_every_match(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The matches are counted from the store's columns: building each one (for the stats)
    cost more than the filter over a full buffer. The counts are those of the built entries."""
    filter_in_steps(monkeypatch)
    app, _ = make_app(entries=proxy_entries(20_000), buffer=40_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        store = app.store
        assert len(store) == 40_000
        build = store._build
        built: list[int] = []

        def counted(index: int, seq: int) -> Entry:
            built.append(seq)
            return build(index, seq)

        monkeypatch.setattr(store, "_build", counted)
        assert app.apply_filter("url~^/v1/(users|invoices)")
        await filtered_and_counted(app, pilot)
        await pilot.pause()
        matches = len(store.view)
        assert matches == 20_000
        assert len(set(built)) <= SEEN_SAMPLE + 200  # the field names, the screen's rows
        monkeypatch.setattr(store, "_build", build)
        _assert_counted_as_built(app)


async def test_matches_the_columns_cannot_count_are_built_and_counted_alike(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry without a readable time has no time in the columns: such steps are counted
    from the built entries, with the same result."""
    filter_in_steps(monkeypatch)
    entries = proxy_entries(10_000)
    for position in range(0, len(entries), 7):
        data = dict(entries[position].data)
        del data["tsMs"]
        entries[position] = entry(data)
    app, _ = make_app(entries=entries, buffer=40_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert len(app.store) == 20_000
        assert app.apply_filter("url~^/v1/(users|invoices)")
        await filtered_and_counted(app, pilot)
        await pilot.pause()
        assert len(app.store.view) == 10_000
        _assert_counted_as_built(app)


def _assert_counted_as_built(app: LogtuiApp) -> None:
    """The stats hold what counting the view's built entries in one go gives."""
    counted = app.stats.snapshot()
    recount = StatsTracker(app.kind, clock=lambda: NOW)
    recount.reset(list(app.store.view))
    expected = recount.snapshot()
    assert counted.entries == expected.entries == len(app.store.view)
    # Steps count the newest rows first: values counted alike may be listed in another order.
    assert [(group.name, sorted(group.counts), group.distinct)
            for group in counted.groups] == [
        (group.name, sorted(group.counts), group.distinct) for group in expected.groups]
    assert counted.per_second == expected.per_second
    assert counted.by_second == expected.by_second


async def test_a_typed_filter_draws_its_matches_before_the_focus_moves_to_them(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the focus from the filter field restyles both widgets and repaints the whole
    screen: the matches are drawn first, in the handler that applied the filter, so they
    do not wait for that."""
    app, _ = make_app(entries=proxy_entries(3_000), buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        screen = app.screen
        drawn: list[tuple[str, int]] = []
        refresh = screen._compositor_refresh

        def noted() -> None:
            drawn.append((type(app.focused).__name__, len(app.store.view)))
            refresh()

        monkeypatch.setattr(screen, "_compositor_refresh", noted)
        await pilot.press("slash", *"url~invoices")
        await frame(pilot)
        drawn.clear()
        await pilot.press("enter")
        await frame(pilot)
        matches = len(app.store.view)
        assert 0 < matches < len(app.store)
        assert type(app.focused).__name__ == "StreamView"
        # The first frame with the matches was drawn while the field had the focus.
        first = next(focused for focused, shown in drawn if shown == matches)
        assert first == "FilterInput", drawn
        assert "/v1/invoices" in screen_text(app)


async def test_a_filter_over_a_large_buffer_counts_its_matches_once_done_a_chunk_at_a_time(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting is not on the way to the filter's last step: it starts when the filter is
    done (one shorter than a second), a chunk of matches per call, keys answered between."""
    filter_in_steps(monkeypatch)
    monkeypatch.setattr(filter_job, "COUNT_CHUNK", 1_500)
    app, _ = make_app(entries=proxy_entries(20_000), buffer=40_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        counted: list[tuple[int, bool]] = []
        add_columns = app.stats.add_columns

        def noted(entries, *columns):  # type: ignore[no-untyped-def]
            counted.append((len(entries), app.filtering.progress is None))
            add_columns(entries, *columns)

        monkeypatch.setattr(app.stats, "add_columns", noted)
        assert app.apply_filter("url~^/v1/(users|invoices)")
        await filtered_and_counted(app, pilot)
        assert sum(size for size, _ in counted) == len(app.store.view) == 20_000
        assert all(done for _, done in counted)  # none while the filter ran
        assert max(size for size, _ in counted) <= 1_500
