"""The merge of several sources into one stream ordered by event time, within a bounded window.

Each member of a fleet delivers its entries in its own order, at its own pace: one is a second
behind, another sends a page of history, a third is quiet. :class:`ReorderWindow` sits between
the members' tagging sinks and the one target sink and holds each entry for at most ``window``
seconds (wall clock, from an injectable clock), releasing the held ones in event-time order
(ties: arrival). An entry goes out early once every *live* member has delivered something at
least as late (the watermark), so a steady stream waits only for the slowest live member; an
ended or failed member no longer counts, and a quiet one holds the others back for no more than
the window. An entry whose time is before one already released is beyond the window: it is
flagged ``late`` and released at once, never re-sorted.

One member's own order is never changed: its merge key is its entries' event time made
non-decreasing (an entry older than its predecessor from the same member sorts with it), so a
member whose times step back (a backfill, a clock skew) keeps its sequence. Memory is bounded:
over ``cap`` held entries, the oldest go out early. Statuses and notices are passed on at once.

Several engine threads call the sink methods; a lock orders them. What they release goes into
an outbox under the lock, in order, and one thread at a time hands the outbox to the target
outside the lock: the others go back to reading their streams instead of waiting while the
target works (the dashboard's queue slims every entry it is given). A release happens on the
next call or on the flusher thread (:meth:`start`), which wakes at the next deadline;
:meth:`close` releases everything held and returns once the target has it all (headless output
at its end).
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from logtui.core.models import ConnectionState, Entry, Notice, Sink, SourceStatus

__all__ = ["DEFAULT_CAP", "DEFAULT_WINDOW", "ReorderWindow", "TimeOf", "member_times"]

DEFAULT_WINDOW: Final = 1.0
"""Seconds an entry may be held for others to catch up."""
DEFAULT_CAP: Final = 50_000
"""Entries held at most; beyond it the oldest are released early."""

TimeOf = Callable[[Entry], "float | None"]
"""An entry's event time in Unix seconds, or ``None`` when it has none."""

_DONE: Final = frozenset({ConnectionState.ENDED, ConnectionState.FAILED})
"""States after which a member delivers nothing more and so holds nobody back."""


@dataclass(slots=True)
class _Member:
    """What the window knows of one member: its latest merge key and whether it still runs."""

    time_of: TimeOf
    key: float = -math.inf
    """The merge key of the member's latest entry (non-decreasing)."""
    done: bool = False


_Out = tuple[Callable[[Any], None], Any]
"""A call the target is owed: its method and argument."""
_Held = tuple[float, int, Entry]
"""A held entry: (merge key, arrival number, entry). A plain tuple, so the heap compares in C
(arrival numbers are unique: the entry itself is never compared)."""


class ReorderWindow:
    """A :class:`~logtui.core.models.Sink` for several tagged members, feeding one target sink
    in event-time order (see the module's docstring)."""

    def __init__(
        self,
        target: Sink,
        members: Mapping[str, TimeOf],
        *,
        window: float = DEFAULT_WINDOW,
        cap: int = DEFAULT_CAP,
        clock: Callable[[], float] = time.monotonic,
        default_time_of: TimeOf | None = None,
    ) -> None:
        """``members``: each member's name (``Entry.source``) and how to read its entries'
        time; an entry of a name not listed is read with ``default_time_of``."""
        if window < 0 or cap < 1:
            raise ValueError("the window must be 0 or more seconds and the cap at least 1")
        from logtui.core.eventtime import entry_seconds

        self._target = target
        self._window = window
        self._cap = cap
        self._clock = clock
        self._default_time_of: TimeOf = default_time_of or entry_seconds
        self._members = {name: _Member(time_of) for name, time_of in members.items()}
        self._held: list[_Held] = []
        self._deadlines: deque[tuple[float, float]] = deque()
        """(deadline, highest key) of each batch held, in arrival order."""
        self._arrivals = itertools.count()
        self._released = -math.inf
        """The merge key of the newest entry released so far."""
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._closed = False
        self._flusher: threading.Thread | None = None
        self._outbox: deque[_Out] = deque()
        """What was released, in order, for the target: (method, argument)."""
        self._delivering = False
        """Whether a thread is handing the outbox to the target right now."""
        self._delivered = threading.Condition(self._lock)
        self.late = 0
        """Entries released late so far."""

    @property
    def held(self) -> int:
        """Entries held right now."""
        with self._lock:
            return len(self._held)

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Hold the batch; release at once what is late and what the watermark passed."""
        if not entries:
            return
        with self._lock:
            self._receive(entries)
        self._deliver()

    def _receive(self, entries: Sequence[Entry]) -> None:
        """Hold the batch, or put out what is late and what the watermark passed (lock held)."""
        if self._closed:
            self._outbox.append((self._target.on_entries, entries))
            return
        now = self._clock()
        late: list[Entry] = []
        highest = -math.inf
        for entry in entries:
            member = self._member(entry.source)
            seconds = member.time_of(entry)
            key = member.key if seconds is None else max(member.key, seconds)
            member.key = key
            if key < self._released:
                if seconds is not None and entry.origin != "gap":  # a gap row is no entry
                    entry.late = True
                    self.late += 1
                late.append(entry)
                continue
            heapq.heappush(self._held, (key, next(self._arrivals), entry))
            highest = max(highest, key)
        if highest > -math.inf:
            self._deadlines.append((now + self._window, highest))
        if late:
            self._outbox.append((self._target.on_entries, late))
        self._release(now)
        self._wake.notify()

    def on_status(self, status: SourceStatus) -> None:
        """Pass the status on; a member that ended or failed stops holding the others."""
        with self._lock:
            member = self._members.get(status.name)
            if member is not None and status.state in _DONE and not member.done:
                member.done = True
                self._release(self._clock())
            self._outbox.append((self._target.on_status, status))
        self._deliver()

    def on_notice(self, notice: Notice) -> None:
        """Pass the notice on."""
        with self._lock:
            self._outbox.append((self._target.on_notice, notice))
        self._deliver()

    def flush(self) -> None:
        """Release what is due now (the flusher thread calls this at each deadline)."""
        with self._lock:
            self._release(self._clock())
        self._deliver()

    def start(self) -> None:
        """Start the flusher thread, which releases held entries when their time is up."""
        with self._lock:
            if self._flusher is not None or self._closed:
                return
            self._flusher = threading.Thread(
                target=self._flush_loop, name="logtui-reorder", daemon=True
            )
            self._flusher.start()

    def close(self) -> None:
        """Release everything held, in order, and stop the flusher; later entries pass
        straight through."""
        with self._lock:
            self._closed = True
            self._emit(len(self._held))
            self._wake.notify_all()
        while True:
            self._deliver()
            with self._lock:  # another thread may be handing over the last of it
                while self._delivering:
                    self._delivered.wait()
                if not self._outbox:  # else that thread's target raised: deliver the rest
                    break
        flusher = self._flusher
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(timeout=5.0)

    def _member(self, name: str | None) -> _Member:
        key = name or ""
        member = self._members.get(key)
        if member is None:
            member = self._members[key] = _Member(self._default_time_of)
        return member

    def _watermark(self) -> float:
        """The key every live member has reached (``inf`` when none is live)."""
        keys = [member.key for member in self._members.values() if not member.done]
        return min(keys) if keys else math.inf

    def _release(self, now: float) -> None:
        """Release (lock held) the held entries the watermark, an expired deadline or the cap
        allows, in key order."""
        held, deadlines = self._held, self._deadlines
        bound = self._watermark() if self._window > 0 else math.inf
        while deadlines and deadlines[0][0] <= now:
            bound = max(bound, deadlines.popleft()[1])
        if not held:
            deadlines.clear()
            return
        items: list[_Held] = []
        while held and (held[0][0] <= bound or len(held) > self._cap):
            items.append(heapq.heappop(held))
        self._hand_over(items)

    def _emit(self, count: int) -> None:
        """Hand the ``count`` smallest held entries to the target, as one batch."""
        self._hand_over([heapq.heappop(self._held) for _ in range(min(count, len(self._held)))])
        self._deadlines.clear()

    def _hand_over(self, items: list[_Held]) -> None:
        if items:
            self._released = max(self._released, items[-1][0])
            self._outbox.append((self._target.on_entries, [item[2] for item in items]))

    def _deliver(self) -> None:
        """Hand the outbox to the target in order, outside the lock, unless another thread is
        at it already (it takes what was added meanwhile before it stops)."""
        with self._lock:
            if self._delivering or not self._outbox:
                return
            self._delivering = True
        done = False
        try:
            while True:
                with self._lock:
                    if not self._outbox:  # stop in the same breath as finding it empty
                        self._delivering = False
                        self._delivered.notify_all()
                        done = True
                        return
                    method, argument = self._outbox.popleft()
                method(argument)
        finally:
            if not done:  # the target raised: the next caller delivers the rest
                with self._lock:
                    self._delivering = False
                    self._delivered.notify_all()

    def _next_deadline(self) -> float | None:
        return self._deadlines[0][0] if self._deadlines else None

    def _flush_loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                deadline = self._next_deadline()
                if deadline is None:
                    self._wake.wait()
                    continue
                delay = deadline - self._clock()
                if delay > 0:
                    self._wake.wait(timeout=delay)
                    continue
                self._release(self._clock())
            self._deliver()


def member_times(kinds: Iterable[tuple[str, str]]) -> dict[str, TimeOf]:
    """Each member's time reader from its API (``FieldResolver.time_of``): (name, kind) pairs."""
    from logtui.core.fields import FieldResolver

    return {name: FieldResolver.for_kind(kind).time_of for name, kind in kinds}
