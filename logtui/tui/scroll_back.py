"""The dashboard's scroll-back and ``goto TIME``: the app side of :mod:`logtui.tui.history_loader`.

Moving above the first row (up, ``k``, page up, home at the top, the mouse wheel) loads the
page of the server's history just older than the buffer; ``T`` (or "Go to time…" in the
palette) moves to a time, loading pages until it is reached when it is older than the buffer.
Pages are fetched on a worker thread, one at a time, and applied on the UI thread like a frame
of entries; the entry read (the selected row, else the top row of a paused view) keeps its
place on screen while rows are inserted above it.
``esc`` stops after the page in flight. The app mixes in :class:`ScrollBackMixin` and calls its
hooks from a few places (the frame loop, the stream title, esc, worker outcomes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.worker import Worker, WorkerState

from logtui.core.eventtime import Zone, zone_label
from logtui.core.fields import FieldResolver
from logtui.core.models import Entry
from logtui.tui.goto import first_at_or_after, goto_time
from logtui.tui.history_loader import (
    HistoryPageLike,
    HistoryReaderLike,
    LoadState,
    PageRequest,
    ScrollBack,
)
from logtui.tui.screens.goto import GotoScreen
from logtui.tui.widgets.stream_view import StreamView

if TYPE_CHECKING:
    from logtui.tui.app import LogtuiApp

HISTORY_GROUP = "history"
"""The worker group of scroll-back's page loads."""


class ScrollBackMixin:
    """Older pages on demand and ``goto TIME`` for the dashboard."""

    scroll_back: ScrollBack
    """Which page comes next, the counts, and what to say."""

    @property
    def _app(self) -> LogtuiApp:
        return cast("LogtuiApp", self)

    def init_scroll_back(self, reader: HistoryReaderLike | None) -> None:
        """Set up scroll-back over the app's store; called once the store exists."""
        app = self._app
        self.scroll_back = ScrollBack(reader, app.store, FieldResolver.for_kind(app.kind).time_of,
                                      app.clock)

    # --- hooks the app calls ----------------------------------------------------------------

    def scroll_back_before_frame(self, incoming: int) -> None:
        """Before a frame of ``incoming`` live entries: keep or give back the extra room."""
        self.scroll_back.before_frame(incoming, following=self._app.stream.following)

    def scroll_back_title(self) -> str:
        """Scroll-back's part of the stream pane's title."""
        return self.scroll_back.title

    def stop_scroll_back(self) -> bool:
        """``esc``: stop loading after the page in flight; True if a load was under way."""
        if not self.scroll_back.stop():
            return False
        self._app._update_stream_title()
        return True

    def on_unmount(self) -> None:
        """Closing: abandon a page in flight rather than wait for a slow server."""
        self.scroll_back.cancel()

    def scroll_back_worker_changed(self, event: Worker.StateChanged) -> None:
        """A page load finished (or failed)."""
        worker = event.worker
        if event.state is WorkerState.SUCCESS:
            self._landed(cast(HistoryPageLike, worker.result))
        elif event.state is WorkerState.ERROR:
            assert worker.error is not None
            self.scroll_back.failed(worker.error)
            self._say()

    # --- loading ----------------------------------------------------------------------------

    def on_stream_view_top_reached(self, _: StreamView.TopReached) -> None:
        """Up from the first row: the page before the oldest buffered entry."""
        self.load_older()

    def load_older(self, target: float | None = None) -> None:
        """Load the page before the oldest buffered entry (and on until ``target``, if given)."""
        request = self.scroll_back.begin(target)
        self._say()
        if request is not None:
            self._fetch(request)
        elif target is not None:  # nothing older to load: as near as the buffer goes
            self._jump(target)

    def _fetch(self, request: PageRequest) -> None:
        self._app.run_worker(
            partial(self.scroll_back.fetch, request), thread=True, group=HISTORY_GROUP,
            exclusive=True, exit_on_error=False, description="load older entries",
        )
        self._app._update_stream_title()

    def _landed(self, page: HistoryPageLike) -> None:
        app = self._app
        stream = app.stream
        entries = list(page.entries)
        selected = stream.selected_entry
        anchor, line = self._anchor()
        self.scroll_back.make_room(len(entries))
        added = 0
        if entries:
            delta = app.ingest.apply(entries)
            added = delta.added
            app._show_entries(entries, delta, selected)
            index = app.store.view.index_of_seq(anchor.seq) if anchor is not None else None
            if index is not None:
                # Rows went in above: the entry read keeps its place on screen.
                stream.scroll_to(y=max(0, index - line), animate=False, force=True,
                                 immediate=True)
        request = self.scroll_back.landed(page, added)
        self._say()
        if request is not None:
            self._fetch(request)
            return
        target = self.scroll_back.take_target()
        if target is not None:
            self._jump(target)

    def _anchor(self) -> tuple[Entry | None, int]:
        """The entry the reader looks at and its line on screen: the selected one, else (in a
        paused view) the top row; None while the view follows the newest entries."""
        stream = self._app.stream
        top = stream.first_visible
        entry = stream.selected_entry
        if entry is not None and stream.cursor is not None:
            return entry, stream.cursor - top
        view = self._app.store.view
        if stream.following or not 0 <= top < len(view):
            return None, 0
        return view[top], 0

    def _say(self) -> None:
        app = self._app
        note = self.scroll_back.take_note()
        if note is not None:
            failed = self.scroll_back.state in (LoadState.FAILED, LoadState.FULL)
            app.notify(note, severity="warning" if failed else "information", markup=False)
        app._update_stream_title()

    # --- goto -------------------------------------------------------------------------------

    def action_goto_time(self) -> None:
        """``T``: ask for a time and move the stream to it."""
        app = self._app
        zone = app.stream.zone
        reader = partial(_read_time, clock=app.clock, zone=zone)
        app.push_screen(GotoScreen(reader, f"{zone_label(zone)} time"), self._goto_chosen)

    def _goto_chosen(self, when: float | None) -> None:
        if when is not None:
            self.goto(when)

    def goto(self, when: float) -> None:
        """Move the cursor to the first row at or after ``when``; older than the buffer, load
        the server's history until it is reached first."""
        oldest = self.scroll_back.oldest_time()
        if self.scroll_back.busy:
            self._app.notify("Older entries are loading; esc stops them.", severity="warning")
            return
        if oldest is not None and when >= oldest:
            self._jump(when)
            return
        self.load_older(when)

    def _jump(self, when: float) -> None:
        app = self._app
        stream = app.stream
        view = app.store.view
        if not len(view):
            app.notify("No rows to go to.", severity="warning")
            return
        index = first_at_or_after(view, when, FieldResolver.for_kind(app.kind).time_of)
        stream.select_index(min(index, len(view) - 1))


def _read_time(text: str, *, clock: Callable[[], float], zone: Zone) -> float:
    return goto_time(text, clock(), zone)


__all__ = ["HISTORY_GROUP", "ScrollBackMixin"]
