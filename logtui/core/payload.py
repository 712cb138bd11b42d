"""Parsing entry payloads: fast on the hot path, as permissive as ``json`` when that fails.

Parsing JSON is most of the cost of ingesting an entry, so payloads are parsed with orjson
(about 40 % faster than ``json.loads`` on realistic log entries) when it is installed. orjson
is stricter than ``json`` (no NaN or Infinity, no lone surrogates, nesting at most 1,024
deep; and it reads an integer outside 64 bits as a float), so a payload it rejects gets a
second chance with ``json.loads``; only what both reject is malformed. A hostile payload
nested deeply enough to exhaust Python's recursion is malformed too, never a crash.

Where nothing reads an entry's fields (headless mode writes the original text), building the
object is wasted work. :func:`key_checker` then validates a payload and reads just its key
field with msgspec, which skips every other value without building it (several times cheaper
than a full parse), and :class:`LazyObject` parses the payload only if something does read
it. msgspec is strict in the same ways as orjson, so what it accepts ``json`` accepts too and
gives the same key; anything it rejects goes down the full path above, which decides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Final

try:
    import orjson

    fast_loads: Callable[[str], Any] = orjson.loads
    """The quickest available parser; raises ``ValueError`` (or a subclass) on bad input."""
except ImportError:  # pragma: no cover - orjson is a dependency, but not a hard one
    fast_loads = json.loads

_loads: Final = json.loads

CHECK_ERRORS: Final[tuple[type[Exception], ...]] = (ValueError, RecursionError)
"""What a :func:`key_checker` function raises for a payload it cannot vouch for."""
SHALLOW_LENGTH: Final = 1800
"""Payloads this short cannot nest 900 deep, so they need no depth check before msgspec.

msgspec, like ``json``, stops at Python's recursion limit, while orjson (tried first on the
full path) accepts up to 1,024 levels; a longer payload with that many brackets skips the
check and takes the full path, so the two paths agree on what is too deep."""
_MAX_BRACKETS: Final = 900
_MIN_KEY_INT: Final = -(2**63)
_MAX_KEY_INT: Final = 2**63 - 1
"""Integer keys msgspec may read: within what orjson keeps exact (and msgspec can bound)."""


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


def key_checker(key_field: str | None) -> Callable[[str], Any] | None:
    """A function that checks a payload is a JSON object without building it; None when
    msgspec is not installed.

    The function returns a value whose ``key`` attribute is the payload's ``key_field`` value
    (None when absent or null; only when ``key_field`` is given), or raises one of
    :data:`CHECK_ERRORS`; then :func:`parse_json` must decide. That includes a key that is
    not an integer, a string or null (or an integer orjson would read as a float), which is
    rare and whose text form the full parse gives.
    Call :func:`too_deep` first on payloads longer than :data:`SHALLOW_LENGTH`.
    """
    try:
        import msgspec  # only headless mode checks payloads; the dashboard never loads it
    except ImportError:  # pragma: no cover - msgspec is a dependency, but not a hard one
        return None
    # gc=False: a result holds at most an int or a str, so it can never be part of a cycle,
    # and untracked objects are cheaper to make and free (one per payload).
    if key_field is None:
        shape: Any = msgspec.defstruct("PayloadObject", [], gc=False)
    else:
        # Typed, not Any (msgspec reads an untyped integer over 64 bits as a float), and
        # bounded: orjson reads integers outside 64 bits as floats, and the key must match.
        key_type = Annotated[int, msgspec.Meta(ge=_MIN_KEY_INT, le=_MAX_KEY_INT)]
        shape = msgspec.defstruct(
            "PayloadKey", [("key", key_type | str | None, None)], rename={"key": key_field},
            gc=False,
        )
    decode: Callable[[str], Any] = msgspec.json.Decoder(shape).decode
    return decode


def too_deep(text: str) -> bool:
    """Whether ``text`` has enough brackets to nest near the parsers' depth limits."""
    return text.count("[") + text.count("{") > _MAX_BRACKETS


class LazyObject(Mapping[str, Any]):
    """A payload known to be a JSON object, parsed with :func:`parse_json` on first read.

    Equal to the dict it parses to, and read like it; nothing is parsed if nothing reads it.
    """

    __slots__ = ("_parsed", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._parsed: dict[str, Any] | None = None

    @property
    def parsed(self) -> dict[str, Any]:
        """The object itself, parsed now if it was not yet."""
        parsed = self._parsed
        if parsed is None:
            parsed = self._parsed = parse_json(self._text)
        return parsed

    def __getitem__(self, key: str) -> Any:
        return self.parsed[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.parsed)

    def __len__(self) -> int:
        return len(self.parsed)

    def __contains__(self, key: object) -> bool:
        return key in self.parsed

    def get(self, key: str, default: Any = None) -> Any:
        return self.parsed.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyObject):
            other = other.parsed
        return self.parsed == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.parsed)


__all__ = [
    "CHECK_ERRORS",
    "SHALLOW_LENGTH",
    "LazyObject",
    "fast_loads",
    "key_checker",
    "lenient_loads",
    "parse_json",
    "too_deep",
]
