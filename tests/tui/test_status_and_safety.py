"""The status bar's connection states, and hostile wire text in every pane."""

from __future__ import annotations

import pytest

from logtui.core.eventtime import wall_clock
from logtui.core.models import ConnectionState, Notice, SourceKind, SourceStatus
from logtui.core.sanitize import safe_line

from .conftest import NOW, AppMaker
from .entries import HOSTILE_URL, hostile_proxy_entry, proxy_entries
from .helpers import frame, screen_ansi, screen_text


def _status(state: ConnectionState, **fields: object) -> SourceStatus:
    return SourceStatus(
        kind=SourceKind.PROXY,
        description="proxy http://127.0.0.1:8080/api/proxy-logs",
        state=state,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (_status(ConnectionState.CONNECTING), "● connecting"),
        (_status(ConnectionState.LIVE, last_event_id="4711"), "● live"),
        (_status(ConnectionState.STALE, detail="no bytes for 45s"), "● stale: no bytes for 45s"),
        (_status(ConnectionState.RECONNECTING, retry_at=NOW + 3, detail="connection cut",
                 reconnects=2), "● reconnecting in 3s: connection cut"),
        (_status(ConnectionState.RATE_LIMITED, retry_at=NOW + 4, detail="HTTP 429"),
         "● rate-limited for 4s: HTTP 429"),
        (_status(ConnectionState.RATE_LIMITED, retry_at=NOW + 42, detail="HTTP 429"),
         f"● rate-limited until {wall_clock(NOW + 42, 'utc')} (in 42s): HTTP 429"),
        (_status(ConnectionState.RECONNECTING, retry_at=NOW + 3600, detail="HTTP 503"),
         f"● reconnecting at {wall_clock(NOW + 3600, 'utc')} (in 3600s): HTTP 503"),
        (_status(ConnectionState.ENDED, detail="scope destroyed"), "● ended: scope destroyed"),
        (_status(ConnectionState.FAILED, detail="403: set LOGTUI_PROXY_TOKEN"),
         "● failed: 403: set LOGTUI_PROXY_TOKEN"),
    ],
    ids=lambda value: value.state.value if isinstance(value, SourceStatus) else "",
)
async def test_the_status_bar_shows_each_connection_state(
    make_app: AppMaker, status: SourceStatus, shown: str
) -> None:
    app, _ = make_app(statuses=[status])
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert shown in screen_text(app)


async def test_the_status_bar_shows_the_engine_counters(make_app: AppMaker) -> None:
    status = _status(ConnectionState.LIVE, last_event_id="4711", reconnects=3, malformed=2,
                     oversized=1, duplicates=4, backfilled=9, history=200)
    app, _ = make_app(entries=proxy_entries(5), statuses=[status])
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        text = screen_text(app)
        for part in ("reconnects 3", "malformed 2", "oversized 1", "dupes skipped 4",
                     "backfilled 9", "history 200", "id 4711", "buffer 10/1,000", "evicted 0"):
            assert part in text


async def test_counters_of_events_that_never_happened_stay_off_the_status_bar(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(5), statuses=[_status(ConnectionState.LIVE)])
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        text = screen_text(app)
        assert "reconnects 0" in text and "evicted 0" in text
        assert not any(word in text for word in ("malformed", "oversized", "dupes"))


async def test_a_failed_source_makes_q_exit_non_zero(make_app: AppMaker) -> None:
    app, _ = make_app(statuses=[_status(ConnectionState.FAILED, detail="403")])
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        await pilot.press("q")
    assert app.return_code == 3 and app.return_value == 3


async def test_hostile_text_is_shown_literally_in_every_pane(make_app: AppMaker) -> None:
    """Markup, escape sequences, control characters and bidi overrides stay inert text."""
    hostile_status = _status(
        ConnectionState.RECONNECTING,
        retry_at=NOW + 1,
        detail="server said [bold]\x1b]0;title\x07",
        last_event_id="\x1b[2J[/]",
    )
    app, factory = make_app(entries=[*proxy_entries(3), hostile_proxy_entry()],
                            statuses=[hostile_status])
    async with app.run_test(size=(160, 50)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        factory.source.push_notice(Notice("warning", "bad frame [@click=app.quit]\x1b[31m"))
        await pilot.press("k", "enter")  # detail and trace of the hostile entry
        await frame(pilot)
        before_filtering = screen_text(app)
        before_ansi = screen_ansi(app)
        # the stats pane's breakdowns (project and service come from the hostile entry)
        assert "proj_␛]8;;http://evil␇link" in before_filtering
        assert "svc<U+202E><U+009B>31m" in before_filtering
        await pilot.press("t")  # a trace id with an escape sequence is not put in the filter
        for _ in range(2):  # hostile project values are never offered by the toggle
            await pilot.click("#toggle-project")
            assert app.filter_input.value.startswith("project=proj_")
            assert safe_line(app.filter_input.value) == app.filter_input.value
        await frame(pilot)
        assert app.is_running
        text = screen_text(app)
        ansi = screen_ansi(app)
        # markup shows as text, in the stream, detail and trace (before the project filter
        # hid the hostile entry, and the detail pane let go of it)
        assert "/x[/red][@click=app.quit]" in before_filtering
        assert '"note": "[@click=app.quit]quit[/]"' in before_filtering
        assert "trace trace-[b]evil[/b]␛[31m" in before_filtering
        # the status bar's reason and event id
        assert "server said [bold]␛]0;title␇" in text
        assert "id ␛[2J[/]" in text
        # control characters and bidi overrides became visible marks
        assert "GET␍␈" in before_filtering and "<U+202E>" in before_filtering
        # nothing that could act reached the terminal
        for sequence in ("\x1b]0;", "\x1b]52;", "\x1b]8;", "\x1b[2J", "\u202e", "\x07", "\x9b"):
            assert sequence not in ansi and sequence not in before_ansi
        assert HOSTILE_URL not in text


async def test_a_burst_of_notices_is_one_toast_not_a_flood(make_app: AppMaker) -> None:
    app, factory = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert factory.source is not None
        for n in range(50):
            factory.source.push_notice(Notice("warning", f"malformed frame {n}"))
        factory.source.push_notice(Notice("info", "history loaded"))
        await frame(pilot)
        toasts = list(app._notifications)
        assert len(toasts) == 1
        assert toasts[0].message == "malformed frame 49 (+49 more)"
