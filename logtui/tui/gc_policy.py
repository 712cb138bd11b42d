"""How the dashboard keeps Python's cyclic garbage collector from stopping the UI.

A full buffer holds 100,000 entries of parsed JSON, hundreds of thousands of objects the
collector tracks. A full (generation 2) pass walks all of them: 0.5 s or more with the UI
thread stopped, so whichever key or frame comes next waits that long, and waiting for a quiet
moment does not help (the next key comes right after one). The entries never form reference
cycles, so walking them finds nothing: reference counting frees them when they are evicted.

:class:`GcPolicy` therefore keeps them out of the walk. Every :data:`STEP_SECONDS` (from the
app's timer) it runs one *step*: a full :func:`gc.collect`, which walks only what was allocated
since the previous step (everything older is frozen), then :func:`gc.freeze`, which moves the
survivors (entries stored meanwhile, mostly) to the permanent generation. A step's pause
follows the stream's rate, not the buffer's size: 6 ms typically and under 30 ms at worst at
10,000 entries/s with 100,000 held (``python -m benchmarks --case gc``), where a full pass over
them took 0.5 s. Python's own thresholds are raised so it never starts a full pass by itself
(:data:`FULL_PASS_THRESHOLD`).

Frozen objects are never collected, only freed by reference counting. That is all evicted
entries need (they hold no cycles: ``tests/tui/test_gc_policy.py`` checks it); the exception is
an object alive at a step that later dies inside a reference cycle. Every row Textual draws was
one (a strip caches itself as the result of a no-op crop or cut), about 1.5 MB a second of them
at 10,000 entries/s, kept for good once frozen: the policy installs
:mod:`logtui.tui.acyclic_strips` while it runs, which left growth under a 10,000/s stream as
flat as full passes kept it. What little else dies in a cycle after being frozen (widgets
rebuilt, a few rows) waits for a thaw: every :data:`THAW_STEPS` steps the policy may unfreeze
(:func:`gc.unfreeze`) and collect everything, after :data:`QUIET_SECONDS` without input. A
thaw walks every frozen object (1.0 to 1.4 µs each measured: 0.35 to 0.48 s with 100,000 entries
held, 70 ms for an empty dashboard's 61,000 objects), so it runs only when its pause, estimated
from the frozen objects and what the last thaw cost per object, fits :data:`THAW_BUDGET`; the
next key never waits for a long one. Otherwise the frozen garbage stays: about 3,400 objects
(0.35 MB) in 30 s of a 10,000 entries/s stream, rows and widgets of the other panes, less when
less is drawn. Entries stored as objects the collector does not track make the frozen set small
enough for thaws to fit again.

Collecting frees memory to the allocators, which keep it: the pages a step or thaw frees in the
middle of the C heap stay resident until they are asked for back. The policy gives them back
(:func:`logtui.core.heap.give_back`, about 1 ms) every :data:`GIVE_BACK_STEPS` steps and on the
first tick without allocations after some (a burst or a stream has ended), and on start
it fixes glibc's thresholds (:func:`~logtui.core.heap.keep_read_buffers`) so the store's large
columns live in mappings of their own instead of leaving holes in the heap as they grow.

:meth:`GcPolicy.stop` restores the collector as it found it (thresholds, frozen objects), so a
process that runs the dashboard more than once (the test suite) is left as it was.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Final

from logtui.core.heap import give_back, keep_read_buffers
from logtui.tui import acyclic_strips

__all__ = [
    "FULL_PASS_THRESHOLD",
    "GIVE_BACK_STEPS",
    "IDLE_ALLOCATIONS",
    "MIDDLE_THRESHOLD",
    "QUIET_SECONDS",
    "SECONDS_PER_OBJECT",
    "STEP_SECONDS",
    "THAW_BUDGET",
    "THAW_STEPS",
    "GcPolicy",
]

STEP_SECONDS: Final = 0.25
"""How often the app's timer calls :meth:`GcPolicy.tick`: each call collects what is young and
freezes what survived, so a step walks about this long's worth of the stream."""
THAW_STEPS: Final = 2400
"""Steps between thaws (about 10 minutes): what was frozen alive and died in a cycle since is
reclaimed then, if the thaw fits :data:`THAW_BUDGET`."""
THAW_BUDGET: Final = 0.03
"""The longest pause, in seconds, a thaw may be expected to take (a key must be on screen
within 100 ms, the longest pause allowed is 50 ms)."""
SECONDS_PER_OBJECT: Final = 1.5e-6
"""What a thaw is expected to cost per frozen object until one has been timed (the most
measured on a shared 2-core machine was 1.4 µs)."""
QUIET_SECONDS: Final = 2.0
"""Seconds without user input before a due thaw may run."""
MIDDLE_THRESHOLD: Final = 20
"""Generation-0 passes per generation-1 pass while the policy runs (Python's default is 10):
fewer passes between steps, each still short (under 15 ms measured at 10,000 entries/s)."""
IDLE_ALLOCATIONS: Final = 200
"""A step is skipped while fewer objects than this were allocated since the last one (and no
young pass ran): an idle dashboard does not walk and freeze four times a second for nothing."""
GIVE_BACK_STEPS: Final = 40
"""Steps between returns of the C heap's free pages to the kernel while a stream goes on
(about 10 s); an idle dashboard takes no steps, frees nothing and returns nothing."""
FULL_PASS_THRESHOLD: Final = 1_000_000
"""The generation-2 threshold while the policy runs: Python never reaches it by itself in a
session (it counts generation-1 passes, which run every few thousand allocations)."""


class GcPolicy:
    """Keeps full garbage collections from walking the stored entries.

    Call :meth:`start` once the first frame is up, :meth:`note_input` on each key or mouse
    event, :meth:`tick` from a timer every :data:`STEP_SECONDS`, and :meth:`stop` on exit.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 budget: float = THAW_BUDGET) -> None:
        self._clock = clock
        self._budget = budget
        self._running = False
        self._saved_thresholds: tuple[int, int, int] | None = None
        self._last_input = 0.0
        self._since_thaw = 0
        self._per_object = SECONDS_PER_OBJECT
        self.steps = 0
        """Collect-and-freeze steps this policy has run."""
        self.thaws = 0
        """Thaws (full collections over everything) this policy has run."""
        self.thaws_skipped = 0
        """Thaws that were due but would have paused longer than the budget."""
        self.given_back = 0
        """Times the C heap's free pages were returned to the kernel."""
        self._steps_unreturned = 0
        """Steps since the free pages were last returned."""

    @property
    def running(self) -> bool:
        """Whether the policy is in charge of full collections now."""
        return self._running

    def start(self) -> None:
        """Freeze what start-up left alive and take over full collections."""
        if self._running:
            return
        self._last_input = self._clock()
        keep_read_buffers()
        acyclic_strips.install()
        gc.collect()  # start-up garbage goes now, not frozen with the rest
        gc.freeze()
        self._saved_thresholds = gc.get_threshold()
        young, _, _ = self._saved_thresholds
        gc.set_threshold(young, MIDDLE_THRESHOLD, FULL_PASS_THRESHOLD)
        self._running = True

    def note_input(self) -> None:
        """The user pressed a key or used the mouse: postpone a due thaw."""
        self._last_input = self._clock()

    def thaw_estimate(self) -> float:
        """Seconds a thaw would pause now: the frozen objects at what a thaw cost per object."""
        return gc.get_freeze_count() * self._per_object

    def tick(self) -> bool:
        """Run a step, or the thaw when it is due, the user is not typing and it would be
        short; True on a thaw."""
        if not self._running:
            return False
        self._since_thaw += 1
        quiet = self._clock() - self._last_input >= QUIET_SECONDS
        if quiet and self._since_thaw >= THAW_STEPS:
            self._since_thaw = 0
            frozen = gc.get_freeze_count()
            if frozen * self._per_object <= self._budget:
                started = time.perf_counter()
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                if frozen:
                    self._per_object = (time.perf_counter() - started) / frozen
                self.thaws += 1
                return True
            self.thaws_skipped += 1
        young, middle, old = gc.get_count()
        if young < IDLE_ALLOCATIONS and not middle and not old:
            # Next to nothing allocated since the last step: nothing to walk. The first such
            # tick after a stream or a burst returns what it freed.
            if self._steps_unreturned:
                self._give_back()
            return False
        gc.collect()  # walks only what is not frozen: what arrived since the last step
        gc.freeze()
        self.steps += 1
        self._steps_unreturned += 1
        if self._steps_unreturned >= GIVE_BACK_STEPS:
            self._give_back()
        return False

    def _give_back(self) -> None:
        give_back()
        self.given_back += 1
        self._steps_unreturned = 0

    def stop(self) -> None:
        """Give the collector back as it was: thresholds restored, frozen objects thawed."""
        if not self._running:
            return
        self._running = False
        acyclic_strips.uninstall()
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
        gc.unfreeze()
