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
from itertools import compress, islice, repeat
from operator import and_, rshift
from typing import Any, Final

from logtui.core.compact import (
    ABSENT,
    ESCAPED,
    EXTRAS,
    IS_JSON,
    NAME_MASK,
    NO_SPAN,
    NOT_ASCII,
    NUMBER_PATHS,
    SOURCE_SHIFT,
    SPAN_KEYS,
    TEXT,
    UNCODED,
    UNSURE,
    UNSURE_SPAN,
    WRAPPED,
    Packer,
)
from logtui.core.filters.screen import PerSource, ScreenedPredicate
from logtui.core.models import Entry
from logtui.core.rows import Rows
from logtui.core.uniform import Column, Uniform

__all__ = ["matching"]

_PLAIN_MASK: Final = IS_JSON | WRAPPED | TEXT | EXTRAS
_SCALARS: Final = frozenset({str, bool, float, type(None)})
_MIN_INT: Final = -(2**63)
_MAX_INT: Final = 2**64 - 1
"""Integers the entry's parser reads exactly too (orjson reads others as floats)."""

Build = Callable[[int, int], Entry]
"""Builds the entry in the row at an absolute index, numbered by the given seq."""


def matching(rows: Rows, seqs: range, first_seq: int, predicate: Callable[[Entry], bool],
             build: Build, packer: Packer) -> array[int]:
    """The seqs in ``seqs`` whose entries match ``predicate`` (gap rows always do);
    ``first_seq`` is the seq of the row at ``rows.head``."""
    offset = first_seq - rows.head
    lo = seqs.start - offset
    hi = seqs.stop - offset
    if isinstance(predicate, PerSource):
        passed = _per_source(rows, lo, hi, predicate, build, offset, packer)
    elif isinstance(predicate, ScreenedPredicate) and predicate.parts:
        passed = _screened(rows, lo, hi, None, predicate, build, offset, packer)
    else:
        return array("q", [index + offset for index in range(lo, hi)
                           if _test_row(build(index, index + offset), predicate)])
    return array("q", map(offset.__add__, sorted(passed)))


def _test_row(entry: Entry, predicate: Callable[[Entry], bool]) -> bool:
    return entry.origin == "gap" or predicate(entry)


def _per_source(rows: Rows, lo: int, hi: int, predicate: PerSource, build: Build,
                offset: int, packer: Packer) -> list[int]:
    """The rows in ``lo:hi`` that match a filter over several sources: the rows of each source
    (by the source column of their flags) tested by that source's own predicate, screened
    and read by columns as one source's are."""
    objects = rows.kept
    kept = sorted(index for index in objects if lo <= index < hi)
    passed = [index for index in kept if _test_row(objects[index], predicate)]
    sources = list(map(and_, map(rshift, islice(rows.flags, lo, hi), repeat(SOURCE_SHIFT)),
                       repeat(NAME_MASK)))
    names = packer.names
    for number in set(sources):
        name = names[number]
        if predicate.source is not None and not predicate.source(
                Entry(raw="", data={}, source=name)):
            continue
        own = predicate.by_source.get(name or "")
        if own is None:
            continue
        within = [index for index in compress(range(lo, hi), map(number.__eq__, sources))
                  if index not in objects]
        if not within:
            continue
        if isinstance(own, ScreenedPredicate) and own.parts:
            passed += _screened(rows, lo, hi, within, own, build, offset, packer)
        else:
            passed += [index for index in within if own(build(index, index + offset))]
    return passed


def _screened(rows: Rows, lo: int, hi: int, within: list[int] | None,
              predicate: ScreenedPredicate, build: Build, offset: int,
              packer: Packer) -> list[int]:
    """The rows in ``lo:hi`` (only those ``within``, when given: ascending, none kept as an
    object) that pass ``predicate``: by columns, then bytes, then each row's keys."""
    candidates, verify, settled, decided = _by_columns(rows, lo, hi, within, predicate, packer)
    screen = predicate.screen
    if len(settled) == len(predicate.parts):
        if not verify:  # the columns decided every row
            return candidates if isinstance(candidates, list) else list(candidates)
        accepted = set(candidates)
        accepted.difference_update(verify)
        accepted.update(_per_row(rows, verify, predicate, build, offset, screen.keys,
                                 screen.raw, (), ()))
        return list(accepted)
    words, values = screen.words, screen.values
    if decided and len(screen.value_keys) == len(values):
        # A term the columns decided needs no search for its texts.
        values = tuple(group for group, key in zip(values, screen.value_keys, strict=True)
                       if key not in decided)
    screened = bool(words or values) and rows.in_order(lo, hi)
    if screened:
        candidates = _by_bytes(rows, lo, hi, words, values, candidates)
        words = values = ()
    # The candidates the columns vouch for are tested on the other terms only.
    rest = [part for index, part in enumerate(predicate.parts) if index not in settled]
    keys = None if screen.keys is None else tuple(
        dict.fromkeys(key for key, _ in rest if key is not None))
    plain = set(candidates)
    plain.difference_update(verify)
    passed = _per_row(rows, sorted(plain), _all_of([test for _, test in rest]), build, offset,
                      keys, screen.raw, words, values)
    passed += _per_row(rows, verify, predicate, build, offset, screen.keys, screen.raw, words,
                       values)
    return passed


def _all_of(tests: list[Callable[[Entry], bool]]) -> Callable[[Entry], bool]:
    if len(tests) == 1:
        return tests[0]
    return lambda entry: all(test(entry) for test in tests)


def _by_bytes(rows: Rows, lo: int, hi: int, words: tuple[bytes, ...],
              values: tuple[tuple[bytes, ...], ...], candidates: Iterable[int]) -> set[int]:
    """Narrow ``candidates`` to the rows whose payload bytes contain what the screen requires,
    keeping those whose bytes cannot tell (beyond ASCII; with a backslash, for field texts)."""
    groups = [(word,) for word in words] + list(values)
    hits = rows.containing(lo, hi, groups)
    unsure_mask = NOT_ASCII | (ESCAPED if values else 0)
    hits.update(compress(range(lo, hi), map(and_, islice(rows.flags, lo, hi),
                                            repeat(unsure_mask))))
    hits.intersection_update(candidates)
    return hits


def _select(candidates: Iterable[int], column: Column, lo: int, hi: int,
            test: Callable[[Any], bool]) -> list[int]:
    """The candidates whose value in ``column`` passes ``test`` (a C loop over the column)."""
    if isinstance(candidates, range):
        return list(compress(candidates, map(test, islice(column, lo, hi))))
    return list(compress(candidates, map(test, map(column.__getitem__, candidates))))


def _holds(column: Column, marker: float, lo: int, hi: int) -> bool:
    """Whether ``column`` may hold ``marker`` in its rows ``lo:hi`` (their bytes contain the
    marker's: a hit across two values only costs the check a column needs when it does hold
    one). Only those rows' bytes are copied: a filter over a large buffer runs in steps."""
    if isinstance(column, Uniform):
        return column.takes(marker)
    size = column.itemsize
    return (array(column.typecode, (marker,)).tobytes()
            in memoryview(column).cast("B")[lo * size : hi * size].tobytes())


def _by_columns(rows: Rows, lo: int, hi: int, within: list[int] | None,
                predicate: ScreenedPredicate,
                packer: Packer) -> tuple[Iterable[int], list[int], set[int], set[str]]:
    """Narrow the rows ``lo:hi`` by the terms on coded keys, each run once per distinct value,
    and by the comparisons on number columns, run over the column.

    Returns the candidates, the rows to test one by one whatever the columns say (kept as
    objects, or with an uncoded value or an unsure number where a term reads it), the parts
    the columns decided for every other row (by index), and the coded keys of those parts.
    Each column is read only for the rows the ones before it left: a row a column cannot
    decide stays a candidate, and is sent to be verified at the end.
    """
    coded = {key: position for position, key in enumerate(packer.keys)}
    numbered = {path: position for position, path in enumerate(NUMBER_PATHS)}
    candidates: Iterable[int] = range(lo, hi) if within is None else within
    # Rows kept as objects have no codes: they are tested one by one.
    objects = rows.kept
    kept = set() if within is not None or not objects else {
        index for index in objects if lo <= index < hi}
    unsure: list[tuple[Column, float]] = []
    settled: set[int] = set()
    decided: set[str] = set()
    scratch = Entry(raw="", data={})
    spanned = {key: position for position, key in enumerate(SPAN_KEYS)}
    compares, texts = predicate.compares, predicate.texts
    for index, (key, test) in enumerate(predicate.parts):
        text = texts.get(index)
        if text is not None and text[0] in spanned:
            spans = rows.spans[spanned[text[0]]]
            listed = candidates if isinstance(candidates, list) else list(candidates)
            unsure_spans = _holds(spans, UNSURE_SPAN, lo, hi)
            present = list(compress(listed, map(UNSURE_SPAN.__gt__,
                                                map(spans.__getitem__, listed)))
                           ) if unsure_spans or _holds(spans, NO_SPAN, lo, hi) else listed
            finder = predicate.finders.get(index)
            found = None if finder is None else rows.found_in_spans(
                present, spanned[text[0]], finder, text[1])
            candidates = found if found is not None else list(
                compress(present, map(text[1], rows.texts(present, spans))))
            if unsure_spans:
                undecided = list(compress(listed, map(UNSURE_SPAN.__eq__,
                                                      map(spans.__getitem__, listed))))
                if undecided:
                    candidates = sorted(set(candidates).union(undecided))
                unsure.append((spans, UNSURE_SPAN))
            settled.add(index)
            decided.add(text[0])
            continue
        compare = compares.get(index)
        if compare is not None and compare[0] in numbered:
            numbers = rows.numbers[numbered[compare[0]]]
            passed = _select(candidates, numbers, lo, hi, compare[1])
            if _holds(numbers, UNSURE, lo, hi):
                undecided = _select(candidates, numbers, lo, hi, UNSURE.__eq__)
                if undecided:
                    passed = sorted(set(passed).union(undecided))
                unsure.append((numbers, UNSURE))
            candidates = passed
            settled.add(index)
            continue
        if key is None or key not in coded:
            continue
        position = coded[key]
        values = packer.values[position]
        matching_codes = {UNCODED}
        for code in range(len(values)):
            if code == UNCODED:
                continue
            scratch.data = {} if code == ABSENT else {key: values[code]}
            if test(scratch):
                matching_codes.add(code)
        column = rows.codes[position]
        candidates = _select(candidates, column, lo, hi, matching_codes.__contains__)
        if _holds(column, UNCODED, lo, hi):
            unsure.append((column, UNCODED))
        settled.add(index)
        decided.add(key)
    verify = kept
    if unsure:
        listed = list(candidates)
        for column, marker in unsure:
            verify.update(compress(listed, map(marker.__eq__, map(column.__getitem__, listed))))
    return candidates, sorted(verify), settled, decided


def _per_row(rows: Rows, indexes: Iterable[int], predicate: Callable[[Entry], bool],
             build: Build, offset: int, keys: tuple[str, ...] | None, needs_raw: bool,
             words: tuple[bytes, ...], values: tuple[tuple[bytes, ...], ...]) -> list[int]:
    """The rows among ``indexes`` whose entries pass ``predicate``, each checked on its own:
    on its bytes first (for the ``words`` and ``values`` of the screen not searched yet),
    then on just the top-level ``keys`` it reads (None: it needs the whole entry), then built
    in full if it must be."""
    found: list[int] = []
    decode = None if keys is None else _decoder_of(keys)
    scratch = Entry(raw="", data={})
    objects, flags, payload = rows.kept, rows.flags, rows.payload
    for index in indexes:
        kept = objects.get(index)
        if kept is not None:
            if kept.origin == "gap" or predicate(kept):
                found.append(index)
            continue
        if flags[index] & _PLAIN_MASK != IS_JSON:
            if predicate(build(index, index + offset)):
                found.append(index)
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
            if predicate(build(index, index + offset)):
                found.append(index)
            continue
        scratch.data = picked
        if needs_raw:
            scratch.raw = data.decode("utf-8", "surrogatepass")
        if predicate(scratch):
            found.append(index)
    return found


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
