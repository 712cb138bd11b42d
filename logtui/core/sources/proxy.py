"""The proxy-logs API: ``/_logs`` for history and backfill, ``/_logs/stream`` for live SSE.

Continuity: the stream resumes with ``Last-Event-ID`` (a ring sequence number), but a ring
overflows and a server restart (``event: reset``) renumbers it, so an id alone cannot prove that
nothing was missed. Whenever the engine has handed on an entry before (``plan.after_key``), a new
connection therefore backfills with ``/_logs?afterId=<that entry's id>`` once the stream is open;
the engine drops the overlap by entry ``id``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar, Final

from logtui.core.models import Entry, Notice, Origin, SourceKind
from logtui.core.sources.base import Chunk, ConnectPlan, Control
from logtui.core.sources.sse_source import SSESource, entry_from_object, require_list

BACKFILL_PAGE: Final = 1000
"""Entries asked for per backfill request."""
MAX_BACKFILL_PAGES: Final = 200
"""A bound on one backfill; past it the live stream (already open) carries on."""

FILTER_PARAMS: Final = ("projectId", "containerId", "kind", "level")
"""Query parameters both the stream and ``/_logs`` accept."""


def _entry_id(entry: Mapping[str, Any]) -> int | None:
    value = entry.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class ProxySource(SSESource):
    """Live tail of proxy-logs, with history, resume and gap backfill."""

    kind = SourceKind.PROXY
    CREDENTIAL_HINT = "set LOGTUI_PROXY_TOKEN or pass --token"
    CONTROL_EVENTS: ClassVar[Mapping[str, Control]] = {
        "reset": Control.RESET,
        "gap": Control.GAP,
        "scope-destroyed": Control.END,
    }
    KEY_FIELD = "id"
    BACKFILLS = True

    def __init__(self, *, secret: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._secret = secret
        base = self._url.rstrip("/")
        self._logs_url = f"{base}/_logs"
        self._stream_url = f"{base}/_logs/stream"

    def auth_headers(self) -> dict[str, str]:
        headers = super().auth_headers()
        if self._secret:
            headers["Authorization"] = f"Bearer {self._secret}"
        return headers

    def stream_request(self, plan: ConnectPlan) -> tuple[str, dict[str, str], dict[str, str]]:
        headers = self.auth_headers()
        headers["Accept"] = "text/event-stream"
        headers["Cache-Control"] = "no-cache"
        if plan.resume_id:
            headers["Last-Event-ID"] = plan.resume_id
        return self._stream_url, dict(self._filters), headers

    def after_open(self, plan: ConnectPlan) -> AsyncIterator[Chunk] | None:
        if plan.history > 0 and plan.resume_id is None:
            return self._history(plan.history)
        if plan.after_key is not None:
            return self._backfill(plan.after_key)
        return None

    async def _history(self, count: int) -> AsyncIterator[Chunk]:
        params = {**self._filters, "last": str(count)}
        document = await self.fetch_json(self._logs_url, params)
        entries = self._entries(document, origin="history")
        yield Chunk(entries=entries)

    async def _backfill(self, after_key: str) -> AsyncIterator[Chunk]:
        try:
            after = int(after_key)
        except ValueError:
            notice = Notice("warning", "cannot backfill: the last entry id is not a number")
            yield Chunk(notices=(notice,))
            return
        for _ in range(MAX_BACKFILL_PAGES):
            params = {**self._filters, "afterId": str(after), "limit": str(BACKFILL_PAGE)}
            document = await self.fetch_json(self._logs_url, params)
            entries = self._entries(document, origin="backfill")
            yield Chunk(entries=entries)
            ids = [i for i in (_entry_id(e.data) for e in entries) if i is not None]
            limit = document.get("limit") if isinstance(document, dict) else None
            page = limit if isinstance(limit, int) and 0 < limit < BACKFILL_PAGE else BACKFILL_PAGE
            if not ids or len(entries) < page or max(ids) <= after:
                return
            after = max(ids)
        limit_notice = Notice(
            "warning",
            f"stopped catching up after {MAX_BACKFILL_PAGES * BACKFILL_PAGE:,} entries; entries"
            f" after id {after} that came before the live stream were not fetched",
        )
        yield Chunk(notices=(limit_notice,))

    def _entries(self, document: object, *, origin: Origin) -> list[Entry]:
        what = "proxy-logs /_logs"
        items = require_list(
            document.get("entries") if isinstance(document, dict) else None, what
        )
        entries = [
            entry_from_object(item, origin=origin, key_field="id") for item in items
        ]
        if all(_entry_id(e.data) is not None for e in entries):
            entries.sort(key=lambda e: e.data["id"])
        return entries


__all__ = ["FILTER_PARAMS", "ProxySource"]
