"""An entry as bytes and a few integers, and back: the entry store's compact form.

A parsed JSON entry is a tree of Python objects (a dict, its keys, its values), about 1.8 KB
for a 460-byte payload, and every one of them is tracked by the garbage collector. Packed, it
is its payload's UTF-8 bytes (never tracked) plus a float and two integers that the store keeps
in ``array`` columns; :func:`unpack` builds an equal :class:`Entry` again by parsing the bytes
the way the source did (:func:`~logtui.core.payload.parse_json`).

Only an entry whose ``data`` is what its ``raw`` parses to is packed: a JSON object, a JSON
value wrapped as ``{"value": v}``, or a text payload as ``{"message": text}`` (the shapes the
sources build). Anything else (a gap row, an entry made by hand, one whose ``data`` was
changed) is kept as the object it is, which :meth:`Packer.pack` says by returning the entry
itself as the payload. Checking that takes a second parse of ``raw``, unless ``data`` is still
the very object the source parsed ``raw`` into (:attr:`Entry.parsed`, set by the stream
sources), which is most of the dashboard's entries.

Lone surrogates in a payload survive the trip (``surrogatepass``), so export and copy write
exactly the original text.

The dashboard packs a whole batch at once on the engine's thread (:meth:`Packer.pack_batch`):
a :class:`PackedBatch` holds the batch's payloads end to end and one array per column, so the
UI thread appends it with one ``array.extend`` per column instead of a Python step per value.
The codes, numbers and spans are worked out a column at a time over the batch, so a key that
no row has, or a column of known texts, costs a lookup per row in C rather than a Python step.
"""

from __future__ import annotations

import math
import struct
import threading
from array import array
from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import accumulate, repeat
from typing import Any, Final

from logtui.core.eventtime import event_seconds
from logtui.core.models import Entry, Origin
from logtui.core.payload import parse_json

__all__ = [
    "ABSENT",
    "COLUMN_KEYS",
    "ESCAPED",
    "MAX_CODES",
    "NAME_MASK",
    "NOT_ASCII",
    "NO_SPAN",
    "NUMBER_PATHS",
    "SOURCE_SHIFT",
    "SPAN_KEYS",
    "TIME",
    "UNCODED",
    "UNSURE",
    "UNSURE_SPAN",
    "Packed",
    "PackedBatch",
    "Packer",
    "trace_hash",
    "unpack",
]

Packed = tuple[bytes | Entry, float, int, int, tuple[int, ...], tuple[float, ...],
               tuple[int, ...]]
"""``(payload, received_at, weight, flags, codes, numbers, spans)``: the payload's bytes (or
the entry itself when it cannot be packed), the columns that rebuild the rest, the codes of the
values of the :data:`COLUMN_KEYS` (see :class:`Packer`), the values of the
:data:`NUMBER_PATHS` and where the values of the :data:`SPAN_KEYS` lie in the payload
(``offset << 16 | length``)."""

COLUMN_KEYS: Final = ("level", "status", "kind", "method", "serviceName", "projectId", "type",
                      "EdgeResponseStatus", "ClientRequestMethod")
"""Top-level keys whose values are kept as codes in columns: the few, repeated values that
filters and stats read most (level, status, method...), across the APIs."""
TIME: Final = "time"
"""The event time's column: what :func:`~logtui.core.eventtime.event_seconds` reads."""
NUMBER_PATHS: Final = (TIME, "data.durationMs", "duration")
"""Fields kept as floats in columns, for comparisons (``time>-1h``, ``duration>500``) and the
stats: the event time, and numeric fields too varied to code. A finite number is kept as
itself, an absent field or null as NaN (no comparison matches it), anything else (a text, an
object, an integer a float cannot hold exactly; for the time, no readable time field) as
:data:`UNSURE`, which a filter must read from the payload."""
UNSURE: Final = -math.inf
SPAN_KEYS: Final = ("url", "message", "domain")
"""Top-level keys whose string value is located in the payload (a span column), so a text
term on them (``url~^/v1/``) reads just those bytes: varied texts that cannot be coded."""
NO_SPAN: Final = 0xFFFFFFFF
"""The span of an absent key or a null: a text term does not match it."""
UNSURE_SPAN: Final = 0xFFFFFFFE
"""The span of a value that is not a string found in the payload: a filter must read it."""
_SPAN_LIMIT: Final = 0xFFFF
_NONE: Final = type(None)
_INT: Final = frozenset({int, _NONE})
_REREAD_AS_MS: Final = 1e11
"""Seconds from here on are read again as milliseconds by
:func:`~logtui.core.eventtime.epoch_seconds` (whole numbers from 1e11 are milliseconds)."""
_EXACT_INT: Final = 1 << 53
_NAN: Final = math.nan
ABSENT: Final = 0
"""The code of an absent key or a null value (both read as None)."""
UNCODED: Final = 1
"""The code of a value not in the column (an object, a long text, one distinct value too
many): a filter on it must read the payload."""
MAX_CODES: Final = 4096
"""Distinct values coded per key; further values are :data:`UNCODED`."""
_MAX_CODED_TEXT: Final = 64

ORIGINS: Final[tuple[Origin, ...]] = ("live", "history", "backfill", "gap")
_ORIGIN: Final = {origin: index for index, origin in enumerate(ORIGINS)}
IS_JSON: Final = 1 << 2
LATE: Final = 1 << 3
WRAPPED: Final = 1 << 4
"""``data`` is ``{"value": parsed}`` (a JSON value that is not an object)."""
TEXT: Final = 1 << 5
"""``data`` is ``{"message": raw}`` (a payload that is not JSON)."""
EXTRAS: Final = 1 << 6
"""The payload starts with the entry's ``key`` and ``event_id`` (see :data:`_EXTRAS`)."""
NOT_ASCII: Final = 1 << 7
"""The raw text has a character beyond ASCII (a search on bytes cannot stand for one on text)."""
ESCAPED: Final = 1 << 40
"""The raw text has a backslash (a JSON string in it may not read as written)."""
SOURCE_SHIFT: Final = 8
EVENT_SHIFT: Final = 24
NAME_MASK: Final = 0xFFFF
_MAX_WEIGHT: Final = 0xFFFFFFFF
_EXTRAS: Final = struct.Struct("<ii")
"""The byte lengths of ``key`` and ``event_id`` (-1: None), before their bytes and the raw."""
_ENCODING: Final = "utf-8"
_ERRORS: Final = "surrogatepass"


def trace_hash(trace_id: str) -> int:
    """A non-zero 64-bit hash of a ``traceId`` for the store's trace column (0 means none)."""
    return hash(trace_id) or 1


_TRACE_KEY: Final = "traceId"


def trace_of(entry: Entry) -> int:
    """The trace column's value for ``entry``: a hash of its string ``traceId``, else 0."""
    trace_id = entry.data.get(_TRACE_KEY) if entry.is_json else None
    if trace_id.__class__ is str and trace_id:
        return trace_hash(trace_id)
    return 0


def _text(value: str | None) -> bytes | None:
    return None if value is None else value.encode(_ENCODING, _ERRORS)


class Packer:
    """Packs entries, numbering the source and event names it meets (shared by their rows)."""

    __slots__ = ("_codes", "_index", "_ints", "_lock", "_texts", "identity", "keys", "names",
                 "values")

    def __init__(self, keys: tuple[str, ...] = COLUMN_KEYS,
                 identity: Callable[[Entry], Hashable | None] | None = None) -> None:
        self.identity = identity
        """The store's identity of an entry (see :mod:`logtui.core.identity`), hashed into
        each batch's identity column by :meth:`pack_batch`."""
        self.names: list[str | None] = [None]
        """Index → source or event name; 0 is None."""
        self._index: dict[str | None, int] = {None: 0}
        self.keys = keys
        """The keys whose values are coded (see :data:`COLUMN_KEYS`)."""
        self.values: list[list[Any]] = [[None, None] for _ in keys]
        """Per key, code → value (codes 0 and 1: see :data:`ABSENT`, :data:`UNCODED`)."""
        # Per key, value → code: texts (and None, absent), integers, and the rest keyed by
        # (type, value) apart, since 1, 1.0 and True are equal keys and must not share a code.
        self._texts: list[dict[Any, int]] = [{None: ABSENT} for _ in keys]
        self._ints: list[dict[Any, int]] = [{None: ABSENT} for _ in keys]
        self._codes: list[dict[Any, int]] = [{} for _ in keys]
        self._lock = threading.Lock()

    def _name(self, name: str | None) -> int:
        index = self._index.get(name)
        if index is None:
            index = len(self.names)
            if index > NAME_MASK:
                return -1
            self.names.append(name)
            self._index[name] = index
        return index

    def _coded(self, data: Mapping[str, Any]) -> tuple[int, ...]:
        code = self._code
        return tuple([code(position, value)
                      for position, value in enumerate(map(data.get, self.keys))])

    def _code_columns(self, rows: Sequence[dict[str, Any]]) -> list[array[int]]:
        """The codes of ``rows`` (JSON objects), one column per key: looked up a column at a
        time in C where a column's values are all texts or all integers (or absent)."""
        columns = []
        code = self._code
        for position, key in enumerate(self.keys):
            values = list(map(dict.get, rows, repeat(key)))
            found: list[int | None] | None
            try:
                # Only a text (or None) can equal a key of this table: no type to check.
                found = list(map(self._texts[position].get, values))
            except TypeError:  # an object or a list: not hashable
                found = None
            if found is not None and None in found and set(map(type, values)) <= _INT:
                found = list(map(self._ints[position].get, values))
            if found is None:
                codes = [code(position, value) for value in values]
            elif None in found:  # a value met for the first time, or one never coded
                codes = [code(position, values[index]) if known is None else known
                         for index, known in enumerate(found)]
            else:
                codes = found  # type: ignore[assignment]
            columns.append(array("H", codes))
        return columns

    def _code(self, position: int, value: Any) -> int:
        """The code of ``value`` in column ``position``, numbered now if it is new."""
        if value is None:
            return ABSENT
        kind = value.__class__
        if kind is str:
            if len(value) > _MAX_CODED_TEXT:
                return UNCODED
            table: dict[Any, int] = self._texts[position]
            key: Any = value
        elif kind is int:
            table, key = self._ints[position], value
        elif kind is bool or kind is float:
            table, key = self._codes[position], (kind, value)
        else:
            return UNCODED
        code = table.get(key)
        if code is None:
            known = self.values[position]
            if len(known) >= MAX_CODES:
                return UNCODED
            code = table[key] = len(known)
            known.append(value)
        return code

    @staticmethod
    def _numbers(data: Mapping[str, Any]) -> tuple[float, ...]:
        seconds = event_seconds(data)
        # The time filter reads the time again as a timestamp (epoch_seconds): keep it only
        # where that is itself, below the seconds that read as milliseconds.
        numbers = [UNSURE if seconds is None or seconds >= _REREAD_AS_MS else seconds]
        for path in _PATHS:
            value: Any = data
            for key in path:
                if value.__class__ is dict or (value is not None and isinstance(value, Mapping)):
                    value = value.get(key)
                else:
                    value = None
                    break
            numbers.append(_number(value))
        return tuple(numbers)

    def pack(self, entry: Entry) -> Packed:
        """``entry`` as bytes and columns, or with the entry itself as payload if it cannot be
        built again from its ``raw``.

        Safe from any thread: the dashboard packs on the engines' threads (as entries are
        handed over) and on its own (entries loaded on demand), and the names and codes must
        be numbered once each.
        """
        with self._lock:
            return self._pack(entry)

    def pack_batch(self, entries: Sequence[Entry]) -> PackedBatch:
        """``entries`` packed column by column (see :class:`PackedBatch`), with each one's
        trace and identity hashes: everything the store appends, worked out on the caller's
        thread (the engine's, in the dashboard) so the UI thread only copies columns."""
        with self._lock:
            rows = [self._pack(entry, True) for entry in entries]
            # A kept row's columns are blank: it is read from its entry, never its columns.
            kept = [index for index, row in enumerate(rows) if row[0].__class__ is not bytes]
            datas: list[Any] = [entry.data for entry in entries]
            payloads: list[Any] = [row[0] for row in rows]
            for index in kept:
                datas[index], payloads[index] = _NOTHING, b""
            codes = self._code_columns(datas)
        numbers = _number_columns(datas)
        spans = _span_columns(datas, payloads)
        for index in kept:
            for number_column in numbers:
                number_column[index] = UNSURE
            for span_column in spans:
                span_column[index] = UNSURE_SPAN
        return PackedBatch.of(entries, rows, (codes, numbers, spans), self.identity)

    def _pack(self, entry: Entry, batched: bool = False) -> Packed:
        """``entry`` packed; without its codes, numbers and spans when ``batched`` (a batch
        works those out a column at a time)."""
        raw = entry.raw
        data = entry.data
        flags = _ORIGIN[entry.origin]
        if entry.is_json:
            flags |= IS_JSON
            if data.__class__ is not dict:
                return entry, 0.0, 0, 0, (), (), ()
            if entry.parsed is not data:  # else the source parsed raw into this very object
                if entry.parsed is not None:
                    entry.parsed = None  # data was changed: let the old object go
                try:
                    parsed = parse_json(raw)
                except ValueError:
                    return entry, 0.0, 0, 0, (), (), ()
                if parsed.__class__ is dict:
                    if parsed != data:
                        return entry, 0.0, 0, 0, (), (), ()
                elif len(data) != 1 or "value" not in data or data["value"] != parsed:
                    return entry, 0.0, 0, 0, (), (), ()
                else:
                    flags |= WRAPPED
        elif data.__class__ is not dict or len(data) != 1 or data.get("message") != raw:
            return entry, 0.0, 0, 0, (), (), ()
        else:
            flags |= TEXT
        if entry.late:
            flags |= LATE
        if not raw.isascii():
            flags |= NOT_ASCII
        if "\\" in raw:
            flags |= ESCAPED
        source = self._name(entry.source) if entry.source is not None else 0
        event = self._name(entry.event_name) if entry.event_name is not None else 0
        weight = entry.weight
        if source < 0 or event < 0 or weight.__class__ is not int or not 0 <= weight <= _MAX_WEIGHT:
            entry.parsed = None  # kept: the store may give it new (shared) data
            return entry, 0.0, 0, 0, (), (), ()
        flags |= source << SOURCE_SHIFT | event << EVENT_SHIFT
        payload = raw.encode(_ENCODING, _ERRORS)
        if entry.key is not None or entry.event_id is not None:
            key, event_id = _text(entry.key), _text(entry.event_id)
            flags |= EXTRAS
            payload = b"".join((
                _EXTRAS.pack(-1 if key is None else len(key),
                             -1 if event_id is None else len(event_id)),
                key or b"", event_id or b"", payload,
            ))
        if batched:
            return payload, entry.received_at, weight, flags, (), (), ()
        return (payload, entry.received_at, weight, flags, self._coded(data),
                self._numbers(data), _spans(data, payload))


_NO_CODES: Final[tuple[int, ...]] = ()
_NOTHING: Final[dict[str, Any]] = {}
"""The object a kept row is coded as: every code :data:`ABSENT`."""


class PackedBatch:
    """A chunk of packed entries as columns: what :class:`~logtui.core.rows.Rows` appends
    with one ``array.extend`` per column and one copy of the payloads per block.

    Row ``i`` is entry ``i`` of the chunk. ``payload`` holds every packed row's bytes end to
    end (``lengths`` says where each ends); a row kept as an object (see :meth:`Packer.pack`)
    has no bytes, zeros in its columns and its entry in ``kept``.
    """

    __slots__ = ("codes", "flags", "ids", "kept", "lengths", "live", "numbers", "payload",
                 "received", "spans", "starts", "traces", "weights")

    def __init__(self, payload: bytes, lengths: array[int], received: array[float],
                 weights: array[int], flags: array[int], traces: array[int], ids: array[int],
                 codes: list[array[int]], numbers: list[array[float]], spans: list[array[int]],
                 kept: dict[int, Entry], live: bool) -> None:
        self.payload = payload
        self.lengths = lengths
        self.received = received
        self.weights = weights
        self.flags = flags
        self.traces = traces
        """A hash of each row's ``traceId`` (see :func:`trace_of`)."""
        self.ids = ids
        """A hash of each row's identity (0: none; see :mod:`logtui.core.held`)."""
        self.codes = codes
        self.numbers = numbers
        self.spans = spans
        self.kept = kept
        """Row → the entry kept as an object (not packed)."""
        self.live = live
        """Every entry's origin is ``live`` (none can be late)."""
        self.starts = list(accumulate(lengths, initial=0))
        """Where each row's bytes start in ``payload`` (and, last, its length)."""

    @classmethod
    def of(cls, entries: Sequence[Entry], rows: list[Packed],
           columns: tuple[list[array[int]], list[array[float]], list[array[int]]],
           identity: Callable[[Entry], Hashable | None] | None) -> PackedBatch:
        """The batch of ``entries``, packed one by one as ``rows`` without their codes,
        numbers and spans: ``columns`` has those, a column per key (blank for a kept row)."""
        from logtui.core.held import identity_hash

        kept: dict[int, Entry] = {}
        for index, row in enumerate(rows):
            if row[0].__class__ is not bytes:
                kept[index] = row[0]  # type: ignore[assignment]
        if kept:
            for index in kept:
                rows[index] = (b"", 0.0, 0, 0, (), (), ())
        count = len(rows)
        if count:
            payloads, received, weights, flags, *_ = zip(*rows, strict=True)
        else:
            payloads = received = weights = flags = ()
        codes, numbers, spans = columns
        if identity is None:
            ids = array("q", bytes(8 * count))
        else:
            ids = array("q", [0 if named is None else identity_hash(named)
                              for named in map(identity, entries)])
        return cls(
            b"".join(payloads),
            array("I", map(len, payloads)),
            array("d", received), array("I", weights), array("Q", flags),
            array("q", map(trace_of, entries)), ids,
            codes, numbers, spans,
            kept,
            all(entry.origin == "live" for entry in entries),
        )

    def __len__(self) -> int:
        return len(self.lengths)

    def row(self, index: int) -> tuple[Packed, int, int]:
        """Row ``index`` as :meth:`Packer.pack` gives it, with its trace and identity hashes."""
        kept = self.kept.get(index)
        if kept is not None:
            packed: Packed = (kept, 0.0, 0, 0, _NO_CODES, (), ())
        else:
            start = self.starts[index]
            packed = (self.payload[start : start + self.lengths[index]], self.received[index],
                      self.weights[index], self.flags[index],
                      tuple(column[index] for column in self.codes),
                      tuple(column[index] for column in self.numbers),
                      tuple(column[index] for column in self.spans))
        return packed, self.traces[index], self.ids[index]

    def slice(self, lo: int, hi: int) -> PackedBatch:
        """Rows ``lo:hi`` as a batch of their own."""
        starts = self.starts
        kept = {index - lo: entry for index, entry in self.kept.items() if lo <= index < hi}
        flags = self.flags[lo:hi]
        live = self.live or (
            all(entry.origin == "live" for entry in kept.values())
            # A packed row's origin is the low bits of its flags (0: live).
            and not any(flag & 3 for index, flag in enumerate(flags) if index not in kept)
        )
        return PackedBatch(
            self.payload[starts[lo] : starts[hi]], self.lengths[lo:hi], self.received[lo:hi],
            self.weights[lo:hi], flags, self.traces[lo:hi], self.ids[lo:hi],
            [column[lo:hi] for column in self.codes], [column[lo:hi] for column in self.numbers],
            [column[lo:hi] for column in self.spans], kept, live,
        )

    @classmethod
    def join(cls, batches: Sequence[PackedBatch]) -> PackedBatch:
        """The rows of ``batches``, one after another."""
        if len(batches) == 1:
            return batches[0]
        first = batches[0]
        kept: dict[int, Entry] = {}
        offset = 0
        for batch in batches:
            for index, entry in batch.kept.items():
                kept[offset + index] = entry
            offset += len(batch)
        joined = [column[:0] for column in first._columns()]
        for batch in batches:
            for out, column in zip(joined, batch._columns(), strict=True):
                out.extend(column)
        coded, numbered = len(first.codes), len(first.numbers)
        lengths, received, weights, flags, traces, ids = joined[:6]
        rest = joined[6:]
        return cls(
            b"".join([batch.payload for batch in batches]), lengths, received, weights, flags,
            traces, ids, rest[:coded], rest[coded : coded + numbered], rest[coded + numbered :],
            kept, all(batch.live for batch in batches),
        )

    def _columns(self) -> list[array[Any]]:
        """Every column but the payload, in :meth:`__init__`'s order."""
        return [self.lengths, self.received, self.weights, self.flags, self.traces, self.ids,
                *self.codes, *self.numbers, *self.spans]


def _spans(data: Mapping[str, Any], payload: bytes) -> tuple[int, ...]:
    """Where each :data:`SPAN_KEYS` value lies in ``payload``: any bytes equal to the value's
    text do (they decode to it), wherever they are."""
    return tuple([_span(data.get(key), payload) for key in SPAN_KEYS])


def _span(value: Any, payload: bytes) -> int:
    """Where ``value`` (a span key's) lies in ``payload`` (see :func:`_spans`)."""
    if value is None:
        return NO_SPAN
    if value.__class__ is not str:
        return UNSURE_SPAN
    text = value.encode(_ENCODING, _ERRORS)
    offset = payload.find(text)
    size = len(text)
    if offset < 0 or offset > _SPAN_LIMIT or size > _SPAN_LIMIT:
        return UNSURE_SPAN
    return offset << 16 | size


_PATHS: Final = tuple(tuple(path.split(".")) for path in NUMBER_PATHS[1:])
_DICT: Final = frozenset({dict})
_NONES: Final = frozenset({_NONE})


def _number_columns(rows: list[Any]) -> list[array[float]]:
    """The :data:`NUMBER_PATHS` columns of ``rows`` (JSON objects) as :meth:`Packer._numbers`
    gives them, a column at a time: an absent field costs no Python step per row."""
    columns = [array("d", [
        UNSURE if seconds is None or seconds >= _REREAD_AS_MS else seconds
        for seconds in map(event_seconds, rows)
    ])]
    for path in _PATHS:
        values = rows
        for key in path:
            kinds = set(map(type, values))
            if kinds <= _DICT:
                values = list(map(dict.get, values, repeat(key)))
            elif kinds <= _NONES:
                break
            else:
                values = [value.get(key) if value.__class__ is dict
                          or (value is not None and isinstance(value, Mapping)) else None
                          for value in values]
        if values.count(None) == len(values):
            columns.append(array("d", [_NAN]) * len(values))
        else:
            columns.append(array("d", map(_number, values)))
    return columns


def _span_columns(rows: list[Any], payloads: list[bytes]) -> list[array[int]]:
    """The :data:`SPAN_KEYS` columns of ``rows`` (JSON objects) as :func:`_spans` gives them,
    a column at a time: an absent key costs no Python step per row."""
    columns = []
    for key in SPAN_KEYS:
        values = list(map(dict.get, rows, repeat(key)))
        if values.count(None) == len(values):
            columns.append(array("I", [NO_SPAN]) * len(values))
        else:
            columns.append(array("I", map(_span, values, payloads)))
    return columns


def _number(value: Any) -> float:
    """A field's value for its number column (see :data:`NUMBER_PATHS`)."""
    if value is None:
        return _NAN
    kind = value.__class__
    if kind is float:
        return value if math.isfinite(value) else UNSURE
    if kind is int and -_EXACT_INT < value < _EXACT_INT:
        return float(value)
    return UNSURE


def unpack(payload: bytes | bytearray, received_at: float, weight: int, flags: int,
           names: list[str | None]) -> Entry:
    """The entry :meth:`Packer.pack` packed (``seq`` is left for the store to set)."""
    key = event_id = None
    if flags & EXTRAS:
        key_length, id_length = _EXTRAS.unpack_from(payload)
        offset = _EXTRAS.size
        if key_length >= 0:
            key = payload[offset : offset + key_length].decode(_ENCODING, _ERRORS)
            offset += key_length
        if id_length >= 0:
            event_id = payload[offset : offset + id_length].decode(_ENCODING, _ERRORS)
            offset += id_length
        payload = payload[offset:]
    raw = payload.decode(_ENCODING, _ERRORS)
    if flags & TEXT:
        data = {"message": raw}
    elif flags & WRAPPED:
        data = {"value": parse_json(raw)}
    else:
        data = parse_json(raw)
    return Entry(
        raw=raw,
        data=data,
        origin=ORIGINS[flags & 3],
        event_id=event_id,
        key=key,
        received_at=received_at,
        weight=weight,
        is_json=bool(flags & IS_JSON),
        event_name=names[flags >> EVENT_SHIFT & NAME_MASK],
        source=names[flags >> SOURCE_SHIFT & NAME_MASK],
        late=bool(flags & LATE),
    )
