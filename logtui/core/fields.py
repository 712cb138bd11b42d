"""Reading named fields out of entries, with each source's aliases and pseudo-fields.

Filters, stats and table columns all ask "what is ``status`` of this entry?" for every entry,
so a name is resolved once into a getter (a small closure over the path) and the getter is
called per entry. Names are matched case-insensitively against the fields each API documents
(``edgeresponsestatus`` finds ``EdgeResponseStatus``), and short aliases map to them
(``project`` → ``projectId``, ``country`` → ``ClientCountry``). A dotted name walks into
nested objects (``device.name``, ``data.durationMs``). Unknown names are used as typed.

Pseudo-fields exist on every source:

- ``time``: the entry's own timestamp as Unix seconds (proxy-logs ``tsMs``/``tsIso``,
  NextDNS ``timestamp``, Instant Logs ``EdgeStartTimestamp``; common keys for plain SSE),
  falling back to when logtui received it; read by :mod:`logtui.core.eventtime`.
- ``msg`` / ``text``: the message of a text entry (or a JSON entry's ``msg``/``message``).

The names, aliases and fields read by a function (NextDNS ``device`` reads the device's id) come
from the API's profile (:class:`~logtui.core.apis.base.FieldSet`).

A getter returns None when the field is absent (JSON ``null`` reads the same).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Final

from logtui.core.apis import profile_for
from logtui.core.apis.base import FieldSet
from logtui.core.eventtime import (
    TIME_KEYS,
    entry_seconds,
    epoch_seconds,
    event_seconds,
    field_seconds,
)
from logtui.core.models import Entry

__all__ = [
    "FieldResolver",
    "Getter",
    "epoch_seconds",
    "path_getter",
]

Getter = Callable[[Entry], Any]
"""Reads one field of an entry; None when absent."""

TIME: Final = "time"
"""The pseudo-field for the entry's own timestamp, in Unix seconds."""
MESSAGE_NAMES: Final = frozenset({"msg", "text"})
"""Pseudo-field names for a text entry's message."""

_MESSAGE_KEYS: Final = ("msg", "message", "text")


def path_getter(path: str) -> Getter:
    """A getter for a plain or dotted field path."""
    keys = path.split(".")
    if len(keys) == 1:
        key = keys[0]

        def get_one(entry: Entry) -> Any:
            return entry.data.get(key)

        return get_one
    if len(keys) == 2:
        outer, inner = keys

        def get_two(entry: Entry) -> Any:
            value = entry.data.get(outer)
            return value.get(inner) if isinstance(value, Mapping) else None

        return get_two

    def get_deep(entry: Entry) -> Any:
        value: Any = entry.data
        for key in keys:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return get_deep


def _time_reader(extra_keys: tuple[str, ...]) -> Getter:
    """The event's time from the common keys, then an API's own ``extra_keys``, then when it
    was received."""

    def read(entry: Entry) -> float | None:
        seconds = event_seconds(entry.data)
        if seconds is None:
            for key in extra_keys:
                seconds = field_seconds(key, entry.data.get(key))
                if seconds is not None:
                    return seconds
        return seconds if seconds is not None else entry_seconds(entry)

    return read


def _message(entry: Entry) -> Any:
    data = entry.data
    for key in _MESSAGE_KEYS:
        value = data.get(key)
        if value is not None:
            return value
    return None if entry.is_json else entry.raw


class FieldResolver:
    """Turns field names into getters for one API's fields; build once, reuse per entry."""

    __slots__ = ("_getters", "_names", "_special", "_time", "kind")

    def __init__(self, kind: str, fields: FieldSet | None = None) -> None:
        self.kind: str = kind
        """The source whose field names and aliases apply."""
        if fields is None:
            fields = profile_for(kind).fields
        names = {name.lower(): name for name in fields.known}
        names.update(fields.aliases)
        self._names: dict[str, str] = names
        self._special: Mapping[str, Getter] = fields.getters
        extra_time_keys = tuple(key for key in fields.time_keys if key not in TIME_KEYS)
        self._time: Getter = _time_reader(extra_time_keys) if extra_time_keys else entry_seconds
        self._getters: dict[str, Getter] = {}

    @staticmethod
    def for_kind(kind: str) -> FieldResolver:
        """The shared resolver for ``kind`` (resolvers are immutable apart from their cache)."""
        return _shared(str(kind), profile_for(kind).fields)

    def known_names(self) -> list[str]:
        """Every field name and alias this source knows (for suggestions on a typo)."""
        return sorted({TIME, *MESSAGE_NAMES, *self._names})

    def is_known(self, name: str) -> bool:
        """Whether ``name`` (or the head of a dotted path) is a field or alias of this source."""
        head = name.partition(".")[0].lower()
        return head == TIME or head in MESSAGE_NAMES or head in self._names

    def canonical(self, name: str) -> str:
        """The field path a name stands for: aliases expanded, known names in their spelling."""
        lowered = name.lower()
        if lowered == TIME or lowered in MESSAGE_NAMES:
            return lowered
        exact = self._names.get(lowered)
        if exact is not None:
            return exact
        head, dot, rest = name.partition(".")
        if dot:
            head_path = self._names.get(head.lower())
            if head_path is not None:
                return f"{head_path}.{rest}"
        return name

    def getter(self, name: str) -> Getter:
        """A function reading field ``name`` (alias, pseudo-field or dotted path) from entries."""
        getter = self._getters.get(name)
        if getter is None:
            getter = self._build(self.canonical(name))
            self._getters[name] = getter
        return getter

    def plain_key(self, name: str) -> str | None:
        """The top-level key ``name`` reads, when it is a plain key (not a path or pseudo-field).

        Lets hot loops read ``entry.data.get(key)`` without a getter call.
        """
        path = self.canonical(name)
        if "." in path or path == TIME or path in MESSAGE_NAMES:
            return None
        if path in self._special:
            return None
        return path

    def reads_path(self, name: str) -> bool:
        """Whether ``name`` reads its canonical path as it is (no pseudo-field, no getter of
        the API's own), so a column filled from that path holds what the field reads."""
        path = self.canonical(name)
        return path != TIME and path not in MESSAGE_NAMES and path not in self._special

    def get(self, entry: Entry, name: str) -> Any:
        """One field of one entry; prefer :meth:`getter` in loops."""
        return self.getter(name)(entry)

    def time_of(self, entry: Entry) -> float | None:
        """The entry's own timestamp in Unix seconds (else when it was received), or None."""
        seconds = self.getter(TIME)(entry)
        return seconds if isinstance(seconds, float) else None

    def _build(self, path: str) -> Getter:
        if path == TIME:
            return self._time
        if path in MESSAGE_NAMES:
            return _message
        special = self._special.get(path)
        if special is not None:
            return special
        return path_getter(path)


@cache
def _shared(kind: str, fields: FieldSet) -> FieldResolver:
    # Keyed by the field set too, so a profile registered again under one name gets its own.
    return FieldResolver(kind, fields)
