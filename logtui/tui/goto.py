"""``goto TIME``: reading the time typed, and finding its row in the ordered view.

The time is read as ``--since`` reads it: ``-15m`` or ``15m`` ago (``s``, ``m``, ``h``, ``d``,
``w``), a time of day in the zone the dashboard shows (``14:00``, ``14:00:30``: today, or
yesterday when that is still to come), or an ISO 8601 time (without an offset, in that zone).
A time still to come is allowed: it goes to the newest row. The view is in event-time order,
so the row is found by bisection.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Final

from logtui.core.errors import ConfigError
from logtui.core.eventtime import MAX_SECONDS, Zone
from logtui.core.models import Entry

_AGO: Final = re.compile(r"-?(\d+(?:\.\d+)?)([smhdw])")
_UNITS: Final = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_CLOCK: Final = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_SHOWN: Final = 40
"""How much of what was typed an error repeats."""
EXPECTED: Final = "a time like 14:00, -15m, 2h or 2024-06-12T14:00:00Z"
"""What the goto input accepts, said when it cannot read what was typed."""


def goto_time(text: str, now: float, zone: Zone) -> float:
    """The Unix time ``text`` names; raises :class:`ConfigError` with one line otherwise."""
    value = text.strip()
    wrong = ConfigError(f"{value[:_SHOWN]!r} is not a time: expected {EXPECTED}")
    ago = _AGO.fullmatch(value)
    if ago is not None:
        seconds = float(ago.group(1)) * _UNITS[ago.group(2)]
        if not math.isfinite(seconds) or seconds > now:
            raise ConfigError(f"{value[:_SHOWN]!r} is too far back")
        return now - seconds
    clock = _CLOCK.fullmatch(value)
    if clock is not None:
        hour, minute, second = (int(part or 0) for part in clock.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise wrong
        return _time_of_day(_dt.time(hour, minute, second), now, zone)
    try:
        moment = _dt.datetime.fromisoformat(value[:-1] + "Z" if value.endswith("z") else value)
    except ValueError:
        raise wrong from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_tz(zone))
    try:
        seconds = moment.timestamp()
    except (OverflowError, OSError, ValueError):
        raise wrong from None
    if not 0.0 <= seconds < MAX_SECONDS:
        raise wrong
    return seconds


def _tz(zone: Zone) -> _dt.tzinfo | None:
    return _dt.UTC if zone == "utc" else None


def _time_of_day(clock: _dt.time, now: float, zone: Zone) -> float:
    """Today's ``clock`` in ``zone``, or yesterday's when today's is still to come."""
    today = _dt.datetime.fromtimestamp(now, _tz(zone) or _dt.UTC)
    if zone != "utc":
        today = today.astimezone()
    moment = _dt.datetime.combine(today.date(), clock, _tz(zone)).timestamp()
    if moment <= now:
        return moment
    yesterday = today.date() - _dt.timedelta(days=1)
    return _dt.datetime.combine(yesterday, clock, _tz(zone)).timestamp()


def first_at_or_after(view: Sequence[Entry], when: float,
                      time_of: Callable[[Entry], float | None]) -> int:
    """The index of the first row at or after ``when`` (``len(view)`` if none is); rows with
    no time count as older, so they never stop the search early."""

    def key(entry: Entry) -> float:
        seconds = time_of(entry)
        return seconds if seconds is not None else -math.inf

    return bisect_left(view, when, key=key)


__all__ = ["EXPECTED", "first_at_or_after", "goto_time"]
