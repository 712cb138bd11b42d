"""The NextDNS logs API: ``/logs`` for history, ``/logs/stream`` for live SSE.

History and live meet with no gap and no duplicate the way the API intends: ``/logs`` (newest
first) also returns ``meta.stream.id``, and the stream opened with ``?id=<that id>`` starts right
after the newest history entry. Every later connection resumes with ``?id=<last event id>``.
History from a time (``--since``) is read the same way, from ``/logs?from=`` (see
:mod:`logtui.core.sources.nextdns_history`).

An id the server no longer knows (answered with 400, or with ``event: error`` and code
``invalidId``) cannot be resumed from: the engine then re-reads history from the newest event
time it handed on (saved with the resume state, so a restarted run does the same) and drops
what that load repeats (see :mod:`logtui.core.newest`). Without such a time it re-reads the
last entries, and those with the timestamp of the newest one this run received, or older, are
dropped from them.

A user's mistake comes back as HTTP 200 with an ``errors`` body, which is an error here too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Final

from logtui.core.error_body import raise_for_errors
from logtui.core.errors import FatalSourceError
from logtui.core.models import Entry, Notice, SourceKind
from logtui.core.sanitize import safe_line
from logtui.core.sources import SourceConfig
from logtui.core.sources.base import Chunk, ConnectPlan, Control
from logtui.core.sources.nextdns_history import since_history
from logtui.core.sources.sse_source import SSESource, entry_from_object, require_list
from logtui.core.sse import Frame

DEFAULT_API_URL: Final = "https://api.nextdns.io"
PAGE_MIN: Final = 10
PAGE_MAX: Final = 1000
"""``/logs`` accepts a ``limit`` from 10 to 1000."""

FILTER_PARAMS: Final = ("device", "status", "search", "raw")
"""Query parameters both the stream and ``/logs`` accept."""
DEAD_ID_CODES: Final = frozenset({"invalidId", "invalidParameter", "notFound"})
"""``event: error`` codes that mean the stream cannot resume from the id it was given."""


def _timestamp(data: Mapping[str, Any]) -> str | None:
    value = data.get("timestamp")
    return value if isinstance(value, str) else None


def _canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(dict(data), sort_keys=True, separators=(",", ":"), default=str)


def _error_codes(text: str) -> list[str]:
    """The ``code`` of each error in a NextDNS ``{"errors": [...]}`` body."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    errors = document.get("errors") if isinstance(document, dict) else None
    if not isinstance(errors, list):
        return []
    return [e["code"] for e in errors if isinstance(e, dict) and isinstance(e.get("code"), str)]


def profile_url(api_url: str, profile: str) -> str:
    """The base URL of one profile's API."""
    return f"{api_url.rstrip('/')}/profiles/{profile}"


class NextDNSSource(SSESource):
    """Live tail of a NextDNS profile's DNS query log."""

    kind: str = SourceKind.NEXTDNS
    catches_up = True
    RESUME_IN_HEADER = False
    CREDENTIAL_HINT = "set NEXTDNS_API_KEY or pass --api-key"
    CONTROL_EVENTS: ClassVar[Mapping[str, Control]] = {"error": Control.FORGOTTEN}

    def __init__(self, *, secret: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._secret = secret
        self._resumed_from: str | None = None
        self._newest: str | None = None
        """Timestamp of the newest live entry this run received."""
        self._at_newest: set[str] = set()
        """Those entries with exactly that timestamp, as canonical JSON."""
        base = self._url.rstrip("/")
        self._logs_url = f"{base}/logs"
        self._stream_url = f"{base}/logs/stream"

    @property
    def logs_url(self) -> str:
        """The profile's ``/logs`` URL (history)."""
        return self._logs_url

    def auth_headers(self) -> dict[str, str]:
        headers = super().auth_headers()
        if self._secret:
            headers["X-Api-Key"] = self._secret
        return headers

    def stream_request(self, plan: ConnectPlan) -> tuple[str, dict[str, str], dict[str, str]]:
        headers = self.auth_headers()
        headers["Accept"] = "text/event-stream"
        params = dict(self._filters)
        self._resumed_from = plan.resume_id
        if plan.resume_id:
            params["id"] = plan.resume_id
        return self._stream_url, params, headers

    async def check_silence(self) -> Chunk | None:
        """``/logs`` names a newer stream id than the one this silent stream resumed from: the
        server has entries it is not sending (an id it no longer places, answered with
        heartbeats alone)."""
        document = await self.fetch_json(self._logs_url, {**self._filters, "limit": str(PAGE_MIN)})
        meta = document.get("meta") if isinstance(document, dict) else None
        stream = meta.get("stream") if isinstance(meta, dict) else None
        newest = stream.get("id") if isinstance(stream, dict) else None
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(newest, str) or newest == self._resumed_from or not data:
            return None
        latest = _timestamp(data[0]) if isinstance(data[0], dict) else None
        if self._newest is not None and (latest is None or latest <= self._newest):
            return None  # nothing newer than what this run already has
        notice = Notice(
            "warning",
            "the stream resumed from its saved id sends nothing while /logs has newer entries:"
            " the server no longer knows that id",
        )
        return Chunk(notices=(notice,), control=Control.FORGOTTEN)

    def control_event(self, name: str, text: str, notices: list[Notice]) -> Control | None:
        codes = _error_codes(text)
        shown = ", ".join(codes) if codes else text[:80]
        notices.append(Notice("warning", f"NextDNS sent an error event: {safe_line(shown)}"))
        if DEAD_ID_CODES.intersection(codes):
            return Control.FORGOTTEN
        return None

    def _decode(self, frames: Sequence[Frame]) -> Chunk:
        chunk = super()._decode(frames)
        if chunk.entries:
            self._remember_newest(chunk.entries)
        return chunk

    def _remember_newest(self, entries: Sequence[Entry]) -> None:
        newest = _timestamp(entries[-1].data)
        if newest is None:
            return
        if newest != self._newest:
            self._newest = newest
            self._at_newest = set()
        for entry in reversed(entries):
            if _timestamp(entry.data) != newest:
                break
            self._at_newest.add(_canonical(entry.data))

    async def before_stream(self, plan: ConnectPlan) -> tuple[Sequence[Chunk], ConnectPlan]:
        if plan.since is not None and plan.resume_id is None:
            entries, since_id, notices = await since_history(
                self._fetch_logs, self._filters, plan.since, plan.progress
            )
            chunk = Chunk(entries=entries, resume_id=since_id or "", notices=notices)
            return [chunk], dataclasses.replace(plan, resume_id=since_id)
        if plan.history <= 0 or plan.resume_id is not None:
            return (), plan
        entries, stream_id = await self._history(plan.history, plan.progress)
        chunks = [Chunk(entries=entries, resume_id=stream_id)]
        if self._newest is not None:
            chunks = self._after_newest(entries, stream_id)
        return chunks, dataclasses.replace(plan, resume_id=stream_id or None)

    def _after_newest(self, entries: list[Entry], stream_id: str) -> list[Chunk]:
        """History re-read after a lost position: only what this run has not received, and a
        notice when even the oldest re-read entry is newer than that (a gap remains)."""
        newest = self._newest
        assert newest is not None
        fresh = []
        for entry in entries:
            stamp = _timestamp(entry.data)
            if stamp is None or stamp > newest or (
                stamp == newest and _canonical(entry.data) not in self._at_newest
            ):
                entry.origin = "backfill"
                fresh.append(entry)
        notices: tuple[Notice, ...] = ()
        oldest = _timestamp(entries[0].data) if entries else None
        if oldest is not None and oldest > newest:
            notices = (Notice(
                "warning",
                f"entries after {safe_line(newest)} and before {safe_line(oldest)} may be"
                " missing: the re-read history does not reach back that far",
            ),)
        return [Chunk(entries=fresh, resume_id=stream_id, notices=notices)]

    async def _fetch_logs(self, params: Mapping[str, str]) -> Any:
        return await self.fetch_json(self._logs_url, params)

    async def _history(
        self, count: int, progress: Callable[[int, int], None] | None = None
    ) -> tuple[list[Entry], str]:
        newest_first: list[Any] = []
        stream_id = ""
        cursor: str | None = None
        pages = 0
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
            pages += 1
            if progress is not None:
                progress(min(len(newest_first), count), pages)
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


def build(config: SourceConfig) -> NextDNSSource:
    """The source for ``config`` (what the API's profile names, ``ApiProfile.source``)."""
    return NextDNSSource(
        secret=config.secret, url=config.url, headers=config.headers,
        filters=config.filters, max_event_bytes=config.max_event_bytes,
        credential_hint=config.credential_hint,
    )


__all__ = ["DEFAULT_API_URL", "FILTER_PARAMS", "NextDNSSource", "build", "profile_url"]
