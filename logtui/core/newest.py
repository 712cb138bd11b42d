"""The newest event time handed on, and which entries had it: where a lost position reloads from.

When the server no longer knows the resume point (a NextDNS id it has dropped, a proxy that
numbered its entries anew), the saved ids say nothing any more, but event times still do. So
the engine keeps, with the resume state, the newest event time it handed on and the identities
(the API's own, :mod:`logtui.core.identity`) of the entries at exactly that time. A lost
position then reloads history from that time instead of the last N entries: everything after it
is new, and of what the load repeats at that very time, the entries already handed on are
dropped by identity (a multiset: two NextDNS queries can be alike in every field).

Only the tail of each batch is read (a few entries), so keeping this costs nothing per entry.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final

from logtui.core.batch import EntryBatch
from logtui.core.eventtime import event_seconds
from logtui.core.models import Entry

MAX_KEYS: Final = 1000
"""Identities kept at the newest time; past that many in one millisecond, a reload may repeat
some of them."""
MAX_UNTIMED: Final = 16
"""Entries without a time passed over at the end of a batch before it is given up on."""

Identity = Callable[[Entry], Hashable | None]


class NewestSeen:
    """The newest event time of the entries handed on, and the identities of those at it."""

    def __init__(self, identity: Identity | None) -> None:
        self._identity = identity
        self.time: float | None = None
        """Unix seconds of the newest event time handed on; None before any."""
        self.keys: list[str] = []
        """Identities of the entries handed on with exactly that time."""

    def note(self, entries: Sequence[Entry]) -> bool:
        """Take in a batch just handed on (in the order it was); True if anything changed.

        Reads from the end back to the first entry of another time: an API that delivers in
        time order (NextDNS) is followed exactly, one that does not (proxy-logs response rows)
        closely enough for a load by time.
        """
        changed = False
        tail: float | None = None
        untimed = 0
        backwards = entries.backwards() if type(entries) is EntryBatch else reversed(entries)
        for entry in backwards:
            seconds = event_seconds(entry.data)
            if seconds is None:
                untimed += 1
                if untimed > MAX_UNTIMED:
                    break
                continue
            if tail is None:
                tail = seconds
                if self.time is not None and seconds < self.time:
                    return False
                if self.time is None or seconds > self.time:
                    self.time, self.keys, changed = seconds, [], True
            elif seconds != tail:
                break
            key = self._key(entry)
            if key is not None:
                if len(self.keys) >= MAX_KEYS:
                    break
                self.keys.append(key)
                changed = True
        return changed

    def _key(self, entry: Entry) -> str | None:
        identity = self._identity
        value = identity(entry) if identity is not None else None
        return None if value is None else str(value)

    def state(self) -> dict[str, Any]:
        """What the resume state keeps (empty before any time was seen)."""
        if self.time is None:
            return {}
        state: dict[str, Any] = {"newest_time": self.time}
        if self.keys:
            state["newest_keys"] = list(self.keys)
        return state

    def restore(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`state` saved; anything malformed is ignored."""
        seconds = state.get("newest_time")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and (
            math.isfinite(seconds) and seconds >= 0
        ):
            self.time = float(seconds)
            keys = state.get("newest_keys")
            if isinstance(keys, list):
                self.keys = [key for key in keys if isinstance(key, str)][-MAX_KEYS:]

    def reload(self) -> Reload | None:
        """What a reload from the newest time must drop; None before any time was seen."""
        return None if self.time is None else Reload(self.time, Counter(self.keys), self._key)


class Reload:
    """A history load from the newest time handed on: drops the entries it repeats."""

    def __init__(
        self, since: float, handed: Counter[str], key: Callable[[Entry], str | None]
    ) -> None:
        self.since = since
        """Where the load starts (Unix seconds)."""
        self._handed = handed
        self._key = key

    def fresh(self, entries: Sequence[Entry]) -> tuple[list[Entry], int]:
        """``entries`` without those already handed on at :attr:`since`; and how many went.

        Those left are marked ``backfill``: they close the gap the lost position left.
        """
        kept: list[Entry] = []
        dropped = 0
        since = self.since
        for entry in entries:
            seconds = event_seconds(entry.data)
            if seconds is not None and seconds < since:
                # Before the load's start: a server that did not honour ``from`` sent again
                # what the lost position had covered.
                dropped += 1
                continue
            if self._handed and seconds == since:
                key = self._key(entry)
                if key is not None and self._handed[key] > 0:
                    self._handed[key] -= 1
                    dropped += 1
                    continue
            if entry.origin == "history":
                entry.origin = "backfill"
            kept.append(entry)
        return kept, dropped


__all__ = ["MAX_KEYS", "MAX_UNTIMED", "NewestSeen", "Reload"]
