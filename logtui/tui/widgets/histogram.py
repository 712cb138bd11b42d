"""The stats pane's bar chart: counts over event time, stacked by level or status.

The bars come from :func:`logtui.core.histogram.build_histogram`, one per cell of the pane's
width; each is drawn in text blocks (eighths, so a short bar still shows) and coloured by the
value it counts, with the theme's text colours so it reads in dark and light themes alike.
Values came from the wire: the legend sanitises them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final

from textual.content import Content
from textual.widget import Widget

from logtui.core.histogram import SPANS, Histogram, build_histogram, span_label, style_key
from logtui.core.stats import OTHER
from logtui.tui.text import wire_content

BLOCKS: Final = " ▁▂▃▄▅▆▇█"
"""A cell filled by 0..8 eighths, from the bottom."""
BAR_ROWS: Final = 4
"""Rows of the bars; the chart is these, a scale line and a legend."""

COLOURS: Final[Mapping[str, str]] = {
    "level-error": "$text-error",
    "level-warn": "$text-warning",
    "level-info": "$text-primary",
    "level-debug": "$text-muted",
    "status-1xx": "$text-muted",
    "status-2xx": "$text-success",
    "status-3xx": "$text-secondary",
    "status-4xx": "$text-warning",
    "status-5xx": "$text-error",
    "dns-blocked": "$text-error",
    "dns-allowed": "$text-success",
    "dns-error": "$text-warning",
}
"""Bar colours by style key, as the stream pane colours its rows."""
DEFAULT_COLOUR: Final = "$text-accent"
OTHER_COLOUR: Final = "$text-muted"


def colour_of(value: str) -> str:
    """The colour of one value's part of a bar."""
    if value == OTHER:
        return OTHER_COLOUR
    return COLOURS.get(style_key(value), DEFAULT_COLOUR)


def bar_cells(bar: tuple[int, ...], tallest: int, rows: int) -> list[tuple[str, int]]:
    """One bar, bottom cell first: each cell's block and the index of the value it shows
    (-1 for an empty cell). A non-empty bar is at least one eighth high."""
    total = sum(bar)
    eighths = rows * 8
    if total <= 0 or tallest <= 0:
        return [(" ", -1)] * rows
    height = max(1, round(total * eighths / tallest))
    tops: list[float] = []
    running = 0
    for count in bar:
        running += count
        tops.append(running * height / total)
    cells: list[tuple[str, int]] = []
    for row in range(rows):
        low = row * 8
        filled = min(8, height - low)
        if filled <= 0:
            cells.append((" ", -1))
            continue
        middle = low + filled / 2
        index = next((i for i, top in enumerate(tops) if middle < top), len(bar) - 1)
        cells.append((BLOCKS[filled], index))
    return cells


def render_histogram(histogram: Histogram, group_title: str, span: int | None,
                     rows: int = BAR_ROWS, width: int | None = None) -> Content:
    """The chart as lines of text: the bars, a scale line and a legend (each line cut to
    ``width``, so a narrow pane loses the legend's tail rather than a line)."""
    tallest = histogram.tallest
    columns = [bar_cells(bar, tallest, rows) for bar in histogram.bars]
    colours = [colour_of(key) for key in histogram.keys]
    lines: list[Content] = []
    for row in reversed(range(rows)):
        parts = []
        for cells in columns:
            block, index = cells[row]
            parts.append(Content.styled(block, colours[index]) if index >= 0 else Content(" "))
        lines.append(Content("").join(parts))
    per = histogram.bar_seconds
    per_text = f"{per}s" if per < 60 or per % 60 else f"{per // 60} min"
    lines.append(Content.styled(
        f"{span_label(span)} · {group_title} · max {tallest:,}/{per_text}", "$text-muted"
    ))
    legend = [
        Content.styled("■ ", colour) + wire_content(key[:16] or "∅")
        + Content.styled(f" {count:,}", "$text-muted")
        for key, colour, count in zip(histogram.keys, colours, histogram.totals, strict=True)
    ]
    lines.append(
        Content(" ").join(legend) if legend else Content.styled("no events", "$text-muted")
    )
    if width is not None:
        lines = [line.truncate(width, ellipsis=True) for line in lines]
    return Content("\n").join(lines)


class HistogramChart(Widget):
    """Counts over event time, one bar per cell of width; ``zoom`` picks the span."""

    DEFAULT_CSS = """
    HistogramChart {
        height: 6;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.span_index = 1
        """Index in :data:`~logtui.core.histogram.SPANS`: five minutes to start with."""
        self._by_second: Mapping[int, Mapping[str, int]] = {}
        self._now_second = 0
        self._title = ""
        self._drawn: Hashable = None
        """What the chart was drawn from when last drawn (see :meth:`_looks`)."""

    @property
    def span(self) -> int | None:
        """The seconds shown, or None for everything counted."""
        return SPANS[self.span_index]

    def show(self, by_second: Mapping[int, Mapping[str, int]], now: float, title: str) -> None:
        """Redraw from the tracker's per-second counts at ``now``, if the chart changed (it is
        called every second; bars many seconds wide mostly stay as they were). Compared by
        what it is drawn from, not drawn to compare."""
        self._by_second = by_second
        self._now_second = int(now)
        self._title = title
        if self._drawn is None or self._drawn != self._looks(self.histogram()):
            self.refresh()

    def zoom(self, step: int) -> None:
        """Narrower (``step`` < 0) or wider span, stopping at the ends."""
        self.span_index = min(len(SPANS) - 1, max(0, self.span_index + step))
        self.refresh()

    def cycle(self) -> None:
        """The next span, wrapping from everything back to a minute."""
        self.span_index = (self.span_index + 1) % len(SPANS)
        self.refresh()

    def histogram(self) -> Histogram:
        """The bars for the current width and span."""
        return build_histogram(self._by_second, self._now_second, self.span,
                               max(1, self.content_size.width))

    def _looks(self, histogram: Histogram) -> Hashable:
        """Everything the chart is drawn from (its first second is not drawn)."""
        return (histogram.keys, histogram.bars, histogram.totals, histogram.bar_seconds,
                self._title, self.span, self.content_size)

    def render(self) -> Content:
        histogram = self.histogram()
        self._drawn = self._looks(histogram)
        size = self.content_size
        return render_histogram(histogram, self._title, self.span, max(1, size.height - 2),
                                size.width)
