"""What a compiled filter reads, so a compact store can test entries without building them.

A store that keeps payloads as bytes (:mod:`logtui.core.store`) would otherwise parse every
buffered entry on a new filter. :class:`Screen` tells it two things:

- which top-level keys the field terms read (:attr:`Screen.keys`): the store decodes just
  those values, then runs the predicate on an entry whose ``data`` holds only them;
- texts the raw payload must contain for the entry to match (:attr:`Screen.words`,
  :attr:`Screen.values`), checked on the bytes first, so most entries are rejected without
  parsing anything.

A needle in ``values`` comes from a field term (``level=error``): a string value appears in
the raw text as written unless the text escapes something, and a number's text can differ
from how it was written (``5e2`` is 500), so such needles are used only for payloads of plain
ASCII without a backslash, and only needles that no number's text could contain.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from logtui.core.fields import FieldResolver
from logtui.core.filters.in_place import Finder
from logtui.core.filters.syntax import FilterExpr, Op
from logtui.core.models import Entry

__all__ = ["PerSource", "Screen", "ScreenedPredicate", "screen_for"]

_NUMBER_TEXT: Final = frozenset("0123456789.+-einfa")
"""Characters of a number's text (``1e+300``, ``inf``, ``nan``); a needle made only of them
could match a number written differently in the raw text."""
_TEXT_OPS: Final = frozenset({Op.EQ, Op.CONTAINS, Op.STARTS, Op.ENDS})
_MIN_REGEX_TEXT: Final = 3
"""Literal texts of a regex shorter than this are not worth a search."""
_parser: Any = importlib.import_module("re._parser")
"""The regex parser ``re`` compiles with (no public API gives a pattern's literal texts)."""


@dataclass(frozen=True, slots=True)
class Screen:
    """What a filter needs from an entry, and what its raw text must contain to match."""

    keys: tuple[str, ...] | None
    """The top-level keys the field terms read (in ``data``); None when a term needs the whole
    entry (a path, the time, a pseudo-field)."""
    raw: bool
    """Whether a term reads the raw text."""
    words: tuple[bytes, ...]
    """Lower-cased texts every matching entry's raw text contains (for an ASCII payload)."""
    values: tuple[tuple[bytes, ...], ...]
    """For each field term, lower-cased texts one of which a matching entry's raw text
    contains (for an ASCII payload without a backslash)."""
    value_keys: tuple[str, ...] = ()
    """The top-level key of the term each group of :attr:`values` comes from ("" for the raw
    text; empty when not known), so a store that decides a key's terms from a column can skip
    searching for its texts."""


class ScreenedPredicate:
    """A predicate over entries that carries its :class:`Screen` and its terms' tests.

    ``parts``: each term's own test, with the top-level key it reads (None when it reads the
    raw text, a path or a pseudo-field); the predicate is true when every part is. A store
    that keeps a key's values in a column runs the part once per distinct value instead of
    once per entry. ``compares``: for a part that compares a field with a number (by its
    index in ``parts``), the field's path (``time`` for the event time) and a test of a
    finite float value equal to the part on an entry whose field holds that number, so a
    store that keeps the field as floats tests the column without reading entries.
    ``texts``: for a part on a plain key, the key and the part's test of a string value (true,
    or truthy, when the part passes an entry whose key holds that string), so a store that
    knows where a key's string lies in the payload tests just that text. ``finders``: for
    some of those parts (a regex), the same test run on a buffer between two offsets (see
    :mod:`logtui.core.filters.in_place`), so such a store need not cut the text out.
    """

    __slots__ = ("_test", "compares", "finders", "parts", "screen", "texts")

    def __init__(self, test: Callable[[Entry], bool], screen: Screen,
                 parts: tuple[tuple[str | None, Callable[[Entry], bool]], ...] = (),
                 compares: Mapping[int, tuple[str, Callable[[float], bool]]] | None = None,
                 texts: Mapping[int, tuple[str, Callable[[str], object]]] | None = None,
                 finders: Mapping[int, Finder] | None = None,
                 ) -> None:
        self._test = test
        self.screen = screen
        self.parts = parts
        self.compares: Mapping[int, tuple[str, Callable[[float], bool]]] = compares or {}
        self.texts: Mapping[int, tuple[str, Callable[[str], object]]] = texts or {}
        self.finders: Mapping[int, Finder] = finders or {}

    def __call__(self, entry: Entry) -> bool:
        return self._test(entry)


class PerSource:
    """A filter over several sources: each entry tested by its own source's predicate, after
    the ``source`` terms (which read only the entry's source name).

    A store that knows each row's source runs each member's predicate over that source's rows
    (screened, by columns) instead of testing every entry through this one.
    """

    __slots__ = ("by_source", "source")

    def __init__(self, by_source: Mapping[str, Callable[[Entry], bool]],
                 source: Callable[[Entry], bool] | None) -> None:
        self.by_source = by_source
        self.source = source

    def __call__(self, entry: Entry) -> bool:
        source = self.source
        if source is not None and not source(entry):
            return False
        own = self.by_source.get(entry.source or "")
        return own is not None and own(entry)


def _needle(value: str) -> bytes | None:
    low = value.lower()
    if not low or not low.isascii():
        return None
    return low.encode("ascii")


def screen_for(expr: FilterExpr, fields: FieldResolver) -> Screen:
    """The screen of ``expr``'s predicate (see the module docstring)."""
    keys: list[str] | None = []
    raw = False
    words: list[bytes] = []
    values: list[tuple[bytes, ...]] = []
    value_keys: list[str] = []
    for term in expr.terms:
        if term.field is None:
            raw = True
            if term.negated:
                continue
            if term.op is Op.REGEX:
                # Searched in the raw text as is: its literal texts are there (any of a group).
                alternatives = [group for group in _regex_texts(term.values[0]) if len(group) > 1]
                values.extend(alternatives)
                value_keys.extend("" for _ in alternatives)  # the raw text: no key
                words.extend(group[0] for group in _regex_texts(term.values[0])
                             if len(group) == 1)
                continue
            word = _needle(term.values[0])
            if word is not None:
                words.append(word)
            continue
        key = fields.plain_key(term.field)
        if key is None:
            # A path or a pseudo-field: its value may be computed (a default, a conversion),
            # so it says nothing about the raw text.
            keys = None
            continue
        if keys is not None and key not in keys:
            keys.append(key)
        if term.negated:
            continue
        if term.op is Op.REGEX:
            groups = [group for group in _regex_texts(term.values[0]) if _not_a_number(group)]
            values.extend(groups)
            value_keys.extend(key for _ in groups)
            continue
        if term.op not in _TEXT_OPS or term.comparand is not None:
            continue
        needles = [_needle(value) for value in term.values]
        if all(needle is not None and not set(needle.decode()) <= _NUMBER_TEXT
               for needle in needles):
            values.append(tuple(needle for needle in needles if needle is not None))
            value_keys.append(key)
    return Screen(None if keys is None else tuple(keys), raw, tuple(words), tuple(values),
                  tuple(value_keys))


def _not_a_number(group: tuple[bytes, ...]) -> bool:
    return all(not set(needle.decode()) <= _NUMBER_TEXT for needle in group)


def _regex_texts(pattern: str) -> list[tuple[bytes, ...]]:
    """Texts any match of ``pattern`` (case-insensitive) contains: each top-level run of
    literal characters, and each top-level group of literal alternatives (any one of them).
    Lower-cased ASCII; empty when the pattern does not parse or has none."""
    try:
        items = list(_parser.parse(pattern, re.IGNORECASE))
    except (re.error, RecursionError, OverflowError):
        return []
    groups: list[tuple[bytes, ...]] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        run.clear()
        needle = _needle(text) if len(text) >= _MIN_REGEX_TEXT else None
        if needle is not None:
            groups.append((needle,))

    for op, argument in items:
        if op is _parser.LITERAL:
            run.append(chr(argument))
            continue
        flush()
        if op is _parser.SUBPATTERN and len(argument[3]) == 1:
            op, argument = argument[3][0]
        if op is _parser.BRANCH:
            alternatives = [_literal(branch) for branch in argument[1]]
            needles = [_needle(text) if text is not None and len(text) >= _MIN_REGEX_TEXT
                       else None for text in alternatives]
            if needles and all(needle is not None for needle in needles):
                groups.append(tuple(needle for needle in needles if needle is not None))
    flush()
    return groups


def _literal(items: Any) -> str | None:
    """The text of a sequence of literal characters, or None if it has anything else."""
    chars = []
    for op, argument in items:
        if op is not _parser.LITERAL:
            return None
        chars.append(chr(argument))
    return "".join(chars)
