"""A queue sink that can wake the app's frame loop, so an idle dashboard need not poll it.

The frame loop drains :class:`~logtui.tui.bridge.QueueSink` on a timer; with nothing arriving,
twenty ticks a second that find nothing are most of what an idle dashboard costs beside
drawing. The app stops the timer once the queue has stayed empty for a few ticks and asks the
sink (:meth:`WakingSink.wake_on_handover`) to call it back when anything is handed over next:
once, from whichever thread hands it over, so a busy stream pays nothing per entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from logtui.core.models import Entry, Notice, SourceStatus
from logtui.tui.bridge import QueueSink

__all__ = ["WakingSink"]


class WakingSink(QueueSink):
    """A :class:`QueueSink` that calls a wake-up once, after the next hand-over of anything."""

    _wake: Callable[[], None] | None = None

    def wake_on_handover(self, wake: Callable[[], None] | None) -> None:
        """Call ``wake`` (from the handing thread) after the next entries, status or notice;
        ``None`` cancels. The caller looks at :attr:`pending` again afterwards: something
        handed over just before this call is not announced."""
        self._wake = wake

    def _handed_over(self) -> None:
        wake = self._wake
        if wake is not None:
            self._wake = None
            wake()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        if entries:
            self._handed_over()

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        self._handed_over()

    def on_notice(self, notice: Notice) -> None:
        super().on_notice(notice)
        self._handed_over()
