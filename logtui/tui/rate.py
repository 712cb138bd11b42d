"""Entries per second over the last few seconds, for the status bar.

Only live entries count: a history load, a reload after a filter change or a gap backfill
arrives all at once and is not traffic, so it must not show as a burst.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from logtui.core.models import Entry


class RateMeter:
    """Counts arrivals in one-second buckets and averages the last ``window`` full seconds."""

    def __init__(self, clock: Callable[[], float], *, window: int = 5) -> None:
        self._clock = clock
        self._window = window
        self._buckets: deque[tuple[int, int]] = deque()

    def add(self, count: int) -> None:
        """Record ``count`` arrivals now."""
        if count <= 0:
            return
        second = int(self._clock())
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1] = (second, self._buckets[-1][1] + count)
        else:
            self._buckets.append((second, count))
        self._trim(second)

    def add_live(self, entries: Iterable[Entry]) -> None:
        """Record the live entries of a batch the store took (``seq`` set; refused ones not)."""
        self.add(sum(1 for entry in entries if entry.origin == "live" and entry.seq >= 0))

    def rate(self) -> float:
        """Average arrivals per second over the window ending now."""
        now = int(self._clock())
        self._trim(now)
        total = sum(count for second, count in self._buckets if second < now)
        return total / self._window

    def _trim(self, now: int) -> None:
        while self._buckets and self._buckets[0][0] < now - self._window:
            self._buckets.popleft()
