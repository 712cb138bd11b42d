"""A new filter applied on the UI thread a step at a time, keys answered between steps.

The store tests the newest rows first (:meth:`~logtui.core.store.EntryStore.start_filter`),
so the screen in follow mode shows its matches after the first step; each later step runs
from a timer, so Textual handles keys and repaints in between. Steps are sized to take about
:data:`STEP_SECONDS` each, whatever the filter costs per row, and the view, the counts and the
title are redrawn at most every :data:`REDRAW_SECONDS` while the filter runs (a repaint costs
more than a step); the view the screen drew stays as it was in between. A buffer of up to
:data:`AT_ONCE` rows is filtered at once.

The matches are counted into the stats after the screen has shown them: a step only notes
the seqs it matched, and counting starts when the filter is done (or every
:data:`COUNTED_SECONDS` while a long one runs), :data:`COUNT_CHUNK` matches at a time, so the
count is not on the way to the last step (it was a fifth of a filter over 1,000,000 entries).
They are counted from the store's columns (event time, weight, key codes), copied for them
then, so no entry is built for a row the screen does not draw; matches the columns cannot
stand for (a row kept as an object, an entry without a readable time, a breakdown of a key
that is not coded) are built and counted. A match evicted before it is counted is not: the
stats describe buffered entries.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from time import perf_counter
from typing import Any, Final, Union

from textual.app import App
from textual.timer import Timer

from logtui.core.buffered import EntriesBySeq
from logtui.core.stats import Coded, StatsTracker
from logtui.core.store import EntryStore, FilterJob, Predicate, entries_only

__all__ = ["AT_ONCE", "COUNT_CHUNK", "FIRST_ROWS", "FilterRunner"]

AT_ONCE = 100_000
"""A buffer up to this size is filtered in one go (a filter over 100,000 rows takes tens of
milliseconds when its terms are on columns or texts)."""
FIRST_ROWS = 10_000
"""Rows tested at once when a larger buffer is filtered: the newest, on screen in follow mode."""
FIRST_SCREEN: Final = 100
"""Matches the first step looks for (a screenful) before the screen is first drawn..."""
FIRST_SECONDS: Final = 0.03
"""...for at most about this long: a filter matching few rows draws what it found."""
STEP_SECONDS = 0.008
"""The work each later step aims at: keys wait at most about this long."""
REDRAW_SECONDS: Final = 0.25
"""The matches found are put in the view, and it, the counts and the title redrawn, at most
this often while a filter runs (see :meth:`~logtui.core.store.FilterJob.show`)."""
MIN_ROWS = 1_000
MAX_ROWS = 500_000
"""Bounds of a step's rows (these module settings are read at each step)."""
_PAUSE: Final = 0.001
"""Seconds between steps: enough for queued keys and a repaint to go first."""
COUNTED_SECONDS: Final = 1.0
"""The stats pane is redrawn at most this often while a filter runs (a redraw lays the
screen out again: it costs more than several steps)."""
COUNT_CHUNK = 5_000
"""Matches counted into the stats at a time (read from the columns, about 6 ms; or built,
those the columns cannot count), after the screen shows them."""

_Columns = tuple[EntriesBySeq, "array[float]", "array[int]", Coded]
"""A step's matches (unbuilt) with their event times, weights and key codes (see
:meth:`~logtui.core.store.EntryStore.columns_of`)."""


class _ToBuild:
    """Matches the columns cannot count: their entries are built a chunk at a time."""

    __slots__ = ("seqs",)

    def __init__(self, seqs: array[int]) -> None:
        self.seqs = seqs


_Uncounted = Union["array[int]", _ToBuild]
"""Matches not counted yet: the seqs a step found (not looked at yet), or those to build."""


class FilterRunner:
    """Runs one filter job at a time; a new filter supersedes the one in progress."""

    def __init__(self, app: App[Any], store: EntryStore, stats: StatsTracker,
                 stepped: Callable[[], None], counted: Callable[[], None] | None = None,
                 ) -> None:
        self._app = app
        self._store = store
        self._stats = stats
        self._stepped = stepped
        """Called after the first step, at most every :data:`REDRAW_SECONDS` after that, and
        after the last (redraw the view, the counts, the title)."""
        self._counted = counted
        """Called once every match found so far is in the stats (redraw the stats pane): when
        the filter is done, and at most every :data:`COUNTED_SECONDS` before."""
        self._job: FilterJob | None = None
        self._timer: Timer | None = None
        self._rows = FIRST_ROWS
        self._drawn = 0.0
        """When :attr:`_stepped` was last called."""
        self._uncounted: deque[_Uncounted] = deque()
        """Matches found but not counted into the stats yet, oldest step first."""
        self._counting = False
        """A call to :meth:`_count` is scheduled."""
        self._told = 0.0
        """When :attr:`_counted` was last called."""
        self._count_at = 0.0
        """When the matches found so far are counted while the filter still runs."""

    @property
    def progress(self) -> float | None:
        """How far the filter in progress is, from 0 to 1; None when none is."""
        job = self._job
        return None if job is None or job.done else job.progress

    def start(self, predicate: Predicate | None) -> None:
        """Apply ``predicate``: the newest rows (a screenful of matches) now, the rest step
        by step."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        job = self._job = self._store.start_filter(predicate)
        self._stats.reset()
        self._uncounted.clear()
        self._count_at = perf_counter() + COUNTED_SECONDS
        store = self._store
        if len(store) <= AT_ONCE:
            self._run(job, len(store))
        else:
            started = perf_counter()
            self._rows = FIRST_ROWS
            while True:
                self._run(job, self._rows)
                elapsed = perf_counter() - started
                if job.done or len(store.view) >= FIRST_SCREEN or elapsed >= FIRST_SECONDS:
                    break
                self._rows = min(MAX_ROWS, self._rows * 2)
        self._redraw(job)

    def _step(self) -> None:
        self._timer = None
        job = self._job
        if job is None:
            return
        started = perf_counter()
        self._run(job, self._rows, show=False)
        elapsed = perf_counter() - started
        self._rows = max(MIN_ROWS, min(MAX_ROWS, int(self._rows * STEP_SECONDS
                                                       / max(elapsed, 1e-4))))
        if job.done or perf_counter() - self._drawn >= REDRAW_SECONDS:
            job.show()
            self._redraw(job)
        else:
            self._timer = self._app.set_timer(_PAUSE, self._step, name="filter")

    def _run(self, job: FilterJob, rows: int, *, show: bool = True) -> None:
        """Test ``rows`` more rows and keep their matches' seqs to count (see
        :meth:`FilterJob.step` for ``show``)."""
        if not job.step(rows, show=show):
            return
        self._uncounted.append(job.found)
        if not self._counting and (job.done or perf_counter() >= self._count_at):
            self._count_at = perf_counter() + COUNTED_SECONDS
            self._counting = True
            self._app.call_after_refresh(self._count)

    def _counted_form(self, found: array[int]) -> _Columns | _ToBuild | None:
        """The still buffered of the seqs ``found`` by a step, as columns to count them by
        or, when the columns cannot stand for them, to build; None if none is left."""
        found = self._buffered(found)
        if not found:
            return None
        store = self._store
        columns = store.columns_of(found)
        if columns is not None:
            times, weights, codes = columns
            packer = store.packer
            coded = {key: (column, values) for key, column, values
                     in zip(packer.keys, codes, packer.values, strict=True)}
            if self._stats.columns_suffice(times, weights, coded):
                return EntriesBySeq(store, found), times, weights, coded
        return _ToBuild(found)

    def _buffered(self, seqs: array[int]) -> array[int]:
        """``seqs`` (ascending) without those evicted since a step found them."""
        first = self._store.first_seq
        if seqs and seqs[0] < first:
            return seqs[bisect_left(seqs, first):]
        return seqs

    def _redraw(self, job: FilterJob) -> None:
        """Hand the view to the screen and schedule the next step, if any."""
        if job.done:
            self._job = None
            if not self._counting:  # the stats pane is told of the last counts
                self._counting = True
                self._app.call_after_refresh(self._count)
        else:
            self._timer = self._app.set_timer(_PAUSE, self._step, name="filter")
        self._drawn = perf_counter()
        self._stepped()

    def _count(self) -> None:
        """Count up to :data:`COUNT_CHUNK` of the matches found so far into the stats (from
        their columns, or built), and the rest from a timer: keys are answered in between."""
        budget = COUNT_CHUNK
        uncounted = self._uncounted
        while uncounted and budget > 0:
            matches = uncounted[0]
            if isinstance(matches, array):
                piece = matches[:budget]
                if len(matches) > budget:
                    uncounted[0] = matches[budget:]
                else:
                    uncounted.popleft()
                budget -= len(piece)
                counted = self._counted_form(piece)
                if isinstance(counted, tuple):
                    self._stats.add_columns(*counted)
                elif counted is not None:
                    uncounted.appendleft(counted)  # built in the next call
                continue
            seqs = self._buffered(matches.seqs)
            if len(seqs) > budget:
                matches.seqs = seqs[budget:]
                seqs = seqs[:budget]
            else:
                uncounted.popleft()
            self._stats.add(entries_only(EntriesBySeq(self._store, seqs)[:]))
            budget -= len(seqs)
        if uncounted:
            self._app.set_timer(_PAUSE, self._count, name="filter stats")
            return
        self._counting = False
        now = perf_counter()
        if self._counted is not None and (self._job is None
                                          or now - self._told >= COUNTED_SECONDS):
            self._told = now
            self._counted()
