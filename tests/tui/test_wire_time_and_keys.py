"""Times from the wire the dashboard cannot show as a clock, and Ctrl-C: never a crash."""

from __future__ import annotations

import math

from logtui.core.models import SourceKind

from .conftest import AppMaker
from .entries import entry
from .helpers import frame, screen_text


async def test_a_microsecond_timestamp_with_a_trace_opens_in_the_detail(
    make_app: AppMaker,
) -> None:
    hostile = entry({"timestamp": 1718201234567000, "traceId": "t-1", "kind": "request",
                     "method": "GET", "status": 200, "url": "/x"})
    app, _ = make_app(SourceKind.SSE, entries=[hostile])
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("enter")
        await frame(pilot)
        assert app.detail.display and app.detail.entry is hostile
        text = screen_text(app)
        assert "14:07:14.567" in text  # the stream's time column and the trace line
        assert "trace t-1" in text and "GET 200 /x" in text
        assert app.is_running


async def test_unreadable_times_show_as_their_raw_text(make_app: AppMaker) -> None:
    entries = [
        entry({"timestamp": value, "traceId": f"t-{n}", "message": f"m{n}"})
        for n, value in enumerate(
            ["99999-01-01T00:00:00Z", math.nan, -5, True, 10**25, "soon", {"s": 1}]
        )
    ]
    app, _ = make_app(SourceKind.SSE, entries=entries)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        for _ in entries:
            await pilot.press("enter")
            await frame(pilot)
            await pilot.press("k")
        text = screen_text(app)
        for shown in ("99999-01-01T0", "nan", "-5", "true", "100000000000", "soon", "{…}"):
            assert shown in text
        assert app.is_running


async def test_ctrl_c_quits_with_130(make_app: AppMaker) -> None:
    app, factory = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 130 and app.return_value == 130
    assert factory.source is not None and factory.source.stopped


async def test_ctrl_c_quits_from_the_filter_input_too(make_app: AppMaker) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "a")
        await pilot.pause()
        assert app.focused is app.filter_input
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 130
