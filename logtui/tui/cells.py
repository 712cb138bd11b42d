"""A row as styled pieces of text, turned straight into a screen line's segments.

Building a row through Rich ``Text`` (copies, span lists, ``truncate``, ``divide``, a render that
sorts every span boundary, then a strip restyled and cropped) cost about half a millisecond a
row, and a redraw after a key draws every row of the pane. Here a row is a list of *pieces*:
a run of text and the styles laid on it, in the order Rich would have stacked them (the cell's
style, then each highlight, then the cursor). A piece's final style is the pane's base style
plus those styles combined, computed once per distinct stack (:class:`StyleMixer`), so a row
is a few string slices and one segment per piece.

The result is the same screen line, style for style, as the ``Text`` path in
:mod:`logtui.tui.rows` (tests compare the two); text is sanitised by the caller, as there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Styles = tuple[Style, ...]
"""The styles laid on a piece of text, first to last (none of them null)."""

Piece = tuple[str, Styles]
"""A run of text and its styles."""

ELLIPSIS = "…"
"""What ends a cell cut to fit its column (as Rich's ``truncate`` does)."""


def text_cells(text: str) -> int:
    """Cells ``text`` takes on screen (ASCII: one a character)."""
    return len(text) if text.isascii() else cell_len(text)


def cell_pieces(
    text: str,
    styles: Styles,
    highlights: Sequence[tuple[re.Pattern[str], Style]],
    width: int | None,
    *,
    align_right: bool = False,
    pad_to: int = 0,
) -> list[Piece]:
    """One cell: ``text`` under ``styles`` with every highlight match, fitted to ``width``
    cells (cut with an ellipsis, padded with spaces; ``None``: not fitted, only padded up to
    ``pad_to`` cells)."""
    spans: list[tuple[int, int, Style]] = []
    for pattern, style in highlights:
        if style:
            spans.extend(
                (match.start(), match.end(), style)
                for match in pattern.finditer(text)
                if match.end() > match.start()
            )
    cells = text_cells(text)
    target = pad_to
    if width is not None:
        target = width
        if cells > width:
            text = (text[: width - 1] if text.isascii() else set_cell_size(text, width - 1))
            text += ELLIPSIS
            cells = width
            end = len(text)
            spans = [(start, min(stop, end), style) for start, stop, style in spans
                     if start < end]
    pieces = _split(text, styles, spans) if spans else [(text, styles)] if text else []
    missing = target - cells
    if missing > 0:
        # Padded on the right, the spaces are part of the cell and take its style; on the
        # left (a right-aligned number) they stand before it, bare.
        if align_right:
            pieces.insert(0, (" " * missing, ()))
        else:
            pieces.append((" " * missing, styles))
    return pieces


def _split(text: str, styles: Styles, spans: list[tuple[int, int, Style]]) -> list[Piece]:
    """``text`` cut at every span's edges, each run carrying the spans that cover it, in
    order."""
    edges = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[Piece] = []
    for start, stop in pairwise(edges):
        extra = tuple(style for s, e, style in spans if s <= start and e >= stop)
        pieces.append((text[start:stop], styles + extra))
    return pieces


def drop_chars(pieces: list[Piece], count: int) -> list[Piece]:
    """``pieces`` without their first ``count`` characters (a sideways scroll)."""
    if count <= 0:
        return pieces
    out: list[Piece] = []
    for text, styles in pieces:
        if count >= len(text):
            count -= len(text)
            continue
        out.append((text[count:], styles) if count else (text, styles))
        count = 0
    return out


def with_style(pieces: list[Piece], style: Style) -> list[Piece]:
    """Every piece with ``style`` laid on top (the cursor row)."""
    if not style:
        return pieces
    return [(text, (*styles, style)) for text, styles in pieces]


class StyleMixer:
    """The final style of a stack of styles over a base, combined once per distinct stack."""

    def __init__(self) -> None:
        self._base = Style()
        self._mixed: dict[Styles, Style] = {}

    def over(self, base: Style) -> dict[Styles, Style]:
        """The combined styles over ``base`` so far (filled in by :meth:`mix`)."""
        if base is not self._base and base != self._base:
            self._base = base
            self._mixed = {}
        return self._mixed

    def mix(self, styles: Styles) -> Style:
        """The current base plus ``styles`` combined in order (as Rich renders stacked spans)."""
        base = self._base
        mixed = base + Style.combine(styles) if styles else base
        self._mixed[styles] = mixed
        return mixed

    def clear(self) -> None:
        """Forget the combined styles (the styles they were made of changed)."""
        self._mixed = {}


def to_strip(pieces: list[Piece], width: int, base: Style, mixer: StyleMixer) -> Strip:
    """The pieces as one screen line exactly ``width`` cells wide: cut at the edge, or padded
    with the base style."""
    mixed = mixer.over(base)
    mix = mixer.mix
    if all(text.isascii() for text, _ in pieces):
        total = sum(len(text) for text, _ in pieces)
        segments = _joined(pieces, mixed, mix)
        if total > width:
            return Strip(_cut_ascii(segments, width), width)
    else:
        total = sum(cell_len(text) for text, _ in pieces)
        if total > width:
            # Textual's own cut, on a segment a piece (where a zero-width character at the
            # edge goes depends on where segments end: as the ``Text`` row's did).
            return Strip(
                [Segment(text, mixed.get(styles) or mix(styles)) for text, styles in pieces],
                total,
            ).crop(0, width)
        segments = _joined(pieces, mixed, mix)
    if total < width:
        segments.append(Segment(" " * (width - total), base))
    return Strip(segments, width)


def _joined(
    pieces: list[Piece], mixed: dict[Styles, Style], mix: Callable[[Styles], Style]
) -> list[Segment]:
    """A segment a run of pieces under the same styles: less for Textual to cut and write."""
    segments: list[Segment] = []
    run: list[str] = []
    run_styles: Styles = ()
    for text, styles in pieces:
        if styles != run_styles and run:
            segments.append(Segment("".join(run), mixed.get(run_styles) or mix(run_styles)))
            run = []
        run.append(text)
        run_styles = styles
    if run:
        segments.append(Segment("".join(run), mixed.get(run_styles) or mix(run_styles)))
    return segments


def _cut_ascii(segments: list[Segment], width: int) -> list[Segment]:
    out: list[Segment] = []
    room = width
    for segment in segments:
        length = len(segment.text)
        if length >= room:
            if room:
                out.append(Segment(segment.text[:room], segment.style))
            break
        out.append(segment)
        room -= length
    return out
