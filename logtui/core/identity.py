"""Which entry is which, and where it goes: the payload's own identity and order.

A server-side filter change reloads history and backfills for the new filter, so the same
entry can arrive twice and an old entry can arrive after newer ones. The buffer refuses an
identity it already holds and places reloaded entries by their order key instead of appending.

Identity comes from the payload, never from the transport (an SSE id differs between a stream
event and the same entry in ``/logs``): proxy-logs ``id``, Instant Logs ``RayID``, and for
NextDNS, whose entries carry no id, a digest of what tells queries apart (timestamp, domain,
type, client, device id, status...: two queries alike in all of them, to the millisecond, are
indistinguishable in any view). A plain SSE stream has no
identity to rely on.

Order: proxy-logs by its row ``id`` (the order the log was written in; a response's ``tsMs``
is later than the requests logged after it), everything else by the entry's own timestamp.

Each API's profile names its identity function and its order field (``ApiProfile.identity``,
``identity_unique``, ``order_id``); this module applies them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final

from logtui.core.apis import profile_for
from logtui.core.fields import FieldResolver
from logtui.core.models import Entry

Identity = Callable[[Entry], Hashable | None]
"""An entry's identity, or None when it has none (never de-duplicated). Proxy-logs and
Instant Logs return the payload's own value object, so holding it costs no memory."""
OrderKey = Callable[[Entry], float]
"""Where an entry goes in the buffer; ``inf`` when unknown (it goes last, as it arrived)."""

GAP_FIELD: Final = "gap"
"""The key of a gap row's description in its ``data`` (see :mod:`logtui.core.coverage`)."""


def key_identity(name: str) -> Identity:
    """An identity read from one payload field: a non-empty string or a whole number."""

    def identity(entry: Entry) -> Hashable | None:
        value = entry.data.get(name)
        return value if value.__class__ is int or (value.__class__ is str and value) else None

    return identity


def identity_is_unique(kind: str) -> bool:
    """Whether two entries with one identity are always one entry.

    A row id or a RayID is; a NextDNS digest is not: two real queries can be alike in every
    field (the same client asking twice within a millisecond), so the store counts them as a
    multiset instead of refusing the second (see :class:`~logtui.core.store.EntryStore`).
    """
    return profile_for(kind).identity_unique


def identity_for(kind: str) -> Identity | None:
    """The identity function for ``kind``'s entries, or None when the API gives none."""
    return profile_for(kind).identity


def _gap_order(gap: Mapping[str, Any], by_id: bool) -> float:
    """A gap row sits where its interval starts: after the last entry before it (an API ordered
    by row id), or at its start time."""
    if by_id:
        after = gap.get("afterKey")
        try:
            return float(after) + 0.5 if after is not None else -math.inf
        except (TypeError, ValueError):
            return math.inf
    start = gap.get("from")
    return float(start) if isinstance(start, int | float) else math.inf


def order_for(kind: str) -> OrderKey:
    """The order key for ``kind``'s entries (see the module docstring)."""
    time_of = FieldResolver.for_kind(kind).time_of
    order_id = profile_for(kind).order_id
    by_id = order_id is not None

    def order(entry: Entry) -> float:
        data = entry.data
        if entry.origin == "gap":
            gap = data.get(GAP_FIELD)
            return _gap_order(gap, by_id) if isinstance(gap, Mapping) else math.inf
        if order_id is not None:
            value = data.get(order_id)
            if value.__class__ is int:
                return float(value)
        seconds = time_of(entry)
        return seconds if seconds is not None else math.inf

    return order


__all__ = [
    "GAP_FIELD",
    "Identity",
    "OrderKey",
    "identity_for",
    "identity_is_unique",
    "key_identity",
    "order_for",
]
