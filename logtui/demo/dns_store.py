"""The NextDNS server's memory: every query in order, each with an opaque, resumable id.

An id is 26 lowercase base32hex characters (like the document's ``64v32d9r6rwkcctg6cu38e9g60``)
encoding the query's timestamp and its sequence number, so ``?id=`` can resume exactly after
it. ``meta.stream.id`` of a ``/logs`` answer is the id of the newest query at that moment, which
is what lets a client stitch history and live with no gap and no duplicate.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from dataclasses import dataclass
from typing import Any

from logtui.demo.dns_traffic import HIDDEN_KEY, RAW_FIELDS_KEY
from logtui.demo.wakers import Wakers


@dataclass(frozen=True, slots=True)
class DnsRow:
    """One stored query."""

    seq: int
    id: str
    ts_ms: int
    entry: dict[str, Any]
    """The documented shape, without the raw-only marker."""
    json: str
    raw_only: bool
    """Shown only with ``raw=1`` (reverse lookups and other resolver noise)."""
    raw_json: str = ""
    """The entry as ``raw=1`` shows it: with ``type`` and ``dnssec``."""

    def served(self, raw: bool) -> str:
        """The JSON text a query with or without ``raw=1`` is sent."""
        return self.raw_json if raw and self.raw_json else self.json

    def served_entry(self, raw: bool) -> dict[str, Any]:
        """The entry a query with or without ``raw=1`` is sent."""
        return json.loads(self.raw_json) if raw and self.raw_json else self.entry


def _compact(entry: dict[str, Any]) -> str:
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False)


def encode_id(ts_ms: int, seq: int) -> str:
    """The opaque event id for the query ``seq`` at ``ts_ms``."""
    packed = ts_ms.to_bytes(8, "big") + seq.to_bytes(8, "big")
    return base64.b32hexencode(packed).decode("ascii").rstrip("=").lower()


def decode_id(event_id: str) -> int | None:
    """The sequence number inside an id, or None when it is not one of ours."""
    if len(event_id) != 26:
        return None
    try:
        packed = base64.b32hexdecode(event_id.upper() + "======")
    except (binascii.Error, ValueError):
        return None
    return int.from_bytes(packed[8:], "big")


class DnsStore:
    """Queries for every profile of one demo server. Written only on the server loop thread."""

    def __init__(self, *, retention: int) -> None:
        self._retention = retention
        self._rows: list[DnsRow] = []
        self._seq = 0
        self.wakers = Wakers()
        self._lock = threading.Lock()

    def append(self, generated: dict[str, Any], ts_ms: int) -> DnsRow:
        """Store a generated query and give it the next id."""
        entry = dict(generated)
        raw_only = bool(entry.pop(HIDDEN_KEY, False))
        raw_fields = entry.pop(RAW_FIELDS_KEY, None) or {}
        seq = self._seq + 1
        row = DnsRow(
            seq, encode_id(ts_ms, seq), ts_ms, entry, _compact(entry), raw_only,
            _compact({**entry, **raw_fields}) if raw_fields else "",
        )
        with self._lock:
            self._seq = seq
            self._rows.append(row)
            if len(self._rows) > self._retention + self._retention // 10:
                del self._rows[: len(self._rows) - self._retention]
        return row

    def stream_id(self, now_ms: int) -> str:
        """The id a stream resumes after to continue from this moment."""
        with self._lock:
            if self._rows:
                return self._rows[-1].id
        return encode_id(now_ms, 0)

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest query (0 before the first)."""
        return self._seq

    def rows(self) -> list[DnsRow]:
        """A snapshot of every retained query, oldest first (safe from any thread)."""
        with self._lock:
            return list(self._rows)

    def after(self, seq: int, limit: int) -> list[DnsRow]:
        """Up to ``limit`` queries with a sequence number above ``seq``, oldest first."""
        rows = self._rows
        if not rows:
            return []
        start = max(0, seq + 1 - rows[0].seq)
        return rows[start : start + limit]
