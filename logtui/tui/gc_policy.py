"""When the dashboard lets Python's cyclic garbage collector run its full passes.

A full buffer holds 100,000 entries of parsed JSON, hundreds of thousands of objects the
collector tracks. Python starts a full (generation 2) collection on its own whenever enough new
objects have survived since the last one, which under a 10,000 entries/s stream is every second
or two, and each pass walks all of them: up to 0.9 s with the UI thread stopped, so a key press
or a frame that lands behind it waits that long. The entries themselves never form cycles
(they are freed by reference counting when evicted), so walking them finds nothing.

:class:`GcPolicy` therefore

- freezes (:func:`gc.freeze`) everything alive once the dashboard has started, so the
  imported modules and the widget tree leave the collector's scans for good;
- raises the generation-2 threshold so Python never starts a full pass by itself on the hot
  path, and the generation-1 threshold (:data:`MIDDLE_THRESHOLD`) so that short-lived cycles
  have time to die young, where a pass is short (at most tens of milliseconds), instead of
  piling up for the next full pass;
- runs a full :func:`gc.collect` itself when it cannot hurt and is worth it: no key or mouse
  input for :data:`QUIET_SECONDS`, and either :data:`YOUNG_PASSES_PER_FULL` generation-1
  passes (a measure of how much was allocated) or :data:`COLLECT_EVERY_SECONDS` since the
  last one; and whatever the input once five times that much was allocated or after
  :data:`FORCE_AFTER_SECONDS`, so a user who never stops typing still gets one.

Those collections are not optional. Every row Textual draws becomes a reference cycle (a
rendered strip caches the list of pieces it was cut into, and that list holds the strip
itself), and under a fast stream the strips outlive the young generations, so only a full pass
frees them: about 1.6 MB a second at 10,000 entries/s. With full passes a minute apart the
process grew by about 95 MB a minute; every ten seconds or so keeps it flat. A full pass over a
full buffer still takes 0.2 to 1 s, which is why it waits until no one is typing.

:meth:`GcPolicy.stop` restores the collector as it found it (thresholds, frozen objects), so a
process that runs the dashboard more than once (the test suite) is left as it was.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Final

__all__ = [
    "COLLECT_EVERY_SECONDS",
    "FORCE_AFTER_SECONDS",
    "FULL_PASS_THRESHOLD",
    "MIDDLE_THRESHOLD",
    "QUIET_SECONDS",
    "YOUNG_PASSES_PER_FULL",
    "GcPolicy",
]

QUIET_SECONDS: Final = 2.0
"""Seconds without user input before a full collection may run."""
COLLECT_EVERY_SECONDS: Final = 60.0
"""A quiet dashboard gets a full collection at least this often, whatever it allocated."""
YOUNG_PASSES_PER_FULL: Final = 20
"""Generation-1 passes (each after about 70,000 net allocations) that make a full collection
worth it: about 12 s of a 10,000 entries/s stream, minutes of a slow one."""
FORCE_AFTER_SECONDS: Final = 120.0
"""A full collection runs after this long even if the user never stops typing."""
MIDDLE_THRESHOLD: Final = 100
"""Generation-0 passes per generation-1 pass while the policy runs (Python's default is 10):
a rendered row lives a fraction of a second under a fast stream and now usually dies in
generation 1, which cut the cyclic garbage reaching generation 2 about threefold."""
FULL_PASS_THRESHOLD: Final = 1_000_000
"""The generation-2 threshold while the policy runs: Python never reaches it by itself in a
session (it counts generation-1 passes, which run every few thousand allocations)."""


class GcPolicy:
    """Keeps full garbage collections off the hot path of a running dashboard.

    Call :meth:`start` once the first frame is up, :meth:`note_input` on each key or mouse
    event, :meth:`tick` from a timer (about once a second), and :meth:`stop` on exit.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        young_passes: Callable[[], int] = lambda: gc.get_count()[2],
    ) -> None:
        self._clock = clock
        self._young_passes = young_passes
        self._running = False
        self._saved_thresholds: tuple[int, int, int] | None = None
        self._last_input = 0.0
        self._last_collect = 0.0
        self.collections = 0
        """Full collections this policy has run."""

    @property
    def running(self) -> bool:
        """Whether the policy is in charge of full collections now."""
        return self._running

    def start(self) -> None:
        """Freeze what start-up left alive and take over full collections."""
        if self._running:
            return
        now = self._clock()
        self._last_input = now
        self._last_collect = now
        gc.collect()  # start-up garbage goes now, not frozen with the rest
        gc.freeze()
        self._saved_thresholds = gc.get_threshold()
        young, _, _ = self._saved_thresholds
        gc.set_threshold(young, MIDDLE_THRESHOLD, FULL_PASS_THRESHOLD)
        self._running = True

    def note_input(self) -> None:
        """The user pressed a key or used the mouse: postpone the next full collection."""
        self._last_input = self._clock()

    def tick(self) -> bool:
        """Run a full collection if it is due and the user is not typing; True if it ran."""
        if not self._running:
            return False
        now = self._clock()
        since_collect = now - self._last_collect
        quiet = now - self._last_input >= QUIET_SECONDS
        young = self._young_passes()
        due = since_collect >= COLLECT_EVERY_SECONDS or young >= YOUNG_PASSES_PER_FULL
        overdue = since_collect >= FORCE_AFTER_SECONDS or young >= 5 * YOUNG_PASSES_PER_FULL
        if overdue or (quiet and due):
            gc.collect()
            self._last_collect = self._clock()
            self.collections += 1
            return True
        return False

    def stop(self) -> None:
        """Give the collector back as it was: thresholds restored, frozen objects thawed."""
        if not self._running:
            return
        self._running = False
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
        gc.unfreeze()
