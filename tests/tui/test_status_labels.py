"""The status bar as a new user reads it: labelled counts and ids that never split across
lines, and a live stream that says when it has gone quiet."""

from __future__ import annotations

from textual.app import App, ComposeResult

from logtui.core.models import ConnectionState, SourceKind, SourceStatus
from logtui.tui.widgets.detail_pane import trace_line
from logtui.tui.widgets.status_bar import BufferCounts, StatusBar

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame, screen_text

DESCRIPTION = "proxy http://127.0.0.1:8080/api/proxy-logs"


def _live(**fields: object) -> SourceStatus:
    return SourceStatus(kind=SourceKind.PROXY, description=DESCRIPTION,
                        state=ConnectionState.LIVE, **fields)  # type: ignore[arg-type]


async def test_each_status_figure_stays_on_one_line_at_80_columns(make_app: AppMaker) -> None:
    status = _live(last_event_id="1717171717171-000123", reconnects=3, duplicates=4,
                   history=200)
    app, _ = make_app(entries=proxy_entries(40), statuses=[status])
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        lines = screen_text(app).splitlines()
        for figure in ("event id 1717171717171-000123", "in buffer 80/1,000",
                       "history 200", "dupes skipped 4", "reconnects 3"):
            assert any(figure in line for line in lines), figure


class _Bar(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.now = 1_000.0
        self.bar = StatusBar(_live(received=10), lambda: self.now)

    def compose(self) -> ComposeResult:
        yield self.bar


async def test_a_live_stream_with_no_entries_for_a_while_says_it_is_quiet() -> None:
    app = _Bar()
    async with app.run_test(size=(100, 6)) as pilot:
        counts = BufferCounts(buffered=10, capacity=100)
        app.bar.show(_live(received=10), counts)
        await pilot.pause()
        assert "● live" in screen_text(app) and "quiet" not in screen_text(app)
        app.now += 12
        app.bar.show(None, counts)
        await pilot.pause()
        assert "● live · quiet 12 s" in screen_text(app)
        app.now += 1
        app.bar.show(_live(received=11), BufferCounts(buffered=11, capacity=100))
        await pilot.pause()
        assert "● live" in screen_text(app) and "quiet" not in screen_text(app)


def test_a_request_without_a_status_shows_no_status_in_the_trace() -> None:
    from .entries import entry

    request = entry({"id": 1, "tsMs": 1_718_201_234_000, "kind": "request", "method": "GET",
                     "status": None, "url": "/v1/users", "traceId": "t1"})
    line = trace_line(request, request).plain
    assert "None" not in line and "request GET /v1/users" in line


async def test_the_detail_stats_and_filter_label_which_number_is_which(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(30), statuses=[_live(last_event_id="60")])
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "enter")
        await frame(pilot)
        text = screen_text(app)
        assert f"row #{app.detail.entry.seq}" in text  # type: ignore[union-attr]
        assert "received 60 · all entries" in text
        assert "60 matching of 60 in buffer" in text
        assert "event id 60" in text


async def test_a_misspelt_field_is_named_in_the_filter_notes_without_being_cut(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"level:warn,error url~^/v1/users/[0-9]+ statuz>=500", "enter")
        await frame(pilot)
        text = " ".join(screen_text(app).split())
        assert "statuz>=500: no entry has a field statuz; did you mean status?" in text


async def test_the_status_bar_has_its_height_from_the_first_layout(make_app: AppMaker) -> None:
    # Measured before its width was known, the bar was five lines tall until the first
    # status tick laid the whole screen out again (during a replay at start, a long stall).
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = app.status_bar.size.height
        app.refresh_status()
        await pilot.pause()
        assert first == app.status_bar.size.height == 2
