"""Every buffered entry as a sequence that builds only the entries read.

Checking a filter expression looks at the newest few hundred entries (which fields the
buffer has), but asking the store for all of its entries builds each one from its bytes: over
a full buffer of 1,000,000 rows that took longer than the filter itself, between the key and
the screen. This sequence has the buffer's length and builds an entry when it is indexed, so
``entries[-200:]`` builds 200.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from logtui.core.models import Entry
from logtui.core.store import EntryStore

__all__ = ["BufferedEntries", "EntriesBySeq"]


class BufferedEntries(Sequence[Entry]):
    """The store's buffered entries, oldest first, whatever the filter, built when read.

    A snapshot of the rows held when it was made is not kept: read it at once (a new entry or
    an eviction in between shifts the indexes).
    """

    __slots__ = ("_store",)

    def __init__(self, store: EntryStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        store = self._store
        first = store.first_seq
        if isinstance(index, slice):
            positions = range(*index.indices(len(store)))
            return store.read_many(range(first + positions.start, first + positions.stop,
                                         positions.step))
        size = len(store)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("buffer index out of range")
        return self._read(first + index)

    def _read(self, seq: int) -> Entry:
        entry = self._store.by_seq(seq)
        if entry is None:  # pragma: no cover - the seq was checked against the buffer
            raise IndexError("buffer index out of range")
        return entry


class EntriesBySeq(Sequence[Entry]):
    """The buffered entries numbered ``seqs``, built when read (an evicted one reads as an
    :class:`IndexError`)."""

    __slots__ = ("_seqs", "_store")

    def __init__(self, store: EntryStore, seqs: Sequence[int]) -> None:
        self._store = store
        self._seqs = seqs

    def __len__(self) -> int:
        return len(self._seqs)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            seqs = self._seqs[index]
            store = self._store
            if seqs and (min(seqs) < store.first_seq or max(seqs) >= store.received):
                raise IndexError("an entry read is no longer buffered")
            return store.read_many(seqs)
        return self._read(self._seqs[index])

    def _read(self, seq: int) -> Entry:
        entry = self._store.by_seq(seq)
        if entry is None:
            raise IndexError(f"entry {seq} is no longer buffered")
        return entry
