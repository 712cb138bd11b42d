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
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final

from logtui.core.fields import FieldResolver
from logtui.core.models import Entry, SourceKind

Identity = Callable[[Entry], Hashable | None]
"""An entry's identity, or None when it has none (never de-duplicated). Proxy-logs and
Instant Logs return the payload's own value object, so holding it costs no memory."""
OrderKey = Callable[[Entry], float]
"""Where an entry goes in the buffer; ``inf`` when unknown (it goes last, as it arrived)."""

GAP_FIELD: Final = "gap"
"""The key of a gap row's description in its ``data`` (see :mod:`logtui.core.coverage`)."""


def _proxy_identity(entry: Entry) -> Hashable | None:
    value = entry.data.get("id")
    return value if value.__class__ is int or (value.__class__ is str and value) else None


def _instant_identity(entry: Entry) -> Hashable | None:
    value = entry.data.get("RayID")
    return value if value.__class__ is str and value else None


_NEXTDNS_FIELDS: Final = (
    "timestamp", "domain", "type", "dnssec", "protocol", "encrypted", "clientIp", "client",
    "status",
)
"""What tells one NextDNS query from another (with ``device.id``); fields that may be shaped
differently in ``/logs`` and the stream (``reasons``, the device's name) are left out."""


def _nextdns_identity(entry: Entry) -> Hashable | None:
    data = entry.data
    if not entry.is_json or entry.origin == "gap" or not data.get("timestamp"):
        return None  # without its timestamp an entry cannot be told apart: never dropped
    device = data.get("device")
    fields = [data.get(name) for name in _NEXTDNS_FIELDS]
    fields.append(device.get("id") if isinstance(device, Mapping) else device)
    text = json.dumps(fields, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def identity_is_unique(kind: SourceKind) -> bool:
    """Whether two entries with one identity are always one entry.

    A row id or a RayID is; a NextDNS digest is not: two real queries can be alike in every
    field (the same client asking twice within a millisecond), so the store counts them as a
    multiset instead of refusing the second (see :class:`~logtui.core.store.EntryStore`).
    """
    return kind is not SourceKind.NEXTDNS


def identity_for(kind: SourceKind) -> Identity | None:
    """The identity function for ``kind``'s entries, or None when the API gives none."""
    if kind is SourceKind.PROXY:
        return _proxy_identity
    if kind is SourceKind.INSTANT_LOGS:
        return _instant_identity
    if kind is SourceKind.NEXTDNS:
        return _nextdns_identity
    return None


def _gap_order(gap: Mapping[str, Any], kind: SourceKind) -> float:
    """A gap row sits where its interval starts: after the last entry before it (proxy-logs),
    or at its start time."""
    if kind is SourceKind.PROXY:
        after = gap.get("afterKey")
        try:
            return float(after) + 0.5 if after is not None else -math.inf
        except (TypeError, ValueError):
            return math.inf
    start = gap.get("from")
    return float(start) if isinstance(start, int | float) else math.inf


def order_for(kind: SourceKind) -> OrderKey:
    """The order key for ``kind``'s entries (see the module docstring)."""
    time_of = FieldResolver.for_kind(kind).time_of

    def order(entry: Entry) -> float:
        data = entry.data
        if entry.origin == "gap":
            gap = data.get(GAP_FIELD)
            return _gap_order(gap, kind) if isinstance(gap, Mapping) else math.inf
        if kind is SourceKind.PROXY:
            value = data.get("id")
            if value.__class__ is int:
                return float(value)
        seconds = time_of(entry)
        return seconds if seconds is not None else math.inf

    return order


__all__ = ["GAP_FIELD", "Identity", "OrderKey", "identity_for", "order_for"]
