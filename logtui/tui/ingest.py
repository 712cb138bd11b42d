"""One frame's worth of the stream, applied to the data: drain → store → stats → rate.

The app's frame timer calls :meth:`Ingest.frame` and then redraws its widgets from the
:class:`Frame` it returns; everything here is plain Python (no Textual), so the order of the
steps and what each counts can be tested without a screen. The quick toggles' values seen in
the stream (:class:`SeenValues`) are learnt here too, from a sample of each frame.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Final

from logtui.core.apis import profile_for
from logtui.core.compact import NUMBER_PATHS, TIME, PackedBatch, trace_hash
from logtui.core.models import Entry, Notice, SourceStatus
from logtui.core.packed_entries import PackedEntries
from logtui.core.sanitize import safe_line
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore, StoreDelta, entries_only
from logtui.tui.bridge import QueueSink
from logtui.tui.rate import RateMeter

SEEN_SAMPLE: Final = 64
_TRACE_KEY: Final = "traceId"
"""Entries per batch looked at to learn toggle values (projects, devices...)."""
SEEN_LIMIT: Final = 64
"""Distinct values kept per toggle: a flood of new values must not grow without bound."""
_TIME: Final = NUMBER_PATHS.index(TIME)


@dataclass(frozen=True, slots=True)
class Frame:
    """What one frame applied, for the widgets to show."""

    entries: Sequence[Entry] = ()
    """The entries drained (gap rows included), in arrival order."""
    delta: StoreDelta | None = None
    """What the store changed (``None``: no entries this frame)."""
    status: SourceStatus | None = None
    """The source's newest status, if it changed."""
    notices: Sequence[Notice] = field(default_factory=tuple)
    """Notices the source raised since the previous frame."""
    statuses: Sequence[SourceStatus] = field(default_factory=tuple)
    """With several sources, the newest status of each that changed."""


class SeenValues:
    """Values of the toggle fields seen in the stream, and the labels some of them show as."""

    def __init__(self, kind: str) -> None:
        toggles = profile_for(kind).toggles
        self._paths = {spec.field: spec.seen_path for spec in toggles if spec.seen_path}
        """Toggles that learn their values from the stream, and where each value is read."""
        self._label_paths = {spec.field: spec.label_path for spec in toggles if spec.label_path}
        """Toggles that filter by one field (the device id, as the API does) and show another."""
        self._seen: dict[str, Counter[str]] = {name: Counter() for name in self._paths}
        self._labels: dict[str, dict[str, str]] = {name: {} for name in self._label_paths}

    def learn(self, entries: Sequence[Entry]) -> None:
        """Count the toggle fields' values in ``entries`` (a sample of a frame)."""
        for name, path in self._paths.items():
            counter = self._seen[name]
            for entry in entries:
                value = _at(entry.data, path)
                if not isinstance(value, str):
                    continue
                # A value counted already was checked when first seen.
                if value not in counter and (
                    not value or safe_line(value) != value or len(counter) >= SEEN_LIMIT
                ):
                    continue  # a value that needs sanitising is never put into an expression
                counter[value] += 1
                if name in self._labels:
                    label = _at(entry.data, self._label_paths[name])
                    if isinstance(label, str) and label:
                        self._labels[name][value] = label

    def values(self, field: str) -> list[str]:
        """Values of a toggle field seen, most common first (at most eight), sorted."""
        counter = self._seen.get(field)
        return sorted(value for value, _ in counter.most_common(8)) if counter else []

    def label(self, field: str, value: str) -> str | None:
        """How a toggle shows a value it filters by (a device's name for its id), if known."""
        return self._labels.get(field, {}).get(value)


def _at(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        data = data.get(part) if data.__class__ is dict or isinstance(data, Mapping) else None
    return data


def has_trace(entries: Sequence[Entry], trace_id: str) -> bool:
    """Whether one of a frame's ``entries`` has this ``traceId``. Entries the queue dropped
    are looked for in their batch's trace column first, so a frame is not built entry by
    entry while the detail pane shows a trace."""
    if isinstance(entries, PackedEntries):
        wanted = trace_hash(trace_id)
        traces = entries.batch.traces
        if wanted not in traces:
            return False
        rows = [row for row, trace in enumerate(traces) if trace == wanted]
        return any(entries[row].data.get(_TRACE_KEY) == trace_id for row in rows)
    return any(entry.data.get(_TRACE_KEY) == trace_id for entry in entries)


class Ingest:
    """Applies what the source queued to the store, the stats and the live rate, a frame at a
    time (at most ``limit`` entries, so keys are handled between the frames of a replay)."""

    def __init__(self, sink: QueueSink, store: EntryStore, stats: StatsTracker, rate: RateMeter,
                 seen: SeenValues, *, limit: int) -> None:
        self.sink = sink
        self.store = store
        self.stats = stats
        self.rate = rate
        self.seen = seen
        self.limit = limit
        store.release = sink.release  # what the store lets go is freed on the engine thread

    @property
    def backlog(self) -> bool:
        """Whether entries are still queued (the next frame takes them)."""
        return self.sink.queued > 0

    def frame(self, limit: int | None = None) -> Frame | None:
        """Drain one frame's worth (or ``limit`` entries) and apply its entries; ``None``
        when nothing came."""
        batch = self.sink.drain(self.limit if limit is None else min(limit, self.limit))
        if not batch:
            return None
        entries = batch.entries
        delta = self._apply(entries, batch.packed) if entries else None
        return Frame(entries, delta, batch.status, tuple(batch.notices), tuple(batch.statuses))

    def apply(self, entries: Sequence[Entry]) -> StoreDelta:
        """Apply entries that did not come through the sink (older pages loaded on demand)."""
        return self._apply(entries)

    def _apply(self, entries: Sequence[Entry],
               packed: PackedBatch | None = None) -> StoreDelta:
        store = self.store
        delta = store.extend(entries, packed)
        if delta.batch is not None and delta.batch.live:
            self.rate.add(delta.added)  # every entry live, and every one taken
        else:
            self.rate.add_live(entries)
        if delta.reordered:
            # Older entries were placed among the rows (a reload after a filter change).
            predicate = store.predicate
            self.stats.add([
                entry for entry in entries_only(entries)
                if entry.seq >= 0 and (predicate is None or predicate(entry))
            ])  # refused entries were never numbered
        elif delta.matched_added and not self._count_columns(entries, delta):
            view = store.view
            self.stats.add(entries_only(view[len(view) - delta.matched_added :]))
        self.seen.learn(entries[-SEEN_SAMPLE:])
        return delta

    def _count_columns(self, entries: Sequence[Entry], delta: StoreDelta) -> bool:
        """Count the matched entries of a batch the store appended whole from its columns
        (see :meth:`StatsTracker.add_columns`); False when that cannot stand for reading them
        from the view (rows kept as objects, such as gap rows; rows evicted at once)."""
        batch, selected = delta.batch, delta.selected
        if batch is None or batch.kept:
            return False
        times, weights, codes = batch.numbers[_TIME], batch.weights, batch.codes
        if selected is not None:
            entries = entries.pick(list(compress(range(len(entries)), selected))) \
                if isinstance(entries, PackedEntries) else list(compress(entries, selected))
            times = array("d", compress(times, selected))
            weights = array("I", compress(weights, selected))
            codes = [array("H", compress(column, selected)) for column in codes]
        if len(entries) != delta.matched_added:
            return False
        packer = self.store.packer
        coded = {key: (column, values)
                 for key, column, values in zip(packer.keys, codes, packer.values, strict=True)}
        self.stats.add_columns(entries, times, weights, coded)
        return True


__all__ = ["SEEN_SAMPLE", "Frame", "Ingest", "SeenValues", "has_trace"]
