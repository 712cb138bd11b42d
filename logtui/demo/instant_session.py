"""One Instant Logs session: a job's fields, filter and sampling, its limits and its cursor.

Life cycle: ``waiting`` (job created, no socket yet) → ``connected`` → ``ended``; a socket the
server drops leaves it ``dropped`` (the same URL may reconnect and carries on where it
stopped). A session ends when its client closes the socket, after ``session_max`` seconds
from the job's creation, or after ``session_idle`` seconds unread or unconnected.
"""

from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from logtui.demo.instant_filter import Predicate
from logtui.demo.record_store import RecordStore

SessionState = Literal["waiting", "connected", "dropped", "ended"]
SCAN = 50_000
"""Records examined per collection at most, to bound one pass of the loop."""


@dataclass(eq=False)
class Session:
    """A job and the state of its WebSocket session."""

    job_id: int
    session_id: str
    zone: str
    fields: tuple[str, ...]
    sample: int
    filter_text: str
    keep: Predicate
    expires: float
    """Loop time at which the session ends whatever happens."""
    idle_until: float
    """Loop time by which a waiting or dropped session must be (re)connected."""
    cursor: int
    """Records with a higher sequence number are still to be considered."""
    state: SessionState = "waiting"
    end_reason: str = ""
    _client_count: int = 0
    _skip: int = 0
    _window: deque[tuple[float, int]] = field(default_factory=deque)
    _pending: deque[str] = field(default_factory=deque)

    def live(self, now: float) -> bool:
        """Whether the session still exists at loop time ``now`` (ending it if not)."""
        if self.state == "ended":
            return False
        if now >= self.expires:
            self.end("expired")
        elif self.state in ("waiting", "dropped") and now >= self.idle_until:
            self.end("not connected in time")
        return not self.ended

    @property
    def ended(self) -> bool:
        """Whether the session is over."""
        return self.state == "ended"

    def end(self, reason: str) -> None:
        """End the session for good."""
        if self.state != "ended":
            self.state = "ended"
            self.end_reason = reason

    def collect(self, store: RecordStore, limit: int, now: float, cap: float) -> list[str]:
        """Up to ``limit`` message lines: new records that pass the filter, one in ``sample``
        of those (client sampling), thinned further when the session's rate over the last
        second exceeds ``cap`` (server sampling, reported as ``sampleInterval``)."""
        rows = store.after(self.cursor, SCAN)
        if rows:
            self.cursor = rows[-1].seq
            picked: list[dict[str, Any]] = []
            for row in rows:
                if not self.keep(row.record):
                    continue
                self._client_count += 1
                if self._client_count % self.sample == 0:
                    picked.append(row.record)
            if picked:
                interval = self._server_interval(now, len(picked), cap)
                for record in picked:
                    self._skip += 1
                    if self._skip >= interval:
                        self._skip = 0
                        self._pending.append(self._line(record, interval))
        count = min(limit, len(self._pending))
        return [self._pending.popleft() for _ in range(count)]

    def _server_interval(self, now: float, arriving: int, cap: float) -> int:
        window = self._window
        while window and window[0][0] <= now - 1.0:
            window.popleft()
        window.append((now, arriving))
        recent = sum(count for _, count in window)
        return max(1, math.ceil(recent / cap)) if cap > 0 else 1

    def _line(self, record: dict[str, Any], interval: int) -> str:
        message = {name: record.get(name) for name in self.fields}
        message["sampleInterval"] = interval
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False)
