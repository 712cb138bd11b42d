"""Pictures of each pane and state at 120x40 and 80x24, compared with approved SVGs.

Every app here runs on a scripted source with a fixed clock, so the pictures are stable; each
test's docstring says what the picture guards. Update with ``pytest --snapshot-update`` after
checking the new pictures by eye.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from rich.segment import Segment
from textual.geometry import Region
from textual.pilot import Pilot

from logtui.core.models import ConnectionState, SourceKind, SourceStatus
from logtui.tui.widgets.histogram import HistogramChart
from logtui.tui.widgets.stream_view import HEADER_LINES, StreamView

from .conftest import NOW, AppMaker
from .entries import dns_entries, hostile_proxy_entry, proxy_entries, proxy_pair
from .helpers import screen_text, settle
from .test_theme_contrast import contrast

WIDE = (120, 40)
NARROW = (80, 24)
Snap = Callable[..., bool]
PROXY_URL = "proxy http://127.0.0.1:8080/api/proxy-logs"


def _status(state: ConnectionState, **fields: Any) -> SourceStatus:
    return SourceStatus(kind=SourceKind.PROXY, description=PROXY_URL, state=state,
                        history=200, **fields)


LIVE = _status(ConnectionState.LIVE, last_event_id="4711", received=120)


def _steps(*keys: str, after: Callable[[Pilot[Any]], Awaitable[None]] | None = None,
           ) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        if after is not None:
            await after(pilot)
        await settle(pilot)

    return run


def _snap(snap_compare: Snap, make_app: AppMaker, size: tuple[int, int], *,
          kind: SourceKind = SourceKind.PROXY, entries: Sequence[Any] = (),
          statuses: Sequence[SourceStatus] = (LIVE,), keys: Sequence[str] = (),
          after: Callable[[Pilot[Any]], Awaitable[None]] | None = None,
          **options: Any) -> bool:
    app, _ = make_app(kind, entries or proxy_entries(60), statuses,
                      description=statuses[0].description if statuses else "", **options)
    return snap_compare(app, terminal_size=size, run_before=_steps(*keys, after=after))


def test_dashboard_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """The whole proxy-logs dashboard at 120x40: columns, colours by level and status, the
    stats pane beside the stream, the status bar and the footer."""
    assert _snap(snap_compare, make_app, WIDE)


def test_dashboard_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """At 80x24 low-priority columns are dropped and the stats pane starts hidden."""
    assert _snap(snap_compare, make_app, NARROW)


def test_nextdns_dashboard(snap_compare: Snap, make_app: AppMaker) -> None:
    """NextDNS columns (status, domain, device, protocol, reasons), blocked rows in red, and
    the NextDNS quick toggles."""
    status = SourceStatus(kind=SourceKind.NEXTDNS, state=ConnectionState.LIVE,
                          description="nextdns http://127.0.0.1:8080/profiles/demo")
    assert _snap(snap_compare, make_app, WIDE, kind=SourceKind.NEXTDNS,
                 entries=dns_entries(60), statuses=[status])


def test_filter_split_between_server_and_client(snap_compare: Snap, make_app: AppMaker) -> None:
    """A filter in use: the level toggle lit, which terms the server applies and which filter
    the buffer here (with the reason), and the match count."""
    assert _snap(snap_compare, make_app, WIDE,
                 keys=["slash", *"level=error method=GET", "enter"])


def test_filter_error_inline(snap_compare: Snap, make_app: AppMaker) -> None:
    """An expression that does not parse: the error and a caret under its column, the view
    unchanged, focus still in the input (80x24)."""
    assert _snap(snap_compare, make_app, NARROW, keys=["slash", *"status>=", "enter"])


def test_paused_with_new_entries(snap_compare: Snap, make_app: AppMaker) -> None:
    """Paused: the cursor row, the view frozen while ingest goes on, "N new" in the border."""

    async def push_more(pilot: Pilot[Any]) -> None:
        app = pilot.app
        source = app._source  # type: ignore[attr-defined]
        for n in range(60, 66):
            source.push(proxy_pair(n))

    assert _snap(snap_compare, make_app, WIDE, keys=["k", "k", "k"], after=push_more)


def test_detail_with_trace(snap_compare: Snap, make_app: AppMaker) -> None:
    """The detail pane: highlighted JSON of the selected response and its request below
    (same traceId)."""
    assert _snap(snap_compare, make_app, WIDE, keys=["k", "enter"])


def test_detail_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """At 80x24 the detail pane goes under the stream instead of beside it."""
    assert _snap(snap_compare, make_app, NARROW, keys=["k", "enter"])


def test_help_screen(snap_compare: Snap, make_app: AppMaker) -> None:
    """The help screen lists every key with its binding id, at 80x24."""
    assert _snap(snap_compare, make_app, NARROW, keys=["question_mark"])


def test_export_prompt(snap_compare: Snap, make_app: AppMaker) -> None:
    """The export prompt: how many entries, and the default path to edit."""
    assert _snap(snap_compare, make_app, WIDE, keys=["e"], export_dir=Path("exports"))


def test_reconnecting_status(snap_compare: Snap, make_app: AppMaker) -> None:
    """A reconnecting source: the countdown and the reason in the status bar (80x24)."""
    status = _status(ConnectionState.RECONNECTING, retry_at=NOW + 4, reconnects=2,
                     detail="connection cut mid-frame", last_event_id="4711")
    assert _snap(snap_compare, make_app, NARROW, statuses=[status])


def test_failed_status(snap_compare: Snap, make_app: AppMaker) -> None:
    """A failed source: the status bar turns red and says what to fix."""
    status = _status(ConnectionState.FAILED,
                     detail="403 Forbidden: check the token in LOGTUI_PROXY_TOKEN")
    assert _snap(snap_compare, make_app, WIDE, statuses=[status])


def test_hostile_entry(snap_compare: Snap, make_app: AppMaker) -> None:
    """A hostile entry selected: markup, escape sequences, control characters and a bidi
    override all shown as inert text in the stream, the detail and the trace."""
    entries = [*proxy_entries(20), hostile_proxy_entry()]
    assert _snap(snap_compare, make_app, WIDE, entries=entries, keys=["k", "enter"])


def _light(pilot: Pilot[Any]) -> Awaitable[None]:
    pilot.app.theme = "textual-light"
    return pilot.pause()


def test_light_theme_with_warn_row_selected(snap_compare: Snap, make_app: AppMaker) -> None:
    """A light theme at 120x40 with a 4xx/warn row selected: the cursor row is the body text
    inverted (readable whatever the row's level), the header and debug rows are dark grey, the
    pane borders visible."""
    assert _snap(snap_compare, make_app, WIDE, keys=["k", "k", "k"], after=_light)


def _reading_entries() -> list[Any]:
    """Proxy entries whose newest request has a URL longer than any pane is wide."""
    rows = proxy_entries(30)
    from .entries import entry

    data = dict(rows[-2].data)
    data["url"] = "/v1/reports/2024-06-12/" + "segment-" * 14 + "end?format=json&page=2"
    return [*rows[:-2], entry(data), rows[-1]]


READING_KEYS = ("k", "k", "k", "m", "k", "k", "k", "k", "m", "j", "j", "w",
                "ctrl+f", *"invoices", "enter")


def test_reading_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """Reading at 120x40: wrapped rows (the long URL over several lines, indented under the
    columns), two marks in the left margin, search matches highlighted, filter-free, and the
    title with the zone, the match count, the marks and the time from the mark above."""
    assert _snap(snap_compare, make_app, WIDE, entries=_reading_entries(), keys=READING_KEYS)


def test_reading_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """The same reading state at 80x24 (the stats pane hidden, fewer columns)."""
    assert _snap(snap_compare, make_app, NARROW, entries=_reading_entries(), keys=READING_KEYS)


def test_sideways_scroll_with_a_filter_highlighted(snap_compare: Snap,
                                                   make_app: AppMaker) -> None:
    """Scrolled sideways with the time pinned, the filter's terms highlighted in the rows,
    times in the local zone named in the header (the test machine runs in UTC)."""
    assert _snap(snap_compare, make_app, WIDE, entries=_reading_entries(),
                 keys=["slash", *"kind:request", "enter", "z", *["right"] * 4])


CHOOSER_KEYS = ("k", "vertical_line", "a", *"data.bytesOut", "enter", "shift+up", "left")
APPLIED_KEYS = ("vertical_line", "down", "x", "a", *"data.bytesOut", "enter", "enter")


def test_column_chooser_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """The column chooser at 120x40 (dark): the columns left to right with their widths, a
    payload field added, moved left of duration and narrowed, the flex url last, the keys named."""
    assert _snap(snap_compare, make_app, WIDE, keys=CHOOSER_KEYS)


def test_column_chooser_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """The same chooser at 80x24: the hint wraps, the list scrolls, the add input stays."""
    assert _snap(snap_compare, make_app, NARROW, keys=CHOOSER_KEYS)


def test_column_chooser_light_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """The chooser in the light theme at 120x40: the dialog, the highlight and the muted hint
    readable."""
    assert _snap(snap_compare, make_app, WIDE, keys=CHOOSER_KEYS, after=_light)


def test_column_chooser_light_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """The light chooser at 80x24."""
    assert _snap(snap_compare, make_app, NARROW, keys=CHOOSER_KEYS, after=_light)


def test_chosen_columns_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """The stream at 120x40 after the level column was removed and data.bytesOut added: the
    header and rows follow, the flex url column still last."""
    assert _snap(snap_compare, make_app, WIDE, keys=APPLIED_KEYS)


def test_chosen_columns_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """The same chosen columns at 80x24 (the lowest priorities dropped first)."""
    assert _snap(snap_compare, make_app, NARROW, keys=APPLIED_KEYS)


LIGHT_SEARCH_KEYS = ("k", "ctrl+f", *"invoices", "enter", "N")
"""Select the newest row, search for ``invoices`` and go back to the nearest match."""
MIN_BODY_CONTRAST = 4.5
"""WCAG's ratio for body text: the selected row and the highlighted matches."""
MIN_MUTED_CONTRAST = 3.0
"""The histogram's bars and legend may be quieter, never faint."""


def _readable(segments: Sequence[Segment]) -> float:
    """The worst contrast among a line's visible segments."""
    shown = [seg for seg in segments if seg.text.strip() and seg.style is not None]
    assert shown
    return min(contrast(seg.style) for seg in shown if seg.style is not None)


async def _light_search_and_histogram_read_well(pilot: Pilot[Any], *, legend: bool) -> None:
    """In the light theme: a matching row selected, the matches highlighted and the
    histogram drawn, each of them readable, and the screen says what it shows."""
    app = pilot.app
    app.theme = "textual-light"
    await settle(pilot)
    text = screen_text(app)
    assert "30 matches" in text  # the stream's title counts the search's matches
    assert "5 min · level · max" in text  # the histogram's scale line
    assert ("■ error 10" in text) is legend, text  # its legend, when the pane has the room
    stream = app.query_one(StreamView)
    assert stream.cursor is not None and stream.selected_entry is not None
    assert stream.selected_entry.data["url"] == "/v1/invoices"
    top = stream._first_visible()
    assert _readable(stream.render_line(stream.cursor - top + HEADER_LINES)) >= MIN_BODY_CONTRAST
    matches = [
        seg for y in range(HEADER_LINES, stream.size.height) for seg in stream.render_line(y)
        if seg.text.lower() == "invoices" and y != stream.cursor - top + HEADER_LINES
    ]
    assert matches and _readable(matches) >= MIN_BODY_CONTRAST
    chart = app.query_one(HistogramChart)
    lines = chart.render_lines(Region(0, 0, chart.size.width, chart.size.height))
    assert min(_readable(list(line)) for line in lines if line.text.strip()) >= MIN_MUTED_CONTRAST


def test_light_search_and_histogram_wide(snap_compare: Snap, make_app: AppMaker) -> None:
    """The light theme at 120x40: search matches highlighted in the stream, a matching row
    selected (the body text inverted, readable), the histogram and its legend beside it."""
    assert _snap(snap_compare, make_app, WIDE, keys=LIGHT_SEARCH_KEYS,
                 after=partial(_light_search_and_histogram_read_well, legend=True))


def test_light_search_and_histogram_narrow(snap_compare: Snap, make_app: AppMaker) -> None:
    """The same at 80x24, the stats pane opened below the stream (fewer columns, the
    histogram full width). Under the live status bar the short pane cuts the histogram's
    legend line (the scale line stays)."""
    assert _snap(snap_compare, make_app, NARROW, keys=("s", *LIGHT_SEARCH_KEYS),
                 after=partial(_light_search_and_histogram_read_well, legend=False))
