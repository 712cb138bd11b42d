"""The entries of a packed batch, built from its bytes only when something reads one.

The dashboard's queue packs each batch on the engine's thread (:mod:`logtui.tui.bridge`);
once packed, the parsed entries (about 2.6 KB each for a 460-byte proxy-logs payload) are no
longer needed to store the batch. Kept until the UI applied them, and then until the engine
freed them, they were some thousands at a time, a backlog's worth in a burst, and they
scattered the allocator's arenas with garbage that stayed resident after the buffer filled.
So the queue drops them when nothing needs them all (the stats count the batch from its
columns) and hands the UI a :class:`PackedEntries` instead: once the store took the batch
(:meth:`PackedEntries.bind`) an entry is the store's own (built from the rows and cached
there, the same object the stream pane draws); before that, or once evicted, it is built from
the batch's bytes. Either way it is what the store gives back for that row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from logtui.core.compact import PackedBatch, unpack
from logtui.core.models import Entry

if TYPE_CHECKING:
    from logtui.core.store import EntryStore

__all__ = ["PackedEntries"]


class PackedEntries(Sequence[Entry]):
    """The entries of ``batch`` (or of its rows ``picked``), oldest first, built when read."""

    __slots__ = ("_batch", "_built", "_first", "_names", "_picked", "_store")

    def __init__(self, batch: PackedBatch, names: list[str | None],
                 picked: Sequence[int] | None = None) -> None:
        self._batch = batch
        self._names = names
        """The packer's source and event names (see :func:`~logtui.core.compact.unpack`)."""
        self._picked = picked
        self._store: EntryStore | None = None
        self._first = 0
        self._built: list[Entry] | None = None

    @property
    def batch(self) -> PackedBatch:
        return self._batch

    def bind(self, store: EntryStore, first: int) -> None:
        """The store appended the batch, row 0 numbered ``first``: read entries from it."""
        self._store = store
        self._first = first

    def build(self) -> list[Entry]:
        """Every entry, built now; from then on reads give these very objects (the store took
        them one by one: a reload, where some are refused or placed among older rows)."""
        if self._built is None:
            self._built = [self._row(row) for row in range(len(self._batch))]
        return self._built

    def pick(self, rows: Sequence[int]) -> PackedEntries:
        """These rows of the batch (ascending), read the same way."""
        picked = PackedEntries(self._batch, self._names,
                               rows if self._picked is None else [self._picked[r] for r in rows])
        picked._store, picked._first, picked._built = self._store, self._first, self._built
        return picked

    def __len__(self) -> int:
        return len(self._batch) if self._picked is None else len(self._picked)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self._row(position) for position in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("entry index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[Entry]:
        return map(self._row, range(len(self)))

    def _row(self, position: int) -> Entry:
        row = position if self._picked is None else self._picked[position]
        if self._built is not None:
            return self._built[row]
        batch = self._batch
        kept = batch.kept.get(row)
        if kept is not None:
            return kept
        store = self._store
        if store is not None:
            entry = store.by_seq(self._first + row)
            if entry is not None:
                return entry
        start = batch.starts[row]
        entry = unpack(batch.payload[start : start + batch.lengths[row]], batch.received[row],
                       batch.weights[row], batch.flags[row], self._names)
        if store is not None:
            entry.seq = self._first + row
        return entry
