"""A new filter applied on the UI thread a chunk at a time, keys answered between chunks.

The store tests the newest rows first (:meth:`~logtui.core.store.EntryStore.start_filter`),
so the screen in follow mode shows its matches after the first chunk; each later chunk runs
from a timer, so Textual handles keys and repaints in between. Chunks are sized to take about
:data:`STEP_SECONDS` each, whatever the filter costs per row. A buffer of up to
:data:`AT_ONCE` rows is filtered at once, as it always was.

The matches are counted into the stats after the screen has shown them, :data:`COUNT_CHUNK`
at a time: counting reads each entry's fields, and over a large buffer it took longer than
the filter itself, between the key and the screen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from time import perf_counter
from typing import Any, Final

from textual.app import App
from textual.timer import Timer

from logtui.core.models import Entry
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore, FilterJob, Predicate, entries_only

__all__ = ["AT_ONCE", "COUNT_CHUNK", "FIRST_ROWS", "FilterRunner"]

AT_ONCE = 100_000
"""A buffer up to this size is filtered in one go, as it always was (a filter over 100,000
rows takes tens of milliseconds when its terms are on columns or texts)."""
FIRST_ROWS = 10_000
"""Rows tested at once when a larger buffer is filtered: the newest, on screen in follow mode."""
STEP_SECONDS: Final = 0.03
"""The time each later chunk aims at: keys wait at most about this long."""
MIN_ROWS = 1_000
MAX_ROWS = 500_000
"""Bounds of a chunk's rows (these module settings are read at each step)."""
_PAUSE: Final = 0.001
"""Seconds between chunks: enough for queued keys and a repaint to go first."""
COUNT_CHUNK = 5_000
"""Matches counted into the stats at a time, after the screen shows them."""


class FilterRunner:
    """Runs one filter job at a time; a new filter supersedes the one in progress."""

    def __init__(self, app: App[Any], store: EntryStore, stats: StatsTracker,
                 stepped: Callable[[], None], counted: Callable[[], None] | None = None,
                 ) -> None:
        self._app = app
        self._store = store
        self._stats = stats
        self._stepped = stepped
        """Called after every chunk (redraw the view, the counts, the title)."""
        self._counted = counted
        """Called once every match found so far is in the stats (redraw the stats pane)."""
        self._job: FilterJob | None = None
        self._timer: Timer | None = None
        self._rows = FIRST_ROWS
        self._uncounted: deque[list[Entry]] = deque()
        """Matches found but not counted into the stats yet, oldest chunk first."""
        self._counting = False
        """A call to :meth:`_count` is scheduled."""

    @property
    def progress(self) -> float | None:
        """How far the filter in progress is, from 0 to 1; None when none is."""
        job = self._job
        return None if job is None or job.done else job.progress

    def start(self, predicate: Predicate | None) -> None:
        """Apply ``predicate``: the newest rows now, the rest chunk by chunk."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._job = self._store.start_filter(predicate)
        self._stats.reset()
        self._uncounted.clear()
        self._rows = len(self._store) if len(self._store) <= AT_ONCE else FIRST_ROWS
        self._step()

    def _step(self) -> None:
        self._timer = None
        job = self._job
        if job is None:
            return
        started = perf_counter()
        found = job.step(self._rows)
        if found:
            self._uncounted.append(entries_only(self._store.view[:found]))
            if not self._counting:
                self._counting = True
                self._app.call_after_refresh(self._count)
        elapsed = perf_counter() - started
        self._rows = max(MIN_ROWS, min(MAX_ROWS, int(self._rows * STEP_SECONDS
                                                       / max(elapsed, 1e-4))))
        if job.done:
            self._job = None
        else:
            self._timer = self._app.set_timer(_PAUSE, self._step, name="filter")
        self._stepped()

    def _count(self) -> None:
        """Count up to :data:`COUNT_CHUNK` matches into the stats; the rest from a timer."""
        budget = COUNT_CHUNK
        uncounted = self._uncounted
        while uncounted and budget > 0:
            entries = uncounted[0]
            if len(entries) > budget:
                uncounted[0] = entries[budget:]
                entries = entries[:budget]
            else:
                uncounted.popleft()
            self._stats.add(entries)
            budget -= len(entries)
        if uncounted:
            self._app.set_timer(_PAUSE, self._count, name="filter stats")
            return
        self._counting = False
        if self._counted is not None:
            self._counted()
