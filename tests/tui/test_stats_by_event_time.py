"""The dashboard's rates by event time: a history load or a reload is not a burst."""

from __future__ import annotations

import json

from logtui.core.models import Entry, Origin, SourceKind
from logtui.tui import ScriptedSourceFactory, create_app

from .helpers import frame, screen_text

NOW = 1_718_201_300.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW + 0.5

    def __call__(self) -> float:
        return self.now


def _proxy(ts: float, origin: Origin, level: str = "info") -> Entry:
    data = {"tsMs": int(ts * 1000), "level": level, "message": "m", "status": 200}
    return Entry(raw=json.dumps(data), data=data, origin=origin, received_at=NOW + 0.4)


def _history(seconds: int, per_second: int) -> list[Entry]:
    start = NOW - seconds
    return [_proxy(start + i / per_second, "history") for i in range(seconds * per_second)]


async def test_a_history_load_shows_the_real_rate_not_a_burst() -> None:
    clock = Clock()
    factory = ScriptedSourceFactory(initial=_history(60, 30))
    app = create_app(factory, SourceKind.PROXY, clock=clock, frame_interval=60.0, buffer=5_000)
    async with app.run_test(size=(160, 40)) as pilot:
        await frame(pilot)
        assert app.stats.snapshot().rate == 30.0
        assert "now 30.0/s" in screen_text(app)
        clock.now += 1
        assert app.rate.rate() == 0.0, "history is not live traffic"


async def test_live_entries_count_in_the_status_bar_rate() -> None:
    clock = Clock()
    factory = ScriptedSourceFactory()
    app = create_app(factory, SourceKind.PROXY, clock=clock, frame_interval=60.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        factory.source.push([_proxy(NOW + 0.3, "live") for _ in range(10)])
        factory.source.push([_proxy(NOW - 30 + i, "backfill") for i in range(20)])
        await frame(pilot)
        clock.now += 1
        assert app.rate.rate() == 2.0  # ten live entries over the five-second window
