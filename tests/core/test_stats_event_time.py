"""Stats by event time: history and backfill fill their own seconds, live entries count when
they happened, and the histogram folds per-second counts by level or status."""

from __future__ import annotations

import json
from typing import Any

import pytest

from logtui.core.histogram import SPANS, build_histogram, span_label, style_key
from logtui.core.models import Entry, Origin, SourceKind
from logtui.core.stats import LEVEL, OTHER, STATUS, STATUS_CLASS, StatsTracker

T0 = 1_700_000_000
"""A realistic epoch: times are read by their magnitude (milliseconds are above 1e11)."""


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _proxy(ts: float, *, level: str = "info", origin: Origin = "live", at: float = 0.0) -> Entry:
    data: dict[str, Any] = {"tsMs": int((T0 + ts) * 1000), "level": level}
    return Entry(raw=json.dumps(data), data=data, origin=origin, received_at=T0 + at)


def test_a_history_load_fills_its_own_seconds_instead_of_a_burst_now() -> None:
    clock = FakeClock(T0 + 1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock)
    # Two minutes of history at 30 events a second, all received in the current second.
    history = [
        _proxy(880 + i / 30, origin="history", at=1000.4) for i in range(120 * 30)
    ]
    stats.add(history)
    snap = stats.snapshot()
    assert snap.rate == pytest.approx(30.0)
    assert max(snap.per_second) == 30
    assert snap.total == len(history)


def test_a_reload_after_a_filter_change_is_not_counted_as_now() -> None:
    clock = FakeClock(T0 + 1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock)
    stats.add([_proxy(995 + i / 30, at=995 + i / 30) for i in range(5 * 30)])
    stats.add([_proxy(700 + i, origin="backfill", at=999.2, level="error") for i in range(250)])
    assert stats.snapshot().rate == pytest.approx(30.0)


def test_live_entries_count_in_the_second_they_happened() -> None:
    clock = FakeClock(T0 + 1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=5)
    stats.add([_proxy(997.2, at=1000.1), _proxy(999.9, at=1000.2)])
    assert stats.snapshot().per_second == (0, 1, 0, 1, 0)


def test_a_time_ahead_of_the_clock_counts_now() -> None:
    clock = FakeClock(T0 + 1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=3)
    stats.add([_proxy(1004.0, at=1000.1)])
    assert stats.snapshot().per_second == (0, 0, 1)


def test_history_without_a_time_counts_in_totals_only() -> None:
    clock = FakeClock(T0 + 1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=3)
    stats.add([Entry(raw="{}", data={"level": "info"}, origin="history", received_at=T0 + 1000.1)])
    snap = stats.snapshot()
    assert snap.per_second == (0, 0, 0)
    assert snap.total == 1
    assert snap.count(LEVEL, "info") == 1


def test_the_histogram_splits_by_level_for_proxy_and_by_status_for_nextdns() -> None:
    clock = FakeClock(T0 + 1000.5)
    proxy = StatsTracker(SourceKind.PROXY, clock=clock)
    proxy.add([_proxy(990.1, level="error"), _proxy(990.2), _proxy(999.0)])
    snap = proxy.snapshot()
    assert snap.histogram_group == LEVEL
    assert dict(snap.by_second[T0 + 990]) == {"error": 1, "info": 1}
    dns = StatsTracker(SourceKind.NEXTDNS, clock=clock)
    dns.add([Entry(raw="{}", data={"timestamp": "2023-11-14T22:29:50Z", "status": "blocked"})])
    assert dns.snapshot().histogram_group == STATUS
    assert dict(dns.snapshot().by_second[T0 + 990]) == {"blocked": 1}
    assert StatsTracker(SourceKind.INSTANT_LOGS, clock=clock).snapshot().histogram_group == (
        STATUS_CLASS
    )


def test_bars_sum_the_seconds_they_cover_with_the_most_severe_first() -> None:
    by_second = {
        940: {"info": 2},
        995: {"info": 3, "error": 1},
        999: {"warn": 2},
        1000: {"info": 1},
    }
    histogram = build_histogram(by_second, 1000, 60, 6)
    assert histogram.bar_seconds == 10
    assert histogram.start == 941
    assert histogram.keys == ("error", "warn", "info")
    assert histogram.bars[-1] == (1, 2, 4)
    assert histogram.bars[-2] == (0, 0, 0)
    assert histogram.totals == (1, 2, 4)
    assert histogram.tallest == 7


def test_all_spans_from_the_oldest_second_and_folds_the_rest_as_other() -> None:
    by_second = {100: {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 1}, 199: {"a": 1}}
    histogram = build_histogram(by_second, 199, None, 10)
    assert histogram.span_seconds == 100
    assert histogram.keys[-1] == OTHER
    assert len(histogram.keys) == 6
    assert sum(histogram.totals) == 23
    assert sum(histogram.bars[0]) == 22


def test_zoom_levels_and_value_styles() -> None:
    assert [span_label(span) for span in SPANS] == ["1 min", "5 min", "1 h", "all"]
    assert style_key("ERROR") == "level-error"
    assert style_key("5xx") == "status-5xx"
    assert style_key("404") == "status-4xx"
    assert style_key("blocked") == "dns-blocked"
    assert style_key("custom") == ""


def test_errors_and_warnings_are_never_folded_into_other() -> None:
    counts = {"info": 50, "debug": 40, "trace": 30, "a": 20, "b": 10, "c": 9, "fatal": 1,
              "warn": 2}
    histogram = build_histogram({100: counts}, 100, 60, 3)
    assert "fatal" in histogram.keys and "warn" in histogram.keys
    assert histogram.keys[-1] == OTHER
