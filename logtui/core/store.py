"""The bounded entry buffer and its filtered view, shared by the dashboard and the exporter.

A live tail can run for days, so the buffer keeps the newest ``capacity`` entries and evicts
the oldest, counting what it dropped. The dashboard renders rows by index through Textual's
line API and re-filters the whole buffer whenever the filter changes, so the buffer and the
filtered view are columns with a moving head: appending, evicting and indexing are O(1)
(amortised), and a new filter costs one pass of the predicate over the buffer.

``extend`` returns a :class:`StoreDelta` so a follow-mode view can scroll by what changed
instead of recomputing anything.

Across a server-side filter change the same entry can arrive again and reloaded entries can be
older than what is buffered. Given the source's identity and order (:mod:`logtui.core.identity`)
the store refuses an identity it already holds, and places an entry that is not live and older
than the newest buffered one by its order key: the buffer is merged and renumbered, and the
delta says ``reordered`` so the UI redraws instead of scrolling. Gap rows (origin ``gap``) are
placed the same way and shown whatever the filter.

Memory: an entry is kept as its payload's bytes plus a few typed columns
(:mod:`logtui.core.compact`), not as the tree of Python objects ``json.loads`` gives, which
weighed about 1.8 KB an entry and made every full garbage collection walk millions of objects.
An :class:`Entry` is built again from its bytes when something reads it (a drawn row, the
detail pane, export, a filter), and a small cache keeps the recent ones, so what the UI draws
each frame is parsed once. An entry whose ``data`` cannot be built from its ``raw`` (a gap
row, a hand-made entry) is kept as the object it is. Entries referenced outside the store stay
the same objects for as long as they are referenced (the marks, the selection), so a read
gives back the very entry that was stored while anyone holds it.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Final, overload

from logtui.core.compact import (
    NUMBER_PATHS,
    TIME,
    PackedBatch,
    Packer,
    trace_hash,
    trace_of,
    unpack,
)
from logtui.core.constants import DEFAULT_BUFFER
from logtui.core.errors import ConfigError
from logtui.core.held import HeldIds, identity_hash
from logtui.core.identity import Identity, OrderKey
from logtui.core.models import Entry
from logtui.core.packed_entries import PackedEntries
from logtui.core.rows import Rows
from logtui.core.scan import matching

__all__ = [
    "EntryStore",
    "EntryView",
    "FilterJob",
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
_CACHE: Final = 256
"""Entries built from bytes kept for the next read: a screen of rows, the detail pane, the
newest frame's entries, with room to spare (about 2.5 KB each for proxy-logs: 1,024 of them
were 2 MB of the dashboard's memory with a full buffer)."""
_SETTLED: Final = 64
"""Entries of the last batch kept cached whatever holds them: a screen of the newest rows."""
_TIME: Final = NUMBER_PATHS.index(TIME)
_intern = sys.intern
_refcount = sys.getrefcount


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
    batch: PackedBatch | None = field(default=None, compare=False)
    """The call's packed batch when every entry of it was appended as it came (none refused,
    none late): its columns are the new rows', for counting them without reading entries."""
    selected: list[bool] | None = field(default=None, compare=False)
    """With :attr:`batch`, which of its rows matched the filter (None: every one)."""


class _Seqs:
    """The view: the ``seq`` of each matching entry, ascending, with a moving head.

    While the seqs are consecutive (no filter: every buffered entry) they are a run, its
    first seq and its length, in no memory per row (8 bytes a row otherwise); the first seq
    that does not follow makes them an array.
    """

    __slots__ = ("_start", "head", "items")

    def __init__(self, items: array[int] | None = None) -> None:
        self.items: array[int] | None = None
        """The seqs from :attr:`head` on; None while they are the run from ``_start`` to
        :attr:`head` (exclusive)."""
        self.head = 0
        self._start = 0
        if items is not None and len(items) and items[-1] - items[0] != len(items) - 1:
            self.items = items
        elif items is not None and len(items):
            self._start, self.head = items[0], items[-1] + 1

    def __len__(self) -> int:
        items = self.items
        return self.head - self._start if items is None else len(items) - self.head

    def first(self) -> int:
        items = self.items
        return self._start if items is None else items[self.head]

    def at(self, position: int) -> int:
        """The seq at ``position`` (0 or more, within the view)."""
        items = self.items
        return self._start + position if items is None else items[self.head + position]

    def bisect(self, seq: int) -> int:
        """The position of the first seq from ``seq`` on (the view's length if none)."""
        items = self.items
        if items is None:
            return min(max(seq - self._start, 0), self.head - self._start)
        return bisect_left(items, seq, self.head) - self.head

    def pop_left(self, count: int = 1) -> None:
        items = self.items
        if items is None:
            self._start += count
            return
        self.head += count
        if self.head > 1024 and self.head * 8 > len(items):
            del items[: self.head]
            self.head = 0

    def extend(self, seqs: range | Iterable[int]) -> None:
        """Append ``seqs`` (ascending, after every seq held)."""
        if self.items is None:
            if isinstance(seqs, range) and seqs.step == 1 and (
                    seqs.start == self.head or self.head == self._start):
                if seqs:
                    if self.head == self._start:  # empty: the run starts here
                        self._start = seqs.start
                    self.head = seqs.stop
                return
            self.items = self.live()
            self.head = 0
        self.items.extend(seqs)

    def append(self, seq: int) -> None:
        self.extend(range(seq, seq + 1))

    def live(self) -> array[int]:
        """The seqs, a copy or the array itself (from the head on)."""
        items = self.items
        if items is None:
            return array("q", range(self._start, self.head))
        return items[self.head :] if self.head else items


class SeqEntries(Sequence[Entry]):
    """Entries of a store indexed through their ``seq``s, built when read: an index is one
    entry (through the store's cache), a slice a bulk read (:meth:`EntryStore.read_many`).
    A subclass says how many there are and which ``seq`` each position holds."""

    __slots__ = ("_store",)

    def __init__(self, store: EntryStore) -> None:
        self._store = store

    def _seq(self, position: int) -> int:
        """The ``seq`` at ``position`` (0 to ``len - 1``), known to be buffered."""
        raise NotImplementedError

    def _seqs(self, positions: range) -> Sequence[int]:
        """The ``seq``s at ``positions`` (a slice), known to be buffered."""
        return [self._seq(position) for position in positions]

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        size = len(self)
        if isinstance(index, slice):
            return self._store.read_many(self._seqs(range(*index.indices(size))))
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._store._at(self._seq(index))


class EntryView(SeqEntries):
    """The entries that match the store's current filter, oldest first.

    A live window onto the store: it stays valid across ``extend`` and ``set_filter`` and
    always shows the current state. ``len`` and indexing are O(1).
    """

    __slots__ = ()

    def __len__(self) -> int:
        return len(self._store._view)

    def _seq(self, position: int) -> int:
        return self._store._view.at(position)

    def seq_at(self, index: int) -> int:
        """The ``seq`` of the entry at view ``index`` (0 or more), without building it."""
        view = self._store._view
        if not 0 <= index < len(view):
            raise IndexError("view index out of range")
        return view.at(index)

    def __iter__(self) -> Iterator[Entry]:
        store = self._store
        return iter(store.read_many(store._view.live()))

    def index_of_seq(self, seq: int) -> int | None:
        """The view index of the entry with this ``seq``, or None if it is not in the view.

        O(log n): the view is sorted by ``seq``. Lets the UI keep the selected row across a
        filter change.
        """
        view = self._store._view
        position = view.bisect(seq)
        if position < len(view) and view.at(position) == seq:
            return position
        return None


class _TraceGroups:
    """``traceId`` → the seqs of its buffered entries, worked out from the trace column."""

    __slots__ = ("_store",)

    def __init__(self, store: EntryStore) -> None:
        self._store = store

    def __getitem__(self, trace_id: str) -> list[int]:
        return [entry.seq for entry in self._store.trace(trace_id)]


class FilterJob:
    """A new filter applied to the buffer a chunk at a time, newest rows first.

    The store's view at once holds only the entries that arrive from then on (tested as they
    come); each :meth:`step` tests the next older chunk and puts its matches at the start of
    the view, so the newest matches (the screen in follow mode) are there after the first
    step and the UI handles keys between steps. A step can hold its matches back until
    :meth:`show` (the UI redraws less often than it steps, and the view it drew stays as it
    was meanwhile). Rows evicted meanwhile leave the job's work, and a reload that renumbers
    rows re-tests what it moved, so the view is always what one pass would give for the rows
    shown so far. A newer filter supersedes the job.
    """

    __slots__ = ("_held", "_next", "_store", "_total", "found")

    def __init__(self, store: EntryStore) -> None:
        self._store = store
        self.found: array[int] = array("q")
        """The seqs the last step matched, ascending."""
        self._held: array[int] = array("q")
        """Matches found but not in the view yet (see :meth:`show`), ascending."""
        self._next = store.received
        """Rows from ``first_seq`` to here are still to be tested."""
        self._total = max(len(store), 1)

    @property
    def done(self) -> bool:
        """Every row is tested and shown (or the job was superseded)."""
        store = self._store
        return store._job is not self or (self._next <= store.first_seq and not self._held)

    @property
    def progress(self) -> float:
        """The share of the rows tested so far, from 0 to 1."""
        if self.done:
            return 1.0
        return min(1.0, 1 - (self._next - self._store.first_seq) / self._total)

    def step(self, rows: int = 20_000, *, show: bool = True) -> int:
        """Test up to ``rows`` more rows (the newest not tested yet) and, with ``show`` or
        once every row is tested, put the matches in the view; returns the matches."""
        store = self._store
        if self.done:
            self.found = array("q")
            return 0
        start = max(store.first_seq, self._next - rows)
        found = self.found = store._matching(start, self._next)
        self._next = start
        if found:
            self._held = found + self._held
        if show or start <= store.first_seq:
            self.show()
        return len(found)

    def show(self) -> None:
        """Put the matches the steps held back at the start of the view."""
        store = self._store
        if store._job is not self:
            return
        held = self._held
        if held:
            first = store.first_seq
            if held[0] < first:  # evicted meanwhile
                held = held[bisect_left(held, first):]
            store._view = _Seqs(held + store._view.live())
            self._held = array("q")
        if self._next <= store.first_seq:
            store._job = None

    def rewind(self, boundary: int) -> None:
        """Rows from ``boundary`` on were re-tested by a merge; the rest are still to do."""
        self._next = min(self._next, boundary)
        held = self._held
        if held and held[-1] >= boundary:
            self._held = held[:bisect_left(held, boundary)]

    def finish(self) -> None:
        """Test every remaining row now."""
        while not self.done:
            self.step(1 << 62)


class EntryStore:
    """The newest ``capacity`` entries, numbered by arrival, with a filtered view.

    ``share`` (default on) replaces the ``data`` of each entry kept as an object (one whose
    ``data`` is not its parsed ``raw``) with an equal copy that shares keys and short strings
    with other entries (see :func:`share_strings`). Not thread-safe: the dashboard owns it and
    feeds it from the UI thread.
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
        self._packer = Packer(identity=identity)
        self._rows = Rows(identity is not None, len(self._packer.keys))
        self._view = _Seqs()
        self._cache: OrderedDict[int, Entry] = OrderedDict()
        """seq → an entry built from bytes (or handed to ``extend``), newest last."""
        self.release: Callable[[list[Entry]], None] | None = None
        """Where the entries of a settled batch go (see :meth:`_settle_recent`), to be freed
        by another thread; None: freed here."""
        self._recent: list[tuple[int, list[Entry]]] = []
        """The entries of the last two ``extend`` calls that appended all they were given, each
        with the ``seq`` of its first: read back as themselves without a cache entry each (see
        :meth:`_settle_recent`)."""
        self._trim_at = _CACHE
        """The cache size that triggers the next trim (see :meth:`_trim_cache`)."""
        self._predicate: Predicate | None = None
        self._job: FilterJob | None = None
        """The filter being applied a chunk at a time, if any (see :meth:`start_filter`)."""
        self._traces = _TraceGroups(self)
        self._entry_view = EntryView(self)
        self._share = share
        self._identity = identity
        self._order = order
        self._unique = unique
        """Whether one identity is always one entry (see :func:`identity_is_unique`)."""
        self._held = HeldIds(capacity if identity is not None else 0)
        """How many buffered entries have each identity, by its hash (counted out on eviction).

        With a unique identity a second one is refused. Otherwise live entries are always
        kept, and a reload (history, backfill) adds only the copies of an identity beyond
        those already held, so alike entries that really happened twice stay twice."""
        self.refused: int = 0
        """Entries refused because their identity was already buffered."""

    def __len__(self) -> int:
        """All buffered entries, whatever the filter."""
        return len(self._rows)

    @property
    def packer(self) -> Packer:
        """Packs entries for this store: the dashboard's sink packs them as they arrive, on
        the engine's thread, and hands the result to :meth:`extend`."""
        return self._packer

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
        return self.received - len(self._rows)

    def entries(self) -> list[Entry]:
        """A copy of every buffered entry, oldest first (for stats recounts and export)."""
        first = self.first_seq
        return self.read_many(range(first, first + len(self._rows)))

    def read_many(self, seqs: Sequence[int]) -> list[Entry]:
        """The buffered entries numbered ``seqs`` (each checked by the caller to be
        buffered): through the cache for a screenful, else built
        without caching them. A caller holding more entries than the cache keeps would make
        every trim of the cache walk all of them (a whole-buffer read quadratic), and would
        leave them all cached after it let go."""
        if len(seqs) <= _CACHE:
            return [self._at(seq) for seq in seqs]
        peek, offset = self._peek, self._rows.head - self.first_seq
        return [peek(offset + seq, seq) for seq in seqs]

    def _at(self, seq: int) -> Entry:
        """The entry with this buffered ``seq``, built from its bytes unless cached."""
        return self._build(self._rows.head + seq - self.first_seq, seq)

    def _build(self, index: int, seq: int) -> Entry:
        """The entry in the row at absolute ``index``, numbered ``seq``."""
        rows = self._rows
        kept = rows.kept.get(index)
        if kept is not None:
            return kept
        for first, recent in self._recent:
            if 0 <= seq - first < len(recent):
                return recent[seq - first]
        cache = self._cache
        entry = cache.get(seq)
        if entry is not None:
            cache.move_to_end(seq)
            return entry
        entry = unpack(rows.payload(index), rows.received[index], rows.weights[index],
                       rows.flags[index], self._packer.names)
        entry.seq = seq
        cache[seq] = entry
        if len(cache) > self._trim_at:
            self._trim_cache()
        return entry

    def _trim_cache(self) -> None:
        """Forget the least recently read entries nobody else holds, down to the cache size.

        An entry still referenced elsewhere (a mark, the batch being applied) stays, so reading
        its row gives that same object back.
        """
        cache = self._cache
        self._trim_at = _CACHE
        for _ in range(len(cache)):
            if len(cache) <= _CACHE:
                return
            seq, entry = cache.popitem(last=False)
            # References: ``entry`` here and getrefcount's argument.
            if _refcount(entry) > 2:
                cache[seq] = entry
        # Everything left is held elsewhere: look again only once a quarter more is cached,
        # so reads stay O(1) amortised however many entries are held.
        self._trim_at = max(_CACHE, len(cache)) + _CACHE // 4

    def extend(self, entries: Sequence[Entry],
               packed: PackedBatch | None = None) -> StoreDelta:
        """Add new entries in arrival order: number them, index them, evict the oldest.

        An identity already buffered is refused; an older entry that is not live is placed by
        its order key (see the module docstring). ``packed``: the entries already packed by
        :attr:`packer` (on another thread, :meth:`~logtui.core.compact.Packer.pack_batch`),
        else they are packed here.

        When no entry can be refused or late (the common case: a live stream of new
        identities) the batch is appended column by column; otherwise entry by entry.

        ``entries`` may be a :class:`~logtui.core.packed_entries.PackedEntries` of ``packed``
        (the dashboard's queue drops the parsed entries): then no entry is built to store
        them, the filter is applied to the new rows as to any rows, and the sequence reads
        the stored entries afterwards.
        """
        if packed is None:
            packed = self._packer.pack_batch(entries)
        self._settle_recent()
        if len(self._cache) > self._trim_at:
            self._trim_cache()
        whole = packed.live or self._order is None
        if whole and self._identity is not None:
            held = self._held
            if self._unique:
                whole = held.add_new(packed.ids)
            elif packed.live:
                held.add_all(packed.ids)  # live entries are always kept (see ``_held``)
            else:
                whole = False
        lazy = entries if entries.__class__ is PackedEntries else None
        if not whole:
            # Refused or late rows (a reload): entry by entry, built from the batch's bytes.
            return self._extend_each(entries if lazy is None else lazy.build(), packed)
        first = self.received
        count = len(entries)
        if lazy is None:
            for entry, seq in zip(entries, range(first, first + count), strict=True):
                entry.seq = seq
        else:
            for index, entry in packed.kept.items():
                entry.seq = first + index
        if packed.kept and self._share:
            for entry in packed.kept.values():
                if entry.is_json:
                    entry.data = share_strings(entry.data)
        self._rows.extend(packed)
        if lazy is None:
            self._recent.append((first, list(entries)))
        self.received = first + count
        predicate = self._predicate
        selected: list[bool] | None = None
        if predicate is None:
            self._view.extend(range(first, first + count))
            matched = count
        elif lazy is not None:
            found = self._matching(first, first + count)
            selected = [False] * count
            for seq in found:
                selected[seq - first] = True
            self._view.extend(found)
            matched = len(found)
        else:
            selected = [bool(predicate(entry)) or entry.origin == "gap" for entry in entries]
            self._view.extend(compress(range(first, first + count), selected))
            matched = sum(selected)
        evicted, evicted_from_view = self._evict()
        if len(self._cache) > self._trim_at:
            self._trim_cache()
        new_in_view = min(matched, len(self._view))
        evicted_from_view -= matched - new_in_view
        if lazy is not None:
            lazy.bind(self, first)
        return StoreDelta(added=count, evicted=evicted, matched_added=new_in_view,
                          evicted_from_view=evicted_from_view, batch=packed, selected=selected)

    def _settle_recent(self, keep: int = 1) -> None:
        """Settle all but the ``keep`` newest recent batches: move into the cache those of
        their entries that must stay the same objects (held elsewhere: a mark, a caller's list)
        and the newest few (the rows on screen); the rest are built again if read.

        The previous batch is kept as it is: its caller may still hold it while it hands over
        the next one."""
        while len(self._recent) > keep:
            first, recent = self._recent.pop(0)
            lowest = max(0, self.first_seq - first)
            newest = max(lowest, len(recent) - _SETTLED)
            kept, head = self._rows.kept, self._rows.head - self.first_seq + first
            # References: ``recent`` and getrefcount's argument.
            held = [index for index in range(lowest, newest) if _refcount(recent[index]) > 2]
            cache = self._cache
            for index in (*held, *range(newest, len(recent))):
                if head + index not in kept:
                    cache[first + index] = recent[index]
            if self.release is not None:
                # Freeing a batch of parsed entries costs about 1.5 µs each: not here.
                self.release(recent)

    def _extend_each(self, entries: Sequence[Entry], packed: PackedBatch) -> StoreDelta:
        """:meth:`extend` entry by entry: some may be refused or late."""
        predicate = self._predicate
        rows = self._rows
        view = self._view
        cache = self._cache
        seq = self.received
        matched = 0
        share = self._share
        identity = self._identity
        held = self._held
        order = self._order
        unique = self._unique
        ids = packed.ids
        late: list[Entry] = []
        appended: list[Entry] = []
        refused = 0
        # Per identity (not unique): copies in this batch refused so far, and held before it.
        repeats: dict[int, int] = {}
        before: dict[int, int] = {}
        self._settle_recent(keep=0)
        settled = len(rows)
        newest: Entry | None = self._at(seq - 1) if order is not None and settled else None
        for position, entry in enumerate(entries):
            key = 0
            if identity is not None:
                key = ids[position]
                if key:
                    have = held.count(key)
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
                    held.add(key)
            entry.seq = seq
            seq += 1
            if (
                order is not None
                and entry.origin != "live"
                and newest is not None
                and order(entry) < order(newest)
            ):
                late.append(entry)
                continue
            if order is not None:
                newest = entry
                appended.append(entry)
            row, trace, _ = packed.row(position)
            if row[0] is entry:
                if share and entry.is_json:
                    entry.data = share_strings(entry.data)
            else:
                cache[entry.seq] = entry
            rows.append(row, trace, key)
            if predicate is None or predicate(entry) or entry.origin == "gap":
                view.append(entry.seq)
                matched += 1
        self.received = seq
        self.refused += refused
        if late:
            matched += self._merge(late, settled, appended)
        evicted, evicted_from_view = self._evict()
        if len(cache) > self._trim_at:
            self._trim_cache()
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

    def _evict(self) -> tuple[int, int]:
        """Drop the oldest rows beyond capacity; how many, and how many left the view."""
        rows = self._rows
        overflow = len(rows) - self.capacity
        if overflow <= 0:
            return 0, 0
        first = self.first_seq
        stop = first + overflow
        if self._identity is not None:
            ids = rows.ids
            assert ids is not None
            self._held.discard_all(ids[rows.head : rows.head + overflow])
        rows.pop_left_many(overflow)
        # Evicted entries are released at once (nothing but the store may hold them).
        self._recent = [(max(first, stop), recent[stop - first :] if first < stop else recent)
                        for first, recent in self._recent if first + len(recent) > stop]
        cache = self._cache
        if len(cache) < 4 * overflow:
            for seq in [seq for seq in cache if seq < stop]:
                del cache[seq]
        else:
            for seq in range(first, stop):
                cache.pop(seq, None)
        view = self._view
        gone = view.bisect(stop)
        if gone:
            view.pop_left(gone)
        self.evicted += overflow
        return overflow, gone

    def _merge(self, late: list[Entry], settled: int, appended: list[Entry]) -> int:
        """Place ``late`` entries among the buffered ones by order key; renumber, re-index.

        ``settled``: how many buffered entries were there before this batch (their ``seq``
        is still contiguous); ``appended``: the entries of this batch appended after them.
        Only the rows from the first insertion on are renumbered and moved, so backfilling a
        recent interval costs that interval, not the buffer. Returns how many of ``late``
        match the filter.
        """
        order = self._order
        assert order is not None
        late.sort(key=order)
        rows = self._rows
        count = len(rows)
        # The seqs before this batch are unchanged: the late entries took numbers past them.
        first = self.received - len(late) - count
        build = self._build
        head = rows.head

        def entry_at(offset: int) -> Entry:
            if offset < settled:
                return build(head + offset, first + offset)
            return appended[offset - settled]

        def key_at(offset: int) -> float:
            return order(entry_at(offset))

        offsets = range(count)
        found = bisect_right(offsets, order(late[0]), key=key_at)
        start = min(found, settled)
        # The rows from ``start`` on, interleaved with the late entries: offsets or entries.
        placed: list[int | Entry] = list(range(start, found))
        cursor = found
        for newcomer in late:
            position = bisect_right(offsets, order(newcomer), lo=cursor, key=key_at)
            placed.extend(range(cursor, position))
            placed.append(newcomer)
            cursor = position
        placed.extend(range(cursor, count))
        moved = [rows.row(rows.head + offset) for offset in range(start, count)]
        cache = self._cache
        boundary = first + start
        stale = [seq for seq in cache if seq >= boundary]
        cached = {seq: cache.pop(seq) for seq in stale}
        rows.truncate_right(rows.head + start)
        identity = self._identity
        pack = self._packer.pack
        share = self._share
        seq = boundary
        for place in placed:
            entry: Entry | None
            if isinstance(place, int):
                row = moved[place - start]
                rows.put(row)
                if row[0] is not None:
                    entry = row[0]
                elif place < settled:
                    entry = cached.get(first + place)
                else:
                    entry = appended[place - settled]
            else:
                entry = place
                packed = pack(entry)
                if packed[0] is entry and share and entry.is_json:
                    entry.data = share_strings(entry.data)
                named = identity(entry) if identity is not None else None
                rows.append(packed, trace_of(entry),
                            identity_hash(named) if named is not None else 0)
            if entry is not None:
                entry.seq = seq
                if len(rows.places) - 1 not in rows.kept:
                    cache[seq] = entry
            seq += 1
        view = self._view.live()
        kept = bisect_left(view, boundary)
        self._view = _Seqs(view[:kept] + self._matching(boundary, self.received))
        if self._job is not None:
            self._job.rewind(boundary)
        predicate = self._predicate
        return sum(
            1 for e in late if predicate is None or e.origin == "gap" or predicate(e)
        )

    def _matching(self, start: int, stop: int) -> array[int]:
        """The seqs from ``start`` to ``stop`` whose entries match the filter (gap rows do)."""
        predicate = self._predicate
        if predicate is None:
            return array("q", range(start, stop))
        return matching(self._rows, range(start, stop), self.first_seq, predicate, self._peek,
                        self._packer)

    def _peek(self, index: int, seq: int) -> Entry:
        """The entry in the row at absolute ``index``: cached or built, but not cached."""
        rows = self._rows
        kept = rows.kept.get(index)
        if kept is not None:
            return kept
        for first, recent in self._recent:
            if 0 <= seq - first < len(recent):
                return recent[seq - first]
        entry = self._cache.get(seq)
        if entry is None:
            entry = unpack(rows.payload(index), rows.received[index], rows.weights[index],
                           rows.flags[index], self._packer.names)
            entry.seq = seq
        return entry

    def set_filter(self, predicate: Predicate | None) -> None:
        """Replace the filter and recompute the view in one pass over the buffer.

        Gap rows stay in every view: what was not loaded matters whatever the filter.
        """
        self.start_filter(predicate).finish()

    def start_filter(self, predicate: Predicate | None) -> FilterJob:
        """Replace the filter and return the job that recomputes the view chunk by chunk
        (see :class:`FilterJob`); entries added meanwhile are tested as they come."""
        self._predicate = predicate
        self._view = _Seqs()
        job = self._job = FilterJob(self)
        return job

    def columns_of(self, seqs: Sequence[int],
                   ) -> tuple[array[float], array[int], list[array[int]]] | None:
        """The event times, weights and key codes of the buffered rows numbered ``seqs``, for
        counting them without building their entries; None if one is kept as an object (it
        has no codes: a gap row, a hand-made entry) or is no longer buffered."""
        rows = self._rows
        first = self.first_seq
        if seqs and (seqs[0] < first or seqs[-1] >= self.received):
            return None
        indexes = list(map((rows.head - first).__add__, seqs))
        kept = rows.kept
        if kept and any(index in kept for index in indexes):
            return None
        return (array("d", map(rows.numbers[_TIME].__getitem__, indexes)),
                array("I", map(rows.weights.__getitem__, indexes)),
                [array("H", map(column.__getitem__, indexes)) for column in rows.codes])

    def by_seq(self, seq: int) -> Entry | None:
        """The buffered entry with this ``seq``, or None if evicted or never assigned."""
        if self.first_seq <= seq < self.received:
            return self._at(seq)
        return None

    def trace(self, trace_id: str) -> list[Entry]:
        """Buffered entries sharing ``traceId`` (a request and its response), oldest first."""
        if not trace_id:
            return []
        rows = self._rows
        traces = rows.traces
        wanted = trace_hash(trace_id)
        first = self.first_seq
        found: list[Entry] = []
        position = rows.head
        while True:
            try:
                position = traces.index(wanted, position)
            except ValueError:
                return found
            entry = self._at(first + position - rows.head)
            if entry.is_json and entry.data.get(_TRACE_KEY) == trace_id:
                found.append(entry)
            position += 1

    def clear(self) -> None:
        """Drop every entry (a server reset); ``received`` keeps counting so seqs stay unique."""
        self.evicted += len(self._rows)
        self._rows = Rows(self._identity is not None, len(self._packer.keys))
        self._view = _Seqs()
        self._job = None
        self._cache.clear()
        self._recent = []
        self._held.clear()


def entries_only(rows: Iterable[Entry]) -> list[Entry]:
    """The log entries among ``rows``, without gap rows (for stats and export)."""
    return [row for row in rows if row.origin != "gap"]
