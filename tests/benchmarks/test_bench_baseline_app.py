"""The dashboard cases' baseline app keeps drawing what arrives once its ``Log`` is full.

Textual's ``Log.write_lines`` refreshes the line numbers the new lines had before the oldest
were pruned; once the log is full those lie below the view, so the screen froze and every
figure taken on the baseline measured a view that no longer changed.
"""

from __future__ import annotations

from benchmarks.workers.baseline_app import BaselineApp
from benchmarks.workers.dashboard import SIZE, _make_entry
from benchmarks.workers.probe import FrameProbe
from benchmarks.workers.synthetic import EntryMaker, PacedSource


async def test_a_full_baseline_log_still_shows_the_newest_entries() -> None:
    maker = EntryMaker(_make_entry, pool=200)
    sources: list[PacedSource] = []

    def factory(sink: object) -> PacedSource:
        sources.append(PacedSource(sink, maker))  # type: ignore[arg-type]
        return sources[0]

    app = BaselineApp(factory, max_lines=100)
    probe = FrameProbe(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(8):  # 400 entries into a 100-line log, one frame's worth at a time
            sources[0].burst(50)
            shown = await probe.wait_for_entry(sources[0].pushed - 1, within=2.0)
            assert shown is not None, f"entry {sources[0].pushed - 1} never drawn"
        assert probe.newest_shown == 399
