"""The de-duplication memory: the entry keys seen most recently, bounded.

A reconnect replays the server's ring and a backfill re-reads history, so the same entry can
arrive twice; the engine and the Instant Logs socket drop one by its key.
"""

from __future__ import annotations

from itertools import islice
from typing import Final

DEDUPE_CAPACITY: Final = 50_000
"""Entry keys remembered for de-duplication: more than a ring replay plus a backfill."""


class RecentKeys:
    """A bounded set of the most recent entry keys (the engine reaches in for speed)."""

    __slots__ = ("capacity", "keys", "order")

    def __init__(self, capacity: int = DEDUPE_CAPACITY) -> None:
        self.capacity = capacity
        self.keys: set[str] = set()
        self.order: list[str] = []

    def add(self, key: str) -> bool:
        """Remember ``key``; False if it was already there (a duplicate)."""
        if key in self.keys:
            return False
        self.keys.add(key)
        self.order.append(key)
        self.trim()
        return True

    def trim(self) -> None:
        """Forget the oldest keys once twice the capacity is held (amortised: one pass per
        ``capacity`` keys rather than a deletion per key).

        In place: a fresh set and list of 50,000 keys each would be young objects that the
        garbage collector's next passes walk whole (6 ms a pass while streaming)."""
        order = self.order
        excess = len(order) - self.capacity
        if excess > self.capacity:
            self.keys.difference_update(islice(order, excess))
            del order[:excess]

    def clear(self) -> None:
        """Forget every key (a new stream)."""
        self.keys.clear()
        self.order.clear()


__all__ = ["DEDUPE_CAPACITY", "RecentKeys"]
