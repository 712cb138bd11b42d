"""The bounded entry buffer and its filtered view, shared by the dashboard and the exporter.

A live tail can run for days, so the buffer keeps the newest ``capacity`` entries and evicts
the oldest, counting what it dropped. The dashboard renders rows by index through Textual's
line API and re-filters the whole buffer whenever the filter changes, so both the buffer and
the filtered view are plain lists with a moving head: appending, evicting and indexing are
O(1) (amortised), and a new filter costs one pass of the predicate over the buffer.

``extend`` returns a :class:`StoreDelta` so a follow-mode view can scroll by what changed
instead of recomputing anything.

Across a server-side filter change the same entry can arrive again and reloaded entries can be
older than what is buffered. Given the source's identity and order (:mod:`logtui.core.identity`)
the store refuses an identity it already holds, and places an entry that is not live and older
than the newest buffered one by its order key: the buffer is merged and renumbered, and the
delta says ``reordered`` so the UI redraws instead of scrolling. Gap rows (origin ``gap``) are
placed the same way and shown whatever the filter.

Memory: ``json.loads`` gives every entry its own copy of every key and of every repeated value
("level", "info", the project id...), which is most of an entry's weight. The store swaps each
entry's parsed object for an equal one whose keys and short strings are shared
(:func:`share_strings`), which takes 100,000 realistic proxy-logs entries from about 340 MB to
about 160 MB of RSS (``benchmarks/filter_store.py`` measures it). The dashboard has its sink do
that on the engine's thread as entries arrive, and builds its store with ``share=False``.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, overload

from logtui.core.constants import DEFAULT_BUFFER
from logtui.core.errors import ConfigError
from logtui.core.identity import Identity, OrderKey
from logtui.core.models import Entry

__all__ = [
    "EntryStore",
    "EntryView",
    "Predicate",
    "StoreDelta",
    "entries_only",
    "share_strings",
]

Predicate = Callable[[Entry], bool]
"""A filter over entries, as built by :func:`logtui.core.filters.compile_predicate`."""

_TRACE_KEY: Final = "traceId"
_SHARED_LENGTH: Final = 32
"""Strings up to this length are shared; longer ones (URLs, user agents) rarely repeat."""
_SHARED_DEPTH: Final = 8
"""Objects nested deeper than this are kept as parsed (and recursion stays bounded)."""
_intern = sys.intern


def share_strings(value: Any, depth: int = 0) -> Any:
    """An equal copy of parsed JSON whose keys and short strings are shared between entries.

    Dicts and lists are rebuilt down to a bounded depth; everything else is returned as is.
    """
    if value.__class__ is dict:
        if depth >= _SHARED_DEPTH:
            return value
        shared: dict[Any, Any] = {}
        for key, item in value.items():
            if key.__class__ is str:
                key = _intern(key)
            if item.__class__ is str:
                if len(item) <= _SHARED_LENGTH:
                    item = _intern(item)
            elif item.__class__ is dict or item.__class__ is list:
                item = share_strings(item, depth + 1)
            shared[key] = item
        return shared
    if value.__class__ is list:
        if depth >= _SHARED_DEPTH:
            return value
        return [
            _intern(item)
            if item.__class__ is str and len(item) <= _SHARED_LENGTH
            else share_strings(item, depth + 1)
            if item.__class__ is dict or item.__class__ is list
            else item
            for item in value
        ]
    return value


@dataclass(frozen=True, slots=True)
class StoreDelta:
    """What one :meth:`EntryStore.extend` changed, so the UI can update incrementally.

    The view changed by ``matched_added`` rows appended at the end and ``evicted_from_view``
    rows removed from the start; a row at view index ``i`` before the call is at
    ``i - evicted_from_view`` after it (or gone, if that is negative).
    """

    added: int
    """Entries received in this call (all were given a ``seq``)."""
    evicted: int
    """Entries dropped from the buffer to stay within capacity (including any from this call)."""
    matched_added: int
    """Entries from this call that match the filter and are still in the view."""
    evicted_from_view: int
    """Rows that left the start of the view because their entry was evicted."""
    reordered: bool = False
    """Older entries were placed among the buffered ones and every ``seq`` was renumbered:
    the view is a different list (redraw it as after a filter change)."""
    refused: int = 0
    """Entries not added because their identity was already buffered."""


_GONE: Final = Entry(raw="", data={})
"""Fills the slots of evicted entries until the list is compacted."""


class _HeadList:
    """A list with a moving head: O(1) amortised append and pop-left, O(1) indexing."""

    __slots__ = ("head", "items")

    def __init__(self, items: list[Entry] | None = None) -> None:
        self.items: list[Entry] = items if items is not None else []
        self.head = 0

    def __len__(self) -> int:
        return len(self.items) - self.head

    def first(self) -> Entry:
        return self.items[self.head]

    def pop_left(self) -> None:
        # Drop the reference now: the dead prefix must not keep evicted entries alive.
        self.items[self.head] = _GONE
        self.head += 1
        # Compact once the dead prefix outgrows the live part: amortised O(1) per pop.
        if self.head > 1024 and self.head * 2 > len(self.items):
            del self.items[: self.head]
            self.head = 0

    def live(self) -> list[Entry]:
        return self.items[self.head :] if self.head else self.items


class EntryView(Sequence[Entry]):
    """The entries that match the store's current filter, oldest first.

    A live window onto the store: it stays valid across ``extend`` and ``set_filter`` and
    always shows the current state. ``len`` and indexing are O(1).
    """

    __slots__ = ("_store",)

    def __init__(self, store: EntryStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store._view)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        view = self._store._view
        size = len(view)
        if isinstance(index, slice):
            items, head = view.items, view.head
            return [items[head + position] for position in range(*index.indices(size))]
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("view index out of range")
        return view.items[view.head + index]

    def __iter__(self) -> Iterator[Entry]:
        view = self._store._view
        return iter(view.items[view.head :])

    def index_of_seq(self, seq: int) -> int | None:
        """The view index of the entry with this ``seq``, or None if it is not in the view.

        O(log n): the view is sorted by ``seq``. Lets the UI keep the selected row across a
        filter change.
        """
        view = self._store._view
        lo, hi = view.head, len(view.items)
        while lo < hi:
            mid = (lo + hi) // 2
            if view.items[mid].seq < seq:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(view.items) and view.items[lo].seq == seq:
            return lo - view.head
        return None


class EntryStore:
    """The newest ``capacity`` entries, numbered by arrival, with a filtered view.

    ``share`` (default on) replaces each JSON entry's ``data`` with an equal copy that shares
    keys and short strings with other entries (see :func:`share_strings`). Not thread-safe:
    the dashboard owns it and feeds it from the UI thread.
    """

    def __init__(
        self,
        capacity: int = DEFAULT_BUFFER,
        *,
        share: bool = True,
        identity: Identity | None = None,
        unique: bool = True,
        order: OrderKey | None = None,
    ) -> None:
        if capacity < 1:
            raise ConfigError(f"the buffer must hold at least 1 entry, got {capacity}")
        self.capacity: int = capacity
        """The most entries kept; older ones are evicted."""
        self.evicted: int = 0
        """Entries dropped from the buffer since the start (or the last ``clear``)."""
        self.received: int = 0
        """Entries ever given to ``extend``; also the next ``seq`` to assign."""
        self._buffer = _HeadList()
        self._view = _HeadList()
        self._predicate: Predicate | None = None
        self._traces: dict[str, list[int]] = {}
        """traceId → seqs of its entries, ascending; evicted seqs are pruned lazily."""
        self._entry_view = EntryView(self)
        self._share = share
        self._identity = identity
        self._order = order
        self._unique = unique
        """Whether one identity is always one entry (see :func:`identity_is_unique`)."""
        self._held: dict[Hashable, int] = {}
        """How many buffered entries have each identity (worked out again on eviction).

        With a unique identity a second one is refused. Otherwise live entries are always
        kept, and a reload (history, backfill) adds only the copies of an identity beyond
        those already held, so alike entries that really happened twice stay twice."""
        self.refused: int = 0
        """Entries refused because their identity was already buffered."""

    def __len__(self) -> int:
        """All buffered entries, whatever the filter."""
        return len(self._buffer)

    @property
    def view(self) -> EntryView:
        """The entries matching the current filter, oldest first."""
        return self._entry_view

    @property
    def predicate(self) -> Predicate | None:
        """The current filter, or None when every entry is shown."""
        return self._predicate

    @property
    def first_seq(self) -> int:
        """The ``seq`` of the oldest buffered entry (equal to ``received`` when empty)."""
        return self.received - len(self._buffer)

    def entries(self) -> list[Entry]:
        """A copy of every buffered entry, oldest first (for stats recounts and export)."""
        return list(self._buffer.live())

    def extend(self, entries: Sequence[Entry]) -> StoreDelta:
        """Add new entries in arrival order: number them, index them, evict the oldest.

        An identity already buffered is refused; an older entry that is not live is placed by
        its order key (see the module docstring).
        """
        predicate = self._predicate
        buffer_items = self._buffer.items
        view_items = self._view.items
        traces = self._traces
        seq = self.received
        matched = 0
        share = self._share
        identity = self._identity
        held = self._held
        order = self._order
        unique = self._unique
        late: list[Entry] = []
        refused = 0
        # Per identity (not unique): copies in this batch refused so far, and held before it.
        repeats: dict[Hashable, int] = {}
        before: dict[Hashable, int] = {}
        settled = len(self._buffer)
        for entry in entries:
            if identity is not None:
                key = identity(entry)
                if key is not None:
                    have = held.get(key, 0)
                    if have:
                        if unique:
                            refused += 1
                            continue
                        seen = repeats.get(key, 0)
                        if entry.origin != "live" and seen < before.setdefault(key, have):
                            repeats[key] = seen + 1
                            refused += 1
                            continue
                    elif not unique:
                        before.setdefault(key, 0)
                    held[key] = have + 1
            if share and entry.is_json:
                entry.data = share_strings(entry.data)
            entry.seq = seq
            seq += 1
            if (
                order is not None
                and entry.origin != "live"
                and len(buffer_items) > self._buffer.head
                and order(entry) < order(buffer_items[-1])
            ):
                late.append(entry)
                continue
            buffer_items.append(entry)
            if predicate is None or predicate(entry) or entry.origin == "gap":
                view_items.append(entry)
                matched += 1
            trace_id = entry.data.get(_TRACE_KEY) if entry.is_json else None
            if isinstance(trace_id, str) and trace_id:
                group = traces.get(trace_id)
                if group is None:
                    traces[trace_id] = [entry.seq]
                else:
                    group.append(entry.seq)
        self.received = seq
        self.refused += refused
        if late:
            matched += self._merge(late, settled)

        evicted = 0
        evicted_from_view = 0
        overflow = len(self._buffer) - self.capacity
        for _ in range(max(overflow, 0)):
            oldest = self._buffer.first()
            self._buffer.pop_left()
            evicted += 1
            if len(self._view) and self._view.first() is oldest:
                self._view.pop_left()
                evicted_from_view += 1
            if identity is not None:
                key = identity(oldest)
                count = held.pop(key, 0)
                if count > 1:
                    held[key] = count - 1
            self._forget_trace(oldest)
        self.evicted += evicted
        # Matched entries of this batch that were evicted at once never reached the UI.
        new_in_view = min(matched, len(self._view))
        evicted_from_view -= matched - new_in_view
        return StoreDelta(
            added=len(entries) - refused,
            evicted=evicted,
            matched_added=new_in_view,
            evicted_from_view=evicted_from_view,
            reordered=bool(late),
            refused=refused,
        )

    def _merge(self, late: list[Entry], settled: int) -> int:
        """Place ``late`` entries among the buffered ones by order key; renumber, re-index.

        ``settled``: how many buffered entries were there before this batch (their ``seq``
        is still contiguous). Only the rows from the first insertion on are renumbered and
        re-indexed, so backfilling a recent interval costs that interval, not the buffer.
        Returns how many of ``late`` match the filter.
        """
        order = self._order
        assert order is not None
        late.sort(key=order)
        live = self._buffer.live()
        start = bisect_right(live, order(late[0]), key=order)
        merged = live[:start]
        cursor = start
        for entry in late:
            position = bisect_right(live, order(entry), lo=cursor, key=order)
            merged.extend(live[cursor:position])
            merged.append(entry)
            cursor = position
        merged.extend(live[cursor:])
        # Seqs before the first insertion (and before this batch) are unchanged: the late
        # entries took numbers as they came, so the first seq stays where it was.
        start = min(start, settled)
        first = self.received - len(merged)
        boundary = first + start
        traces = self._traces
        moved: dict[str, list[int]] = {}
        for offset in range(start, len(merged)):
            entry = merged[offset]
            entry.seq = first + offset
            trace_id = entry.data.get(_TRACE_KEY) if entry.is_json else None
            if isinstance(trace_id, str) and trace_id:
                moved.setdefault(trace_id, []).append(entry.seq)
        for trace_id, seqs in moved.items():
            group = traces.get(trace_id)
            if group is None:
                traces[trace_id] = seqs
            else:
                del group[bisect_left(group, boundary) :]
                group.extend(seqs)
        view = self._view.live()
        kept = bisect_left(view, boundary, key=lambda entry: entry.seq)
        self._buffer = _HeadList(merged)
        self._view = _HeadList(view[:kept] + self._filtered(merged[start:]))
        predicate = self._predicate
        return sum(
            1 for e in late if predicate is None or e.origin == "gap" or predicate(e)
        )

    def _filtered(self, entries: list[Entry]) -> list[Entry]:
        predicate = self._predicate
        if predicate is None:
            return list(entries)
        return [entry for entry in entries if entry.origin == "gap" or predicate(entry)]

    def set_filter(self, predicate: Predicate | None) -> None:
        """Replace the filter and recompute the view in one pass over the buffer.

        Gap rows stay in every view: what was not loaded matters whatever the filter.
        """
        self._predicate = predicate
        self._view = _HeadList(self._filtered(self._buffer.live()))

    def by_seq(self, seq: int) -> Entry | None:
        """The buffered entry with this ``seq``, or None if evicted or never assigned."""
        index = seq - self.first_seq
        if 0 <= index < len(self._buffer):
            return self._buffer.items[self._buffer.head + index]
        return None

    def trace(self, trace_id: str) -> list[Entry]:
        """Buffered entries sharing ``traceId`` (a request and its response), oldest first."""
        group = self._traces.get(trace_id)
        if group is None:
            return []
        first = self.first_seq
        items, head = self._buffer.items, self._buffer.head
        return [items[head + seq - first] for seq in group[bisect_left(group, first) :]]

    def clear(self) -> None:
        """Drop every entry (a server reset); ``received`` keeps counting so seqs stay unique."""
        self.evicted += len(self._buffer)
        self._buffer = _HeadList()
        self._view = _HeadList()
        self._traces.clear()
        self._held.clear()

    def _forget_trace(self, entry: Entry) -> None:
        trace_id = entry.data.get(_TRACE_KEY) if entry.is_json else None
        if not isinstance(trace_id, str) or not trace_id:
            return
        group = self._traces.get(trace_id)
        if group is None:
            return
        if group[-1] <= entry.seq:
            del self._traces[trace_id]
            return
        # Drop evicted seqs only once they are half the group: O(1) amortised even when a
        # stream repeats one traceId on every entry.
        stale = bisect_right(group, entry.seq)
        if stale * 2 > len(group):
            del group[:stale]


def entries_only(rows: Iterable[Entry]) -> list[Entry]:
    """The log entries among ``rows``, without gap rows (for stats and export)."""
    return [row for row in rows if row.origin != "gap"]
