"""An append-only, sequence-numbered log of Instant Logs HTTP request records."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from logtui.demo.wakers import Wakers


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One stored record and its sequence number."""

    seq: int
    record: dict[str, Any]


class RecordStore:
    """Records for every zone of one demo server. Written only on the server loop thread."""

    def __init__(self, *, retention: int) -> None:
        self._retention = retention
        self._rows: list[RecordRow] = []
        self._seq = 0
        self.wakers = Wakers()
        self._lock = threading.Lock()

    @property
    def last_seq(self) -> int:
        """The newest record's sequence number (0 before the first)."""
        return self._seq

    def append(self, record: dict[str, Any]) -> None:
        """Store a generated record."""
        with self._lock:
            self._seq += 1
            self._rows.append(RecordRow(self._seq, record))
            if len(self._rows) > self._retention + self._retention // 10:
                del self._rows[: len(self._rows) - self._retention]

    def after(self, seq: int, limit: int) -> list[RecordRow]:
        """Up to ``limit`` records with a sequence number above ``seq``, oldest first."""
        rows = self._rows
        if not rows:
            return []
        start = max(0, seq + 1 - rows[0].seq)
        return rows[start : start + limit]

    def rows(self) -> list[RecordRow]:
        """A snapshot of every retained record (safe from any thread)."""
        with self._lock:
            return list(self._rows)
