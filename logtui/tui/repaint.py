"""Repaint only what changed: a widget's update is skipped when it would show the same thing.

Every repaint is written to the terminal (over ssh, every byte of it), and Textual repaints a
widget whenever it is told to, even with the text it already shows; an update that asks for a
layout pass also repaints the scroll bars of every pane. The panes' timers tick whether or not
anything arrived, so each redraw goes through :func:`show_content`, which compares first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, cast
from weakref import WeakKeyDictionary

from textual.content import Content, Span
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


def content_key(content: Content) -> tuple[str, tuple[Span, ...]]:
    """What a piece of content looks like: its text and its styles (``==`` on
    :class:`~textual.content.Content` compares the text only)."""
    return content.plain, tuple(content.spans)


def height_of(widget: Static, content: Content, width: int | None = None) -> int:
    """Lines ``content`` takes in ``widget`` at ``width`` (default: the widget's own)."""
    width = max(width if width is not None else widget.content_size.width, 1)
    # Textual measures its own widgets the same way; its annotation asks for the raw rules.
    return content.get_height(cast("RulesMap", widget.styles), width)


_heights: WeakKeyDictionary[Static, tuple[int, tuple[str, tuple[Span, ...]], int]] = (
    WeakKeyDictionary()
)
"""The width, look (:func:`content_key`) and height of what each widget given content by
:func:`show_content` shows: a height is measured once, not again at the next update (measuring
wraps the whole text)."""


def show_content(widget: Static, content: Content) -> bool:
    """Show ``content`` in ``widget`` unless it shows exactly that already; a layout pass only
    when the widget needs another height. Returns whether anything was redrawn."""
    old = widget.content
    if isinstance(old, Content):
        shown, new = content_key(old), content_key(content)
        if shown == new:
            return False
        width = widget.content_size.width
        if width:
            known = _heights.get(widget)
            before = (known[2] if known and known[:2] == (width, shown)
                      else height_of(widget, old))
            after = height_of(widget, content)
            _heights[widget] = (width, new, after)
            layout = before != after
        else:
            layout = True
    else:
        layout = True
    widget.update(content, layout=layout)
    return True


if TYPE_CHECKING:
    _WidgetMixin = Widget
else:  # a plain mixin: Textual must not take it for a widget type with its own CSS
    _WidgetMixin = object


class BottomEdgeSubtitle(_WidgetMixin):
    """For a widget whose border subtitle can change without repainting the whole widget.

    Textual repaints every cell of a widget (children included) when its subtitle is set; a
    count in the subtitle that changes every second would repaint the whole pane that often.
    :meth:`set_subtitle` repaints only the bottom edge the subtitle is drawn on.
    """

    _edge_only = False

    def set_subtitle(self, subtitle: str) -> None:
        """Show ``subtitle`` in the bottom border, repainting that line only (if it changed)."""
        if subtitle == getattr(self, "_edge_subtitle", None):
            return
        self._edge_subtitle = subtitle
        self._edge_only = True
        try:
            self.border_subtitle = subtitle
        finally:
            self._edge_only = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if self._edge_only and not regions:
            # Regions count from the content's corner; the bottom edge lies below it.
            offset = self.content_offset
            width, height = self.outer_size
            regions = (Region(-offset.x, height - 1 - offset.y, width, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


__all__ = ["BottomEdgeSubtitle", "content_key", "height_of", "show_content"]
