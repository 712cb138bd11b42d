"""The status bar: where the data comes from, how the connection is, and how full the buffer is.

Built from the engine's :class:`~logtui.core.models.SourceStatus` (which never holds a secret)
plus the dashboard's own counters. Every string in it that came from outside (the description,
a failure reason, an event id) is sanitised and added as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from textual.content import Content

from logtui.core.eventtime import Zone, wall_clock
from logtui.core.models import ConnectionState, SourceStatus
from logtui.core.waits import WAIT_SAID_AFTER, clock_time
from logtui.tui.text import wire_content
from logtui.tui.widgets.lines_view import LinesView

if TYPE_CHECKING:

    from logtui.tui.widgets.source_dots import SourceDots

STATE_STYLES: dict[ConnectionState, str] = {
    ConnectionState.CONNECTING: "$warning",
    ConnectionState.LIVE: "$success",
    ConnectionState.STALE: "$warning",
    ConnectionState.RECONNECTING: "$warning",
    ConnectionState.RATE_LIMITED: "$warning",
    ConnectionState.ENDED: "$secondary",
    ConnectionState.FAILED: "$error",
}
"""The colour of each connection state's label."""


@dataclass(frozen=True, slots=True)
class BufferCounts:
    """The dashboard's own counters, shown beside the engine's."""

    buffered: int = 0
    capacity: int = 0
    evicted: int = 0
    rate: float = 0.0
    """Entries per second received, over the last few seconds."""


QUIET_AFTER: Final = 5.0
"""Seconds without a new entry before a live stream is said to be quiet."""


def state_label(status: SourceStatus, now: float, quiet_for: float | None = None,
                zone: Zone | None = None) -> str:
    """The connection state as a person reads it: ``reconnecting in 3s``, ``failed: ...``.

    A wait of :data:`~logtui.core.waits.WAIT_SAID_AFTER` seconds or more also says when it
    ends on the wall clock: ``rate-limited until 14:05:10 (in 42s)``. A live stream with no
    entry for :data:`QUIET_AFTER` seconds (``quiet_for``) says so: ``live · quiet 12 s``.
    """
    state = status.state
    if state is ConnectionState.LIVE and quiet_for is not None and quiet_for >= QUIET_AFTER:
        return f"live · quiet {int(quiet_for)} s"
    if state not in (ConnectionState.RECONNECTING, ConnectionState.RATE_LIMITED):
        return state.value
    word = "reconnecting" if state is ConnectionState.RECONNECTING else "rate-limited"
    if status.retry_at is None:
        return word
    wait = max(0, round(status.retry_at - now))
    if wait >= WAIT_SAID_AFTER:
        until = "at" if state is ConnectionState.RECONNECTING else "until"
        at = clock_time(status.retry_at) if zone is None else wall_clock(status.retry_at, zone)
        return f"{word} {until} {at} (in {wait}s)"
    return f"{word} in {wait}s" if state is ConnectionState.RECONNECTING else f"{word} for {wait}s"


REASON_LINES: Final = 3
"""Lines the connection line may wrap to before its reason is cut."""

SEPARATOR: Final = " │ "
"""Between two figures of the counters line; the only place that line breaks."""


def _lay_out(figures: list[Content], width: int | None) -> Content:
    """Figures joined by :data:`SEPARATOR`, broken into lines of ``width`` only between figures.

    Textual's wrapping would split a figure at any space (``event id`` from its value), so the
    lines are made here and each figure stays whole (cut with an ellipsis if wider than a line).
    """
    if width is None:
        return Content(SEPARATOR).join(figures)
    lines: list[Content] = []
    line: Content | None = None
    for figure in figures:
        if figure.cell_length > width:
            figure = figure.truncate(width - 1, ellipsis=True)
        if line is None:
            line = figure
        elif line.cell_length + len(SEPARATOR) + figure.cell_length <= width:
            line = line + Content(SEPARATOR) + figure
        else:
            lines.append(line)
            line = figure
    if line is not None:
        lines.append(line)
    return Content("\n").join(lines)


def render_status(
    status: SourceStatus, counts: BufferCounts, now: float, *, width: int | None = None,
    quiet_for: float | None = None, zone: Zone | None = None,
) -> Content:
    """The status bar: the connection and its reason, then the counters.

    The reason may wrap (a failure's last words say what to fix, e.g. which variable holds the
    token), but it is cut with an ellipsis past :data:`REASON_LINES` lines of ``width``, so a
    long server message can never push the counters out of view. ``event id`` is the server's
    id of the newest event (where a reconnect resumes), not a payload's own ``id``.
    """
    state = status.state
    first = Content.assemble(
        wire_content(status.description, "bold"),
        "  ",
        ("● ", STATE_STYLES[state]),
        (state_label(status, now, quiet_for, zone), f"bold {STATE_STYLES[state]}"),
    )
    if status.detail and state is not ConnectionState.LIVE:
        first = first + Content(": ") + wire_content(status.detail)
    if status.sampling:
        first = first + Content("  sampled: ") + wire_content(status.sampling)
    if status.history_progress is not None:  # a history load under way
        first = first + Content(f"  {status.history_progress.describe()}")
    if width is not None and first.cell_length > REASON_LINES * width:
        first = first.truncate(REASON_LINES * width - 1, ellipsis=True)
    return Content("\n").join([first, counters_line(status, counts, width)])


def counters_line(status: SourceStatus, counts: BufferCounts, width: int | None) -> Content:
    """The status bar's counters (rate, buffer, reconnects, rarer counters, event id)."""
    figures: list[Content] = [
        Content(f"{counts.rate:,.1f}/s"),
        Content(f"in buffer {counts.buffered:,}/{counts.capacity:,}"),
        Content(f"evicted {counts.evicted:,}"),
        Content(f"reconnects {status.reconnects:,}"),
    ]
    # Counters of rarer events appear once they are non-zero, so the line fits 80 columns.
    figures.extend(
        Content(f"{label} {value:,}")
        for label, value in (
            ("malformed", status.malformed),
            ("oversized", status.oversized),
            ("dupes skipped", status.duplicates),
            ("history", status.history),
            ("backfilled", status.backfilled),
        )
        if value
    )
    if status.last_event_id:
        figures.append(Content("event id ") + wire_content(status.last_event_id[:24]))
    return _lay_out(figures, width).stylize("$text-muted")


class StatusBar(LinesView):
    """Two lines at the bottom of the dashboard, refreshed a few times a second: the
    connection's line is rendered again only when it changes, not with every count."""

    def __init__(
        self,
        status: SourceStatus,
        clock: Callable[[], float],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._status = status
        self.sources: SourceDots | None = None
        """With several sources: each one's status, drawn as dots (the app keeps it)."""
        self._counts = BufferCounts()
        self._clock = clock
        self._ingested: tuple[int, int] | None = None
        self._last_entry_at = clock()
        self.zone: Zone = "utc"
        """The zone a wall-clock time is shown in (the stream's)."""

    @property
    def status(self) -> SourceStatus:
        """The newest connection status shown."""
        return self._status

    def show(self, status: SourceStatus | None, counts: BufferCounts) -> None:
        """Redraw with a new status (``None`` keeps the last) and counters."""
        if status is not None:
            self._status = status
        self._counts = counts
        for state in ConnectionState:
            self.set_class(state is self._status.state, f"-{state.value}")
        now = self._clock()
        # Anything received or stored since the last redraw means the stream is not quiet.
        ingested = (self._status.received, counts.buffered + counts.evicted)
        if ingested != self._ingested or self._status.state is not ConnectionState.LIVE:
            self._ingested = ingested
            self._last_entry_at = now
        # Before its first layout the bar has no width: it spans the screen, so it is measured
        # at the screen's (measured at one column it was five lines tall until the first
        # status tick laid the whole screen out again, in the middle of the replay at start).
        width = max(self.content_size.width
                    or self.app.size.width - self.styles.gutter.width, 1)
        if self.sources is not None:
            content = self.sources.render(self._status, self._counts, now, width=width,
                                          quiet_for=now - self._last_entry_at, zone=self.zone)
        else:
            content = render_status(self._status, self._counts, now, width=width,
                                    quiet_for=now - self._last_entry_at, zone=self.zone)
        # Nothing is repainted when the text is what the bar shows already (the timer ticks
        # whatever happens), and only the lines that changed when it is not: LinesView compares.
        self.show_lines(content.split("\n"))

    def on_mount(self) -> None:
        # Textual calls LinesView's own on_mount as well (handlers run along the MRO).
        self.show(None, self._counts)
