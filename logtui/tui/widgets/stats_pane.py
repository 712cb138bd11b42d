"""The stats pane: events per second as a sparkline, a histogram over event time, and counts
by level, status and source.

The histogram's span zooms with ``+``/``-`` (or ``>``/``<``) while the pane has focus (a click
or tab gives it), and the app's ``H`` cycles it from anywhere.

Counts follow the current filter (the tracker is fed the matching entries and recounted when the
filter changes) and the pane's subtitle says so; for proxy-logs the server's own
``/_logs/stats`` totals are shown under them when available. Every counted value came from the
wire, so each is sanitised and added as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from logtui.core.apis import profile_for
from logtui.core.stats import StatsSnapshot
from logtui.tui.repaint import BottomEdgeSubtitle, show_content
from logtui.tui.text import safe_line, wire_content
from logtui.tui.widgets.histogram import HistogramChart
from logtui.tui.widgets.lines_view import Items, Line, LinesView

TOP_N = 4
"""Values shown per breakdown."""


def counts_line(title: str, counts: Iterable[tuple[str, int]], limit: int = TOP_N) -> Items:
    """``Title: a 12 · b 7 · c 1``, the largest first, values sanitised (a narrow pane wraps
    it between values, never between a value and its count)."""
    parts = tuple(
        ((safe_line(str(name)[:28]) or "∅", ""), (f" {count:,}", "$accent"))
        for name, count in list(counts)[:limit]
    )
    return Items((f"{title}: ", "bold"), parts or ((("—", "$text-muted"),),))


def server_lines(
    server: Mapping[str, Any], title: str, groups: tuple[tuple[str, str], ...]
) -> list[Line]:
    """The server's own statistics (the ``groups`` its API profile names), or why they are
    missing."""
    if "error" in server:
        return [Content.styled("server stats: ", "bold")
                + wire_content(str(server["error"]), "$text-muted")]
    total = server.get("total")
    heading = title
    if isinstance(total, int) and not isinstance(total, bool):
        heading += f" · server total {total:,}"
    lines: list[Line] = [Content.styled(heading, "bold underline")]
    for key, group_title in groups:
        value = server.get(key)
        if isinstance(value, Mapping):
            ranked = sorted(
                ((str(name), count) for name, count in value.items()
                 if isinstance(count, int) and not isinstance(count, bool)),
                key=lambda item: -item[1],
            )
            lines.append(counts_line(group_title, ranked))
    return lines


class StatsPane(BottomEdgeSubtitle, Vertical, can_focus=True):
    """Rate and sparkline on top, the histogram, then breakdowns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,greater_than_sign", "zoom(-1)", "Zoom in", show=False,
                id="stats.zoom_in"),
        Binding("minus,less_than_sign", "zoom(1)", "Zoom out", show=False,
                id="stats.zoom_out"),
    ]

    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self._rate = Static("", id="stats-rate", markup=False)
        self._sparkline = Sparkline([0], id="stats-sparkline")
        self.histogram = HistogramChart(id="stats-histogram")
        self.counts = LinesView(id="stats-counts")

    def compose(self) -> ComposeResult:
        yield self._rate
        yield self._sparkline
        yield self.histogram
        yield self.counts

    def action_zoom(self, step: int) -> None:
        """A narrower (``step`` -1) or wider (+1) histogram span."""
        self.histogram.zoom(step)

    def show(
        self, snapshot: StatsSnapshot, filtered: bool, server: Mapping[str, Any] | None,
        sources: Sequence[Content] = (),
    ) -> None:
        """Redraw from a stats snapshot; ``filtered`` says the counts follow a filter;
        ``sources`` are the lines splitting the counts by source (several sources).

        Only what changed is repainted: the app calls this every second, traffic or not.
        """
        self._sparkline.data = list(snapshot.per_second) or [0]  # a reactive: compared first
        # The count lives in the border, so a narrow pane never splits label from number.
        subtitle = (
            f"{snapshot.total:,} matching the filter" if filtered
            else f"received {snapshot.total:,} · all entries"
        )
        self.set_subtitle(subtitle)
        minutes = snapshot.window_seconds // 60
        window = f"{minutes} min" if minutes else f"{snapshot.window_seconds}s"
        estimate = " · counts estimated (sampled)" if snapshot.sampled else ""
        show_content(
            self._rate,
            Content.assemble(
                ("events/s ", "bold"),
                (f"over {window}: now {snapshot.rate:,.1f}/s", ""),
                (estimate, "$text-muted"),
            )
        )
        by = snapshot.histogram_group
        self.set_class(by is not None, "-with-histogram")
        if by is not None:
            title = next((g.title for g in snapshot.groups if g.name == by), by)
            self.histogram.show(snapshot.by_second, snapshot.at, title.lower())
        lines: list[Line] = [*sources,
                             *(counts_line(group.title, group.counts) for group in snapshot.groups)]
        if server:
            profile = profile_for(self.kind)
            lines.extend(
                server_lines(server, profile.server_stats_title, profile.server_stats_groups)
            )
        self.counts.show_lines(lines)
