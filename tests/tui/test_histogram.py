"""The stats pane's histogram: bars over event time by level (proxy) or status (NextDNS),
zoomed with + and - when the pane has focus and cycled with H from anywhere; pictures at
120x40 and 80x24 in the dark and light themes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from logtui.core.histogram import Histogram
from logtui.core.models import Entry, SourceKind
from logtui.tui.widgets import histogram as histogram_module
from logtui.tui.widgets.histogram import bar_cells, render_histogram

from .conftest import NOW, AppMaker
from .entries import dns_entries, entry
from .helpers import frame, screen_text, settle

Snap = Callable[..., bool]
LEVELS = ("info", "info", "info", "debug", "warn", "info", "error", "info")


def spread_entries(seconds: int = 290, per_second: int = 2) -> list[Entry]:
    """Proxy entries over the last ``seconds``, busier and more troubled towards now."""
    out: list[Entry] = []
    n = 0
    for back in range(seconds, 0, -1):
        for i in range(per_second + (3 if back < 60 else 0)):
            n += 1
            level = LEVELS[(n + back // 30) % len(LEVELS)]
            out.append(entry({
                "id": n, "tsMs": int((NOW - back) * 1000) + 100 * i, "kind": "response",
                "level": level, "status": 500 if level == "error" else 200,
                "serviceName": "user-api", "method": "GET", "url": "/v1/users",
            }, origin="history", event_id=str(n)))
    return out


def test_a_bar_is_stacked_most_severe_first_and_never_invisible() -> None:
    cells = bar_cells((4, 1, 3), tallest=8, rows=2)
    assert [block for block, _ in cells] == ["█", "█"]
    assert [index for _, index in cells] == [0, 2]
    assert bar_cells((1,), tallest=1000, rows=4)[0] == ("▁", 0)
    assert bar_cells((0, 0), tallest=5, rows=1) == [(" ", -1)]


def test_the_chart_names_its_span_and_values_and_sanitises_them() -> None:
    histogram = Histogram(0, 5, ("error\x1b[2J", "info"), ((1, 2), (0, 3)), (1, 5))
    text = render_histogram(histogram, "level", 300, rows=2).plain
    assert "5 min · level · max 3/5s" in text
    assert "\x1b" not in text
    assert "■ info 5" in text


async def test_proxy_histogram_zooms_with_plus_and_minus_when_focused(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(SourceKind.PROXY, spread_entries(), buffer=5_000)
    async with app.run_test(size=(160, 45)) as pilot:
        await frame(pilot)
        chart = app.stats_pane.histogram
        assert "5 min · level · max" in screen_text(app)
        before = chart.histogram()
        assert before.keys == ("error", "warn", "info", "debug")
        app.stats_pane.focus()
        await pilot.press("plus")
        await frame(pilot)
        assert "1 min · level · max 5/1s" in screen_text(app)
        await pilot.press("minus", "minus")
        await frame(pilot)
        assert "1 h · level · max" in screen_text(app)
        assert chart.histogram().bar_seconds == 60
        await pilot.press("greater_than_sign")
        assert chart.span == 300
        app.stream.focus()
        await pilot.press("H")
        assert chart.span == 3600
        await pilot.press("H", "H")
        assert chart.span == 60


async def test_nextdns_histogram_splits_by_status(make_app: AppMaker) -> None:
    app, _ = make_app(SourceKind.NEXTDNS, dns_entries(40))
    async with app.run_test(size=(160, 45)) as pilot:
        await frame(pilot)
        await pilot.press("H", "H")  # everything counted: the sample is from before NOW
        await frame(pilot)
        assert "all · status · max" in screen_text(app)
        assert set(app.stats_pane.histogram.histogram().keys) == {"blocked", "default"}


def _snap(snap_compare: Snap, make_app: AppMaker, size: tuple[int, int], *, light: bool,
          keys: tuple[str, ...] = ()) -> bool:
    app, _ = make_app(SourceKind.PROXY, spread_entries(), buffer=5_000)

    async def run(pilot: Pilot[Any]) -> None:
        if light:
            pilot.app.theme = "textual-light"
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return snap_compare(app, terminal_size=size, run_before=run)


def test_histogram_wide_dark(snap_compare: Snap, make_app: AppMaker) -> None:
    """120x40, dark: the bars under the sparkline, errors red, warnings amber, info in the
    primary colour, debug muted, with the legend and the scale line."""
    assert _snap(snap_compare, make_app, (120, 40), light=False)


def test_histogram_wide_light(snap_compare: Snap, make_app: AppMaker) -> None:
    """120x40, light: the same bars stay readable on a light background."""
    assert _snap(snap_compare, make_app, (120, 40), light=True)


def test_histogram_narrow_dark(snap_compare: Snap, make_app: AppMaker) -> None:
    """80x24, dark, stats shown with s: the chart fits the half-height side pane."""
    assert _snap(snap_compare, make_app, (80, 24), light=False, keys=("s",))


def test_histogram_narrow_light(snap_compare: Snap, make_app: AppMaker) -> None:
    """80x24, light, one minute span (H three times from five minutes wraps to it)."""
    assert _snap(snap_compare, make_app, (80, 24), light=True, keys=("s", "H", "H", "H"))


async def test_the_histogram_gives_its_rows_to_an_open_detail_pane(make_app: AppMaker) -> None:
    app, _ = make_app(SourceKind.PROXY, spread_entries(), buffer=5_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.stats_pane.histogram.display
        await pilot.press("k", "enter")
        await frame(pilot)
        assert app.detail.display
        assert not app.stats_pane.histogram.display


async def test_the_chart_is_repainted_only_when_what_it_draws_changes(
    make_app: AppMaker, monkeypatch: Any,
) -> None:
    """The stats tick shows it every second: a chart whose bars, legend and span are as
    drawn is neither drawn again (not even to compare) nor repainted."""
    app, _ = make_app(SourceKind.PROXY, spread_entries(), buffer=5_000)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        chart = app.stats_pane.histogram
        by_second = dict(app.stats.snapshot().by_second)
        chart.show(by_second, NOW, "level")
        await pilot.pause()
        refreshed: list[int] = []
        rendered: list[int] = []
        refresh = type(chart).refresh
        monkeypatch.setattr(type(chart), "refresh",
                            lambda self, *a, **k: refreshed.append(1) or refresh(self, *a, **k))
        monkeypatch.setattr(histogram_module, "render_histogram",
                            lambda *a, **k: rendered.append(1) or render_histogram(*a, **k))
        chart.show(dict(by_second), NOW + 0.5, "level")  # the same second, the same bars
        await pilot.pause()
        assert refreshed == [] and rendered == []
        newest = max(by_second)
        by_second[newest] = {**by_second[newest], "error": by_second[newest].get("error", 0) + 9}
        chart.show(by_second, NOW, "level")
        await pilot.pause()
        assert refreshed == [1] and rendered == [1]
        assert "error" in screen_text(app)
