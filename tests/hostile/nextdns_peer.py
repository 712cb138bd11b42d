"""A hostile NextDNS logs server, written from ``nextdns-logs-stream.md`` alone.

``/profiles/:profile/logs`` answers newest first with ``meta.pagination.cursor`` and
``meta.stream.id`` (the id to open the stream with so it starts right after the newest entry
listed); ``/logs/stream`` frames each entry with an opaque id and resumes with ``?id=``. An id the
server no longer (or never) knew is refused: ``200`` with ``event: error`` or a ``400``.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.hostile.faults import HOSTILE_TEXT, Fault
from tests.hostile.stream_peer import Frame, StreamPeer
from tests.hostile.wire import Request, head, json_response

_EPOCH = datetime(2021, 3, 16, 4, 40, tzinfo=UTC)


def _stamp(n: int) -> str:
    """The n-th query's time: rising by 7 ms a query, as a real log's times only rise."""
    moment = _EPOCH + timedelta(milliseconds=344 + 7 * n)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

PROFILE = "abc123"
API_KEY = "hostile-nextdns-key"
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


class NextDNSPeer(StreamPeer):
    """NextDNS logs with a fault schedule on its stream."""

    stream_path = f"/profiles/{PROFILE}/logs/stream"
    logs_path = f"/profiles/{PROFILE}/logs"

    def __init__(self, schedule: Sequence[Fault] = (), *, buffer: int = 5000,
                 unknown_id_as_400: bool = False, hostile_entries: bool = False,
                 seed: int = 0) -> None:
        super().__init__(schedule)
        self.committed: list[Frame] = []
        self.buffer: deque[Frame] = deque(maxlen=buffer)
        self.unknown_id_as_400 = unknown_id_as_400
        self.hostile_entries = hostile_entries
        self._rng = random.Random(seed)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/profiles/{PROFILE}"

    def commit(self, count: int = 1) -> None:
        for _ in range(count):
            n = len(self.committed)
            opaque = "".join(self._rng.choice(_ALPHABET) for _ in range(26))
            domain = f"q{n}.example.com"
            if self.hostile_entries and n % 3 == 0:
                domain += HOSTILE_TEXT
            data = {
                "timestamp": _stamp(n), "domain": domain,
                "root": "example.com", "encrypted": True, "protocol": "DNS-over-HTTPS",
                "clientIp": "192.0.2.1", "client": "apple-profile",
                "device": {"id": "8TD1G", "name": "phone", "model": "iPhone"},
                "status": "default", "reasons": [], "seq": n,
            }
            frame = Frame(opaque, data, (0, n))
            self.committed.append(frame)
            self.buffer.append(frame)
            self.publish(frame)

    def authorised(self, request: Request) -> bool:
        return request.headers.get("x-api-key") == API_KEY

    def replay(self, request: Request, fault: Fault) -> list[Frame] | None:
        wanted = request.query.get("id")
        if wanted is None:
            return []
        wanted = wanted.strip(" \t")  # lenient: an id echoed with the padding it was sent with
        frames = list(self.buffer)
        for index, frame in enumerate(frames):
            if frame.event_id == wanted:
                return frames[index + 1:]
        return None

    def refuse_resume(self, fault: Fault) -> bytes:
        if self.unknown_id_as_400 or fault.bad_resume_as_400:
            return json_response(400, {"errors": [{"code": "invalid", "source": {
                "parameter": "id"}}]})
        body = ("event: error\ndata: " + json.dumps({"errors": [{"code": "notFound"}]})
                + "\n\n").encode()
        return head(200, {"Content-Type": "text/event-stream"}) + body

    async def other(self, request: Request) -> bytes:
        if request.path != self.logs_path:
            return json_response(404, {"errors": [{"code": "notFound"}]})
        query = request.query
        limit = int(query.get("limit", "100"))
        if not 10 <= limit <= 1000:
            return json_response(400, {"errors": [{"code": "invalid", "source": {
                "parameter": "limit"}}]})
        newest_first = self.committed[::-1]
        start = int(query["cursor"].removeprefix("c")) if "cursor" in query else 0
        page = newest_first[start:start + limit]
        more = start + limit < len(newest_first)
        meta: dict[str, Any] = {"pagination": {"cursor": f"c{start + limit}" if more else None}}
        if newest_first:
            meta["stream"] = {"id": newest_first[0].event_id}
        return json_response(200, {"data": [f.data for f in page], "meta": meta})


__all__ = ["API_KEY", "PROFILE", "NextDNSPeer"]
