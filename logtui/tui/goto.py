"""``goto TIME``: reading the time typed, and finding its row in the ordered view.

The time is read as ``--since`` reads it: ``-15m`` or ``15m`` ago (``s``, ``m``, ``h``, ``d``,
``w``), a time of day in the zone the dashboard shows (``14:00``, ``14:00:30``: today, or
yesterday when that is still to come), or an ISO 8601 time (without an offset, in that zone).
A time still to come is allowed: it goes to the newest row. The view is in event-time order,
so the row is found by bisection.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Final

from logtui.core.eventtime import Zone
from logtui.core.history import parse_since
from logtui.core.models import Entry

EXPECTED: Final = "a time like 14:00, -15m, 2h or 2024-06-12T14:00:00Z"
"""What the goto input accepts."""


def goto_time(text: str, now: float, zone: Zone) -> float:
    """The Unix time ``text`` names, read as ``--since`` reads it (a time still to come is
    allowed); raises :class:`ConfigError` with one line otherwise."""
    return parse_since(text, now, zone, what="goto", future=True)


def first_at_or_after(view: Sequence[Entry], when: float,
                      time_of: Callable[[Entry], float | None]) -> int:
    """The index of the first row at or after ``when`` (``len(view)`` if none is); rows with
    no time count as older, so they never stop the search early."""

    def key(entry: Entry) -> float:
        seconds = time_of(entry)
        return seconds if seconds is not None else -math.inf

    return bisect_left(view, when, key=key)


__all__ = ["EXPECTED", "first_at_or_after", "goto_time"]
