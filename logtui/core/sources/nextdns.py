"""The NextDNS logs API: ``/logs`` for history, ``/logs/stream`` for live SSE.

History and live meet with no gap and no duplicate the way the API intends: ``/logs`` (newest
first) also returns ``meta.stream.id``, and the stream opened with ``?id=<that id>`` starts right
after the newest history entry. Every later connection resumes with ``?id=<last event id>``.
A user's mistake comes back as HTTP 200 with an ``errors`` body, which is an error here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from logtui.core.errors import FatalSourceError
from logtui.core.models import Entry, SourceKind
from logtui.core.sources.base import Chunk, ConnectPlan
from logtui.core.sources.error_body import raise_for_errors
from logtui.core.sources.sse_source import SSESource, entry_from_object, require_list

DEFAULT_API_URL: Final = "https://api.nextdns.io"
PAGE_MIN: Final = 10
PAGE_MAX: Final = 1000
"""``/logs`` accepts a ``limit`` from 10 to 1000."""

FILTER_PARAMS: Final = ("device", "status", "search", "raw")
"""Query parameters both the stream and ``/logs`` accept."""


def profile_url(api_url: str, profile: str) -> str:
    """The base URL of one profile's API."""
    return f"{api_url.rstrip('/')}/profiles/{profile}"


class NextDNSSource(SSESource):
    """Live tail of a NextDNS profile's DNS query log."""

    kind = SourceKind.NEXTDNS
    CREDENTIAL_HINT = "set NEXTDNS_API_KEY or pass --api-key"

    def __init__(self, *, secret: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._secret = secret
        base = self._url.rstrip("/")
        self._logs_url = f"{base}/logs"
        self._stream_url = f"{base}/logs/stream"

    def auth_headers(self) -> dict[str, str]:
        headers = super().auth_headers()
        if self._secret:
            headers["X-Api-Key"] = self._secret
        return headers

    def stream_request(self, plan: ConnectPlan) -> tuple[str, dict[str, str], dict[str, str]]:
        headers = self.auth_headers()
        headers["Accept"] = "text/event-stream"
        params = dict(self._filters)
        if plan.resume_id:
            params["id"] = plan.resume_id
        return self._stream_url, params, headers

    async def before_stream(self, plan: ConnectPlan) -> tuple[Sequence[Chunk], ConnectPlan]:
        if plan.history <= 0 or plan.resume_id is not None:
            return (), plan
        entries, stream_id = await self._history(plan.history)
        chunk = Chunk(entries=entries, resume_id=stream_id)
        return (chunk,), ConnectPlan(resume_id=stream_id or None, history=plan.history)

    async def _history(self, count: int) -> tuple[list[Entry], str]:
        newest_first: list[Any] = []
        stream_id = ""
        cursor: str | None = None
        while len(newest_first) < count:
            limit = max(PAGE_MIN, min(PAGE_MAX, count - len(newest_first)))
            params = {**self._filters, "limit": str(limit)}
            if cursor:
                params["cursor"] = cursor
            document = await self.fetch_json(self._logs_url, params)
            raise_for_errors(document, "NextDNS /logs")
            if not isinstance(document, dict):
                raise FatalSourceError("NextDNS /logs answered with an unexpected JSON shape")
            page = require_list(document.get("data"), "NextDNS /logs")
            meta = document.get("meta")
            meta = meta if isinstance(meta, dict) else {}
            if cursor is None:
                stream = meta.get("stream")
                if isinstance(stream, dict) and isinstance(stream.get("id"), str):
                    stream_id = stream["id"]
            newest_first.extend(page)
            pagination = meta.get("pagination")
            next_cursor = pagination.get("cursor") if isinstance(pagination, dict) else None
            if not page or not isinstance(next_cursor, str) or not next_cursor:
                break
            cursor = next_cursor
        oldest_first = reversed(newest_first[:count])
        entries = [
            entry_from_object(item, origin="history", key_field=None) for item in oldest_first
        ]
        return entries, stream_id


__all__ = ["DEFAULT_API_URL", "FILTER_PARAMS", "NextDNSSource", "profile_url"]
