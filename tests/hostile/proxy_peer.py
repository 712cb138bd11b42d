"""A hostile proxy-logs server, written from ``proxy-logs.md`` alone.

An append-only log of committed entries with integer ``id`` s (the store's row ids) and, apart
from them, the stream's own ``ringSeq`` numbering held in a bounded ring. ``/_logs`` honours
``last``, ``limit`` (default 200, as documented), ``offset``, ``afterId`` and the filters;
``/_logs/stream`` frames each entry ``id: <ringSeq>`` and replays the ring after a
``Last-Event-ID``. A restart after ``event: reset`` moves ringSeq on by 10,000; a crash starts it
lower, and may start the ids lower too (a store rebuilt from nothing).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

from tests.hostile.faults import HOSTILE_TEXT, Fault
from tests.hostile.stream_peer import Frame, StreamPeer
from tests.hostile.wire import Request, json_response

TOKEN = "hostile-proxy-token"
FILTERS = ("projectId", "containerId", "serviceName", "kind", "method", "source")
LEVELS = ("debug", "info", "warn", "error")
KINDS = ("request", "response", "event")


class ProxyPeer(StreamPeer):
    """proxy-logs with a fault schedule on its stream."""

    stream_path = "/api/proxy-logs/_logs/stream"
    logs_path = "/api/proxy-logs/_logs"

    def __init__(self, schedule: Sequence[Fault] = (), *, ring_size: int = 5000,
                 page_cap: int | None = None, logs_delay: float = 0.0,
                 logs_gzip: bool = False, hostile_entries: bool = False,
                 first_id: int = 1000, first_seq: int = 500, pad: int = 0) -> None:
        super().__init__(schedule)
        self.ring: deque[tuple[int, Frame]] = deque(maxlen=ring_size)
        self.committed: list[Frame] = []
        """Every entry ever committed, all epochs, in commit order."""
        self.epoch = 0
        self._store: list[Frame] = []
        """What ``/_logs`` reads: this epoch's entries."""
        self._next_id = first_id
        self._next_seq = first_seq
        self.page_cap = page_cap
        self.logs_delay = logs_delay
        self.logs_gzip = logs_gzip
        self.hostile_entries = hostile_entries
        self.pad = pad
        """Characters of filler in each entry's ``data`` (for memory tests)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/proxy-logs"

    def commit(self, count: int = 1) -> None:
        """Append ``count`` entries to the store and the ring, and publish them live."""
        for _ in range(count):
            ident = self._next_id
            self._next_id += 1
            seq = self._next_seq
            self._next_seq += 1
            frame = Frame(str(seq), self._entry(ident), (self.epoch, ident))
            self.committed.append(frame)
            self._store.append(frame)
            self.ring.append((seq, frame))
            self.publish(frame)

    def _entry(self, ident: int) -> dict[str, Any]:
        ts = 1_718_201_234_000 + ident
        url = f"/v1/items/{ident}"
        if self.hostile_entries and ident % 3 == 0:
            url += HOSTILE_TEXT
        return {
            "id": ident, "traceId": f"trace-{self.epoch}-{ident}", "tsMs": ts,
            "tsIso": "2024-06-12T14:33:54.000Z", "kind": KINDS[ident % 3],
            "level": LEVELS[ident % 4], "projectId": "proj_a1b2c3d4",
            "containerId": "cnt_x9y8z7w6", "serviceName": "user-api", "method": "GET",
            "url": url, "clientIp": "203.0.113.42", "status": 200,
            "data": {"bytesIn": ident, "userAgent": "x" * self.pad}, "source": "backend",
        }

    # -- the stream -------------------------------------------------------------------------

    def authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    def matches(self, request: Request, frame: Frame) -> bool:
        return _matches(request.query, frame.data, stream=True)

    def replay(self, request: Request, fault: Fault) -> list[Frame] | None:
        text = request.headers.get("last-event-id")
        if text is None:
            return []
        try:
            last = int(text.strip())
        except ValueError:
            return []  # not a ringSeq: start live, as a fresh client
        return [frame for seq, frame in self.ring if seq > last]

    def after_reset_event(self) -> None:
        self.ring.clear()
        self._next_seq += 10_000

    def after_crash(self, fault: Fault) -> None:
        self.ring.clear()
        self._next_seq = 1
        if fault.ids_lower:
            self.epoch += 1
            self._store = []
            self._next_id = 1

    # -- /_logs -----------------------------------------------------------------------------

    async def other(self, request: Request) -> bytes:
        if request.path != self.logs_path:
            return json_response(404, {"statusCode": 404, "error": "Not Found"})
        if self.logs_delay:
            await asyncio.sleep(self.logs_delay)
        try:
            document = self.logs_page(request.query)
        except ValueError:
            return json_response(400, {"statusCode": 400, "error": "Bad Request"})
        return json_response(200, document, gzipped=self.logs_gzip)

    def logs_page(self, query: dict[str, str]) -> dict[str, Any]:
        """``/_logs`` as documented: filters, then ``afterId`` (ascending) or newest first,
        ``last``, then ``offset`` and ``limit`` (default 200)."""
        rows = [f.data for f in self._store if _matches(query, f.data, stream=False)]
        if "afterId" in query:
            after = int(query["afterId"])
            rows = [row for row in rows if row["id"] > after]
        else:
            rows = rows[::-1]  # newest first
        if "last" in query:
            last = int(query["last"])
            rows = rows[:last] if "afterId" not in query else rows[-last:]
        total = len(rows)
        offset = int(query.get("offset", "0"))
        limit = int(query.get("limit", "200"))
        if self.page_cap is not None:
            limit = min(limit, self.page_cap)
        return {"entries": rows[offset:offset + limit], "total": total, "limit": limit,
                "offset": offset}


def _matches(query: dict[str, str], entry: dict[str, Any], *, stream: bool) -> bool:
    for name in FILTERS:
        if name in query and entry.get(name) != query[name]:
            return False
    if "level" in query:
        wanted = query["level"] if stream else query["level"].split(",")
        if entry["level"] not in (wanted if isinstance(wanted, list) else [wanted]):
            return False
    return True


__all__ = ["TOKEN", "ProxyPeer"]
