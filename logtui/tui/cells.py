"""A row as styled pieces of text, turned straight into a screen line's segments.

Building a row through Rich ``Text`` (copies, span lists, ``truncate``, ``divide``, a render that
sorts every span boundary, then a strip restyled and cropped) cost about half a millisecond a
row, and a redraw after a key draws every row of the pane. Here a row is a list of *pieces*:
a run of text and the keys of the styles laid on it, in the order Rich would have stacked
them (the cell's style, then each highlight, then the cursor). A piece's final style is the
pane's base style plus those styles combined, computed once per distinct stack of keys
(:class:`StyleMixer`; keys, not ``Style`` objects, since a tuple of strings hashes and compares
in C), so a row is a few string slices and a segment per run of pieces under the same keys.

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

Styles = tuple[str, ...]
"""The keys of the styles laid on a piece of text, first to last (none naming a null style)."""

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
    highlights: Sequence[tuple[re.Pattern[str], str]],
    width: int | None,
    *,
    align_right: bool = False,
    pad_to: int = 0,
) -> list[Piece]:
    """One cell: ``text`` under ``styles`` with every match of a highlight's pattern under its
    style key too, fitted to ``width`` cells (cut with an ellipsis, padded with spaces;
    ``None``: not fitted, only padded up to ``pad_to`` cells)."""
    spans: list[tuple[int, int, str]] = []
    for pattern, key in highlights:
        spans.extend(
            (match.start(), match.end(), key)
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
    missing = target - cells
    if not spans and not align_right:
        return [(text + " " * missing, styles)] if missing > 0 else [(text, styles)] if text else []
    pieces = _split(text, styles, spans) if spans else [(text, styles)] if text else []
    if missing > 0:
        # Padded on the right, the spaces are part of the cell and take its style; on the
        # left (a right-aligned number) they stand before it, bare.
        if align_right:
            pieces.insert(0, (" " * missing, ()))
        else:
            pieces.append((" " * missing, styles))
    return pieces


def _split(text: str, styles: Styles, spans: list[tuple[int, int, str]]) -> list[Piece]:
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


def with_style(pieces: list[Piece], key: str) -> list[Piece]:
    """Every piece with the style ``key`` names laid on top (the cursor row)."""
    return [(text, (*styles, key)) for text, styles in pieces]


class StyleMixer:
    """The final style of a stack of style keys over a base, combined once per distinct stack."""

    def __init__(self, style_for: Callable[[str], Style]) -> None:
        self._style_for = style_for
        self._base = Style()
        self._mixed: dict[Styles, Style] = {}

    def over(self, base: Style) -> dict[Styles, Style]:
        """The combined styles over ``base`` so far (filled in by :meth:`mix`)."""
        if base is not self._base and base != self._base:
            self._base = base
            self._mixed = {}
        return self._mixed

    def mix(self, styles: Styles) -> Style:
        """The current base plus the styles ``styles`` names, combined in order (as Rich
        renders stacked spans)."""
        base = self._base
        style_for = self._style_for
        mixed = base + Style.combine([style_for(key) for key in styles]) if styles else base
        self._mixed[styles] = mixed
        return mixed

    def clear(self) -> None:
        """Forget the combined styles (the styles they were made of changed)."""
        self._mixed = {}


def to_strip(pieces: list[Piece], width: int, base: Style, mixer: StyleMixer) -> Strip:
    """The pieces as one screen line exactly ``width`` cells wide: cut at the edge, or padded
    with the base style."""
    mixed = mixer.over(base)
    line = "".join([text for text, _ in pieces])
    if line.isascii():
        total = len(line)
        segments = _joined(pieces, mixed, mixer.mix)
        if total > width:
            return Strip(_cut_ascii(segments, width), width)
    else:
        total = cell_len(line)
        if total > width:
            # Textual's own cut, on a segment a piece (where a zero-width character at the
            # edge goes depends on where segments end: as the ``Text`` row's did).
            return Strip(
                [Segment(text, _style(mixed, mixer.mix, styles)) for text, styles in pieces],
                total,
            ).crop(0, width)
        segments = _joined(pieces, mixed, mixer.mix)
    if total < width:
        segments.append(Segment(" " * (width - total), base))
    return Strip(segments, width)


def _style(mixed: dict[Styles, Style], mix: Callable[[Styles], Style], styles: Styles) -> Style:
    style = mixed.get(styles)
    return mix(styles) if style is None else style


def _joined(
    pieces: list[Piece], mixed: dict[Styles, Style], mix: Callable[[Styles], Style]
) -> list[Segment]:
    """A segment a run of pieces under the same styles: less for Textual to cut and write."""
    segments: list[Segment] = []
    run: list[str] = []
    run_styles: Styles = ()
    for text, styles in pieces:
        if styles != run_styles and run:
            segments.append(Segment("".join(run), _style(mixed, mix, run_styles)))
            run = []
        run.append(text)
        run_styles = styles
    if run:
        segments.append(Segment("".join(run), _style(mixed, mix, run_styles)))
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
