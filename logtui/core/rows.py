"""The entry store's columns: payload bytes in large blocks, the other fields in arrays.

Each entry's payload (see :mod:`logtui.core.compact`) is copied into a block of
:data:`BLOCK` bytes rather than kept as a ``bytes`` object of its own: no per-entry object
header, nothing for the garbage collector to visit, and no long-lived small objects scattered
through the allocator's arenas (which otherwise keep the parse garbage of every batch
resident). A block is freed when the last row in it is evicted. Rows can be moved (a merge
renumbers them) without moving their bytes.

The values of the span keys (URL, message, domain) are also copied beside their block, end
to end: a filter on one reads a few bytes a row in a row, not a cache miss in each payload
(a regex over 100,000 URLs: 35 ms in the payloads, 21 ms beside them). They cost the texts'
bytes and a 4-byte offset a row, for the keys a stream has.
"""

from __future__ import annotations

import mmap
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress, islice, repeat
from math import nan
from operator import add, le, rshift
from typing import TYPE_CHECKING, Any, Final

from logtui.core.compact import (
    ABSENT,
    NO_SPAN,
    NOT_ASCII,
    NUMBER_PATHS,
    SPAN_KEYS,
    UNSURE,
    UNSURE_SPAN,
    Packed,
    PackedBatch,
)
from logtui.core.models import Entry
from logtui.core.uniform import Column, Uniform

if TYPE_CHECKING:
    from logtui.core.filters.in_place import Finder

__all__ = ["BLOCK", "Row", "Rows"]

BLOCK: Final = 1 << 18
"""Bytes per payload block (256 KiB: freed as a whole, allocated outside the small-object
allocator)."""
_OFFSET_BITS: Final = 32
_OFFSET_MASK: Final = (1 << _OFFSET_BITS) - 1
_WIDE: Final = re.compile(rb"[\x80-\xff]")
"""A flags byte holding :data:`~logtui.core.compact.NOT_ASCII` (its top bit)."""
_LITTLE: Final = sys.byteorder == "little" and NOT_ASCII == 0x80
"""Whether a column's bytes can be read as halves (a place's offset, a span's start and
length) and a row's first flags byte tells :data:`~logtui.core.compact.NOT_ASCII`."""

Row = tuple[Entry | None, int, int, float, int, int, int, int, tuple[int, ...],
            tuple[float, ...], tuple[int, ...], tuple[int, ...]]
"""Every column of one row: kept object, place, length, received, weight, flags, trace, id,
value codes, numbers, spans, text offsets."""


def _appended(column: Column, value: Any) -> Column:
    """``column`` with a row of ``value`` appended: itself, or the real array a uniform
    column becomes when the value differs."""
    if isinstance(column, Uniform):
        if column.takes(value):
            column.grow(1)
            return column
        return column.filled((value,))
    column.append(value)
    return column


def _extended(column: Column, values: array[Any]) -> Column:
    """``column`` with rows of ``values`` appended (as :func:`_appended`)."""
    if isinstance(column, Uniform):
        if column.takes_all(values):
            column.grow(len(values))
            return column
        return column.filled(values)
    column.extend(values)
    return column


def _append(columns: list[Column], values: Sequence[Any]) -> None:
    """Append one row's ``values``, one to each column."""
    for position, value in enumerate(values):
        columns[position] = _appended(columns[position], value)


def _extend(columns: list[Column], batches: Sequence[array[Any]]) -> None:
    """Append a batch's rows, one array of values to each column."""
    for position, values in enumerate(batches):
        columns[position] = _extended(columns[position], values)


class Rows:
    """One row per buffered entry, oldest first, with a moving head (O(1) eviction)."""

    __slots__ = (
        "_blocks",
        "_fill",
        "_first_block",
        "_live",
        "_spare",
        "_texts",
        "codes",
        "flags",
        "head",
        "ids",
        "kept",
        "lengths",
        "numbers",
        "places",
        "received",
        "spans",
        "text_at",
        "traces",
        "weights",
    )

    def __init__(self, with_ids: bool, coded: int, numbered: int = len(NUMBER_PATHS),
                 spanned: int = len(SPAN_KEYS)) -> None:
        self.kept: dict[int, Entry] = {}
        """Row (absolute index) → the entry itself, for the rows it could not be packed
        (gap rows, hand-made entries): few, so a map, not a reference for every row."""
        self.places = array("Q")
        """Block number << 32 | offset of each payload."""
        self.lengths = array("I")
        self.received = array("d")
        self.weights: Column = Uniform("I", 1)
        """How many events each row stands for: 1 in every row but a sampled stream's."""
        self.flags = array("Q")
        """Origin, kinds and name indexes (see :mod:`logtui.core.compact`)."""
        self.traces = array("q")
        """A hash of each entry's ``traceId`` (0: none)."""
        self.ids: array[int] | None = array("q") if with_ids else None
        """A hash of each entry's identity, to count it out on eviction (0: none; only with
        an identity; see :mod:`logtui.core.held`)."""
        # Each starts as the value of an absent field in every row, in no memory, and becomes
        # a real array once a row has another (see :mod:`logtui.core.uniform`).
        self.codes: list[Column] = [Uniform("H", ABSENT) for _ in range(coded)]
        """Per coded key (see :data:`~logtui.core.compact.COLUMN_KEYS`), each row's value code
        (0 for a row kept as an object)."""
        self.numbers: list[Column] = [Uniform("d", nan) for _ in range(numbered)]
        """Per number path (see :data:`~logtui.core.compact.NUMBER_PATHS`), each row's value
        (:data:`~logtui.core.compact.UNSURE` for a row kept as an object)."""
        self.spans: list[Column] = [Uniform("I", NO_SPAN) for _ in range(spanned)]
        """Per span key (see :data:`~logtui.core.compact.SPAN_KEYS`), where each row's value
        lies in its payload (:data:`~logtui.core.compact.UNSURE_SPAN` for a row kept as an
        object)."""
        self.text_at: list[Column] = [Uniform("I", 0) for _ in range(spanned)]
        """Per span key, where each row's text starts among its block's texts (see
        :attr:`_texts`; 0 for a row without one)."""
        self._texts: list[list[bytearray | None]] = [[] for _ in range(spanned)]
        """Per span key and per block (as :attr:`_blocks`), the texts of its rows' values end
        to end: a filter on the key reads these few bytes, not the payloads around them
        (a text's first byte is a cache miss in a payload; here its neighbours' are read)."""
        self.head = 0
        self._blocks: list[mmap.mmap | None] = []
        self._live: list[int] = []
        """Rows in each block; the block is dropped when it reaches 0."""
        self._first_block = 0
        """The number of ``_blocks[0]``."""
        self._fill = BLOCK
        self._spare: mmap.mmap | None = None
        """The last block freed, kept for the next one: a stream that evicts as fast as it
        appends maps and unmaps no memory (an unmap is costly with threads: 0.2-3 ms)."""

    def __len__(self) -> int:
        return len(self.places) - self.head

    def _store(self, payload: bytes) -> int:
        size = len(payload)
        blocks = self._blocks
        if self._fill + size > BLOCK or not blocks or blocks[-1] is None:
            self._new_block(size)
        number = len(blocks) - 1
        block = blocks[number]
        assert block is not None
        offset = self._fill
        block[offset : offset + size] = payload
        self._fill = offset + size
        self._live[number] += 1
        return (number + self._first_block) << _OFFSET_BITS | offset

    def append(self, packed: Packed, trace: int, key: int) -> None:
        payload, received, weight, flags, codes, numbers, spans = packed
        if codes:
            _append(self.codes, codes)
            _append(self.numbers, numbers)
            _append(self.spans, spans)
        else:
            _append(self.codes, [0] * len(self.codes))
            _append(self.numbers, [UNSURE] * len(self.numbers))
            _append(self.spans, [UNSURE_SPAN] * len(self.spans))
        if payload.__class__ is bytes:
            place = self._store(payload)
            self.places.append(place)
            self.lengths.append(len(payload))
            offsets = [array("I", [0]) for _ in self.text_at]
            if codes:
                self._gather_texts((place >> _OFFSET_BITS) - self._first_block, payload, (0,),
                                   [array("I", [span]) for span in spans], 0, 1, offsets)
            _append(self.text_at, [column[0] for column in offsets])
        else:
            _append(self.text_at, [0] * len(self.text_at))
            self.kept[len(self.places)] = payload  # type: ignore[assignment]
            # Where the next payload goes, with no bytes: the places stay in row order, so a
            # search over the blocks never takes this row for the one whose bytes it found.
            self.places.append(self._here())
            self.lengths.append(0)
        self.received.append(received)
        self.weights = _appended(self.weights, weight)
        self.flags.append(flags)
        self.traces.append(trace)
        if self.ids is not None:
            self.ids.append(key)

    def extend(self, batch: PackedBatch) -> None:
        """Append every row of ``batch``: one ``extend`` per column and one copy of the
        payloads per block they fill, placed exactly as :meth:`append` one by one would."""
        start = len(self.places)
        _extend(self.codes, batch.codes)
        _extend(self.numbers, batch.numbers)
        _extend(self.spans, batch.spans)
        offsets = [array("I", bytes(4 * len(batch))) for _ in self.text_at]
        self.places.extend(self._store_batch(batch, offsets))
        _extend(self.text_at, offsets)
        self.lengths.extend(batch.lengths)
        self.received.extend(batch.received)
        self.weights = _extended(self.weights, batch.weights)
        self.flags.extend(batch.flags)
        self.traces.extend(batch.traces)
        if self.ids is not None:
            self.ids.extend(batch.ids)
        if batch.kept:
            kept = self.kept
            for index, entry in batch.kept.items():
                kept[start + index] = entry

    def _store_batch(self, batch: PackedBatch, offsets: list[array[int]]) -> array[int]:
        """Copy the payloads of ``batch`` into the blocks, and their span texts into the
        blocks' texts (each row's offset there into ``offsets``); the place of each row."""
        starts, lengths, kept, payload = batch.starts, batch.lengths, batch.kept, batch.payload
        count = len(lengths)
        places = array("Q")
        row = 0
        while row < count:
            blocks = self._blocks
            if row in kept:
                places.append(self._here())  # no bytes (see :meth:`append`)
                row += 1
                continue
            start = starts[row]
            if self._fill + lengths[row] > BLOCK or not blocks or blocks[-1] is None:
                self._new_block(lengths[row])
            fill = self._fill
            # The rows from ``row`` whose bytes still fit in this block (at least this one).
            end = max(row + 1, bisect_right(starts, BLOCK - fill + start, row + 1, count + 1) - 1)
            stop = starts[end]
            number = len(blocks) - 1
            block = blocks[number]
            assert block is not None
            block[fill : fill + stop - start] = payload[start:stop]
            self._fill = fill + stop - start
            base = (number + self._first_block) << _OFFSET_BITS
            places.extend(map(add, repeat(base + fill - start), starts[row:end]))
            self._gather_texts(number, batch.payload, starts, batch.spans, row, end, offsets)
            self._live[number] += end - row - (sum(1 for k in kept if row <= k < end)
                                                if kept else 0)
            row = end
        return places

    def _gather_texts(self, position: int, payload: bytes, starts: Sequence[int],
                      spans: list[array[int]], lo: int, hi: int,
                      offsets: list[array[int]]) -> None:
        """Append the span texts of rows ``lo:hi`` (their payloads in ``payload`` from
        ``starts``) to the texts of block ``position``, noting each row's offset."""
        for key, column in enumerate(spans):
            chunk = column[lo:hi]
            if chunk.count(NO_SPAN) + chunk.count(UNSURE_SPAN) == len(chunk):
                continue
            texts = self._texts[key]
            gathered = texts[position]
            if gathered is None:
                gathered = texts[position] = bytearray()
            noted = offsets[key]
            for row, span in enumerate(chunk, lo):
                if span >= UNSURE_SPAN:
                    continue
                begin = starts[row] + (span >> 16)
                noted[row] = len(gathered)
                gathered += payload[begin : begin + (span & 0xFFFF)]

    def _new_block(self, size: int) -> None:
        """Start a block for a payload of ``size`` bytes: the spare one if it fits."""
        spare = self._spare
        if spare is not None and size <= len(spare):
            self._spare = None
            block = spare
        else:
            block = mmap.mmap(-1, max(BLOCK, size))
        self._blocks.append(block)
        self._live.append(0)
        for texts in self._texts:
            texts.append(None)
        self._fill = 0

    def _here(self) -> int:
        return (len(self._blocks) - 1 + self._first_block) << _OFFSET_BITS | self._fill \
            if self._blocks else self._first_block << _OFFSET_BITS

    def in_order(self, lo: int, hi: int) -> bool:
        """Whether the payloads of rows ``lo:hi`` lie in row order (no merge moved them)."""
        places = self.places
        return all(map(le, islice(places, lo, hi - 1), islice(places, lo + 1, hi)))

    def containing(self, lo: int, hi: int, groups: list[tuple[bytes, ...]]) -> set[int]:
        """The rows in ``lo:hi`` whose lower-cased payload (header included) contains, for
        every group of lower-case texts, one of them; rows ``lo:hi`` must be :meth:`in_order`.

        The first group (the one with the longest texts, likely the rarest) is searched in each
        block's bytes, lower-cased once, with ``bytes.find``: the cost is the bytes and the
        hits, not a Python step per row. The other groups are checked in the rows it found.
        """
        groups = sorted(groups, key=lambda group: min(map(len, group)), reverse=True)
        first, rest = groups[0], groups[1:]
        found: set[int] = set()
        places, lengths, blocks = self.places, self.lengths, self._blocks
        row = lo
        while row < hi:
            number = places[row] >> _OFFSET_BITS
            end = bisect_left(places, (number + 1) << _OFFSET_BITS, row, hi)
            block = blocks[number - self._first_block]
            if block is None:  # only rows kept as objects point here
                row = end
                continue
            base = places[row] & _OFFSET_MASK
            last = end - 1
            low = block[base : (places[last] & _OFFSET_MASK) + lengths[last]].lower()
            prefix = number << _OFFSET_BITS | base
            for needle in first:
                position = low.find(needle)
                while position >= 0:
                    hit = bisect_right(places, prefix + position, row, end) - 1
                    start = (places[hit] & _OFFSET_MASK) - base
                    stop = start + lengths[hit]
                    if hit not in found and all(
                        any(low.find(text, start, stop) >= 0 for text in group) for group in rest
                    ):
                        found.add(hit)
                    position = low.find(needle, stop)
            row = end
        return found

    def payload(self, index: int) -> bytes:
        """The packed bytes of the row at absolute ``index`` (a packed row)."""
        place = self.places[index]
        block = self._blocks[(place >> _OFFSET_BITS) - self._first_block]
        assert block is not None
        offset = place & _OFFSET_MASK
        return block[offset : offset + self.lengths[index]]

    def pop_left(self) -> None:
        head = self.head
        # Drop a kept entry now: the dead prefix must not keep evicted entries alive.
        if not self.kept or self.kept.pop(head, None) is None:
            self._release(self.places[head] >> _OFFSET_BITS)
        self.head = head + 1
        # Compact once the dead prefix is an eighth of the rows: amortised O(1) per pop (a
        # memmove of the columns), and a full buffer that evicts holds at most 1/8 more.
        if self.head > 1024 and self.head * 8 > len(self.places):
            self._truncate_left(self.head)

    def pop_left_many(self, count: int) -> None:
        """:meth:`pop_left` ``count`` times: the blocks released by how many rows each loses."""
        head = self.head
        end = head + count
        kept = self.kept
        leaving = None
        if kept:  # the fewer of the kept rows and the leaving ones are looked at
            leaving = [index for index in kept if index < end] if len(kept) < count else [
                index for index in range(head, end) if index in kept]
        if not leaving:
            places = self.places[head:end]
        else:
            places = array("Q", [place for index, place in enumerate(self.places[head:end], head)
                                 if index not in kept])
            # Drop the references now: the dead prefix must not keep evicted entries alive.
            for index in leaving:
                del kept[index]
        for number, rows in Counter(map(rshift, places, repeat(_OFFSET_BITS))).items():
            self._release(number, rows)
        self.head = end
        if self.head > 1024 and self.head * 8 > len(self.places):
            self._truncate_left(self.head)

    def _release(self, number: int, rows: int = 1) -> None:
        position = number - self._first_block
        live = self._live
        live[position] -= rows
        if live[position] == 0:
            block = self._blocks[position]
            if self._spare is None and block is not None and len(block) == BLOCK:
                self._spare = block
            self._blocks[position] = None
            for texts in self._texts:
                texts[position] = None
            # Forget leading freed blocks once they are many.
            blocks = self._blocks
            if len(blocks) > 64:
                dead = 0
                while dead < len(blocks) - 1 and blocks[dead] is None:
                    dead += 1
                if dead * 2 > len(blocks):
                    del blocks[:dead]
                    del live[:dead]
                    for texts in self._texts:
                        del texts[:dead]
                    self._first_block += dead

    def _truncate_left(self, count: int) -> None:
        if self.kept:
            self.kept = {index - count: entry for index, entry in self.kept.items()}
        del self.places[:count]
        del self.lengths[:count]
        del self.received[:count]
        del self.weights[:count]
        del self.flags[:count]
        del self.traces[:count]
        for column in self.codes:
            del column[:count]
        for numeric in self.numbers:
            del numeric[:count]
        for located in self.spans:
            del located[:count]
        for noted in self.text_at:
            del noted[:count]
        if self.ids is not None:
            del self.ids[:count]
        self.head -= count

    def row(self, index: int) -> Row:
        """Every column of the row at absolute ``index`` (to move it in a merge)."""
        ids = self.ids
        return (self.kept.get(index), self.places[index], self.lengths[index],
                self.received[index], self.weights[index], self.flags[index],
                self.traces[index], ids[index] if ids is not None else 0,
                tuple(column[index] for column in self.codes),
                tuple(numeric[index] for numeric in self.numbers),
                tuple(located[index] for located in self.spans),
                tuple(noted[index] for noted in self.text_at))

    def truncate_right(self, index: int) -> None:
        """Drop the rows from absolute ``index`` on (their bytes stay: see :meth:`put`)."""
        if self.kept:
            self.kept = {row: entry for row, entry in self.kept.items() if row < index}
        del self.places[index:]
        del self.lengths[index:]
        del self.received[index:]
        del self.weights[index:]
        del self.flags[index:]
        del self.traces[index:]
        for column in self.codes:
            del column[index:]
        for numeric in self.numbers:
            del numeric[index:]
        for located in self.spans:
            del located[index:]
        for noted in self.text_at:
            del noted[index:]
        if self.ids is not None:
            del self.ids[index:]

    def put(self, row: Row) -> None:
        """Append a row taken with :meth:`row` before :meth:`truncate_right`."""
        (obj, place, length, received, weight, flags, trace, key, codes, numbers, spans,
         text_at) = row
        _append(self.spans, spans)
        _append(self.text_at, text_at)
        _append(self.codes, codes)
        _append(self.numbers, numbers)
        if obj is not None:
            self.kept[len(self.places)] = obj
        self.places.append(place)
        self.lengths.append(length)
        self.received.append(received)
        self.weights = _appended(self.weights, weight)
        self.flags.append(flags)
        self.traces.append(trace)
        if self.ids is not None:
            self.ids.append(key)

    def texts(self, indexes: list[int], spans: Column) -> list[str]:
        """The text at each row's span in ``spans`` (rows whose span is a real one).

        When a third or more of the rows in ``indexes``' range are asked for, a row whose text
        is all ASCII is cut from its whole block decoded once as Latin-1 (there a byte is a
        character): a quarter less time than decoding each span, the most of a filter on a URL
        or a message. Fewer rows are decoded span by span (a block decoded for a few rows
        costs more).
        """
        places, blocks, first, flags = self.places, self._blocks, self._first_block, self.flags
        texts: list[str] = []
        if not indexes or len(indexes) * 3 < indexes[-1] - indexes[0] + 1:
            for index in indexes:
                place = places[index]
                block = blocks[(place >> _OFFSET_BITS) - first]
                span = spans[index]
                start = (place & _OFFSET_MASK) + (span >> 16)
                texts.append(block[start : start + (span & 0xFFFF)]  # type: ignore[index]
                             .decode("utf-8", "surrogatepass"))
            return texts
        append = texts.append
        current = -1
        decoded = ""
        for index in indexes:
            place = places[index]
            number = (place >> _OFFSET_BITS) - first
            span = spans[index]
            start = (place & _OFFSET_MASK) + (span >> 16)
            end = start + (span & 0xFFFF)
            if flags[index] & NOT_ASCII:
                append(blocks[number][start:end]  # type: ignore[index]
                       .decode("utf-8", "surrogatepass"))
                continue
            if number != current:
                current = number
                block = blocks[number]
                assert block is not None  # a live row's block
                decoded = str(block, "latin-1")
            append(decoded[start:end])
        return texts

    def found_in_spans(self, present: list[int], key: int, finder: Finder,
                       test: Callable[[str], object]) -> list[int] | None:
        """The rows among ``present`` (ascending, each with a real span in span column
        ``key``) whose text passes: ``finder`` run in place on the block's texts for a text of
        ASCII (see :mod:`logtui.core.filters.in_place`), ``test`` on the decoded text of a
        row beyond ASCII. None when the columns cannot be read so (a column kept as one
        value, a big-endian machine, rows a merge moved out of block order): :meth:`texts`
        can.

        The texts of a block's rows lie end to end (:attr:`_texts`), so a block's rows are a
        C loop over a few kilobytes instead of a cache miss in each payload.
        """
        spans, text_at = self.spans[key], self.text_at[key]
        if (not _LITTLE or not present or not isinstance(spans, array)
                or not isinstance(text_at, array)):
            return None
        views: list[memoryview] = []
        try:
            return self._found_in_spans(present, key, spans, text_at, finder, test, views)
        finally:
            for view in reversed(views):  # the columns can grow again
                view.release()

    def _found_in_spans(self, present: list[int], key: int, spans: array[int],
                        text_at: array[int], finder: Finder, test: Callable[[str], object],
                        views: list[memoryview]) -> list[int] | None:
        def view(base: memoryview) -> memoryview:
            views.append(base)
            return base

        places_words = view(view(view(memoryview(self.places)).cast("B")).cast("I"))
        numbers = view(places_words[1::2])
        sizes = view(view(view(view(memoryview(spans)).cast("B")).cast("H"))[0::2])
        first_flags = view(view(view(memoryview(self.flags)).cast("B"))[0::8])
        lo, hi = present[0], present[-1] + 1
        every = len(present) == hi - lo
        places, first, texts = self.places, self._first_block, self._texts[key]
        found: list[int] = []
        row = lo
        while row < hi:
            number = places[row] >> _OFFSET_BITS
            end = bisect_left(places, (number + 1) << _OFFSET_BITS, row, hi)
            if bytes(numbers[row:end]) != number.to_bytes(4, "little") * (end - row):
                return None  # out of block order
            if every:
                within: Sequence[int] = range(row, end)
                begins: Sequence[int] = text_at[row:end]
                ends = map(add, begins, sizes[row:end])
            else:
                within = present[bisect_left(present, row):bisect_left(present, end)]
                begins = list(map(text_at.__getitem__, within))
                ends = map(add, begins, map(sizes.__getitem__, within))
            if within:
                gathered = texts[number - first]
                if gathered is None:
                    return None
                found += compress(within, map(finder, repeat(gathered), begins, ends))
            row = end
        wide_flags = bytes(first_flags[lo:hi])
        if wide_flags.isascii():
            return found
        # Rows beyond ASCII: their texts decoded and tested as they are.
        wide = [lo + match.start() for match in _WIDE.finditer(wide_flags)]
        if not every:
            wide = sorted(set(wide).intersection(present))
        passed = set(found)
        passed.difference_update(wide)
        passed.update(compress(wide, map(test, self.texts(wide, spans))))
        return sorted(passed)

    def is_packed(self, index: int) -> bool:
        return index not in self.kept
