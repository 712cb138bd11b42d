"""Reading when an event happened: the one place every column, filter and pane asks.

Log APIs say it in many ways: NextDNS ``timestamp`` (ISO 8601), Instant Logs
``EdgeStartTimestamp`` (a nanosecond epoch or RFC 3339 text), proxy-logs ``tsMs`` (milliseconds)
and ``tsIso``, OpenTelemetry ``timeUnixNano`` then ``observedTimeUnixNano`` (nanoseconds, as
text or a number, where ``0`` means the time is unknown), and plain SSE streams ``time``,
``ts``, ``@timestamp``... in seconds, milliseconds, microseconds or nanoseconds. A number's
unit is decided by its magnitude; text is a number or ISO 8601 (``Z``, offsets, any number of
fractional digits; no zone means UTC).

The values come from the wire, so nothing here raises: a value that is not a time between
1970 and 9999 (NaN, infinity, a negative or huge number, a boolean, ``"soon"``, year 99999)
reads as ``None``, and :func:`time_text` shows such a field as its raw text instead of a clock.

Times are shown in one zone, UTC (as the APIs write them) or the machine's local zone; the
dashboard passes the zone it shows, so its column, its ``time>=14:30`` filters and its export
file names agree.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any, Final, Literal

from logtui.core.models import Entry

__all__ = [
    "MAX_SECONDS",
    "TIME_KEYS",
    "UNSET_WHEN_ZERO",
    "ZONES",
    "Zone",
    "day_start",
    "entry_seconds",
    "entry_time",
    "epoch_seconds",
    "event_seconds",
    "field_seconds",
    "file_stamp",
    "format_clock",
    "time_text",
    "wall_clock",
    "zone_label",
]

Zone = Literal["utc", "local"]
"""The zone times are shown in: UTC, or the machine's local zone."""

ZONES: Final[tuple[Zone, ...]] = ("utc", "local")
"""Every zone, in the order ``z`` cycles through them."""

TIME_KEYS: Final[tuple[str, ...]] = (
    "tsMs",
    "tsIso",
    "timestamp",
    "EdgeStartTimestamp",
    "timeUnixNano",
    "observedTimeUnixNano",
    "@timestamp",
    "time",
    "ts",
    "date",
)
"""Top-level fields that carry the event's time, most specific first: proxy-logs, NextDNS,
Instant Logs, OpenTelemetry, then the names plain SSE streams commonly use."""

UNSET_WHEN_ZERO: Final[frozenset[str]] = frozenset({"timeUnixNano", "observedTimeUnixNano"})
"""Fields where ``0`` (or ``"0"``) means "no time" rather than the epoch: OpenTelemetry writes
it for an unknown time, and a reader then goes on to the next field."""

MAX_SECONDS: Final = 253_402_300_800.0
"""The first second of the year 10000: later times cannot be shown as a date."""

_MAX_TEXT: Final = 64
"""Longer text is never a timestamp (and is not worth parsing)."""
_MAX_RAW: Final = 64
"""How much of an unreadable time field :func:`time_text` shows."""
_MIN_MS: Final = 100_000_000_000
_MAX_MS: Final = 100_000_000_000_000
"""Whole numbers from 1e11 up to 1e14 are milliseconds (see :func:`epoch_seconds`)."""
_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def epoch_seconds(value: Any) -> float | None:
    """A timestamp as Unix seconds, or ``None`` if ``value`` is not a time we can show.

    Numbers (and numeric text) below 1e11 are seconds, below 1e14 milliseconds, below 1e17
    microseconds, else nanoseconds. Never raises, whatever JSON value it is given.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not -(10**30) < value < 10**30:
            return None
        return _from_number(float(value))
    if isinstance(value, float):
        return _from_number(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_TEXT:
            return None
        if _NUMBER.fullmatch(text):
            return _from_number(float(text))
        return _from_iso(text)
    return None


def _from_number(number: float) -> float | None:
    if not math.isfinite(number) or number < 0:
        return None
    if number >= 1e17:
        number /= 1e9
    elif number >= 1e14:
        number /= 1e6
    elif number >= 1e11:
        number /= 1e3
    return _in_range(number)


def _from_iso(text: str) -> float | None:
    if text[-1] == "z":
        text = text[:-1] + "Z"
    try:
        moment = _dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_dt.UTC)
        return _in_range(moment.timestamp())
    except (ValueError, OverflowError, OSError):
        return None


def _in_range(seconds: float) -> float | None:
    return seconds if 0.0 <= seconds < MAX_SECONDS else None


def _unset(key: str, value: Any) -> bool:
    """Whether ``value`` of field ``key`` says there is no time (``None``, or OpenTelemetry's
    zero)."""
    if value is None:
        return True
    if key not in UNSET_WHEN_ZERO or isinstance(value, bool):
        return False
    if isinstance(value, str):
        value = value.strip()
    return value in (0, "0")


def field_seconds(key: str, value: Any) -> float | None:
    """The value of time field ``key`` as Unix seconds, or ``None`` if it is absent, unset
    (OpenTelemetry's ``0``) or not a time."""
    return None if _unset(key, value) else epoch_seconds(value)


def event_seconds(data: Mapping[str, Any]) -> float | None:
    """The event's own time from the first readable field of :data:`TIME_KEYS`, or ``None``.

    Every entry's time is read on arrival (the merge of several sources, the stats), so the
    common shapes take a short path with the same result: an absent field is passed over, and
    whole milliseconds (proxy-logs ``tsMs``) are divided at once.
    """
    for key in TIME_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if value.__class__ is int and _MIN_MS <= value < _MAX_MS:
            return value / 1000
        seconds = field_seconds(key, value)
        if seconds is not None:
            return seconds
    return None


def entry_seconds(entry: Entry) -> float | None:
    """The entry's own time, else when logtui received it; ``None`` if neither is known."""
    seconds = event_seconds(entry.data)
    if seconds is not None:
        return seconds
    return _in_range(float(entry.received_at)) if entry.received_at else None


def entry_time(entry: Entry) -> float:
    """Like :func:`entry_seconds`, with ``0.0`` (the epoch) when nothing is known."""
    seconds = entry_seconds(entry)
    return 0.0 if seconds is None else seconds


def _moment(seconds: float, zone: Zone) -> _dt.datetime:
    moment = _dt.datetime.fromtimestamp(seconds, tz=_dt.UTC)
    return moment.astimezone() if zone == "local" else moment


def zone_label(zone: Zone) -> str:
    """How a header names the zone: ``UTC`` or ``local``."""
    return "UTC" if zone == "utc" else "local"


def format_clock(seconds: float, zone: Zone = "utc") -> str:
    """Epoch seconds as ``HH:MM:SS.mmm`` in ``zone`` (UTC, like the APIs, unless told);
    out of range: the number."""
    if not (isinstance(seconds, int | float) and math.isfinite(seconds)):
        return str(seconds)
    if _in_range(float(seconds)) is None:
        return f"{seconds:g}"
    moment = _moment(seconds, zone)
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def wall_clock(seconds: float, zone: Zone) -> str:
    """Epoch seconds as ``HH:MM:SS`` in ``zone``: when something will happen, to the second."""
    return _moment(seconds, zone).strftime("%H:%M:%S")


def day_start(now: float, zone: Zone) -> float:
    """The Unix seconds of midnight starting ``now``'s day in ``zone`` (what ``14:30`` in a
    filter counts from)."""
    midnight = _moment(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.timestamp()


def file_stamp(seconds: float, zone: Zone) -> str:
    """``YYYYmmdd-HHMMSS`` in ``zone``, for file names (UTC ones end in ``Z``)."""
    stamp = _moment(seconds, zone).strftime("%Y%m%d-%H%M%S")
    return stamp + "Z" if zone == "utc" else stamp


def time_text(entry: Entry, zone: Zone = "utc") -> str:
    """What the time column shows: the event's clock time; if its time field cannot be read,
    that field's raw text (cut short); with no time field, when logtui received it.

    The text is raw wire data: whoever draws it sanitises it first.
    """
    seconds = event_seconds(entry.data)
    if seconds is not None:
        return format_clock(seconds, zone)
    for key in TIME_KEYS:
        value = entry.data.get(key)
        if not _unset(key, value):
            return _raw(value)
    return format_clock(entry_time(entry), zone)


def _raw(value: Any) -> str:
    """A value as short text, whatever it is (an int too long for ``str`` included)."""
    if isinstance(value, str):
        return value[:_MAX_RAW]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{…}"
    if isinstance(value, list | tuple):
        return "[…]"
    try:
        return str(value)[:_MAX_RAW]
    except ValueError:  # an int with more digits than Python will print
        return "(a number too long to show)"
