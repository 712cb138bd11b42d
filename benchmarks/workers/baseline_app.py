"""The dashboard cases' baseline: the least a Textual app can do with the same stream.

Textual's stock ``Log`` widget, fed one line per entry from the same kind of thread-safe queue
at the same frame rate, plus a one-key pause label. Anything logtui's dashboard adds (columns,
filtering, stats, a status bar) shows up as the ratio against this.

Once the ``Log`` is full, ``write_lines`` refreshes the line numbers the new lines had before
the oldest were pruned, which lie below the view, so stock ``Log`` stops drawing: its latency
and CPU would then be those of a frozen screen. :meth:`BaselineApp.drain` therefore refreshes
the whole view each frame while the log is full, as any honest tail has to.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.widgets import Log, Static

FRAME_INTERVAL = 1 / 20


class ListSink:
    """Queues entries from any thread; the app takes them at frame rate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Any] = []

    def on_entries(self, entries: Sequence[Any]) -> None:
        """Queue a batch."""
        with self._lock:
            self._entries.extend(entries)

    def take(self) -> list[Any]:
        """Everything queued so far."""
        with self._lock:
            taken, self._entries = self._entries, []
        return taken


class BaselineApp(App[None]):
    """A ``Log`` widget tailing the stream, with ``space`` toggling a "paused" label."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "pause"),
        Binding("f", "follow", "follow"),
    ]

    def __init__(self, source_factory: Any, *, max_lines: int = 100_000) -> None:
        super().__init__()
        self.sink = ListSink()
        self._source_factory = source_factory
        self._max_lines = max_lines
        self.source: Any = None
        self.paused = False
        self.consumed = 0
        """Entries written to the log so far."""

    def compose(self) -> ComposeResult:
        yield Log(max_lines=self._max_lines, id="log")
        yield Static("following", id="state")

    def on_mount(self) -> None:
        self.source = self._source_factory(self.sink)
        self.source.start()
        self.set_interval(FRAME_INTERVAL, self.drain)

    def on_unmount(self) -> None:
        if self.source is not None:
            self.source.stop()

    def drain(self) -> None:
        """Write what arrived since the last frame."""
        entries = self.sink.take()
        self.consumed += len(entries)
        if entries:
            try:
                log = self.query_one(Log)
            except NoMatches:  # shutting down: a source thread handed over a last batch
                return
            log.write_lines(
                f"{d.get('tsIso', '')} {d.get('level', '')} {d.get('kind', '')} "
                f"{d.get('method', '')} {d.get('status', '')} {d.get('serviceName', '')} "
                f"{d.get('url', '')}"
                for d in (entry.data for entry in entries)
            )
            if log.line_count >= self._max_lines:
                log.refresh()  # what scrolled up is on screen now, not below it

    def action_toggle_pause(self) -> None:
        """Show "paused" (the Log keeps writing; only the label matters for latency)."""
        self.paused = not self.paused
        self.query_one("#state", Static).update("paused" if self.paused else "following")

    def action_follow(self) -> None:
        """Show "following"."""
        self.paused = False
        self.query_one("#state", Static).update("following")
