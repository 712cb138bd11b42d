"""The live stream pane: one row per entry, drawn on demand through Textual's line API.

An unbounded stream can never be one widget per entry, so this is a :class:`ScrollView` that
renders only the rows on screen (``render_line``) and keeps the rendered strips in an LRU cache
keyed by entry sequence number, cursor and width. The app feeds it whole batches at frame rate
(:meth:`StreamView.apply_batch`); it never sees a single entry arrive.

Follow mode keeps the newest rows in view. Scrolling up, moving the cursor or ``space`` pause
the view (ingest goes on, counted as "N new"); ``end`` or ``f`` resume.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from logtui.core.apis import profile_for
from logtui.core.models import Entry
from logtui.tui.rows import RowRenderer

HEADER_LINES = 1
"""Rows at the top of the pane used by the column header (it does not scroll)."""


class EntryView(Protocol):
    """What the pane reads: the entries that match the current filter, oldest first."""

    @property
    def view(self) -> Sequence[Entry]: ...


class StreamView(ScrollView, can_focus=True, inherit_bindings=False):
    """The virtual, cached, follow-or-pause list of entries."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="stream.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="stream.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="stream.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="stream.page_up"),
        Binding("g,home", "first", "First", show=False, id="stream.first"),
        Binding("G", "last", "Last", show=False, id="stream.last"),
        Binding("enter", "select", "Detail", show=False, id="stream.detail"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stream--header",
        "stream--cursor",
        "stream--level-error",
        "stream--level-warn",
        "stream--level-info",
        "stream--level-debug",
        "stream--status-1xx",
        "stream--status-2xx",
        "stream--status-3xx",
        "stream--status-4xx",
        "stream--status-5xx",
        "stream--dns-blocked",
        "stream--dns-allowed",
        "stream--dns-error",
        "stream--dns-default",
        "stream--text",
        "stream--gap",
    }

    following: reactive[bool] = reactive(True)
    """Keep the newest entry in view as entries arrive."""
    new_count: reactive[int] = reactive(0)
    """Entries that matched the filter since the view was paused."""
    cursor: reactive[int | None] = reactive(None, repaint=False)
    """Index into the filtered view of the selected row, or ``None``."""

    @dataclass
    class FollowChanged(Message):
        """Follow mode or the "N new" count changed."""

        following: bool
        new_count: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, StreamView.FollowChanged)

    @dataclass
    class CursorMoved(Message):
        """The selected entry changed (``None`` when nothing is selected)."""

        entry: Entry | None

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, StreamView.CursorMoved)

    @dataclass
    class Selected(Message):
        """The user asked for the detail of an entry."""

        entry: Entry

    def __init__(
        self,
        entries: EntryView,
        kind: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._entries = entries
        self._rows = RowRenderer(kind, self._style_for_key)
        # A few screens' worth: under a fast stream rows scroll past, and a smaller cache lets
        # their strips (reference cycles in Textual) die young, before a full collection.
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(maxsize=256)
        self._styles: dict[str, Style] = {}
        self._own_styles = profile_for(kind).row_styles
        self._selected_seq: int | None = None
        self._base_style = Style()

    # --- data -------------------------------------------------------------------------------

    @property
    def entry_count(self) -> int:
        """How many entries the filtered view holds."""
        return len(self._entries.view)

    @property
    def selected_entry(self) -> Entry | None:
        """The entry under the cursor, if any."""
        view = self._entries.view
        if self.cursor is None or not 0 <= self.cursor < len(view):
            return None
        return view[self.cursor]

    def apply_batch(self, matched_added: int, evicted_from_view: int) -> None:
        """Take in one frame's worth of changes to the filtered view."""
        if evicted_from_view:
            self._shift(evicted_from_view)
        if not self.following and matched_added:
            self.new_count += matched_added
        self._update_virtual_size()
        if self.following:
            self._scroll_to_newest()
        if matched_added or evicted_from_view:
            self.refresh()

    def reset_view(self) -> None:
        """The filter changed: the view is a different list; keep the selection if it is in it."""
        selected = self._selected_seq
        self._update_virtual_size()
        self.new_count = 0
        if selected is not None and not self.following:
            index = self._index_of_seq(selected)
            self.cursor = index
        else:
            self.cursor = None
        if self.following:
            self._scroll_to_newest()
        elif self.cursor is not None:
            self._scroll_cursor_into_view()
        self.refresh()

    def reorder(self, selected: Entry | None) -> None:
        """Older entries were placed among the rows and every ``seq`` renumbered: redraw,
        keeping ``selected`` (the entry under the cursor before) selected."""
        self.clear_cache()
        self._selected_seq = selected.seq if selected is not None else None
        self.reset_view()

    def clear_cache(self) -> None:
        """Forget rendered rows (after a style or size change)."""
        self._strips.clear()
        self._styles.clear()

    def _shift(self, evicted: int) -> None:
        """Entries left the front of the view: keep the same rows under the eye and cursor."""
        if self.cursor is not None:
            new_cursor = self.cursor - evicted
            self.cursor = new_cursor if new_cursor >= 0 else None
        if not self.following:
            top = max(0, self.scroll_offset.y - evicted)
            self.scroll_to(y=top, animate=False, force=True)

    def _index_of_seq(self, seq: int) -> int | None:
        view = self._entries.view
        index = bisect.bisect_left(view, seq, key=lambda entry: entry.seq)
        if index < len(view) and view[index].seq == seq:
            return index
        return None

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, len(self._entries.view) + HEADER_LINES)

    def _scroll_to_newest(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True)

    # --- follow and pause -------------------------------------------------------------------

    def pause(self) -> None:
        """Freeze the view where it is; new entries are counted, not shown."""
        self.following = False

    def follow(self) -> None:
        """Jump to the newest entry and keep it in view."""
        self.cursor = None
        self.following = True
        self.new_count = 0
        self._scroll_to_newest()
        self.refresh()

    def toggle_pause(self) -> None:
        """``space``: pause a following view, resume a paused one."""
        if self.following:
            self.pause()
        else:
            self.follow()

    def watch_following(self, following: bool) -> None:
        self.set_class(not following, "-paused")
        self.post_message(self.FollowChanged(following, self.new_count))

    def watch_new_count(self, new_count: int) -> None:
        self.post_message(self.FollowChanged(self.following, new_count))

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        entry = self.selected_entry
        self._selected_seq = entry.seq if entry is not None else None
        for index in (old, new):
            if index is not None:
                self.refresh_line(index + HEADER_LINES)
        self.post_message(self.CursorMoved(entry))

    # --- keys and mouse ---------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def _first_visible(self) -> int:
        return int(self.scroll_offset.y)

    def _move_cursor(self, target: int) -> None:
        count = len(self._entries.view)
        if not count:
            return
        self.pause()
        self.cursor = max(0, min(count - 1, target))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor is None:
            return
        top = self._first_visible()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + self._page:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False, force=True)

    def _start(self) -> int:
        """Where the cursor starts when it appears: the newest row in view."""
        count = len(self._entries.view)
        return min(count - 1, self._first_visible() + self._page - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._start() if self.cursor is None else self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._start() if self.cursor is None else self.cursor - 1)

    def action_page_down(self) -> None:
        base = self._start() if self.cursor is None else self.cursor
        self._move_cursor(base + self._page)

    def action_page_up(self) -> None:
        base = self._start() if self.cursor is None else self.cursor
        self._move_cursor(base - self._page)

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._entries.view) - 1)

    def action_select(self) -> None:
        """``enter``: open the detail of the selected row (the newest one if none)."""
        if self.cursor is None:
            self._move_cursor(self._start())
        entry = self.selected_entry
        if entry is not None:
            self.post_message(self.Selected(entry))

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.pause()
        super()._on_mouse_scroll_up(event)

    def on_click(self, event: events.Click) -> None:
        index = self._first_visible() + event.y - HEADER_LINES
        if event.y < HEADER_LINES or index >= len(self._entries.view):
            return
        was_selected = index == self.cursor
        self._move_cursor(index)
        if was_selected or event.chain > 1:
            self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.clear_cache()
        self._update_virtual_size()
        if self.following:
            self._scroll_to_newest()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.clear_cache()

    # --- rendering --------------------------------------------------------------------------

    def _style_for_key(self, key: str) -> Style:
        style = self._styles.get(key)
        if style is None:
            component = f"stream--{key}"
            if component in self.COMPONENT_CLASSES:
                style = self.get_component_rich_style(component)
            else:  # a key only this API uses: its profile says how it looks
                style = Style.parse(self._own_styles.get(key, "none"))
            self._styles[key] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # computed once per frame, not once per line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._rows.width != width:
            self._rows.resize(width)
        base = self._base_style
        if y < HEADER_LINES:
            header = self._rows.header()
            header.stylize(self._style_for_key("header"))
            return self._strip(header, width, base)
        index = self._first_visible() + y - HEADER_LINES
        view = self._entries.view
        try:
            entry = view[index]
        except IndexError:
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (entry.seq, selected, width)
        strip = self._strips.get(key)
        if strip is None:
            row = self._rows.row(entry)
            if selected:
                row.stylize(self._style_for_key("cursor"))
            strip = self._strip(row, width, base)
            self._strips[key] = strip
        return strip

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).apply_style(base).crop_extend(0, width, base)
