"""Rendered rows without reference cycles, so dropping one frees it at once.

Textual's :class:`~textual.strip.Strip` memoises its transformations in per-strip caches, and
when a transformation changes nothing (a crop to the whole row, a cut at its end, a style or
filter that is a no-op) the result is the strip itself, cached inside itself: a reference
cycle. Nearly every row drawn becomes one, so it outlives its last reference until a cyclic
collection finds it; under a fast stream many reach the oldest generation (about 1.5 MB a second
at 10,000 entries/s), and one frozen by :mod:`logtui.tui.gc_policy` while still on screen would
never be freed.

:func:`install` wraps those methods so that a result which is the strip itself (or the list
``[self]``) is taken out of the cache again; results that are new strips stay cached, so
Textual's memoising works as before. :func:`uninstall` puts Textual's methods back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from textual.strip import Strip

__all__ = ["install", "installed", "uninstall"]

_CACHES: Final = {
    "adjust_cell_length": "_line_length_cache",
    "apply_filter": "_filter_cache",
    "apply_offsets": "_offsets_cache",
    "apply_style": "_style_cache",
    "crop_extend": "_crop_extend_cache",
    "divide": "_divide_cache",
}
"""Each ``Strip`` method that may cache the strip itself, and the slot of its cache."""

_TEXTUAL: Final[dict[str, Callable[..., Any]]] = {
    name: getattr(Strip, name) for name in _CACHES if hasattr(Strip, name)
}
_WRAPPED: dict[str, Callable[..., Any]] = {}


def _is_self(strip: Strip, result: object) -> bool:
    return result is strip or (type(result) is list and len(result) == 1 and result[0] is strip)


def _forget_self(strip: Strip, slot: str) -> None:
    """Drop the cache entries that hold ``strip`` itself (at most a few entries to scan)."""
    cache = getattr(strip, slot, None)
    entries = getattr(cache, "_cache", None)
    if isinstance(entries, dict):
        for key in [key for key, value in entries.items() if _is_self(strip, value)]:
            del entries[key]
    elif cache is not None and hasattr(cache, "clear"):
        cache.clear()


def _wrap(name: str, slot: str, textual: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: Strip, *args: Any, **kwargs: Any) -> Any:
        result = textual(self, *args, **kwargs)
        if _is_self(self, result):
            _forget_self(self, slot)
        return result

    method.__name__ = name
    method.__doc__ = textual.__doc__
    return method


for _name, _textual in _TEXTUAL.items():
    _WRAPPED[_name] = _wrap(_name, _CACHES[_name], _textual)


def install() -> None:
    """Keep strips out of their own caches (idempotent)."""
    for name, method in _WRAPPED.items():
        setattr(Strip, name, method)


def uninstall() -> None:
    """Give Textual its own methods back."""
    for name, method in _TEXTUAL.items():
        setattr(Strip, name, method)


def installed() -> bool:
    """Whether strips are kept out of their own caches now."""
    return bool(_WRAPPED) and all(getattr(Strip, n) is m for n, m in _WRAPPED.items())
