"""Textual's ANSI-to-truecolor line filter, handing back unchanged the lines it would not change.

Unless the theme is an ANSI one, Textual passes every line it draws through
:class:`~textual.filter.ANSIToTruecolor`, which makes a new segment for each segment of the
line and looks its style up in a cache keyed by style and background. The stream pane's rows
are drawn with a few styles, nearly all of them truecolor already, and under a fast stream
every row on screen is a new one each frame: the conversion was a tenth of such a frame.
:class:`QuickTruecolor` notes once per style whether the conversion changes it, and returns a
line whose styles all stay as they are untouched; any other line goes through Textual's filter.
"""

from __future__ import annotations

from typing import Final

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import ANSIToTruecolor, LineFilter

STYLES_KEPT: Final = 4096
"""Styles whose verdict is remembered before the memory starts over (rows use a few dozen)."""


def unchanged_by_conversion(style: Style) -> bool:
    """Whether :class:`ANSIToTruecolor` leaves ``style`` as it is: its colours are truecolor
    (or absent) and it is not dim over a colour (which the filter blends)."""
    color, bgcolor = style.color, style.bgcolor
    return (
        (color is None or color.triplet is not None)
        and (bgcolor is None or bgcolor.triplet is not None)
        and not (style.dim and color is not None)
    )


class QuickTruecolor(LineFilter):
    """``inner`` (the app's ANSI-to-truecolor filter), skipping lines it would not change."""

    def __init__(self, inner: ANSIToTruecolor) -> None:
        super().__init__(enabled=inner.enabled)
        self.inner = inner
        self._verdicts: dict[int, tuple[Style, bool]] = {}
        """By the style's identity (rows reuse their style objects): the style, kept alive so
        its identity is not reused, and whether the conversion leaves it unchanged."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        verdicts = self._verdicts
        for _text, style, _control in segments:
            if style is None:
                continue
            known = verdicts.get(id(style))
            if known is None:
                if len(verdicts) >= STYLES_KEPT:
                    verdicts.clear()
                known = verdicts[id(style)] = (style, unchanged_by_conversion(style))
            if not known[1]:
                return self.inner.apply(segments, background)
        return segments


def quick_filters(filters: list[LineFilter], kept: QuickTruecolor | None
                  ) -> tuple[list[LineFilter], QuickTruecolor | None]:
    """``filters`` with the ANSI-to-truecolor one wrapped (``kept``, the wrapper used last, is
    used again while it wraps the same filter: lines cache their results by filter)."""
    out: list[LineFilter] = []
    for line_filter in filters:
        if isinstance(line_filter, ANSIToTruecolor):
            if kept is None or kept.inner is not line_filter:
                kept = QuickTruecolor(line_filter)
            kept.enabled = line_filter.enabled
            out.append(kept)
        else:
            out.append(line_filter)
    return out, kept
