"""Rendering one entry as one row of cells for the stream pane (and its header).

Kept apart from the widget so the row layout can be tested without an app, and so the same
rendering serves the stream pane and the trace list in the detail pane.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from logtui.core.columns import Column, columns_for, layout_widths, row_style_key
from logtui.core.models import Entry
from logtui.tui.text import fit, wire_line

ORIGIN_MARKS: dict[str, str] = {"live": " ", "history": "·", "backfill": "+", "gap": "!"}
"""A one-cell gutter saying where an entry came from: live, loaded history, or gap backfill
(``!`` marks a gap row: entries the server never sent)."""


class RowRenderer:
    """Lays out a source's columns for a given width and renders entries as ``Text`` rows."""

    def __init__(self, kind: str, style_for: Callable[[str], Style]) -> None:
        self.kind = kind
        self.columns: tuple[Column, ...] = columns_for(kind)
        self._style_for = style_for
        self.width = 0
        self._widths: list[int] = []

    def resize(self, width: int) -> None:
        """Recompute column widths for a pane ``width`` cells wide."""
        self.width = width
        self._widths = layout_widths(self.columns, max(0, width - 1))

    def header(self) -> Text:
        """The column names, laid out like the rows."""
        row = Text(" ", no_wrap=True, end="")
        first = True
        for column, width in zip(self.columns, self._widths, strict=True):
            if not width:
                continue
            if not first:
                row.append(" ")
            first = False
            row.append_text(fit(Text(column.name), width, align_right=column.align_right))
        return row

    def row(self, entry: Entry) -> Text:
        """One entry as one row: every cell sanitised, cropped and styled."""
        if entry.origin == "gap":
            return self._gap_row(entry)
        row_key = row_style_key(self.kind, entry)
        row_style = self._style_for(row_key) if row_key else Style()
        row = Text(ORIGIN_MARKS.get(entry.origin, " "), no_wrap=True, end="")
        first = True
        for column, width in zip(self.columns, self._widths, strict=True):
            if not width:
                continue
            if not first:
                row.append(" ")
            first = False
            style = row_style
            if column.style is not None:
                cell_key = column.style(entry)
                if cell_key:
                    style = self._style_for(cell_key)
            try:
                value = column.extract(entry)
            except Exception:  # a hostile payload must never break rendering
                value = "?"
            row.append_text(fit(wire_line(value, style), width, align_right=column.align_right))
        return row

    def _gap_row(self, entry: Entry) -> Text:
        """A gap row: its whole message across the pane, in the gap style."""
        row = Text(ORIGIN_MARKS["gap"], no_wrap=True, end="")
        text = wire_line(entry.data.get("message", "entries not loaded"), self._style_for("gap"))
        row.append_text(fit(text, max(0, self.width - 1)))
        return row
