"""The frame step without a screen: drain → store → stats → rate, a frame's worth at a time."""

from __future__ import annotations

import json

from logtui.core.models import Entry, Origin, SourceKind
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore
from logtui.tui.bridge import QueueSink
from logtui.tui.ingest import Ingest, SeenValues
from logtui.tui.rate import RateMeter

NOW = 1_718_201_300.0


class Clock:
    """The rate meter's clock, moved on by a test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def _entry(i: int, level: str, origin: Origin = "live") -> Entry:
    data = {"tsMs": int((NOW - 1) * 1000) + i, "level": level, "message": f"m{i}",
            "projectId": "proj_a" if i % 2 else "proj_b", "id": f"e{i}"}
    return Entry(raw=json.dumps(data), data=data, origin=origin, received_at=NOW)


def _ingest(limit: int, clock: Clock | None = None,
            ) -> tuple[QueueSink, EntryStore, StatsTracker, RateMeter, Ingest]:
    sink = QueueSink()
    store = EntryStore(1_000, share=False)
    stats = StatsTracker(SourceKind.PROXY, clock=lambda: NOW)
    rate = RateMeter(clock or Clock())
    seen = SeenValues(SourceKind.PROXY)
    return sink, store, stats, rate, Ingest(sink, store, stats, rate, seen, limit=limit)


def test_a_frame_applies_at_most_its_limit_and_says_what_is_still_queued() -> None:
    sink, store, _, _, ingest = _ingest(limit=3)
    sink.on_entries([_entry(i, "info") for i in range(5)])
    frame = ingest.frame()
    assert frame is not None and len(frame.entries) == 3
    assert frame.delta is not None and frame.delta.matched_added == 3
    assert len(store) == 3 and ingest.backlog
    assert ingest.frame() is not None and not ingest.backlog and len(store) == 5
    assert ingest.frame() is None, "nothing queued: no frame"


def test_stats_count_only_what_the_filter_keeps_and_the_rate_only_live_entries() -> None:
    clock = Clock()
    sink, store, stats, rate, ingest = _ingest(limit=100, clock=clock)
    store.set_filter(lambda entry: entry.data["level"] == "error")
    sink.on_entries([_entry(i, "error" if i < 2 else "info") for i in range(6)])
    sink.on_entries([_entry(10 + i, "error", origin="history") for i in range(3)])
    ingest.frame()
    assert stats.snapshot().entries == 5
    clock.now = NOW + 1
    assert rate.rate() == 6 / 5, "six live entries in the five-second window; history is not"
    assert len(store.view) == 5 and len(store) == 9


def test_toggle_values_are_learnt_from_each_frame() -> None:
    sink, _, _, _, ingest = _ingest(limit=100)
    sink.on_entries([_entry(i, "info") for i in range(4)])
    ingest.frame()
    assert ingest.seen.values("project") == ["proj_a", "proj_b"]
