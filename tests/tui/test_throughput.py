"""The dashboard keeps up with 10,000 entries per second: frames are batched, rows virtual."""

from __future__ import annotations

import time

from logtui.core.models import Entry

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame

RATE = 10_000
FRAMES_PER_SECOND = 20


async def test_ten_thousand_entries_a_second_are_applied_in_well_under_a_second(
    make_app: AppMaker,
) -> None:
    batch = RATE // FRAMES_PER_SECOND
    pool = proxy_entries(RATE)  # 20,000 entries: one second of traffic and the pre-fill
    app, factory = make_app(entries=pool[:RATE], buffer=RATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        start = time.process_time()  # CPU time: waiting for the next frame is not work
        for index in range(FRAMES_PER_SECOND):
            chunk = pool[RATE + index * batch : RATE + (index + 1) * batch]
            factory.source.push([_copy(entry) for entry in chunk])
            app.drain()
            await pilot.pause()  # render the frame
        elapsed = time.process_time() - start
        assert len(app.store) == RATE and app.store.evicted == RATE
        assert app.stream.following
        # One second of traffic must cost far less than a second of UI time, or it falls behind.
        assert elapsed < 0.8, f"{RATE} entries took {elapsed:.2f}s of CPU to apply and draw"


async def test_a_filter_over_a_full_buffer_applies_without_a_visible_stall(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(50_000), buffer=100_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        start = time.perf_counter()
        assert app.apply_filter("level:warn,error url~^/v1")
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert 0 < len(app.store.view) < 100_000
        assert elapsed < 0.5, f"refiltering 100,000 entries took {elapsed:.2f}s"


def _copy(entry: Entry) -> Entry:
    """A fresh entry (the store numbers each one it takes)."""
    return Entry(entry.raw, entry.data, entry.origin, entry.event_id, entry.key,
                 entry.received_at)
