"""History on demand: ``--since`` times and readers of older entries, per API.

Two things live here, both free of any one API:

- :func:`parse_since` reads what a person types after ``--since`` (``-15m``, ``2h``, ``14:00``,
  an ISO time) as Unix seconds, or says in one line what to fix.
- :class:`HistoryReader` pages backwards through a server's stored entries for the
  dashboard's scroll-back. :func:`history_reader` builds the one its API's profile names
  (``ApiProfile.history``), importing it only then; an API that keeps no history has none.

A page never splits entries with the same event time: asking again with the oldest time of a
page then returns exactly the entries before it, none lost, none repeated. So a page holds up to
``limit`` entries, except when more than ``limit`` entries share one time (then all of them).
"""

from __future__ import annotations

import datetime as _dt
import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

from logtui.core.apis import profile_for
from logtui.core.errors import ConfigError
from logtui.core.eventtime import MAX_SECONDS, Zone, entry_time
from logtui.core.models import HistoryProgress
from logtui.core.resource import AsyncResource
from logtui.core.sanitize import safe_line

if TYPE_CHECKING:
    from logtui.core.models import Entry
    from logtui.core.sources import SourceConfig

__all__ = [
    "HistoryPage",
    "HistoryProgress",
    "HistoryReader",
    "ReaderOverSource",
    "format_since",
    "history_reader",
    "keep_whole_times",
    "parse_since",
]

_UNITS: Final = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION: Final = re.compile(r"-?(\d+(?:\.\d+)?)([smhdw])")
_CLOCK: Final = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_SHOWN: Final = 40
"""How much of a bad ``--since`` value the error repeats."""


@dataclass(frozen=True)
class HistoryPage:
    """One page of older entries, as :meth:`HistoryReader.before` returns it."""

    entries: list[Entry]
    """Oldest first, each with origin ``"history"``."""
    exhausted: bool
    """Nothing older exists on the server (for the filters in use)."""


class HistoryReader(Protocol):
    """Reads a server's stored entries backwards in time; an async context manager that owns
    its HTTP client (opened with the config's credentials and headers)."""

    async def before(self, when: float, *, limit: int) -> HistoryPage:
        """Up to ``limit`` entries with event time strictly before ``when`` (Unix seconds),
        the newest of those, returned oldest first (more only when entries with one time
        would otherwise be split, see the module docstring)."""
        ...

    async def aclose(self) -> None:
        """Close the reader's HTTP client."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class ReaderOverSource(AsyncResource):
    """The opening and closing of a reader that reads through its API's source (and so with
    the source's client, credentials and headers): one copy for every API's reader."""

    _source: Any
    """The API's :class:`~logtui.core.sources.base.Source` (its own type in each reader)."""

    async def open(self) -> None:
        """Open the source's HTTP client."""
        await self._source.open()

    async def aclose(self) -> None:
        """Close the source's HTTP client."""
        await self._source.aclose()


def history_reader(config: SourceConfig) -> HistoryReader | None:
    """The history reader of ``config``'s API, or None when the API keeps no history."""
    target = profile_for(config.kind).history
    if target is None:
        return None
    module, _, function = target.partition(":")
    build: Callable[[SourceConfig], HistoryReader] = getattr(
        importlib.import_module(module), function
    )
    return build(config)


def parse_since(text: str, now: float, zone: Zone, *, what: str = "--since",
                future: bool = False) -> float:
    """``--since`` as Unix seconds: a duration ago (``-15m``, ``15m``, ``2h``, ``1d``, ``90s``),
    a time of day in ``zone`` (``14:00``, ``14:00:30``: today, or yesterday when that is still
    to come) or an ISO 8601 time (without an offset it is in ``zone``). Anything else, or a
    time in the future unless ``future``, is a :class:`ConfigError` of one line starting with
    ``what`` (the dashboard's ``goto`` reads times here too)."""
    value = text.strip()
    shown = f"{what} {safe_line(value[:_SHOWN])}"
    if not value:
        raise ConfigError(f"{what} needs a value: a duration (-15m, 2h), a time (14:00) or an"
                          " ISO time (2024-06-12T14:00Z)")
    duration = _DURATION.fullmatch(value)
    if duration is not None:
        seconds = float(duration.group(1)) * _UNITS[duration.group(2)]
        if not math.isfinite(seconds) or seconds > now:
            raise ConfigError(f"{shown}: too far back")
        return now - seconds
    clock = _CLOCK.fullmatch(value)
    if clock is not None:
        return _time_of_day(clock, now, zone, shown)
    return _iso(value, now, zone, shown, future=future)


def _tz(zone: Zone) -> _dt.tzinfo | None:
    return _dt.UTC if zone == "utc" else None


def _in_zone(seconds: float, zone: Zone) -> _dt.datetime:
    moment = _dt.datetime.fromtimestamp(seconds, _dt.UTC)
    return moment if zone == "utc" else moment.astimezone()


def _time_of_day(match: re.Match[str], now: float, zone: Zone, shown: str) -> float:
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ConfigError(f"{shown}: not a time of day (HH:MM or HH:MM:SS)")
    today = _in_zone(now, zone).date()
    for day in (today, today - _dt.timedelta(days=1)):
        moment = _dt.datetime.combine(day, _dt.time(hour, minute, second), _tz(zone))
        seconds = moment.timestamp()
        if seconds <= now:
            return seconds
    raise ConfigError(f"{shown}: that time has not come yet")  # pragma: no cover


def _iso(value: str, now: float, zone: Zone, shown: str, *, future: bool) -> float:
    text = value[:-1] + "Z" if value.endswith("z") else value
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"{shown}: not a duration (-15m, 2h, 1d), a time of day (14:00) or an ISO"
            " time (2024-06-12T14:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_tz(zone))
    try:
        seconds = moment.timestamp()
    except (OverflowError, OSError, ValueError):
        raise ConfigError(f"{shown}: out of range") from None
    if not 0.0 <= seconds < MAX_SECONDS:
        raise ConfigError(f"{shown}: out of range")
    if seconds > now and not future:
        raise ConfigError(f"{shown}: that time is in the future")
    return seconds


def format_since(seconds: float, zone: Zone = "utc") -> str:
    """A time as the notices about history show it: ``2024-06-12 14:00:00`` (with ``Z`` in
    UTC)."""
    text = _in_zone(seconds, zone).strftime("%Y-%m-%d %H:%M:%S")
    return f"{text}Z" if zone == "utc" else text


def keep_whole_times(
    newest_first: Sequence[Entry], limit: int, *, complete: bool
) -> list[Entry] | None:
    """The newest ``limit`` of ``newest_first`` without splitting one event time, oldest first.

    ``complete``: ``newest_first`` holds every entry there is (nothing older remains), so its
    oldest time is whole. Otherwise entries with the oldest time in it may go on past its end.
    A time that the cut would split goes wholly to the next page, or, when that time fills the
    whole page, wholly into this one: None then says more must be read first (the list ends
    inside that time).
    """
    if len(newest_first) <= limit and complete:
        return list(reversed(newest_first))
    times = [entry_time(entry) for entry in newest_first]
    cut = min(max(limit, 1), len(newest_first))
    if cut == 0:
        return []
    boundary = times[cut - 1]
    split = times[cut] == boundary if cut < len(times) else not complete
    if not split:
        return list(reversed(newest_first[:cut]))
    start = cut - 1
    while start > 0 and times[start - 1] == boundary:
        start -= 1
    if start > 0:
        return list(reversed(newest_first[:start]))
    end = cut
    while end < len(times) and times[end] == boundary:
        end += 1
    if end == len(times) and not complete:
        return None
    return list(reversed(newest_first[:end]))
