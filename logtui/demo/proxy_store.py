"""The proxy-logs server's memory: persistent rows for ``/_logs`` and the SSE ring buffer.

Rows get a persistent, increasing ``id`` (the document's SQLite row id) that survives a reset;
frames get a ``ringSeq`` from a separate counter that a reset moves on by at least 10,000 while
the ring is emptied, exactly as a server restart behaves. Each row is serialised once, without
bodies, for the stream; ``/_logs`` adds bodies back only when asked.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from logtui.demo.config import RING_SIZE
from logtui.demo.wakers import Wakers

FIRST_ROW_ID = 84_000
"""The first row id; a realistic database has rows before the demo starts."""
RESET_MARGIN = 10_000
"""How far ``ringSeq`` jumps on a reset (the document's safety margin)."""
BODY_KEYS = ("requestBody", "responseBody")
FIELD_ORDER = (
    "id", "traceId", "tsMs", "tsIso", "kind", "level", "projectId", "containerId",
    "serviceName", "method", "url", "clientIp", "status", "data", "source",
)


@dataclass(frozen=True, slots=True)
class ProxyRow:
    """One stored entry with the ring sequence it was written under."""

    id: int
    seq: int
    entry: dict[str, Any]
    """The entry as the API returns it with both bodies included (when it has them)."""
    stream_json: str
    """The compact JSON served on the stream and by default from ``/_logs``: no bodies."""


class ProxyStore:
    """Rows and ring for one proxy-logs server. Written only on the server loop thread."""

    def __init__(self, *, retention: int, ring_size: int = RING_SIZE) -> None:
        self._retention = max(retention, ring_size)
        self._ring_size = ring_size
        self._rows: list[ProxyRow] = []
        self._ring: list[ProxyRow] = []
        self._next_id = FIRST_ROW_ID
        self._seq = 0
        self.epoch = 0
        """Incremented by every reset; an open stream that sees it change sends ``reset``."""
        self.wakers = Wakers()
        self._lock = threading.Lock()

    @property
    def last_seq(self) -> int:
        """The ``ringSeq`` of the newest frame (or the post-reset base when the ring is empty)."""
        return self._seq

    def append(self, generated: dict[str, Any]) -> ProxyRow:
        """Store a generated entry, giving it the next row id and ring sequence."""
        entry = {key: generated.get(key) for key in FIELD_ORDER}
        entry["id"] = self._next_id
        public = dict(entry)
        for key in BODY_KEYS:
            if key in generated:
                entry[key] = generated[key]
        row = ProxyRow(self._next_id, self._seq + 1, entry, _compact(public))
        with self._lock:
            self._next_id += 1
            self._seq += 1
            self._rows.append(row)
            self._ring.append(row)
            if len(self._rows) > self._retention + self._retention // 10:
                del self._rows[: len(self._rows) - self._retention]
            if len(self._ring) > 2 * self._ring_size:
                del self._ring[: len(self._ring) - self._ring_size]
        return row

    def reset(self) -> int:
        """Behave like a server restart: empty the ring and jump ``ringSeq``; returns the base."""
        with self._lock:
            self._ring.clear()
            self._seq += RESET_MARGIN
            self.epoch += 1
        self.wakers.wake_all()
        return self._seq

    def ring_after(self, seq: int, limit: int) -> list[ProxyRow]:
        """Up to ``limit`` ring frames with ``ringSeq > seq``, oldest first."""
        ring = self._ring
        if not ring:
            return []
        window_start = max(0, len(ring) - self._ring_size)
        start = max(window_start, seq + 1 - ring[0].seq)
        return ring[start : start + limit]

    def rows(self) -> list[ProxyRow]:
        """A snapshot of every retained row, oldest first (safe from any thread)."""
        with self._lock:
            return list(self._rows)

    def rows_after(self, row_id: int) -> list[ProxyRow]:
        """Rows with ``id > row_id``, oldest first."""
        with self._lock:
            rows = self._rows
            if not rows:
                return []
            return rows[max(0, row_id + 1 - rows[0].id) :]

    def stats(self) -> dict[str, Any]:
        """The ``/_logs/stats`` body over every retained row."""
        by_level: Counter[str] = Counter()
        by_project: Counter[str] = Counter()
        by_container: Counter[str] = Counter()
        by_service: Counter[str] = Counter()
        rows = self.rows()
        for row in rows:
            entry = row.entry
            by_level[entry["level"]] += 1
            by_project[entry["projectId"]] += 1
            by_container[entry["containerId"]] += 1
            by_service[entry["serviceName"]] += 1
        return {
            "total": len(rows),
            "byLevel": dict(by_level),
            "byProject": dict(by_project),
            "byContainer": dict(by_container),
            "byService": dict(by_service),
        }


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
