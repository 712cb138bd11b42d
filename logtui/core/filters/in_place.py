"""A regex term run on the payload bytes where a text lies, instead of on a cut-out string.

A filter on a URL or a message tests one text per buffered row; cutting each text out of
its block and decoding it cost three times the regex itself. For a text of ASCII characters
lying at ``buffer[pos:endpos]``, ``finder(buffer, pos, endpos)`` with the bytes form of the
pattern gives what the pattern gives the text itself, provided the pattern:

- is ASCII and compiles for bytes (on ASCII text a str and a bytes pattern agree, case
  folding included; a pattern with a character beyond ASCII, ``\\u`` or ``\\N`` is left out);
- has no ``\\s`` or ``\\S`` (a str pattern counts ``\\x1c``-``\\x1f`` as space, bytes do not);
- reads nothing before ``pos``: no ``\\b``, ``\\B`` or lookbehind, nothing multi-line, and no
  ``^`` or ``\\A`` but one leading the whole pattern, which is dropped for an anchored
  ``match`` (``pos`` is not a string's start to ``^``).

``endpos`` ends the text for everything else (``$``, ``\\Z``, lookahead), so the bytes around
the text never take part.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final

__all__ = ["Finder", "in_place"]

Finder = Callable[[Any, int, int], object]
"""``finder(buffer, pos, endpos)``: truthy when the text at ``buffer[pos:endpos]`` matches."""

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_LEADING: Final = {_c.AT_BEGINNING: b"^", _c.AT_BEGINNING_STRING: b"\\A"}
_READS_BEFORE: Final = frozenset({
    _c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_BEGINNING_LINE, _c.AT_BOUNDARY,
    _c.AT_NON_BOUNDARY, _c.AT_LOC_BOUNDARY, _c.AT_LOC_NON_BOUNDARY, _c.AT_UNI_BOUNDARY,
    _c.AT_UNI_NON_BOUNDARY,
})
_SPACES: Final = frozenset({
    _c.CATEGORY_SPACE, _c.CATEGORY_NOT_SPACE, _c.CATEGORY_UNI_SPACE,
    _c.CATEGORY_UNI_NOT_SPACE,
})


@lru_cache(maxsize=64)
def in_place(pattern: re.Pattern[str]) -> Finder | None:
    """The finder of ``pattern`` for ASCII texts inside a buffer; None when the bytes form
    could read the text differently (see the module's notes)."""
    source = pattern.pattern
    if not source.isascii():
        return None
    data = source.encode("ascii")
    flags = pattern.flags & ~re.UNICODE
    try:
        parsed = _parser.parse(data, flags)
    except re.error:  # \u, \N, (?u): str-only
        return None
    if parsed.state.flags & re.MULTILINE:
        return None
    items = list(parsed)
    lead = items[0] if items else None
    if lead is not None and lead[0] is _c.AT and lead[1] in _LEADING:
        prefix = _LEADING[lead[1]]
        if not data.startswith(prefix):
            return None
        rest = data[len(prefix):]
        try:
            reparsed = _parser.parse(rest, flags)
        except re.error:
            return None
        if _plain(list(reparsed)) != _plain(items[1:]) or not _stays_inside(items[1:]):
            return None
        return re.compile(rest, flags).match
    if not _stays_inside(items):
        return None
    return re.compile(data, flags).search


def _stays_inside(items: list[Any]) -> bool:
    """Whether no item reads before the match's start or tests for space."""
    for op, argument in items:
        if op is _c.AT and argument in _READS_BEFORE:
            return False
        if op is _c.CATEGORY and argument in _SPACES:
            return False
        if op in (_c.ASSERT, _c.ASSERT_NOT) and argument[0] < 0:
            return False
        if op is _c.SUBPATTERN and argument[1] & re.MULTILINE:
            return False
        if not all(_stays_inside(list(nested)) for nested in _nested(argument)):
            return False
    return True


def _nested(argument: Any) -> list[Any]:
    """The item lists inside an item's argument (sub-patterns and class members)."""
    found: list[Any] = []
    stack = [argument]
    while stack:
        value = stack.pop()
        if isinstance(value, _parser.SubPattern):
            found.append(value)
        elif isinstance(value, list) and value and all(
                isinstance(item, tuple) and len(item) == 2 for item in value):
            found.append(value)  # a character class's members
        elif isinstance(value, tuple | list):
            stack.extend(value)
    return found


def _plain(value: Any) -> Any:
    """A parsed pattern as plain lists and tuples, to compare two parses."""
    if isinstance(value, _parser.SubPattern):
        return [_plain(item) for item in value]
    if isinstance(value, tuple | list):
        return type(value)(_plain(item) for item in value)
    return value
