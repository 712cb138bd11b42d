"""Parsing entry payloads: fast on the hot path, as permissive as ``json`` when that fails.

Parsing JSON is most of the cost of ingesting an entry, so payloads are parsed with orjson
(about 40 % faster than ``json.loads`` on realistic log entries) when it is installed. orjson
is stricter than ``json`` (no NaN or Infinity, no integers over 64 bits, no lone surrogates,
nesting at most 1,024 deep), so a payload it rejects gets a second chance with ``json.loads``;
only what both reject is malformed. A hostile payload nested deeply enough to exhaust Python's
recursion is malformed too, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

try:
    import orjson

    fast_loads: Callable[[str], Any] = orjson.loads
    """The quickest available parser; raises ``ValueError`` (or a subclass) on bad input."""
except ImportError:  # pragma: no cover - orjson is a dependency, but not a hard one
    fast_loads = json.loads

_loads: Final = json.loads


def lenient_loads(text: str) -> Any:
    """``json.loads`` with every failure (deep nesting included) as ``ValueError``."""
    try:
        return _loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def parse_json(text: str | bytes) -> Any:
    """Parse one JSON document: fast first, then leniently; ``ValueError`` if it is not JSON."""
    try:
        return fast_loads(text)  # type: ignore[arg-type]
    except ValueError:
        pass
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return lenient_loads(text)


__all__ = ["fast_loads", "lenient_loads", "parse_json"]
