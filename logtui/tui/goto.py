"""``goto TIME``: reading the time typed, and finding its row in the ordered view.

The time is read as a ``--since`` is (``14:00`` in the zone the dashboard shows, ``-15m`` or
``15m`` ago, an ISO time); a time of day later than now means that time yesterday, as a
``--since`` would. The view is in event-time order, so the row is found by bisection.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Final

from logtui.core.errors import ConfigError
from logtui.core.eventtime import Zone
from logtui.core.filters.session import in_zone
from logtui.core.filters.syntax import ComparandKind, parse
from logtui.core.models import Entry

_AGO: Final = re.compile(r"\d+(?:\.\d+)?[smhdw]")
"""``15m`` without its minus: a time ago, as ``--since`` takes it."""
_DAY: Final = 86_400.0
EXPECTED: Final = "a time like 14:00, -15m, 2h or 2024-06-12T14:00:00Z"
"""What the goto input accepts, said when it cannot read what was typed."""


def goto_time(text: str, now: float, zone: Zone) -> float:
    """The Unix time ``text`` names; raises :class:`ConfigError` with one line otherwise."""
    text = text.strip()
    if _AGO.fullmatch(text):
        text = "-" + text
    if not text or any(ch.isspace() for ch in text):
        raise ConfigError(f"expected {EXPECTED}")
    try:
        expr = parse(f"time>={text}")
    except ConfigError:
        raise ConfigError(f"{text[:40]!r} is not a time: expected {EXPECTED}") from None
    comparand = expr.terms[0].comparand if len(expr.terms) == 1 else None
    if comparand is None or comparand.kind is ComparandKind.NUMBER:
        raise ConfigError(f"{text[:40]!r} is not a time: expected {EXPECTED}")
    of_day = comparand.kind is ComparandKind.TIME_OF_DAY
    resolved = in_zone(expr, now, zone).terms[0].comparand
    assert resolved is not None
    when = resolved.resolve(now)
    return when - _DAY if of_day and when > now else when


def first_at_or_after(view: Sequence[Entry], when: float,
                      time_of: Callable[[Entry], float | None]) -> int:
    """The index of the first row at or after ``when`` (``len(view)`` if none is); rows with
    no time count as older, so they never stop the search early."""

    def key(entry: Entry) -> float:
        seconds = time_of(entry)
        return seconds if seconds is not None else -math.inf

    return bisect_left(view, when, key=key)


__all__ = ["EXPECTED", "first_at_or_after", "goto_time"]
