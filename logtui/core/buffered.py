"""Every buffered entry as a sequence that builds only the entries read.

Checking a filter expression looks at the newest few hundred entries (which fields the
buffer has), but asking the store for all of its entries builds each one from its bytes: over
a full buffer of 1,000,000 rows that took longer than the filter itself, between the key and
the screen. This sequence has the buffer's length and builds an entry when it is indexed, so
``entries[-200:]`` builds 200.
"""

from __future__ import annotations

from collections.abc import Sequence

from logtui.core.store import EntryStore, SeqEntries

__all__ = ["BufferedEntries", "EntriesBySeq"]


class BufferedEntries(SeqEntries):
    """The store's buffered entries, oldest first, whatever the filter, built when read.

    A snapshot of the rows held when it was made is not kept: read it at once (a new entry or
    an eviction in between shifts the indexes).
    """

    __slots__ = ()

    def __len__(self) -> int:
        return len(self._store)

    def _seq(self, position: int) -> int:
        return self._store.first_seq + position

    def _seqs(self, positions: range) -> Sequence[int]:
        first = self._store.first_seq
        return range(first + positions.start, first + positions.stop, positions.step)


class EntriesBySeq(SeqEntries):
    """The buffered entries numbered ``seqs``, built when read (an evicted one reads as an
    :class:`IndexError`)."""

    __slots__ = ("_numbers",)

    def __init__(self, store: EntryStore, seqs: Sequence[int]) -> None:
        super().__init__(store)
        self._numbers = seqs

    def __len__(self) -> int:
        return len(self._numbers)

    def _seq(self, position: int) -> int:
        return self._buffered([self._numbers[position]])[0]

    def _seqs(self, positions: range) -> Sequence[int]:
        numbers = self._numbers
        return self._buffered([numbers[position] for position in positions])

    def _buffered(self, seqs: Sequence[int]) -> Sequence[int]:
        store = self._store
        if seqs and (min(seqs) < store.first_seq or max(seqs) >= store.received):
            raise IndexError("an entry read is no longer buffered")
        return seqs
