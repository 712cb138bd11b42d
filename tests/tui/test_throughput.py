"""The dashboard takes a 10,000 entries/s stream in frame-sized batches and refilters a full
buffer in one step. How fast it does so is measured by ``python -m benchmarks`` (cases 3 and 5,
beside a baseline in the same run), not asserted here: a timing threshold in a test only
measures how busy the machine is."""

from __future__ import annotations

from logtui.core.models import Entry
from logtui.tui.app import MAX_ENTRIES_PER_FRAME

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame

RATE = 10_000
FRAMES_PER_SECOND = 20


async def test_a_second_of_ten_thousand_entries_is_applied_frame_by_frame_while_following(
    make_app: AppMaker,
) -> None:
    batch = RATE // FRAMES_PER_SECOND
    pool = proxy_entries(RATE)  # 20,000 entries: one second of traffic and the pre-fill
    app, factory = make_app(entries=pool[:RATE], buffer=RATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        for index in range(FRAMES_PER_SECOND):
            chunk = pool[RATE + index * batch : RATE + (index + 1) * batch]
            factory.source.push([_copy(entry) for entry in chunk])
            app.drain()
            await pilot.pause()  # render the frame
        assert len(app.store) == RATE and app.store.evicted == RATE
        assert app.stream.following
        assert app.store.view[-1].raw == pool[-1].raw  # the newest entry is the last row


async def test_a_filter_over_a_large_buffer_applies_in_one_step(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(50_000), buffer=100_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.apply_filter("level:warn,error url~^/v1")
        await pilot.pause()
        expected = [
            entry.raw for entry in app.store.entries()
            if entry.data.get("level") in ("warn", "error")
            and str(entry.data.get("url", "")).startswith("/v1")
        ]
        assert 0 < len(expected) < 50_000
        assert [entry.raw for entry in app.store.view] == expected


async def test_a_replay_larger_than_a_frame_is_applied_over_frames_with_keys_between(
    make_app: AppMaker,
) -> None:
    replay = proxy_entries(2_500)  # request/response pairs: 5,000 entries
    app, factory = make_app(buffer=10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        factory.source.push(replay)
        assert app.drain()  # one frame's worth applied, the rest still queued
        assert len(app.store) == MAX_ENTRIES_PER_FRAME
        await pilot.press("space")  # handled before the next frame
        assert not app.stream.following
        frames = 1
        more = True
        while more:
            await pilot.pause()
            more = app.drain()
            frames += 1
        assert frames == -(-len(replay) // MAX_ENTRIES_PER_FRAME)  # 3 frames for 5,000
        assert [entry.raw for entry in app.store.view] == [entry.raw for entry in replay]
        assert app.stream.new_count == len(replay) - MAX_ENTRIES_PER_FRAME


async def test_full_collections_are_left_to_the_policy_while_the_dashboard_runs(
    make_app: AppMaker,
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.pause()
        assert app.gc_policy.running
    assert not app.gc_policy.running  # the collector is given back on exit


def _copy(entry: Entry) -> Entry:
    """A fresh entry (the store numbers each one it takes)."""
    return Entry(entry.raw, entry.data, entry.origin, entry.event_id, entry.key,
                 entry.received_at)
