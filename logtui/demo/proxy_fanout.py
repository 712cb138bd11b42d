"""The admin fan-out's ``/_logs`` (``LOGS_ADMIN_FANOUT=true``): NDJSON pages over a snapshot.

A read without a cursor takes a snapshot of its selection; each answer streams up to ``limit``
entries, one per line, and ends with a trailer line: the signed opaque cursor of the next page
while entries remain, else none. A cursor whose snapshot has expired (older than the TTL, or
evicted) is answered with the documented ``{"__trailer": true, "error": "snapshot_expired",
"status": 410}``; a cursor that was not signed here is a 400.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from logtui.demo.proxy_store import ProxyRow

MAX_SNAPSHOTS: Final = 16
"""Snapshots kept at once; the oldest is dropped (its cursors then expire)."""
EXPIRED_TRAILER: Final = '{"__trailer":true,"error":"snapshot_expired","status":410}'


class BadCursor(ValueError):
    """A cursor this server did not sign."""


@dataclass(frozen=True, slots=True)
class _Snapshot:
    rows: Sequence[ProxyRow]
    taken: float


class FanoutBook:
    """The snapshots behind open fan-out reads, and the cursors that point into them."""

    def __init__(self, *, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._key = os.urandom(16)
        self._ids = itertools.count(1)
        self._snapshots: OrderedDict[int, _Snapshot] = OrderedDict()

    def first(self, rows: Sequence[ProxyRow], limit: int) -> tuple[Sequence[ProxyRow], str]:
        """The first page of a new read over ``rows`` and its trailer line."""
        snapshot_id = next(self._ids)
        self._snapshots[snapshot_id] = _Snapshot(rows, self._clock())
        while len(self._snapshots) > MAX_SNAPSHOTS:
            self._snapshots.popitem(last=False)
        return self._page(snapshot_id, 0, limit)

    def next(self, cursor: str, limit: int) -> tuple[Sequence[ProxyRow], str]:
        """The page ``cursor`` points to and its trailer; :class:`BadCursor` if it is forged."""
        snapshot_id, position = self._open(cursor)
        snapshot = self._snapshots.get(snapshot_id)
        if snapshot is None or self._clock() - snapshot.taken >= self._ttl:
            self._snapshots.pop(snapshot_id, None)
            return (), EXPIRED_TRAILER
        return self._page(snapshot_id, position, limit)

    def _page(self, snapshot_id: int, position: int,
              limit: int) -> tuple[Sequence[ProxyRow], str]:
        rows = self._snapshots[snapshot_id].rows
        end = position + max(limit, 0)
        page = rows[position:end]
        if end < len(rows) and limit > 0:
            trailer = {"__trailer": True, "cursor": self._sign(snapshot_id, end),
                       "stoppedReason": "limit"}
        else:
            self._snapshots.pop(snapshot_id, None)
            trailer = {"__trailer": True, "cursor": None, "stoppedReason": "exhausted"}
        return page, json.dumps(trailer, separators=(",", ":"))

    def _sign(self, snapshot_id: int, position: int) -> str:
        body = base64.urlsafe_b64encode(f"{snapshot_id}:{position}".encode()).decode()
        return f"{body}.{self._mac(body)}"

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:32]

    def _open(self, cursor: str) -> tuple[int, int]:
        body, _, mac = cursor.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            raise BadCursor("cursor is not one this server issued")
        snapshot_id, _, position = base64.urlsafe_b64decode(body).decode().partition(":")
        return int(snapshot_id), int(position)


__all__ = ["EXPIRED_TRAILER", "BadCursor", "FanoutBook"]
