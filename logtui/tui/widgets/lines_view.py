"""Lines of text that repaint only the rows that changed.

A ``Static`` renders all of its text again when any of it changes (every line wrapped, every
span styled) and repaints every row of it. The stats pane's counts change every second, a line
or two at a time, and an almost idle dashboard spent a fifth of its screen update on them.
:class:`LinesView` keeps the rows each logical line rendered to, by what the line shows and the
width it was wrapped at: a line that shows what it showed is not rendered again, and only rows
that changed are repainted (a layout pass only when the number of rows changes).

A logical line is a :class:`~textual.content.Content`, word-wrapped as a ``Static`` wraps it, or
:class:`Items`: a heading and items that wrap between items, never inside one, so a label is
never split from its count.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from logtui.tui.repaint import content_key

__all__ = ["Items", "Line", "LinesView", "Piece", "Row", "line_key"]


Piece: TypeAlias = tuple[str, str]
"""Text (already safe to show) and the style it is drawn in."""
Row: TypeAlias = tuple[Piece, ...]
"""One row of an :class:`Items` line, as pieces: also the key its render is kept by."""


@dataclass(frozen=True, slots=True)
class Items:
    """A heading and items, wrapped between items: ``Level: info 12 · warn 3`` and, when the
    next item does not fit, a row of its own starting with :attr:`indent`.

    Made of plain strings, so comparing two and laying one out cost next to nothing: only a
    row that is new is turned into styled text and rendered.
    """

    heading: Piece
    items: tuple[Row, ...]
    separator: str = " · "
    indent: str = "  "

    def rows(self, width: int) -> list[Row]:
        """The rows at ``width``: each holds whole items (an item wider than a row is
        wrapped or cut when drawn, as text is)."""
        rows: list[Row] = []
        row: list[Piece] = [self.heading]
        used = cell_len(self.heading[0])
        gap = cell_len(self.separator)
        for index, item in enumerate(self.items):
            size = sum(cell_len(text) for text, _ in item)
            if index and used + gap + size > width:
                rows.append(tuple(row))
                row, used = [(self.indent, "")], cell_len(self.indent)
            elif index:
                row.append((self.separator, ""))
                used += gap
            row.extend(item)
            used += size
        rows.append(tuple(row))
        return rows


Line: TypeAlias = Content | Items
"""One logical line of a :class:`LinesView`."""


def line_key(line: Line) -> Hashable:
    """What ``line`` shows, as a dictionary key."""
    return line if isinstance(line, Items) else content_key(line)


class LinesView(Widget):
    """Logical lines, rendered once per look and width, repainted row by row."""

    DEFAULT_CSS = """
    LinesView {
        height: auto;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: tuple[Line, ...] = ()
        self._keys: tuple[Hashable, ...] = ()
        self._rendered: dict[Hashable, list[Strip]] = {}
        """The rendered rows of each line shown (of each row of an :class:`Items` line), by
        key, at :attr:`_width`."""
        self._rows: list[Strip] = []
        self._width = 0
        """The width the rows were rendered at (0: not rendered)."""

    @property
    def text(self) -> str:
        """The rows as plain text, one per line (as drawn at the current width)."""
        return "\n".join(row.text.rstrip() for row in self._rows)

    def show_lines(self, lines: Sequence[Line]) -> bool:
        """Show ``lines``; repaints the rows that changed. Returns whether anything did."""
        keys = tuple(line_key(line) for line in lines)
        if keys == self._keys:
            return False
        self._lines, self._keys = tuple(lines), keys
        width = self.size.width
        if not width or width != self._width:
            self._width = 0  # rendered when the widget is measured or drawn
            self.refresh(layout=True)
            return True
        old, new = self._rows, self._render_rows(width)
        if len(new) != len(old):
            self.refresh(layout=True)
            return True
        changed = [y for y, (was, now) in enumerate(zip(old, new, strict=True)) if was is not now]
        self.refresh(*(Region(0, y, width, 1) for y in changed))
        return bool(changed)

    def _render_rows(self, width: int) -> list[Strip]:
        """Render every line not rendered at ``width`` with the same look; keep only the
        lines shown."""
        if width != self._width:
            self._rendered = {}
            self._width = width
        known = self._rendered
        rendered: dict[Hashable, list[Strip]] = {}
        rows: list[Strip] = []
        for line, key in zip(self._lines, self._keys, strict=True):
            parts: list[tuple[Hashable, Content | Row]] = (
                [(row, row) for row in line.rows(width)] if isinstance(line, Items)
                else [(key, line)]
            )
            for part_key, part in parts:
                strips = rendered.get(part_key) or known.get(part_key)
                if strips is None:
                    content = part if isinstance(part, Content) else Content.assemble(*part)
                    strips = Visual.to_strips(self, content, width, None, self.visual_style)
                rendered[part_key] = strips
                rows.extend(strips)
        self._rendered = rendered
        self._rows = rows
        return rows

    def _rows_at(self, width: int) -> list[Strip]:
        if width != self._width:
            self._render_rows(width)
        return self._rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows_at(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        rows = self._rows_at(width)
        if 0 <= y < len(rows):
            return rows[y]
        return Strip.blank(width, self.visual_style.rich_style)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._forget_rows, init=False)

    def notify_style_update(self) -> None:
        """New styles (a class, a rule): every line is rendered again."""
        super().notify_style_update()
        self._forget_rows()

    def _forget_rows(self) -> None:
        """Render every line again at the next draw (the theme's colours changed, or the
        styles the rows were drawn with)."""
        self._width = 0
        self._rendered = {}
        self.refresh()
