"""Every source of a dashboard over several: state, resume id, counters, last error, retry.

Opened with ``S``; it redraws twice a second from the sources' newest statuses, so a
countdown ticks and a source that comes back shows it. Every string a server gave (a reason,
an id, a description) is sanitised and added as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from logtui.core.eventtime import Zone, wall_clock
from logtui.core.models import ConnectionState, SourceStatus
from logtui.tui.text import wire_content
from logtui.tui.widgets.source_dots import SourceDots
from logtui.tui.widgets.status_bar import STATE_STYLES, state_label

REFRESH_SECONDS = 0.5
"""How often the screen redraws (retry countdowns tick)."""


def source_block(status: SourceStatus, dots: SourceDots, now: float, zone: Zone) -> Content:
    """One source's lines: name, API and target; state; resume id; counters; error; retry."""
    colour = dots.colours.get(status.name)
    style = STATE_STYLES[status.state]
    head = Content.assemble(
        ("● ", style),
        wire_content(status.name, f"bold {colour}" if colour else "bold"),
        "  ",
        wire_content(status.description, "$text-muted"),
    )
    state = Content.assemble(("  ", ""), (state_label(status, now, None, zone), f"bold {style}"))
    if status.detail and status.state is not ConnectionState.LIVE:
        state += Content(": ") + wire_content(status.detail)
    resume = Content(" · resume id ") + (
        wire_content(status.last_event_id[:64]) if status.last_event_id
        else Content.styled("none yet", "$text-muted")
    )
    counters = Content.styled(
        f"  received {status.received:,} · malformed {status.malformed:,} · duplicates "
        f"{status.duplicates:,} · reconnects {status.reconnects:,}", "$text-muted")
    lines = [head, state + resume, counters]
    error = dots.last_error.get(status.name)
    if error is not None and error[0] != status.detail:  # not the reason shown just above
        detail, at = error
        lines.append(Content(f"  last error at {wall_clock(at, zone)}: ") + wire_content(detail))
    if status.retry_at is not None and status.state in (
        ConnectionState.RECONNECTING, ConnectionState.RATE_LIMITED
    ):
        wait = max(0, round(status.retry_at - now))
        lines.append(Content(f"  retry at {wall_clock(status.retry_at, zone)} (in {wait}s)"))
    return Content("\n").join(lines)


class SourcesScreen(ModalScreen[None]):
    """Each source's detail, the worst state first; esc (or ``S``, ``q``) closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,S,q", "close", "Close", id="sources.close"),
    ]

    def __init__(self, dots: SourceDots, clock: Callable[[], float],
                 zone: Callable[[], Zone]) -> None:
        super().__init__()
        self._dots = dots
        self._clock = clock
        self._zone = zone
        self._body = Static("", id="sources-list", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sources-body") as body:
            body.border_title = "Sources"
            body.border_subtitle = "esc closes"
            yield self._body

    def on_mount(self) -> None:
        self.redraw()
        self.set_interval(REFRESH_SECONDS, self.redraw, name="sources")

    def redraw(self) -> None:
        """Draw every source's block from the newest statuses."""
        now, zone = self._clock(), self._zone()
        blocks = [source_block(status, self._dots, now, zone) for status in self._dots.ordered()]
        self._body.update(Content("\n\n").join(blocks))

    def action_close(self) -> None:
        self.dismiss(None)
