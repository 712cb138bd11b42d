"""Stats: per-second series, rates, per-source breakdowns, sampling weights, top-N order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from logtui.core.errors import ConfigError
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import (
    BLOCKED_DOMAINS,
    CACHE_STATUS,
    COUNTRY,
    DEVICES,
    HOST,
    LEVEL,
    MAX_KEYS,
    OTHER,
    PATH,
    PROJECT,
    REASONS,
    SERVICE,
    STATUS,
    STATUS_CLASS,
    StatsTracker,
)


class FakeClock:
    """A settable clock so every count and rate is deterministic."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _entry(data: dict[str, Any], *, at: float = 0.0, weight: int = 1) -> Entry:
    return Entry(raw=json.dumps(data), data=data, received_at=at, weight=weight)


def test_per_second_series_covers_the_window_oldest_first() -> None:
    clock = FakeClock(1000.2)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=5)
    stats.add([_entry({}, at=996.5), _entry({}, at=998.1), _entry({}, at=998.9)])
    stats.add([_entry({})])  # no received_at: counted now
    snap = stats.snapshot()
    assert snap.per_second == (1, 0, 2, 0, 1)
    assert snap.window_seconds == 5
    clock.now = 1003.0
    assert stats.snapshot().per_second == (0, 1, 0, 0, 0)


def test_entries_older_than_the_window_count_but_leave_the_series() -> None:
    clock = FakeClock(1000.0)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=3)
    stats.add([_entry({}, at=1000.0)])
    stats.add([_entry({}, at=990.0)])
    snap = stats.snapshot()
    assert snap.per_second == (0, 0, 1)
    assert snap.total == 2


def test_rate_is_the_mean_of_recent_complete_seconds() -> None:
    clock = FakeClock(1010.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock)
    for second in range(1000, 1011):
        stats.add([_entry({}, at=second + 0.1) for _ in range(second - 1000)])
    # Complete seconds 1005..1009 hold 5..9 entries; the current second 1010 is partial.
    assert stats.snapshot().rate == pytest.approx(7.0)


def test_rate_right_after_start_uses_the_seconds_seen() -> None:
    clock = FakeClock(1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock)
    assert stats.snapshot().rate == 0.0
    stats.add([_entry({}, at=1000.1)] * 4)
    assert stats.snapshot().rate == 4.0
    clock.now = 1001.5
    stats.add([_entry({}, at=1001.2)] * 2)
    assert stats.snapshot().rate == 4.0


def test_proxy_counts_level_status_service_and_project() -> None:
    stats = StatsTracker(SourceKind.PROXY, clock=FakeClock())
    stats.add(
        [
            _entry({"level": "info", "status": 200, "serviceName": "a", "projectId": "p1"}),
            _entry({"level": "error", "status": 500, "serviceName": "b", "projectId": "p1"}),
            _entry({"level": "error", "status": 502, "serviceName": "b"}),
            _entry({"kind": "event"}),
        ]
    )
    snap = stats.snapshot()
    assert snap.group(LEVEL) == (("error", 2), ("info", 1))
    assert snap.group(STATUS) == (("200", 1), ("500", 1), ("502", 1))
    assert snap.group(SERVICE) == (("b", 2), ("a", 1))
    assert snap.group(PROJECT) == (("p1", 2),)
    assert snap.total == snap.entries == 4
    assert not snap.sampled


def test_nextdns_counts_blocked_domains_devices_and_reasons() -> None:
    def dns(status: str, domain: str, device: str, *reasons: str) -> Entry:
        return _entry(
            {
                "status": status,
                "domain": domain,
                "device": {"id": device.upper(), "name": device},
                "reasons": [{"id": r.lower(), "name": r} for r in reasons],
            }
        )

    stats = StatsTracker(SourceKind.NEXTDNS, clock=FakeClock())
    stats.add(
        [
            dns("blocked", "ads.example", "phone", "Ads"),
            dns("default", "ok.example", "laptop"),
            dns("blocked", "track.example", "phone", "Ads", "Trackers"),
            dns("blocked", "ads.example", "laptop", "Ads"),
            dns("allowed", "ads.example", "tv"),
        ]
    )
    snap = stats.snapshot()
    assert snap.count(STATUS, "blocked") == 3
    assert snap.count(STATUS, "allowed") == 1
    assert snap.group(BLOCKED_DOMAINS) == (("ads.example", 2), ("track.example", 1))
    assert snap.group(DEVICES) == (("phone", 2), ("laptop", 2), ("tv", 1))
    assert snap.group(REASONS) == (("Ads", 3), ("Trackers", 1))


def test_instant_logs_counts_are_weighted_by_the_sample_interval() -> None:
    stats = StatsTracker(SourceKind.INSTANT_LOGS, clock=FakeClock(2000.5), window_seconds=2)
    stats.add(
        [
            _entry(
                {
                    "EdgeResponseStatus": 200,
                    "ClientCountry": "ca",
                    "ClientRequestHost": "a.example",
                    "ClientRequestURI": "/static/app.js?v=1",
                    "CacheCacheStatus": "hit",
                },
                at=2000.1,
                weight=10,
            ),
            _entry(
                {
                    "EdgeResponseStatus": "503",
                    "ClientCountry": "us",
                    "ClientRequestHost": "a.example",
                    "ClientRequestPath": "/api",
                    "CacheCacheStatus": "miss",
                },
                at=2000.2,
                weight=3,
            ),
        ]
    )
    snap = stats.snapshot()
    assert snap.total == 13
    assert snap.entries == 2
    assert snap.sampled
    assert snap.per_second == (0, 13)
    assert snap.group(STATUS_CLASS) == (("2xx", 10), ("5xx", 3))
    assert snap.group(COUNTRY) == (("ca", 10), ("us", 3))
    assert snap.group(HOST) == (("a.example", 13),)
    assert snap.group(PATH) == (("/static/app.js", 10), ("/api", 3))
    assert snap.group(CACHE_STATUS) == (("hit", 10), ("miss", 3))


def test_top_lists_are_cut_to_top_n_with_ties_in_first_seen_order() -> None:
    stats = StatsTracker(SourceKind.PROXY, clock=FakeClock(), top_n=3)
    names = ["d", "c", "b", "a", "c", "e"]
    stats.add([_entry({"serviceName": name}) for name in names])
    snap = stats.snapshot()
    assert snap.group(SERVICE) == (("c", 2), ("d", 1), ("b", 1))
    assert next(g for g in snap.groups if g.name == SERVICE).distinct == 5


def test_reset_recounts_from_the_given_entries() -> None:
    clock = FakeClock(1000.5)
    stats = StatsTracker(SourceKind.PROXY, clock=clock, window_seconds=3)
    kept = _entry({"level": "error"}, at=999.5)
    stats.add([_entry({"level": "info"}, at=1000.1), kept])
    stats.reset([kept])
    snap = stats.snapshot()
    assert snap.group(LEVEL) == (("error", 1),)
    assert snap.per_second == (0, 1, 0)
    stats.reset()
    assert stats.snapshot().total == 0


def test_hostile_values_are_capped_in_length_and_number() -> None:
    stats = StatsTracker(SourceKind.INSTANT_LOGS, clock=FakeClock())
    stats.add([_entry({"ClientRequestPath": f"/p/{i}"}) for i in range(MAX_KEYS + 5)])
    stats.add([_entry({"ClientRequestHost": "h" * 10_000, "ClientCountry": {"x": 1}})])
    snap = stats.snapshot()
    path_group = next(g for g in snap.groups if g.name == PATH)
    assert path_group.distinct == MAX_KEYS + 1
    assert snap.group(PATH)[0] == (OTHER, 5)
    ((host, _),) = snap.group(HOST)
    assert len(host) == 200
    assert snap.group(COUNTRY) == ()


def test_sources_without_a_breakdown_return_nothing_for_it() -> None:
    stats = StatsTracker(SourceKind.SSE, clock=FakeClock())
    stats.add([_entry({"severity": "warn"})])
    snap = stats.snapshot()
    assert snap.group(LEVEL) == (("warn", 1),)
    assert snap.group(BLOCKED_DOMAINS) == ()


def test_window_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="at least 1 second"):
        StatsTracker(SourceKind.PROXY, clock=FakeClock(), window_seconds=0)


def test_values_that_compare_equal_but_read_differently_are_counted_apart() -> None:
    stats = StatsTracker(SourceKind.PROXY, clock=FakeClock())
    statuses: list[Any] = [True, 1, 1.0, "1", 1, None, {"nested": 1}, [200, "true", [1]]]
    stats.add([_entry({"status": status}) for status in statuses])
    assert stats.snapshot().group(STATUS) == (
        ("1", 3), ("true", 2), ("1.0", 1), ("200", 1),
    )


def test_a_batch_counts_the_same_as_its_entries_one_by_one() -> None:
    levels = ["info", "warn", "info", "error", "info", "warn", "debug"]
    entries = [
        _entry({"level": level, "status": 200 + index % 3, "serviceName": f"svc{index % 2}"},
               weight=1 + index % 3)
        for index, level in enumerate(levels)
    ]
    whole = StatsTracker(SourceKind.PROXY, clock=FakeClock())
    whole.add(entries)
    single = StatsTracker(SourceKind.PROXY, clock=FakeClock())
    for one in entries:
        single.add([one])
    assert whole.snapshot() == single.snapshot()
    assert whole.snapshot().group(LEVEL) == (("info", 6), ("warn", 5), ("error", 1),
                                             ("debug", 1))
