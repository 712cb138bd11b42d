"""Counts and rates for the stats pane: what is arriving, how fast, and what stands out.

The tracker is fed the same batches as the entry store (or, after a filter change, recounted
from the filtered buffer with :meth:`StatsTracker.reset`), so its counts follow whatever the
view shows. Counts cover every entry added since the last reset; the per-second series covers
the last ``window_seconds`` and feeds the sparkline. Each entry counts ``Entry.weight`` times,
so a sampled Instant Logs stream (``sampleInterval``) estimates the real traffic.

Seconds are the events' own times (:mod:`logtui.core.eventtime`), not when they arrived: a
history load or a backfill of the last minutes fills the seconds it happened in instead of
showing as a burst "now". Only a live entry without a readable time counts at its arrival; a
history or backfill entry without one counts in the totals only. A time ahead of the clock
(a server clock a little fast) counts in the current second.

The tracker also keeps, per second, the counts of one breakdown (:data:`HISTOGRAM_GROUPS`:
level, else status class, else status) for the histogram (:mod:`logtui.core.histogram`).

Keys come from the wire, so each breakdown keeps at most :data:`MAX_KEYS` distinct values
(the rest count as :data:`OTHER`) and long values are cut to :data:`MAX_KEY_LENGTH`.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import methodcaller
from types import MappingProxyType
from typing import Any, Final

from logtui.core.apis import profile_for
from logtui.core.compact import NUMBER_PATHS, TIME, UNCODED, UNSURE, PackedBatch
from logtui.core.errors import ConfigError
from logtui.core.eventtime import event_seconds
from logtui.core.models import Entry

__all__ = [
    "BLOCKED_DOMAINS",
    "CACHE_STATUS",
    "COUNTRY",
    "DEVICES",
    "HISTOGRAM_GROUPS",
    "HISTORY_SECONDS",
    "HOST",
    "LEVEL",
    "MAX_KEYS",
    "MAX_KEY_LENGTH",
    "OTHER",
    "PATH",
    "PROJECT",
    "REASONS",
    "SERVICE",
    "STATUS",
    "STATUS_CLASS",
    "CountGroup",
    "GroupSpec",
    "StatsSnapshot",
    "StatsTracker",
    "key_of",
    "key_read",
    "nested",
]

LEVEL: Final = "level"
STATUS: Final = "status"
SERVICE: Final = "service"
PROJECT: Final = "project"
BLOCKED_DOMAINS: Final = "blocked_domains"
_TIME_COLUMN: Final = NUMBER_PATHS.index(TIME)
"""The time column's place among a batch's number columns."""
DEVICES: Final = "devices"
REASONS: Final = "reasons"
STATUS_CLASS: Final = "status_class"
COUNTRY: Final = "country"
HOST: Final = "host"
PATH: Final = "path"
CACHE_STATUS: Final = "cache_status"

MAX_KEYS: Final = 10_000
"""Distinct values kept per breakdown; a flood of unique paths cannot grow memory without end."""
MAX_KEY_LENGTH: Final = 200
"""Longer values are cut (with an ellipsis) before they are counted."""
OTHER: Final = "(other)"
"""The key that counts values beyond :data:`MAX_KEYS`."""
RATE_SECONDS: Final = 5
"""The current rate is the mean over this many complete seconds."""
HISTOGRAM_GROUPS: Final = (LEVEL, STATUS_CLASS, STATUS)
"""The breakdown the histogram splits bars by: the first of these the API profile has."""
HISTORY_SECONDS: Final = 6 * 3600
"""How far back the histogram's per-second counts go; older seconds are forgotten."""
HISTOGRAM_KEYS: Final = 64
"""Distinct values per second the histogram keeps apart (the rest count as :data:`OTHER`)."""

Extract = Callable[[Mapping[str, Any]], Any]
"""Reads the value(s) to count from an entry's data: a scalar, a list, or None to skip."""


@dataclass(frozen=True, slots=True)
class CountGroup:
    """One breakdown: the counts per value, largest first (ties in the order first seen)."""

    name: str
    """A stable identifier (one of this module's constants)."""
    title: str
    """A heading for the pane."""
    counts: tuple[tuple[str, int], ...]
    distinct: int
    """How many distinct values were counted (``counts`` may show only the top ones)."""


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    """The stats at one moment, immutable so the UI can render it at leisure."""

    kind: str
    at: float
    """The clock time of the snapshot."""
    window_seconds: int
    per_second: tuple[int, ...]
    """Events in each second of the window, oldest first; the last is the current second."""
    rate: float
    """Events per second over the last few complete seconds."""
    total: int
    """Events counted since the last reset (weighted: an estimate of real events)."""
    entries: int
    """Entries counted since the last reset (unweighted: what was received)."""
    groups: tuple[CountGroup, ...]
    histogram_group: str | None = None
    """The breakdown the histogram splits by, if the source has one of :data:`HISTOGRAM_GROUPS`."""
    by_second: Mapping[int, Mapping[str, int]] = field(default_factory=dict)
    """Per second (the last :data:`HISTORY_SECONDS`): counts per value of the histogram's
    breakdown (an entry without a value counts as ``""``). A copy of the index only: read it
    before the tracker counts the next batch."""

    @property
    def sampled(self) -> bool:
        """Whether some entries stood for several events (the counts are estimates)."""
        return self.total != self.entries

    def group(self, name: str) -> tuple[tuple[str, int], ...]:
        """The counts of one breakdown by name; empty when the source has no such breakdown."""
        for group in self.groups:
            if group.name == name:
                return group.counts
        return ()

    def count(self, name: str, key: str) -> int:
        """One value's count in one breakdown (0 when absent or not among the top values)."""
        return dict(self.group(name)).get(key, 0)


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """One breakdown an API profile asks for: its name, heading and what it counts."""

    name: str
    title: str
    extract: Extract


def key_of(name: str) -> Extract:
    """Counts the top-level key ``name``."""
    # A C-level ``data.get(name)``: called once per entry per breakdown, so it must be cheap.
    return methodcaller("get", name)


def key_read(extract: Extract) -> str | None:
    """The top-level key ``extract`` counts if it was made by :func:`key_of`, else None."""
    if extract.__class__ is methodcaller:
        reduced: Any = extract.__reduce__()
        args: tuple[Any, ...] = reduced[1]
        if len(args) == 2 and args[0] == "get" and args[1].__class__ is str:
            return str(args[1])
    return None


Coded = Mapping[str, tuple["array[int]", Sequence[Any]]]
"""Per coded key (see :data:`~logtui.core.compact.COLUMN_KEYS`), each new row's value code
and the values the codes stand for."""


def nested(outer: str, *inner: str) -> Extract:
    """Counts the first non-empty of ``inner`` keys inside the object at ``outer``."""

    def extract(data: Mapping[str, Any]) -> Any:
        value = data.get(outer)
        if not isinstance(value, Mapping):
            return None
        for name in inner:
            found = value.get(name)
            if found is not None and found != "":
                return found
        return None

    return extract


def _label(value: Any) -> str | None:
    """The counted form of a value: text, cut to a sane length; None for nothing to count."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = str(value)
    else:
        return None
    if len(text) > MAX_KEY_LENGTH:
        return text[: MAX_KEY_LENGTH - 1] + "…"
    return text


class _Counter:
    """Weighted counts per key with a cap on distinct keys."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add_one(self, value: Any, weight: int) -> None:
        key = _label(value)
        if key is None:
            return
        counts = self.counts
        if key in counts:
            counts[key] += weight
        elif len(counts) < MAX_KEYS:
            counts[key] = weight
        else:
            counts[OTHER] = counts.get(OTHER, 0) + weight

    def top(self, limit: int) -> tuple[tuple[str, int], ...]:
        # sorted() is stable, so equal counts keep the order in which values were first seen.
        ranked = sorted(self.counts.items(), key=lambda item: -item[1])
        return tuple(ranked[:limit])


_Tally = dict[Any, int]
"""Raw value -> weight. Strings and ints are their own keys; other countable values (floats,
booleans) are keyed by ``(type, value)`` so that ``True``, ``1`` and ``1.0`` stay apart, as
their labels do. Insertion order is the order first seen, which ranking ties keep."""


def _tally_key(value: Any) -> Any:
    """The tally key of one raw value, or None when there is nothing to count."""
    cls = value.__class__
    if cls is str or cls is int:
        return value
    if value is None or cls is dict or cls is list:
        return None
    if isinstance(value, str | int | float):
        return (cls, value)
    return None


def _tally_once(values: Iterable[Any]) -> _Tally:
    """Tally values that each count once; a list counts each of its items."""
    tally: _Tally = {}
    get = tally.get
    for value in values:
        cls = value.__class__
        if cls is str or cls is int:
            tally[value] = get(value, 0) + 1
        elif value is None:
            continue
        elif cls is list:
            for item in value:
                key = _tally_key(item)
                if key is not None:
                    tally[key] = get(key, 0) + 1
        else:
            key = _tally_key(value)
            if key is not None:
                tally[key] = get(key, 0) + 1
    return tally


def _tally(pairs: Iterable[tuple[Any, int]]) -> _Tally:
    """Tally ``(value, weight)`` pairs; a list counts each of its items with the weight."""
    tally: _Tally = {}
    get = tally.get
    for value, weight in pairs:
        items = value if value.__class__ is list else (value,)
        for item in items:
            key = _tally_key(item)
            if key is not None:
                tally[key] = get(key, 0) + weight
    return tally


def _hashable(value: Any) -> Any:
    """A histogram value as a dict key: a list stands for its first item; a float or boolean
    is kept apart from an equal int (as its label is); an object counts as no value."""
    if value.__class__ is list:
        value = value[0] if value else None
    if isinstance(value, bool | float):
        return (value.__class__, value)
    return value if isinstance(value, str | int) else None


def _add_keyed(by_second: dict[int, dict[str, int]], second: int, value: Any, weight: int) -> None:
    """Count a histogram value's weight in its second."""
    key = _label(value[1] if value.__class__ is tuple else value) or ""
    counts = by_second.get(second)
    if counts is None:
        counts = by_second[second] = {}
    if key in counts:
        counts[key] += weight
    elif len(counts) < HISTOGRAM_KEYS:
        counts[key] = weight
    else:
        counts[OTHER] = counts.get(OTHER, 0) + weight


class StatsTracker:
    """Counts entries by the fields that matter for the source, and events per second."""

    def __init__(
        self,
        kind: str,
        *,
        clock: Callable[[], float],
        window_seconds: int = 300,
        top_n: int = 10,
    ) -> None:
        if window_seconds < 1:
            raise ConfigError(f"the stats window must be at least 1 second, got {window_seconds}")
        self.kind: str = kind
        self.window_seconds: int = window_seconds
        self.top_n: int = top_n
        """How many values each breakdown shows in a snapshot."""
        self._clock = clock
        self._specs = profile_for(kind).stats_groups
        names = [spec.name for spec in self._specs]
        self._histogram_index: int | None = next(
            (names.index(name) for name in HISTOGRAM_GROUPS if name in names), None
        )
        self._reset_state()

    def _reset_state(self) -> None:
        size = self.window_seconds
        self._buckets = [0] * size
        self._bucket_second = [-1] * size
        self._first_second: int | None = None
        self._total = 0
        self._entries = 0
        self._counters = [_Counter() for _ in self._specs]
        self._by_second: dict[int, dict[str, int]] = {}
        self._pruned_at = -1

    def add(self, entries: Sequence[Entry]) -> None:
        """Count new entries, each in the second it happened (see the module's docstring)."""
        self._count(entries)

    def add_columns(self, entries: Sequence[Entry], times: array[float], weights: array[int],
                    coded: Coded) -> None:
        """Count new entries as :meth:`add` does, reading their event times and coded values
        from their columns: a breakdown of a coded key is tallied per distinct code, not per
        entry. ``times``, ``weights`` and each column of ``coded``: the entries' rows, in
        order (see :class:`~logtui.core.compact.PackedBatch`).

        Rows whose time or weight a column cannot stand for (no readable time, a sampled
        entry) are counted from the entries, as is a breakdown whose column has a value it
        could not code.
        """
        if not entries:
            return
        if UNSURE in times or max(weights) > 1:
            self._count(entries)
        else:
            self._count_columns(entries, times, coded)

    def counts_from_columns(self, batch: PackedBatch, keys: Sequence[str]) -> bool:
        """Whether :meth:`add_columns` counts the rows of ``batch`` (packed with the coded
        ``keys``) without reading their entries: every row counts once with its time in the
        time column, and every breakdown's key is coded with a code in every row. Safe from
        another thread (the dashboard's queue asks, to know it may drop the entries)."""
        if batch.kept or not len(batch):
            return False
        if UNSURE in batch.numbers[_TIME_COLUMN] or max(batch.weights) > 1:
            return False
        for spec in self._specs:
            key = key_read(spec.extract)
            if key is None or key not in keys or UNCODED in batch.codes[keys.index(key)]:
                return False
        return True

    def columns_suffice(self, times: array[float], weights: array[int], coded: Coded) -> bool:
        """Whether :meth:`add_columns` counts these rows from the columns alone, reading none
        of their entries (so a caller can leave them unbuilt)."""
        if UNSURE in times or (weights and max(weights) > 1):
            return False
        return all(self._column(spec.extract, coded) is not None for spec in self._specs)

    def reset(self, entries: Iterable[Entry] = ()) -> None:
        """Forget everything and recount ``entries`` (the filtered buffer after a filter change)."""
        self._reset_state()
        self._count(entries)

    def _count(self, entries: Iterable[Entry]) -> None:
        """Count a batch: the per-second series entry by entry, each breakdown value by value.

        A batch repeats a few values many times ("info", 200, the one project), so each
        breakdown first tallies the raw values of the whole batch in a plain dict and only
        then labels and counts each distinct value once.
        """
        now = self._clock()
        now_second = int(now)
        buckets, seconds, size = self._buckets, self._bucket_second, self.window_seconds
        total = 0
        datas: list[Mapping[str, Any]] = []
        weights: list[int] = []
        first = self._first_second
        index = self._histogram_index
        extract = self._specs[index].extract if index is not None else None
        by_second = self._by_second
        oldest = now_second - HISTORY_SECONDS
        # (second, raw value) -> weight over the batch, labelled once per pair after the loop.
        keyed: dict[tuple[int, Any], int] = {}
        for entry in entries:
            weight = entry.weight if entry.weight > 1 else 1
            data = entry.data
            datas.append(data)
            weights.append(weight)
            total += weight
            seconds_at = event_seconds(data)
            if seconds_at is None:
                if entry.origin != "live":
                    continue  # no time to place it by, and not "now" either
                seconds_at = entry.received_at or now
            second = int(seconds_at)
            if second > now_second:
                second = now_second  # a server clock a little ahead
            if first is None or second < first:
                first = second
            if extract is not None and second > oldest:
                value = extract(data)
                cls = value.__class__
                pair = (second, value if cls is str or cls is int else _hashable(value))
                keyed[pair] = keyed.get(pair, 0) + weight
            slot = second % size
            held = seconds[slot]
            if held == second:
                buckets[slot] += weight
            elif held < second:
                seconds[slot] = second
                buckets[slot] = weight
        for (second, value), weight in keyed.items():
            _add_keyed(by_second, second, value, weight)
        if now_second != self._pruned_at and len(by_second) > HISTORY_SECONDS // 2:
            self._pruned_at = now_second
            for stale in [s for s in by_second if s <= now_second - HISTORY_SECONDS]:
                del by_second[stale]
        self._first_second = first
        self._total += total
        self._entries += len(datas)
        weighted = total != len(datas)
        for spec, counter in zip(self._specs, self._counters, strict=True):
            values = map(spec.extract, datas)
            tally = _tally(zip(values, weights, strict=True)) if weighted else _tally_once(values)
            for key, weight in tally.items():
                counter.add_one(key[1] if key.__class__ is tuple else key, weight)

    def _count_columns(self, entries: Sequence[Entry], times: array[float],
                       coded: Coded) -> None:
        """:meth:`_count` for entries that each count once and whose times are all in
        ``times``: the same counts, in the same order of first appearance."""
        now_second = int(self._clock())
        seconds = list(map(int, times))
        if max(seconds) > now_second:  # a server clock a little ahead
            seconds = [second if second <= now_second else now_second for second in seconds]
        earliest = min(seconds)
        first = self._first_second
        if first is None or earliest < first:
            self._first_second = earliest
        buckets, held, size = self._buckets, self._bucket_second, self.window_seconds
        for second, count in Counter(seconds).items():
            slot = second % size
            if held[slot] == second:
                buckets[slot] += count
            elif held[slot] < second:
                held[slot] = second
                buckets[slot] = count
        datas: list[Mapping[str, Any]] | None = None
        index = self._histogram_index
        if index is not None:
            oldest = now_second - HISTORY_SECONDS
            column = self._column(self._specs[index].extract, coded)
            pairs: Iterable[tuple[int, Any]]
            if column is not None:
                codes, values = column
                pairs = zip(seconds, codes, strict=True)
                if earliest <= oldest:
                    pairs = (pair for pair in pairs if pair[0] > oldest)
                keyed = [((second, values[code]), count)
                         for (second, code), count in Counter(pairs).items()]
            else:
                extract = self._specs[index].extract
                datas = [entry.data for entry in entries]
                tally: dict[tuple[int, Any], int] = {}
                for second, data in zip(seconds, datas, strict=True):
                    if second > oldest:
                        value = extract(data)
                        cls = value.__class__
                        pair = (second, value if cls is str or cls is int else _hashable(value))
                        tally[pair] = tally.get(pair, 0) + 1
                keyed = list(tally.items())
            by_second = self._by_second
            for (second, value), count in keyed:
                _add_keyed(by_second, second, value, count)
            if now_second != self._pruned_at and len(by_second) > HISTORY_SECONDS // 2:
                self._pruned_at = now_second
                for stale in [s for s in by_second if s <= now_second - HISTORY_SECONDS]:
                    del by_second[stale]
        self._total += len(seconds)
        self._entries += len(seconds)
        for spec, counter in zip(self._specs, self._counters, strict=True):
            column = self._column(spec.extract, coded)
            if column is not None:
                codes, values = column
                for code, count in Counter(codes).items():
                    counter.add_one(values[code], count)
                continue
            if datas is None:
                datas = [entry.data for entry in entries]
            for key, count in _tally_once(map(spec.extract, datas)).items():
                counter.add_one(key[1] if key.__class__ is tuple else key, count)

    @staticmethod
    def _column(extract: Extract, coded: Coded) -> tuple[array[int], Sequence[Any]] | None:
        """The codes and values of the key ``extract`` reads, if it is coded and every row's
        value has a code."""
        key = key_read(extract)
        column = coded.get(key) if key is not None else None
        if column is None or UNCODED in column[0]:
            return None
        return column

    def snapshot(self) -> StatsSnapshot:
        """The current counts, top values and per-second series."""
        now = self._clock()
        now_second = int(now)
        size = self.window_seconds
        per_second = tuple(
            self._buckets[second % size] if self._bucket_second[second % size] == second else 0
            for second in range(now_second - size + 1, now_second + 1)
        )
        return StatsSnapshot(
            kind=self.kind,
            at=now,
            window_seconds=size,
            per_second=per_second,
            rate=self._rate(per_second, now_second),
            total=self._total,
            entries=self._entries,
            groups=tuple(
                CountGroup(spec.name, spec.title, counter.top(self.top_n), len(counter.counts))
                for spec, counter in zip(self._specs, self._counters, strict=True)
            ),
            histogram_group=(
                self._specs[self._histogram_index].name
                if self._histogram_index is not None else None
            ),
            by_second=MappingProxyType(dict(self._by_second)),
        )

    def _rate(self, per_second: tuple[int, ...], now_second: int) -> float:
        if self._first_second is None:
            return 0.0
        complete = min(RATE_SECONDS, now_second - self._first_second, len(per_second) - 1)
        if complete <= 0:
            return float(per_second[-1])
        return sum(per_second[-1 - complete : -1]) / complete
