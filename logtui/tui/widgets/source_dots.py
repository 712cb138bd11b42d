"""The status bar's first line with several sources: one dot per source, the worst first.

``● dns failed: HTTP 403 …  ● home  ● office   S sources`` — each dot has its state's colour
and each name its source's colour (as in the ``source`` column). A source that is not live
says its state; the worst one also its reason. When that does not fit the width, the names of
live sources go and the line is cut, so it stays one line at 80 columns: ``S`` opens every
source's detail. Server text (reasons) is sanitised and added as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content

from logtui.core.eventtime import Zone
from logtui.core.fleet_status import worst_first
from logtui.core.models import ConnectionState, SourceStatus
from logtui.tui.text import wire_content
from logtui.tui.widgets.status_bar import (
    STATE_STYLES,
    BufferCounts,
    counters_line,
    state_label,
)

TROUBLE = frozenset({ConnectionState.FAILED, ConnectionState.RATE_LIMITED,
                     ConnectionState.RECONNECTING, ConnectionState.STALE})
"""States whose reason is kept as the source's last error."""

HINT = "  S sources"
"""Said at the end of the line when it fits."""


class SourceDots:
    """Each source's newest status, in the order the sources were given."""

    def __init__(self, names: Sequence[str], colours: Mapping[str, str], kind: str,
                 descriptions: Mapping[str, str] | None = None) -> None:
        descriptions = descriptions or {}
        self.colours = dict(colours)
        self.statuses: dict[str, SourceStatus] = {
            name: SourceStatus(kind=kind, description=descriptions.get(name, ""), name=name)
            for name in names
        }
        self.last_error: dict[str, tuple[str, float]] = {}
        """Each source's last reason for not being live, and when it was seen."""

    def update(self, statuses: Sequence[SourceStatus], now: float) -> bool:
        """Take the newest statuses of named sources (at ``now``); returns whether any
        changed."""
        changed = False
        for status in statuses:
            if status.name and self.statuses.get(status.name) != status:
                self.statuses[status.name] = status
                if status.state in TROUBLE and status.detail:
                    self.last_error[status.name] = (status.detail, now)
                changed = True
        return changed

    def ordered(self) -> list[SourceStatus]:
        """The sources' statuses, worst state first."""
        return worst_first(self.statuses.values())

    def _dot(self, status: SourceStatus) -> Content:
        return Content.styled("●", STATE_STYLES[status.state])

    def _name(self, status: SourceStatus) -> Content:
        colour = self.colours.get(status.name)
        return Content.styled(status.name, f"bold {colour}" if colour else "bold")

    def line(self, now: float, width: int | None, zone: Zone | None = None) -> Content:
        """The dots line (see the module docstring)."""
        ordered = self.ordered()
        if not ordered:
            return Content("")
        worst = ordered[0]
        parts: list[Content] = []
        for status in ordered:
            part = self._dot(status) + Content(" ") + self._name(status)
            if status.state is not ConnectionState.LIVE:
                part += Content.styled(" " + state_label(status, now, None, zone),
                                       STATE_STYLES[status.state])
            if status is worst and worst.state is not ConnectionState.LIVE and worst.detail:
                part += Content(": ") + wire_content(worst.detail)
            parts.append(part)
        full = Content("  ").join(parts)
        if width is None or full.cell_length + len(HINT) <= width:
            return full + Content.styled(HINT, "$text-muted")
        # Compact: every dot, then the worst source and its reason, cut at the edge.
        dots = Content("").join(self._dot(status) for status in ordered)
        if worst.state is ConnectionState.LIVE:
            compact = dots + Content(f" {len(ordered)} live")
        else:
            compact = dots + Content(" ") + parts[0]
        if compact.cell_length + len(HINT) <= width:
            return compact + Content.styled(HINT, "$text-muted")
        if compact.cell_length > width:
            return compact.truncate(width - 1, ellipsis=True)
        return compact

    def render(self, combined: SourceStatus, counts: BufferCounts, now: float, *,
               width: int | None = None, quiet_for: float | None = None,
               zone: Zone | None = None) -> Content:
        """The whole status bar: the dots line, then the counters summed over the sources."""
        del quiet_for  # each source's own state says more than one quiet figure
        return Content("\n").join([self.line(now, width, zone),
                                   counters_line(combined, counts, width)])
