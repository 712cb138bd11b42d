"""The live stream pane: one row per entry, drawn on demand through Textual's line API.

An unbounded stream can never be one widget per entry, so this is a :class:`ScrollView` that
renders only the rows on screen (``render_line``) and keeps the rendered strips in an LRU cache
keyed by entry sequence number, cursor, mark, width and sideways offset; a row is built straight
as segments (:meth:`RowRenderer.strip`), not through Rich ``Text``. The app feeds it whole
batches at frame rate (:meth:`StreamView.apply_batch`); it never sees a single entry arrive.
When new rows scroll the others up, those keep the lines Textual finished for them (border and
background added) and the scroll bar is drawn again only if its thumb moved: a slow stream's
entry costs its own row, not the pane's.

Follow mode keeps the newest rows in view. Scrolling up, moving the cursor or ``space`` pause
the view (ingest goes on, counted as "N new"); ``end``, ``f`` or ``G`` resume.

Reading long rows: ``left``/``right`` scroll the columns after the time sideways, ``w`` wraps
each entry over as many screen lines as it needs (the cursor and the scroll position still
move entry by entry). ``m`` marks an entry, ``]``/``[`` jump between marks, ``n``/``N``
between search matches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import ClassVar, Literal, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style as VisualStyle

from logtui.core.apis import profile_for
from logtui.core.columns import Column
from logtui.core.eventtime import Zone
from logtui.core.models import Entry
from logtui.tui.marks import Marks
from logtui.tui.quick_truecolor import QuickTruecolor, quick_filters
from logtui.tui.repaint import BottomEdgeSubtitle
from logtui.tui.rows import RowRenderer
from logtui.tui.search import Highlight, compile_query, entry_matches, matching_indexes

HEADER_LINES = 1
"""Rows at the top of the pane used by the column header (it does not scroll)."""
OBSERVE_SAMPLE = 64
"""Newest entries of a batch whose values may widen the columns (a sample: cheap per frame)."""
SIDEWAYS_STEP = 8
"""Cells one ``left``/``right`` scrolls the row text."""


Edges = tuple[list[Segment], list[Segment], int, int] | Literal[False]
"""The segments Textual draws before and after a row's own (its border's edges, the blank
under the scroll bar), the row's cells and the finished line's; False: it changes the row's
own segments too, so it finishes every row itself."""


class EntryView(Protocol):
    """What the pane reads: the entries that match the current filter, oldest first."""

    @property
    def view(self) -> Sequence[Entry]: ...


class StreamView(BottomEdgeSubtitle, ScrollView, can_focus=True, inherit_bindings=False):
    """The virtual, cached, follow-or-pause list of entries."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="stream.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="stream.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="stream.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="stream.page_up"),
        Binding("g,home", "first", "First", show=False, id="stream.first"),
        Binding("G", "last", "Last", show=False, id="stream.last"),
        Binding("enter", "select", "Detail", show=False, id="stream.detail"),
        Binding("w", "toggle_wrap", "Wrap", show=False, id="stream.wrap"),
        Binding("left,h", "shift_left", "Scroll left", show=False, id="stream.left"),
        Binding("right,l", "shift_right", "Scroll right", show=False, id="stream.right"),
        Binding("m", "toggle_mark", "Mark", show=False, id="stream.mark"),
        Binding("right_square_bracket", "next_mark", "Next mark", show=False,
                id="stream.next_mark"),
        Binding("left_square_bracket", "previous_mark", "Previous mark", show=False,
                id="stream.previous_mark"),
        Binding("n", "next_match", "Next match", show=False, id="stream.next_match"),
        Binding("N", "previous_match", "Previous match", show=False,
                id="stream.previous_match"),
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
        "stream--mark",
        "stream--search-match",
        "stream--filter-match",
        "stream--paused",
    }

    following: reactive[bool] = reactive(True)
    """Keep the newest entry in view as entries arrive."""
    new_count: reactive[int] = reactive(0, repaint=False)
    """Entries that matched the filter since the view was paused (shown in the subtitle, so a
    new count repaints no row)."""
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
    class ReadingChanged(Message):
        """Wrap, sideways scroll, marks or the search changed (the pane's title says so)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, StreamView.ReadingChanged)

    @dataclass
    class TopReached(Message):
        """The cursor was asked to go above the first row: older entries are wanted."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, StreamView.TopReached)

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
        self._strips: LRUCache[tuple[int, bool, bool, int, int], Strip] = LRUCache(maxsize=256)
        self._wrapped: LRUCache[tuple[int, bool, bool, int], list[Strip]] = LRUCache(maxsize=128)
        self._styled: LRUCache[tuple[int, bool, bool, int, int], Strip] = LRUCache(maxsize=128)
        """Rows as Textual's styles cache finished them (border and background added), by
        the same key as ``_strips``: a row that only moved up is not finished again."""
        self._styled_look: object = None
        self._edges: Edges | None = None
        """What Textual draws either side of a row with the current look (None: not known
        yet)."""
        self._frame: list[Strip] | None = None
        self._header: tuple[tuple[int, int, Zone, Style], Strip] | None = None
        self._frame_rows: list[int] = []
        self._styles: dict[str, Style] = {}
        self._truecolor: QuickTruecolor | None = None
        self._own_styles = profile_for(kind).row_styles
        self._selected_seq: int | None = None
        self._base_style = Style()
        self._looks: tuple[Style, ...] = ()
        """The styles the cached rows were drawn with (see :meth:`notify_style_update`)."""
        self.wrap = False
        """Each entry takes as many screen lines as its text needs (``w``)."""
        self.marks = Marks()
        """The entries the user marked (``m``)."""
        self.search: re.Pattern[str] | None = None
        """The search pattern highlighted in the rows, if any."""
        self.search_matches = 0
        """How many entries in the view the search matches."""
        self._matches_stale = False
        """The view changed in a way :attr:`search_matches` does not follow yet (entries left
        it, or a filter redrew it without a count): see :meth:`recount_if_stale`."""
        self._filter_highlights: tuple[Highlight, ...] = ()
        self._bar_held = False

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
        # The track grows, then the view scrolls to its end: the thumb is compared once, after
        # both (it goes up a little and back down in between).
        bar = self.vertical_scrollbar if self.show_vertical_scrollbar else None
        thumb = None if bar is None else _thumb(bar)
        self._bar_held = True
        try:
            self._apply_batch(matched_added, evicted_from_view)
        finally:
            self._bar_held = False
        if bar is not None and _thumb(bar) != thumb:
            bar.refresh()

    def _apply_batch(self, matched_added: int, evicted_from_view: int) -> None:
        top = self.scroll_offset.y
        widened = False
        if evicted_from_view:
            self._shift(evicted_from_view)
            self._matches_stale = True
        if matched_added:
            widened = self._observe(matched_added)
        if not self.following and matched_added:
            self.new_count += matched_added
        if self.search is not None and matched_added:
            view = self._entries.view
            pattern = self.search
            self.search_matches += sum(
                1 for entry in view[len(view) - matched_added:] if entry_matches(entry, pattern)
            )
        self._update_virtual_size()
        if self.following:
            self._scroll_to_newest()
        if evicted_from_view or widened or self.wrap or self.scroll_offset.y != top:
            self.refresh()  # every row moved or changed
        elif matched_added:
            # Rows added below the others, none moved: only the new ones are drawn.
            first = len(self._entries.view) - matched_added
            self.refresh_lines(first + HEADER_LINES, matched_added)

    def _observe(self, newest: int) -> bool:
        """Let the columns grow to fit a sample of the ``newest`` entries of the view; True
        if they did (every row is drawn again)."""
        view = self._entries.view
        sample = min(newest, OBSERVE_SAMPLE)
        if self._rows.observe([view[len(view) - sample + i] for i in range(sample)]):
            self.clear_cache()
            return True
        return False

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown, flex ones last."""
        return self._rows.columns

    def set_columns(self, columns: Sequence[Column], exact: frozenset[str] = frozenset()) -> None:
        """Show ``columns`` (see :meth:`RowRenderer.set_columns`); sideways scroll starts over."""
        self._rows.set_columns(columns, exact)
        self._rows.offset = 0
        self._observe(len(self._entries.view))
        self._redraw()

    def reset_view(self, *, recount: bool = True) -> None:
        """The filter changed: the view is a different list; keep the selection if it is in it.

        ``recount=False`` leaves the search's match count for later: a filter over a large
        buffer redraws several times before it is done, and each count reads the whole view.
        """
        self._observe(len(self._entries.view))
        selected = self._selected_seq
        self._update_virtual_size()
        self.new_count = 0
        if recount:
            self.count_matches()
        else:
            self._matches_stale = True
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
        self._wrapped.clear()
        self._styled.clear()
        self._styles.clear()
        self._header = None
        self._rows.forget_styles()

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

    # --- reading: zone, sideways, wrap, marks, search ------------------------------------------

    @property
    def zone(self) -> Zone:
        """The zone of the time column."""
        return self._rows.zone

    @zone.setter
    def zone(self, zone: Zone) -> None:
        self._rows.zone = zone
        self._redraw()

    @property
    def sideways(self) -> int:
        """Cells the columns after the time are scrolled left."""
        return self._rows.offset

    def _redraw(self) -> None:
        self.clear_cache()
        self.refresh()
        self.post_message(self.ReadingChanged())

    def set_search(self, query: str) -> str | None:
        """Highlight ``query`` (literal, or ``~regex``) in the rows and count the matching
        entries; returns what is wrong with a regex that does not compile, else None."""
        try:
            pattern = compile_query(query)
        except re.error as error:
            return f"not a regular expression: {error}"
        self.search = pattern
        self._apply_highlights()
        return None

    def set_filter_highlights(self, highlights: tuple[Highlight, ...]) -> None:
        """Highlight what the filter's terms matched."""
        self._filter_highlights = highlights
        self._apply_highlights(recount=False)  # the new view is counted when it is shown

    def _apply_highlights(self, *, recount: bool = True) -> None:
        search = () if self.search is None else (Highlight(self.search, "search-match"),)
        self._rows.highlights = (*self._filter_highlights, *search)
        if recount:
            self.count_matches()
        self._redraw()

    def count_matches(self) -> None:
        """Recount the search's matches in the view (after the view changed)."""
        self._matches_stale = False
        pattern = self.search
        self.search_matches = (
            0 if pattern is None else len(matching_indexes(self._entries.view, pattern))
        )

    def recount_if_stale(self) -> None:
        """Recount the search's matches if the view changed since they were counted (a count
        reads every entry in the view)."""
        if self._matches_stale:
            self.count_matches()

    def action_next_match(self) -> None:
        """``n``: the next entry the search matches (from the selected one)."""
        self._jump_match(forward=True)

    def action_previous_match(self) -> None:
        """``N``: the previous entry the search matches."""
        self._jump_match(forward=False)

    def _jump_match(self, *, forward: bool) -> None:
        pattern = self.search
        view = self._entries.view
        if pattern is None or not view:
            return
        here = self.cursor if self.cursor is not None else (len(view) if not forward else -1)
        indexes = range(here + 1, len(view)) if forward else range(here - 1, -1, -1)
        for index in indexes:
            if entry_matches(view[index], pattern):
                self._move_cursor(index)
                return
        self.notify("No more matches " + ("below." if forward else "above."),
                    severity="warning", timeout=2)

    def action_toggle_mark(self) -> None:
        """``m``: mark or unmark the selected entry (the newest one in view if none)."""
        if self.cursor is None:
            self._move_cursor(self._start())
        entry = self.selected_entry
        if entry is None:
            return
        self.marks.toggle(entry)
        self._redraw()

    def action_next_mark(self) -> None:
        """``]``: the next marked entry."""
        self._jump_mark(forward=True)

    def action_previous_mark(self) -> None:
        """``[``: the previous marked entry."""
        self._jump_mark(forward=False)

    def _jump_mark(self, *, forward: bool) -> None:
        index = self.marks.jump(self._entries.view, self.cursor, forward=forward)
        if index is None:
            self.notify("No mark " + ("below." if forward else "above.") if self.marks
                        else "No marks yet: m marks the selected entry.",
                        severity="warning", timeout=2)
            return
        self._move_cursor(index)

    def action_toggle_wrap(self) -> None:
        """``w``: wrap long rows, or show each on one line again."""
        self.wrap = not self.wrap
        self._rows.offset = 0
        self._redraw()
        self._update_virtual_size()
        if self.following:
            self._scroll_to_newest()
        else:
            self._scroll_cursor_into_view()

    def action_shift_left(self) -> None:
        """``left``: scroll the row text back towards its start."""
        if self._rows.offset:
            self._rows.offset = max(0, self._rows.offset - SIDEWAYS_STEP)
            self._redraw()

    def action_shift_right(self) -> None:
        """``right``: scroll the row text (after the time) left, to read what is cut."""
        if self.wrap:
            return
        longest = self._longest_visible()
        room = max(1, self._rows.width - self._rows.pinned_width)
        offset = min(self._rows.offset + SIDEWAYS_STEP, max(0, longest - room))
        if offset != self._rows.offset:
            self._rows.offset = offset
            self._redraw()

    def _longest_visible(self) -> int:
        view = self._entries.view
        top = self._first_visible()
        rows = view[top : top + self._page] if isinstance(view, list) else [
            view[i] for i in range(top, min(len(view), top + self._page))
        ]
        return max((self._rows.parts(entry)[1].cell_len for entry in rows), default=0)

    # --- wrapped layout ---------------------------------------------------------------------

    def _wrapped_strips(self, index: int, width: int) -> list[Strip]:
        entry = self._entries.view[index]
        selected = index == self.cursor
        marked = entry in self.marks
        key = (entry.seq, selected, marked, width)
        strips = self._wrapped.get(key)
        if strips is None:
            lines = self._rows.wrapped(entry, marked=marked)
            if selected:
                for line in lines:
                    line.stylize(self._style_for_key("cursor"))
            strips = [self._strip(line, width, self._base_style) for line in lines]
            self._wrapped[key] = strips
        return strips

    def _height(self, index: int) -> int:
        """Screen lines the entry at ``index`` takes."""
        if not self.wrap:
            return 1
        return len(self._wrapped_strips(index, self.scrollable_content_region.width))

    def _top_for_bottom(self, last: int) -> int:
        """The first index of a screen whose last whole entry is ``last``."""
        room = self._page
        top = last
        used = self._height(last)
        while top > 0 and used + self._height(top - 1) <= room:
            top -= 1
            used += self._height(top)
        return top

    def _last_visible(self) -> int:
        """The index of the last entry wholly on screen."""
        count = len(self._entries.view)
        top = self._first_visible()
        if not self.wrap:
            return min(count - 1, top + self._page - 1)
        used, index = 0, top
        while index < count:
            used += self._height(index)
            if used > self._page:
                break
            index += 1
        return max(top, min(count - 1, index - 1))

    def _build_frame(self, width: int) -> None:
        strips: list[Strip] = []
        rows: list[int] = []
        view = self._entries.view
        index = self._first_visible()
        while len(strips) < self._page and index < len(view):
            for strip in self._wrapped_strips(index, width):
                strips.append(strip)
                rows.append(index)
            index += 1
        self._frame, self._frame_rows = strips, rows

    def _content_height(self) -> int:
        """Lines there are to scroll through: the header and a line per entry."""
        # Wrapped, the newest entries fill the screen from a later top row than one line per
        # entry would: leave that much room to scroll.
        extra = self._page if self.wrap else 0
        return len(self._entries.view) + HEADER_LINES + extra

    def _update_virtual_size(self) -> None:
        """Size the scrollable area for the view, laying the screen out only when needed.

        While the rows fit, it is the pane's height (an entry more changes nothing). While
        they overflow, before and after, only the scroll bar's track is longer: the new size is
        set with no layout pass of the whole screen (which cost a slow stream most of its CPU,
        once an entry) and the scroll bar is told alone.
        """
        region = self.scrollable_content_region
        size = Size(region.width, max(self._content_height(), region.height))
        current = self.virtual_size
        if size == current:
            return
        if (
            size.width == current.width and size.height > region.height
            and current.height > region.height and self.show_vertical_scrollbar
        ):
            self.set_reactive(StreamView.virtual_size, size)
            self._move_bar(virtual_size=size.height)
            return
        self.virtual_size = size

    def _scroll_to_newest(self) -> None:
        count = len(self._entries.view)
        if self.wrap and count:
            self.scroll_to(y=self._top_for_bottom(count - 1), animate=False, force=True)
        else:
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

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # As ScrollView's, but the scroll bar is drawn again only when its thumb moves (with
        # 100,000 rows held the thumb is one cell, still under most new entries).
        if self.show_vertical_scrollbar:
            self._move_bar(position=new_value)
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def _move_bar(self, *, virtual_size: int | None = None, position: float | None = None) -> None:
        """Set the scroll bar's track length or position, drawing it again only if its thumb
        moved (in a batch, :meth:`apply_batch` compares once at its end)."""
        bar = self.vertical_scrollbar
        before = _thumb(bar)
        if virtual_size is not None:
            bar.set_reactive(ScrollBar.window_virtual_size, virtual_size)
        if position is not None:
            bar.set_reactive(ScrollBar.position, bar.validate_position(position))
        if not self._bar_held and _thumb(bar) != before:
            bar.refresh()

    def watch_following(self, following: bool) -> None:
        # No CSS class: setting one restyles the pane and each of its component classes
        # (milliseconds a key); the subtitle takes the paused look itself
        # (:meth:`_get_subtitle_style_information`).
        self._show_follow_state()
        self.post_message(self.FollowChanged(following, self.new_count))

    def watch_new_count(self, new_count: int) -> None:
        self._show_follow_state()
        self.post_message(self.FollowChanged(self.following, new_count))

    def _get_subtitle_style_information(
        self, background: Color
    ) -> tuple[Color, Color, VisualStyle]:
        # Paused, the subtitle is drawn in the ``stream--paused`` component's colour and text
        # style instead of the border's subtitle colour.
        color, label_background, style = super()._get_subtitle_style_information(background)
        if self.following:
            return color, label_background, style
        paused = self.get_component_styles("stream--paused")
        return paused.color, label_background, VisualStyle.from_rich_style(paused.text_style)

    def _show_follow_state(self) -> None:
        """Say "following" or "paused" in the bottom border at once, not from a message's
        handler: the refresh that draws a key's effect draws this line too, not the one after
        (with a frame's work between the two under a fast stream)."""
        if self.following:
            self.set_subtitle("following")
        else:
            self.set_subtitle(f"paused · {self.new_count:,} new · f follows")

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        entry = self.selected_entry
        self._selected_seq = entry.seq if entry is not None else None
        if self.wrap:
            self.refresh()
        else:
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
        elif self.cursor > self._last_visible():
            self.scroll_to(y=self._top_for_bottom(self.cursor), animate=False, force=True)

    def _start(self) -> int:
        """Where the cursor starts when it appears: the newest row in view."""
        return self._last_visible()

    def action_cursor_down(self) -> None:
        self._move_cursor(self._start() if self.cursor is None else self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._past_top()
        self._move_cursor(self._start() if self.cursor is None else self.cursor - 1)

    def action_page_down(self) -> None:
        base = self._start() if self.cursor is None else self.cursor
        self._move_cursor(base + self._page)

    def action_page_up(self) -> None:
        self._past_top()
        base = self._start() if self.cursor is None else self.cursor
        self._move_cursor(base - self._page)

    def action_first(self) -> None:
        self._past_top()
        self._move_cursor(0)

    def _past_top(self) -> None:
        """Moving up from the first row (or in an empty view) asks for older entries."""
        if self.cursor == 0 or not self.entry_count:
            self.post_message(self.TopReached())

    @property
    def first_visible(self) -> int:
        """The view index of the top row on screen."""
        return self._first_visible()

    def select_index(self, index: int) -> None:
        """Move the cursor to the row at ``index`` of the view (pausing it), in view."""
        self._move_cursor(index)

    def action_last(self) -> None:
        """``G``: the newest entry, followed from now on (as ``end``/``f``)."""
        self.follow()

    def contains(self, entry: Entry) -> bool:
        """Whether ``entry`` is in the filtered view now."""
        return self._index_of_seq(entry.seq) is not None

    def action_select(self) -> None:
        """``enter``: open the detail of the selected row (the newest one if none)."""
        if self.cursor is None:
            self._move_cursor(self._start())
        entry = self.selected_entry
        if entry is not None:
            self.post_message(self.Selected(entry))

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.pause()
        if self.scroll_offset.y == 0:  # the wheel past the oldest row: older entries wanted
            self.post_message(self.TopReached())
        super()._on_mouse_scroll_up(event)

    def on_click(self, event: events.Click) -> None:
        # The event's y counts from the widget's edge, its border included; rows count from
        # the content's top.
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y - HEADER_LINES
        if self.wrap:
            index = self._frame_rows[line] if 0 <= line < len(self._frame_rows) else 1 << 62
        else:
            index = self._first_visible() + line
        if line < 0 or index >= len(self._entries.view):
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
        else:
            self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # A restyle of the border alone (focus) keeps the rows' strips, not their finished lines.
        self._styled.clear()  # the border around each row may look different
        self._edges = None
        looks = self._row_looks()
        if looks != self._looks:
            self._looks = looks
            self.clear_cache()

    def _row_looks(self) -> tuple[Style, ...]:
        """The styles rendered rows are drawn with: the pane's own and its components'."""
        return (self.rich_style, *(
            self.get_component_rich_style(name, default=Style())
            for name in sorted(self.COMPONENT_CLASSES)
        ))

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

    def get_line_filters(self) -> Sequence[LineFilter]:
        """The app's filters, the ANSI-to-truecolor one skipping rows it would not change
        (every row is new each frame under a fast stream)."""
        filters, self._truecolor = quick_filters(list(self.app.get_line_filters()),
                                                 self._truecolor)
        return filters

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # computed once per frame, not once per line
        self._frame = None
        if self.wrap:
            return super().render_lines(crop)
        # Textual finishes every line it was told changed (border, background, crop: most of
        # the cost of a row); after a scroll every row changed place but not look, so rows
        # finished before are handed back to its cache by their key.
        # A new row is finished here as Textual would (its border's edges around it), once
        # those edges are known: taken from a row Textual finished itself with this look.
        look = (self.size, self.background_colors, self.styles.border, self.opacity)
        if look != self._styled_look:
            self._styled_look = look
            self._styled.clear()
            self._edges = None
        cache = self._styles_cache
        finished, dirty = cache._cache, cache._dirty_lines
        rows = self._row_keys(crop)
        edges = self._edges
        content_top = self.styles.gutter.top
        for y, key in rows:
            if y in dirty or y not in finished:
                strip = self._styled.get(key)
                if strip is None and edges:
                    before, after, row_cells, cells = edges
                    row = self.render_line(y - content_top)
                    if row.cell_length == row_cells:
                        strip = Strip([*before, *row, *after], cells)
                        self._styled[key] = strip
                if strip is not None:
                    finished[y] = strip
                    dirty.discard(y)
        lines = super().render_lines(crop)
        for y, key in rows:
            strip = finished.get(y)
            if strip is not None:
                self._styled[key] = strip
                if edges is None:
                    edges = self._edges = self._learn_edges(strip, key)
        return lines

    def _learn_edges(self, finished: Strip, key: tuple[int, bool, bool, int, int]) -> Edges | None:
        """What Textual drew either side of the row drawn for ``key`` (the border, and the blank
        under the scroll bar), if it drew the row's own segments unchanged between them; False
        when it changed them (no such rows are finished here), None when that row is gone."""
        row = self._strips.get(key)
        if row is None:
            return None
        segments, own = list(finished), list(row)
        for before in (1, 0):
            after = len(segments) - before - len(own)
            if after >= 0 and segments[before:before + len(own)] == own:
                return (
                    segments[:before], segments[before + len(own):], row.cell_length,
                    finished.cell_length,
                )
        return False

    def _row_keys(self, crop: Region) -> list[tuple[int, tuple[int, bool, bool, int, int]]]:
        """The entry rows in ``crop`` (lines of the widget, border included) and their keys."""
        top = self.styles.gutter.top + HEADER_LINES
        first = self._first_visible()
        view = self._entries.view
        count = len(view)
        # With no marks, a row's key needs only its seq: no entry is built for it here.
        seq_at = None if self.marks else getattr(view, "seq_at", None)
        width = self.scrollable_content_region.width
        offset, cursor, marks = self._rows.offset, self.cursor, self.marks
        out = []
        for y in range(max(crop.y, top), min(crop.bottom, top + self._page)):
            index = first + y - top
            if index >= count:
                break
            if seq_at is not None:
                key = (seq_at(index), index == cursor, False, width, offset)
            else:
                entry = view[index]
                key = (entry.seq, index == cursor, entry in marks, width, offset)
            out.append((y, key))
        return out

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._rows.width != width:
            self._rows.resize(width)
        base = self._base_style
        if y < HEADER_LINES:
            header_key = (width, self._rows.offset, self._rows.zone, base)
            if self._header is None or self._header[0] != header_key:
                header = self._rows.header()
                header.stylize(self._style_for_key("header"))
                self._header = (header_key, self._strip(header, width, base))
            return self._header[1]
        if self.wrap:
            if self._frame is None:
                self._build_frame(width)
            assert self._frame is not None
            line = y - HEADER_LINES
            return self._frame[line] if line < len(self._frame) else Strip.blank(width, base)
        index = self._first_visible() + y - HEADER_LINES
        view = self._entries.view
        try:
            entry = view[index]
        except IndexError:
            return Strip.blank(width, base)
        selected = index == self.cursor
        marked = entry in self.marks
        key = (entry.seq, selected, marked, width, self._rows.offset)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._rows.strip(entry, base, marked=marked, selected=selected)
            self._strips[key] = strip
        return strip

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).apply_style(base).crop_extend(0, width, base)


def _thumb(bar: ScrollBar) -> tuple[int, int, int] | None:
    """Where ``bar`` draws its thumb, in eighths of a cell, as Textual's ``ScrollBarRender``
    places it (None: no thumb)."""
    size = bar.size.height
    virtual = ceil(bar.window_virtual_size)
    window = ceil(bar.window_size if bar.window_size < bar.window_virtual_size else 0)
    if not (window and size and virtual and size != virtual):
        return None
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (bar.position / (virtual - window)) * 8)
    return size, start, start + ceil(thumb * 8)

