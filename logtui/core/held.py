"""The identities the entry store holds, as 64-bit hashes in one flat table.

The store refuses an identity it already buffers (:mod:`logtui.core.store`), so it must count
the identities of up to a million entries. A ``dict`` of the identity objects cost about 80
bytes an entry (the table, and each identity kept alive: an ``int``, a ``str``, a tuple for
several sources). Here an identity is its ``hash()``, and the hashes live in an ``array`` used
as an open-addressing table (linear probing, sized half full for the buffer, deletion by
shifting the rest of the cluster back, so no tombstones pile up while the buffer evicts): 8
bytes a slot, about 24 bytes an entry with the store's own column of hashes.

Two identities with one hash are one identity here. That cannot happen between two integers
within 64 bits (each is its own number: proxy-logs row ids) and between texts it happens with
probability 2**-64 per pair: ``str`` hashes are SipHash under a key drawn at start-up, which a
server cannot predict, and a tuple's hash is a bijection of each member's given the others
(one source's ``(name, id)`` never collide when their ids' hashes differ; two sources' mix
their names' secret hashes). With a million held, a new identity is wrongly refused with
probability about 10**6 / 2**64, 5e-14.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable
from typing import Final

__all__ = ["HeldIds", "identity_hash"]

_EMPTY: Final = 0
_MASK64: Final = (1 << 64) - 1
_FIBONACCI: Final = 0x9E3779B97F4A7C15
"""2**64 over the golden ratio: spreads consecutive ids over the table."""
_MIN_BITS: Final = 10
_HALF: Final = 1 << 63
_ZERO: Final = -_HALF
_MAX_LOAD_TENTHS: Final = 7
"""The table grows (a pass over it) past 70 % full: sized for the buffer, it is under 50 %."""


def identity_hash(key: Hashable) -> int:
    """The non-zero 64-bit number standing for an identity: an integer within 64 bits is
    itself, anything else its ``hash()``; 0 stands for none, so 0 becomes -2**63."""
    if key.__class__ is int and -_HALF < key < _HALF:
        return key or _ZERO
    return hash(key) or _ZERO


class HeldIds:
    """A multiset of identity hashes: how many buffered entries have each."""

    __slots__ = ("_bits", "_count", "_mask", "_shift", "_table")

    def __init__(self, expected: int = 0) -> None:
        self._count = 0
        self._resize(max(_MIN_BITS, (expected * 2).bit_length()))

    def _resize(self, bits: int) -> None:
        old = getattr(self, "_table", None)
        self._bits = bits
        self._mask = (1 << bits) - 1
        self._shift = 64 - bits
        self._table = array("q", bytes(8 << bits))
        self._count = 0
        if old is not None:
            for value in old:
                if value:
                    self.add(value)

    def __len__(self) -> int:
        return self._count

    def _home(self, value: int) -> int:
        return ((value & _MASK64) * _FIBONACCI & _MASK64) >> self._shift

    def count(self, value: int) -> int:
        """How many times ``value`` is held."""
        table, mask = self._table, self._mask
        slot = self._home(value)
        found = 0
        while True:
            held = table[slot]
            if held == _EMPTY:
                return found
            if held == value:
                found += 1
            slot = (slot + 1) & mask

    def add(self, value: int) -> None:
        """Hold ``value`` once more."""
        if (self._count + 1) * 10 > len(self._table) * _MAX_LOAD_TENTHS:
            self._resize(self._bits + 1)
        table, mask = self._table, self._mask
        slot = self._home(value)
        while table[slot] != _EMPTY:
            slot = (slot + 1) & mask
        table[slot] = value
        self._count += 1

    def add_new(self, values: Iterable[int]) -> bool:
        """Hold each non-zero ``value`` once, if none is held yet and none repeats; else hold
        nothing more and return False."""
        keys = [value for value in values if value]
        if len(set(keys)) != len(keys):
            return False
        table, mask, shift = self._table, self._mask, self._shift
        for value in keys:  # :meth:`count`, inlined: one probe sequence per key
            slot = ((value & _MASK64) * _FIBONACCI & _MASK64) >> shift
            held = table[slot]
            while held != _EMPTY:
                if held == value:
                    return False
                slot = (slot + 1) & mask
                held = table[slot]
        self.add_all(keys)
        return True

    def add_all(self, values: Iterable[int]) -> None:
        """Hold each non-zero value of ``values`` once more."""
        keys = [value for value in values if value]
        while (self._count + len(keys)) * 10 > len(self._table) * _MAX_LOAD_TENTHS:
            self._resize(self._bits + 1)
        table, mask, shift = self._table, self._mask, self._shift
        for value in keys:  # :meth:`add`, inlined
            slot = ((value & _MASK64) * _FIBONACCI & _MASK64) >> shift
            while table[slot] != _EMPTY:
                slot = (slot + 1) & mask
            table[slot] = value
        self._count += len(keys)

    def discard_all(self, values: Iterable[int]) -> None:
        """Hold each non-zero value of ``values`` once less (:meth:`discard`, inlined)."""
        table, mask, shift = self._table, self._mask, self._shift
        dropped = 0
        for value in values:
            if not value:
                continue
            slot = ((value & _MASK64) * _FIBONACCI & _MASK64) >> shift
            held = table[slot]
            while held != value:
                if held == _EMPTY:
                    break
                slot = (slot + 1) & mask
                held = table[slot]
            if held != value:
                continue
            hole = following = slot
            while True:
                following = (following + 1) & mask
                held = table[following]
                if held == _EMPTY:
                    break
                home = ((held & _MASK64) * _FIBONACCI & _MASK64) >> shift
                if (hole < following and hole < home <= following) or (
                    hole > following and (home > hole or home <= following)
                ):
                    continue
                table[hole] = held
                hole = following
            table[hole] = _EMPTY
            dropped += 1
        self._count -= dropped

    def discard(self, value: int) -> None:
        """Hold ``value`` once less (nothing if it is not held)."""
        table, mask = self._table, self._mask
        slot = self._home(value)
        while True:
            held = table[slot]
            if held == _EMPTY:
                return
            if held == value:
                break
            slot = (slot + 1) & mask
        # Shift back each later member of the cluster whose home is not between the hole and
        # it, so every held value stays reachable from its home without gaps.
        hole = slot
        following = slot
        while True:
            following = (following + 1) & mask
            held = table[following]
            if held == _EMPTY:
                break
            home = self._home(held)
            if (hole < following and hole < home <= following) or (
                hole > following and (home > hole or home <= following)
            ):
                continue
            table[hole] = held
            hole = following
        table[hole] = _EMPTY
        self._count -= 1

    def clear(self) -> None:
        """Hold nothing."""
        self._table = array("q", bytes(len(self._table) * 8))
        self._count = 0
