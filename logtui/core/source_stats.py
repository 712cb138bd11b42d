"""Stats split by source when several run together: counts and the live rate of each.

A breakdown of :class:`~logtui.core.stats.StatsTracker` reads an entry's payload, which does
not name its source, so :class:`SourceSplitStats` counts ``Entry.source`` beside the tracker's
own breakdowns, fed the same batches (the matching entries) and recounted on the same resets.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from logtui.core.compact import PackedBatch
from logtui.core.models import Entry
from logtui.core.stats import RATE_SECONDS, Coded, StatsTracker

__all__ = ["SourceCount", "SourceSplitStats"]

UNNAMED: Final = "?"
"""The key of an entry with no source name (none should reach a split tracker)."""


@dataclass(frozen=True, slots=True)
class SourceCount:
    """One source's share of what the view holds."""

    name: str
    count: int
    """Events counted since the last reset (weighted, as the tracker's total)."""
    rate: float
    """Live events per second over the last few complete seconds, by arrival."""


class SourceSplitStats(StatsTracker):
    """A stats tracker that also counts each source's entries and live rate."""

    def __init__(self, kind: str, names: Sequence[str], *, clock: Callable[[], float],
                 window_seconds: int = 300, top_n: int = 10) -> None:
        super().__init__(kind, clock=clock, window_seconds=window_seconds, top_n=top_n)
        self.names: tuple[str, ...] = tuple(names)
        self._source_clock = clock
        self._counts: dict[str, int] = dict.fromkeys(self.names, 0)
        self._seconds: deque[tuple[int, dict[str, int]]] = deque()

    def add(self, entries: Sequence[Entry]) -> None:
        """Count new entries (see :meth:`StatsTracker.add`), and each one's source."""
        super().add(entries)
        self._tally(entries, live=True)

    def add_columns(self, entries: Sequence[Entry], times: array[float], weights: array[int],
                    coded: Coded) -> None:
        """Count new entries from their columns (see :meth:`StatsTracker.add_columns`), and
        each one's source."""
        super().add_columns(entries, times, weights, coded)
        self._tally(entries, live=True)

    def counts_from_columns(self, batch: PackedBatch, keys: Sequence[str]) -> bool:
        """Never: each entry's source is counted from the entry."""
        return False

    def reset(self, entries: Iterable[Entry] = ()) -> None:
        """Forget everything and recount ``entries`` (see :meth:`StatsTracker.reset`)."""
        entries = list(entries)
        super().reset(entries)
        self._counts = dict.fromkeys(self.names, 0)
        self._seconds.clear()
        self._tally(entries, live=False)

    def _tally(self, entries: Iterable[Entry], *, live: bool) -> None:
        counts = self._counts
        now = int(self._source_clock())
        recent: dict[str, int] | None = None
        if live:
            if not self._seconds or self._seconds[-1][0] != now:
                self._seconds.append((now, {}))
            recent = self._seconds[-1][1]
            while self._seconds and self._seconds[0][0] < now - RATE_SECONDS:
                self._seconds.popleft()
        for entry in entries:
            name = entry.source or UNNAMED
            weight = entry.weight if entry.weight > 1 else 1
            counts[name] = counts.get(name, 0) + weight
            if recent is not None and entry.origin == "live":
                recent[name] = recent.get(name, 0) + weight

    def by_source(self) -> tuple[SourceCount, ...]:
        """Each source's count and live rate, in the order the sources were given."""
        now = int(self._source_clock())
        totals: dict[str, int] = {}
        for second, counts in self._seconds:
            if now - RATE_SECONDS <= second < now:
                for name, count in counts.items():
                    totals[name] = totals.get(name, 0) + count
        names = list(self.names) + [name for name in self._counts if name not in self.names]
        return tuple(
            SourceCount(name, self._counts.get(name, 0), totals.get(name, 0) / RATE_SECONDS)
            for name in names
        )
