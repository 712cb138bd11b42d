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
        """The dots line (see the module docstring): the first of these that fits ``width``:
        every source named with the worst's reason, the reason cut to fit, no reason, the
        live sources as bare dots, every dot and the worst source cut at the edge."""
        ordered = self.ordered()
        if not ordered:
            return Content("")
        worst = ordered[0]
        named = [self._named(status, now, zone) for status in ordered]
        reason = (
            wire_content(worst.detail)
            if worst.state is not ConnectionState.LIVE and worst.detail else None
        )
        gap = Content("  ")
        full = gap.join([named[0] + Content(": ") + reason, *named[1:]]) if reason else (
            gap.join(named))
        hint = Content.styled(HINT, "$text-muted")
        if width is None or full.cell_length + len(HINT) <= width:
            return full + hint
        if full.cell_length <= width:
            return full
        bare = gap.join(named)
        room = width - bare.cell_length - 2
        if reason is not None and room >= 10:
            cut = reason.truncate(room, ellipsis=True)
            return gap.join([named[0] + Content(": ") + cut, *named[1:]])
        if bare.cell_length <= width:
            return bare + hint if bare.cell_length + len(HINT) <= width else bare
        troubled = [part for part, s in zip(named, ordered, strict=True)
                    if s.state is not ConnectionState.LIVE]
        live = [s for s in ordered if s.state is ConnectionState.LIVE]
        if live:
            troubled.append(Content("").join(self._dot(s) for s in live)
                            + Content(f" {len(live)} live"))
        short = gap.join(troubled)
        if short.cell_length <= width:
            return short
        dots = Content("").join(self._dot(status) for status in ordered)
        compact = dots + Content(" ") + self._named(worst, now, zone, dot=False)
        return compact.truncate(width - 1, ellipsis=True) if compact.cell_length > width \
            else compact

    def _named(self, status: SourceStatus, now: float, zone: Zone | None, *,
               dot: bool = True) -> Content:
        """``● name`` with the state when it is not live."""
        part = self._name(status)
        if dot:
            part = self._dot(status) + Content(" ") + part
        if status.state is not ConnectionState.LIVE:
            part += Content.styled(" " + state_label(status, now, None, zone),
                                   STATE_STYLES[status.state])
        return part

    def render(self, combined: SourceStatus, counts: BufferCounts, now: float, *,
               width: int | None = None, quiet_for: float | None = None,
               zone: Zone | None = None) -> Content:
        """The whole status bar: the dots line, then the counters summed over the sources."""
        del quiet_for  # each source's own state says more than one quiet figure
        return Content("\n").join([self.line(now, width, zone),
                                   counters_line(combined, counts, width)])
