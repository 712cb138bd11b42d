"""A filter's pass over the store's rows, parsing only what it must.

For a :class:`~logtui.core.filters.screen.ScreenedPredicate` each packed row is first checked
on its bytes (the texts the raw payload must contain), then, when the filter reads only
top-level keys and the raw text, only those keys are decoded (msgspec skips the rest without
building it) and the predicate runs on a scratch entry holding just them. Whatever that path
cannot vouch for (a payload msgspec rejects or reads differently from the parser that built
the entry: a nested value, an integer beyond 64 bits) is built in full and tested as it is.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Final

from logtui.core.compact import EXTRAS, IS_JSON, TEXT, WRAPPED
from logtui.core.filters.screen import Screen, ScreenedPredicate
from logtui.core.models import Entry
from logtui.core.rows import Rows

__all__ = ["matching"]

_PLAIN_MASK: Final = IS_JSON | WRAPPED | TEXT | EXTRAS
_SCALARS: Final = frozenset({str, bool, float, type(None)})
_MIN_INT: Final = -(2**63)
_MAX_INT: Final = 2**64 - 1
"""Integers the entry's parser reads exactly too (orjson reads others as floats)."""

Build = Callable[[int, int], Entry]
"""Builds the entry in the row at an absolute index, numbered by the given seq."""


def matching(rows: Rows, seqs: range, first_seq: int, predicate: Callable[[Entry], bool],
             build: Build) -> array[int]:
    """The seqs in ``seqs`` whose entries match ``predicate`` (gap rows always do);
    ``first_seq`` is the seq of the row at ``rows.head``."""
    found = array("q")
    if not isinstance(predicate, ScreenedPredicate):
        for seq, index in _indexes(rows, seqs, first_seq):
            entry = build(index, seq)
            if entry.origin == "gap" or predicate(entry):
                found.append(seq)
        return found
    screen = predicate.screen
    decode = _decoder(screen)
    words, values, keys = screen.words, screen.values, screen.keys
    needs_raw = screen.raw
    scratch = Entry(raw="", data={})
    objects, flags, payload = rows.objects, rows.flags, rows.payload
    for seq, index in _indexes(rows, seqs, first_seq):
        kept = objects[index]
        if kept is not None:
            if kept.origin == "gap" or predicate(kept):
                found.append(seq)
            continue
        if flags[index] & _PLAIN_MASK != IS_JSON:
            if predicate(build(index, seq)):
                found.append(seq)
            continue
        data = payload(index)
        if (words or values) and data.isascii():
            low = data.lower()
            if not all(word in low for word in words):
                continue
            if values and b"\\" not in data and not all(
                any(needle in low for needle in group) for group in values
            ):
                continue
        picked = _pick(decode, data, keys) if decode is not None else None
        if picked is None:
            if predicate(build(index, seq)):
                found.append(seq)
            continue
        scratch.data = picked
        if needs_raw:
            scratch.raw = data.decode("utf-8", "surrogatepass")
        if predicate(scratch):
            found.append(seq)
    return found


def _indexes(rows: Rows, seqs: range, first_seq: int) -> Iterable[tuple[int, int]]:
    """(seq, absolute row index) for each seq."""
    offset = rows.head - first_seq
    return zip(seqs, range(seqs.start + offset, seqs.stop + offset), strict=True)


def _decoder(screen: Screen) -> Callable[[bytes], Any] | None:
    """A function reading just ``screen.keys`` (in order) with msgspec, or None when the whole
    entry is needed."""
    if screen.keys is None:
        return None
    return _decoder_of(screen.keys)


@lru_cache(maxsize=16)
def _decoder_of(keys: tuple[str, ...]) -> Callable[[bytes], Any] | None:
    try:
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency, but not a hard one
        return None
    names = [f"f{position}" for position in range(len(keys))]
    shape = msgspec.defstruct(
        "Picked", [(name, Any, None) for name in names],
        rename=dict(zip(names, keys, strict=True)),
    )
    decode = msgspec.json.Decoder(shape).decode
    astuple = msgspec.structs.astuple

    def values(data: bytes) -> tuple[Any, ...]:
        return astuple(decode(data))

    return values


def _pick(decode: Callable[[bytes], Any], data: bytes,
          keys: tuple[str, ...] | None) -> dict[str, Any] | None:
    """The values of ``keys`` in ``data``, or None when only a full parse can tell."""
    assert keys is not None
    try:
        picked: tuple[Any, ...] = decode(data)
    except Exception:  # anything msgspec rejects takes the full path, which decides
        return None
    values = picked
    for value in values:
        kind = value.__class__
        if kind is int:
            if not _MIN_INT <= value <= _MAX_INT:
                return None
        elif kind not in _SCALARS:
            return None
    return dict(zip(keys, values, strict=True))
