"""Rendering one entry as one row of cells for the stream pane (and its header).

Kept apart from the widget so the row layout can be tested without an app, and so the same
rendering serves the stream pane and the trace list in the detail pane.

Each column is as wide as its header or the widest value seen so far, up to its width in
:mod:`logtui.core.columns` (a cap); widths only grow, so rows do not jump about. The last
(flex) column takes what is left.

A row is a *pinned* part (the mark and origin gutter, then the time column) and a *scrolling*
part (the other columns, the flex column last and never cut, so a long URL can be read by
scrolling sideways or wrapping the row). Search and filter matches are highlighted in both.

A one-line row is drawn from :meth:`RowRenderer.strip`, built straight as segments from styled
pieces (:mod:`logtui.tui.cells`, four to five times cheaper); the ``Text`` rows (:meth:`row`,
:meth:`wrapped`) draw wrapped rows and are the reference the pieces are tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from logtui.core.columns import Column, columns_for, layout_widths, row_style_key
from logtui.core.eventtime import Zone, time_text, zone_label
from logtui.core.models import Entry
from logtui.tui.cells import (
    Piece,
    StyleMixer,
    Styles,
    cell_pieces,
    drop_chars,
    to_strip,
    with_style,
)
from logtui.tui.search import Highlight
from logtui.tui.text import fit, safe_line, wire_line

ORIGIN_MARKS: dict[str, str] = {"live": " ", "history": "·", "backfill": "+", "gap": "!"}
"""A one-cell gutter saying where an entry came from: live, loaded history, or gap backfill
(``!`` marks a gap row: entries the server never sent)."""

LATE_MARK: str = "~"
"""The gutter sign of an entry that arrived after later ones of other sources had been shown,
beyond the merge's reorder window: it stands where it arrived, not where its time puts it."""

MARK: str = "▌"
"""The left-margin sign of an entry the user marked (``m``)."""

GUTTER = 2
"""Cells before the first column: the user's mark, then the origin mark."""


def ordered(columns: Sequence[Column]) -> tuple[Column, ...]:
    """The columns with the flex (free-text) ones last, where they can run past the edge."""
    return (*(c for c in columns if not c.flex), *(c for c in columns if c.flex))


class RowRenderer:
    """Lays out a source's columns for a given width and renders entries as ``Text`` rows."""

    def __init__(self, kind: str, style_for: Callable[[str], Style]) -> None:
        self.kind = kind
        self._style_for = style_for
        self.width = 0
        self._widths: list[int] = []
        self.columns: tuple[Column, ...] = ()
        self._needed: list[int] = []
        self.set_columns(columns_for(kind))
        self.zone: Zone = "utc"
        """The zone of the time column."""
        self.offset = 0
        """Cells the scrolling part is shifted left (sideways scroll)."""
        self.highlights: tuple[Highlight, ...] = ()
        """Text to highlight in every row (search, filter terms)."""
        self._mixer = StyleMixer(style_for)

    def set_columns(self, columns: Sequence[Column], exact: frozenset[str] = frozenset()) -> None:
        """Show ``columns`` (the profile's, or the user's choice); those named in ``exact``
        are as wide as their width at once (a width the user set), not as their values."""
        self.columns = ordered(columns)
        self._needed = [
            column.width if column.flex or column.name == "time" or column.name in exact
            else len(column.name)
            for column in self.columns
        ]
        if self.width:
            self.resize(self.width)

    def resize(self, width: int) -> None:
        """Recompute column widths for a pane ``width`` cells wide."""
        self.width = width
        sized = tuple(
            replace(column, width=min(column.width, needed))
            for column, needed in zip(self.columns, self._needed, strict=True)
        )
        self._widths = layout_widths(sized, max(0, width - GUTTER))

    def observe(self, entries: Sequence[Entry]) -> bool:
        """Widen columns (up to their cap) to fit these entries' values; returns whether any
        column grew (rows drawn before are then out of date)."""
        grew = False
        for index, column in enumerate(self.columns):
            needed = self._needed[index]
            if column.flex or needed >= column.width:
                continue
            for entry in entries:
                if entry.origin == "gap":
                    continue
                try:
                    value = column.extract(entry)
                    # Sanitised ASCII keeps one cell a character (controls become pictures).
                    length = len(value) if value.isascii() else cell_len(safe_line(value))
                except Exception:  # a hostile payload must never break rendering  # noqa: S112
                    continue
                if length > needed:
                    needed = min(column.width, length)
            if needed > self._needed[index]:
                self._needed[index] = needed
                grew = True
        if grew:
            self.resize(self.width)
        return grew

    @property
    def pinned_width(self) -> int:
        """Cells of the part that does not scroll sideways: the gutter and the time column."""
        if self.columns and self.columns[0].name == "time" and self._widths and self._widths[0]:
            return GUTTER + self._widths[0] + 1
        return GUTTER

    def header(self) -> Text:
        """The column names, laid out like the rows (the time column names its zone)."""
        cells = [
            Text(f"time {zone_label(self.zone)}" if column.name == "time" else column.name)
            for column in self.columns
        ]
        pinned, rest = self._assemble(Text(" " * GUTTER, end=""), cells)
        return pinned + self._shifted(rest)

    def row(self, entry: Entry, *, marked: bool = False) -> Text:
        """One entry as one screen line: every cell sanitised, cropped and styled."""
        pinned, rest = self.parts(entry, marked=marked)
        return pinned + self._shifted(rest)

    def strip(self, entry: Entry, base: Style, *, marked: bool = False,
              selected: bool = False) -> Strip:
        """The same line as :meth:`row` (under the ``cursor`` style if ``selected``) as a strip
        exactly :attr:`width` cells wide over ``base``, built from pieces, not ``Text``."""
        return to_strip(self.pieces(entry, marked=marked, selected=selected), self.width, base,
                        self._mixer)

    def forget_styles(self) -> None:
        """The styles rows are drawn with changed: combine them afresh."""
        self._mixer.clear()

    def pieces(self, entry: Entry, *, marked: bool = False,
               selected: bool = False) -> list[Piece]:
        """:meth:`row` as pieces: the gutter and time, then the scrolling part shifted left by
        :attr:`offset`; each character carries the keys of the styles ``row`` (then the cursor)
        stacks on it, in order (Rich lays no span of a null style: nor do pieces)."""
        style_for = self._style_for
        mark: Styles = ("mark",) if style_for("mark") else ()
        cursor = "cursor" if selected and style_for("cursor") else ""
        highlights = [(h.pattern, h.style_key) for h in self.highlights if style_for(h.style_key)]
        mark_sign = MARK if marked else " "
        if entry.origin == "gap":
            # ``row`` draws a gap row as a ``Text`` whose own style is the mark's: it lies
            # under every character, the gap's style over the message.
            gap: Styles = ("gap",) if style_for("gap") else ()
            message = safe_line(str(entry.data.get("message", "entries not loaded")))
            row = [(mark_sign, mark), ("!", mark), *drop_chars(
                cell_pieces(message, mark + gap, highlights, None),
                self.offset,
            )]
            if cursor:
                return with_style(row, cursor)
            if all(styles == mark for _, styles in row):
                # Rich draws a ``Text`` with no spans without its own style (the mark's here).
                return [(text, ()) for text, _ in row]
            return row
        row_key = row_style_key(self.kind, entry)
        row_styles: Styles = (row_key,) if row_key and style_for(row_key) else ()
        sign = LATE_MARK if entry.late else ORIGIN_MARKS.get(entry.origin, " ")
        pinned: list[Piece] = [(mark_sign, mark), (sign, mark + row_styles)]
        rest: list[Piece] = []
        widths = self._widths
        last = max((i for i, width in enumerate(widths) if width), default=-1)
        started = False
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            if not width:
                continue
            styles = row_styles
            if column.style is not None:
                cell_key = column.style(entry)
                if cell_key:
                    styles = (cell_key,) if style_for(cell_key) else ()
            try:
                value = time_text(entry, self.zone) if column.name == "time" else (
                    column.extract(entry))
            except Exception:  # a hostile payload must never break rendering
                value = "?"
            text = safe_line(str(value))
            if index == 0 and column.name == "time":
                pinned += cell_pieces(text, styles, highlights, width,
                                      align_right=column.align_right)
                pinned.append((" ", ()))
                continue
            if started:
                rest.append((" ", ()))
            started = True
            if index == last and column.flex:  # never cut: scroll or wrap
                rest += cell_pieces(text, styles, highlights, None, pad_to=width)
            else:
                rest += cell_pieces(text, styles, highlights, width,
                                    align_right=column.align_right)
        row = pinned + drop_chars(rest, self.offset)
        return with_style(row, cursor) if cursor else row

    def wrapped(self, entry: Entry, *, marked: bool = False) -> list[Text]:
        """One entry as as many screen lines as its text needs; the continuation lines are
        indented under the first scrolling column."""
        pinned, rest = self.parts(entry, marked=marked)
        rest.rstrip()
        room = max(1, self.width - pinned.cell_len)
        # Cut at the pane's edge, not at spaces: a log line is read like a terminal shows it.
        lines = rest.divide(range(room, len(rest), room)) if len(rest) > room else [rest]
        indent = Text(" " * pinned.cell_len, end="")
        return [(pinned if number == 0 else indent) + line for number, line in enumerate(lines)]

    def parts(self, entry: Entry, *, marked: bool = False) -> tuple[Text, Text]:
        """The pinned part (gutter and time) and the scrolling part of an entry's row."""
        mark = Text(MARK if marked else " ", style=self._style_for("mark"), end="")
        if entry.origin == "gap":
            gutter = mark + Text(ORIGIN_MARKS["gap"], end="")
            text = wire_line(entry.data.get("message", "entries not loaded"),
                             self._style_for("gap"))
            self._highlight(text)
            return gutter, text
        row_key = row_style_key(self.kind, entry)
        row_style = self._style_for(row_key) if row_key else Style()
        sign = LATE_MARK if entry.late else ORIGIN_MARKS.get(entry.origin, " ")
        gutter = mark + Text(sign, style=row_style, end="")
        cells: list[Text] = []
        for column in self.columns:
            style = row_style
            if column.style is not None:
                cell_key = column.style(entry)
                if cell_key:
                    style = self._style_for(cell_key)
            try:
                value = time_text(entry, self.zone) if column.name == "time" else (
                    column.extract(entry))
            except Exception:  # a hostile payload must never break rendering
                value = "?"
            cell = wire_line(value, style)
            self._highlight(cell)
            cells.append(cell)
        return self._assemble(gutter, cells)

    def _assemble(self, gutter: Text, cells: list[Text]) -> tuple[Text, Text]:
        pinned = Text(no_wrap=True, end="").append_text(gutter)
        rest = Text(no_wrap=True, end="")
        last = max((i for i, width in enumerate(self._widths) if width), default=-1)
        started = False
        for index, (column, cell, width) in enumerate(
            zip(self.columns, cells, self._widths, strict=True)
        ):
            if not width:
                continue
            if index == 0 and column.name == "time":
                pinned.append_text(fit(cell, width, align_right=column.align_right))
                pinned.append(" ")
                continue
            if started:
                rest.append(" ")
            started = True
            if index == last and column.flex:
                cell = cell.copy()
                if cell.cell_len < width:
                    cell.pad_right(width - cell.cell_len)
                rest.append_text(cell)  # the last flex column is never cut: scroll or wrap
            else:
                rest.append_text(fit(cell, width, align_right=column.align_right))
        return pinned, rest

    def _shifted(self, rest: Text) -> Text:
        """The scrolling part shifted left by :attr:`offset` and cut at the pane's edge."""
        shifted = rest[self.offset:] if self.offset else rest
        shifted.no_wrap = True
        return shifted

    def _highlight(self, text: Text) -> None:
        for highlight in self.highlights:
            highlight.apply(text, self._style_for(highlight.style_key))
