"""The proxy-logs API: ``/_logs`` for history and backfill, ``/_logs/stream`` for live SSE.

Continuity: the stream resumes with ``Last-Event-ID`` (a ring sequence number), but a ring
overflows and a server restart (``event: reset``) renumbers it, so an id alone cannot prove that
nothing was missed. Whenever the engine has handed on an entry before (``plan.after_key``), a new
connection therefore backfills with ``/_logs?afterId=<that entry's id>`` once the stream is open,
and history is followed the same way from its newest id; the engine drops the overlap by entry
``id``. A backfill that finds the server's newest id below its cursor reports the position lost.
History from a time (``--since``) starts at the first entry at or after it, found by a search
over ids (:mod:`logtui.core.sources.proxy_history`), and is followed the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, ClassVar, Final

from logtui.core.errors import AuthError, FatalSourceError
from logtui.core.models import Entry, Notice, Origin, SourceKind
from logtui.core.redact import redact_url
from logtui.core.sources import SourceConfig
from logtui.core.sources.base import Chunk, ConnectPlan, Control
from logtui.core.sources.proxy_history import start_after
from logtui.core.sources.proxy_page import LogsPage, get_logs_page
from logtui.core.sources.sse_source import SSESource, entry_from_object

BACKFILL_PAGE: Final = 1000
"""Entries asked for per backfill request."""
MAX_BACKFILL_PAGES: Final = 200
"""A bound on one backfill; past it the live stream (already open) carries on."""

MAX_SINCE_PAGES: Final = 100_000
"""A bound on a ``--since`` load (a hundred million entries): it reads up to live."""
MAX_SINCE_ENTRIES: Final = 1 << 62
"""Every entry of a ``--since`` load counts as history."""

MAX_EXPIRED_RETRIES: Final = 3
"""How many times in a row a read whose fan-out snapshot expired (410) is started again."""

FILTER_PARAMS: Final = ("projectId", "containerId", "kind", "level")
Progress = Callable[[int, int], None]
"""Told (entries, pages) after each page of a history load."""
"""Query parameters both the stream and ``/_logs`` accept."""


def _entry_id(entry: Mapping[str, Any]) -> int | None:
    value = entry.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class ProxySource(SSESource):
    """Live tail of proxy-logs, with history, resume and gap backfill."""

    kind: str = SourceKind.PROXY
    catches_up = True
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
        self._caught_up_to: int | None = None
        """The newest entry id this connection's catch-up reads reached (see :meth:`stitch`)."""

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

    def explain_refusal(self, error: FatalSourceError, status: int) -> FatalSourceError:
        """A 403 while filtering by project: the stream takes ``projectId`` on the admin port
        only (a per-project SNI host is scoped already), so that is the likely cause."""
        if status != 403 or "projectId" not in self._filters:
            return error
        refused = str(error).removesuffix(f"; {self.credential_hint}")
        return AuthError(
            f"{refused}: the stream's projectId filter needs the admin port; drop it or use the"
            f" admin URL (on the admin URL: {self.credential_hint})"
        )

    def after_open(self, plan: ConnectPlan) -> AsyncIterator[Chunk] | None:
        self._caught_up_to = None
        if plan.after_key is not None:
            return self._backfill(plan.after_key)
        if plan.since is not None and plan.resume_id is None:
            return self._since(plan.since, plan.progress)
        if plan.history > 0 and plan.resume_id is None:
            return self._history(plan.history, plan.progress)
        return None

    def stitch(self, first_live: Sequence[Entry]) -> AsyncIterator[Chunk] | None:
        """A server may join its ring only after the response headers, later than the
        catch-up reads: fetch what lies between them and the first live entry."""
        after, self._caught_up_to = self._caught_up_to, None
        first = next((i for i in (_entry_id(e.data) for e in first_live) if i is not None), None)
        if after is None or first is None or first <= after + 1:
            return None
        return self._pages(after, 0, until=first)

    async def check_silence(self) -> Chunk | None:
        """The log store has entries past the catch-up while the stream resumed from its
        ``Last-Event-ID`` sends none: the server no longer places that id (a ring restarted
        without ``reset``). Dropping it and backfilling is the way back."""
        after = self._caught_up_to
        if after is None:
            return None
        params = {**self._filters, "afterId": str(after), "limit": "1"}
        entries = self._entries(await self._fetch_page(params), origin="backfill")
        if not any((_entry_id(e.data) or 0) > after for e in entries):
            return None
        notice = Notice(
            "warning",
            f"the stream resumed from its saved event id sends nothing while the log has entries"
            f" after id {after}: dropping that id",
        )
        return Chunk(notices=(notice,), control=Control.RESET)

    async def _since(self, since: float, progress: Progress | None) -> AsyncIterator[Chunk]:
        """Every entry from the first at or after ``since`` up to the open stream (see
        :mod:`logtui.core.sources.proxy_history` for how that first one is found)."""

        searched = 0

        def searching(requests: int) -> None:
            nonlocal searched
            searched = requests
            if progress is not None:
                progress(0, requests)

        after, notices = await start_after(self.fetch_page, self._filters, since, searching)
        if notices:
            yield Chunk(notices=notices)
        async for chunk in self._pages(
            after, MAX_SINCE_ENTRIES, progress=progress, done=(0, searched),
            max_pages=MAX_SINCE_PAGES,
        ):
            yield chunk

    async def _history(
        self, count: int, progress: Progress | None = None
    ) -> AsyncIterator[Chunk]:
        """The newest ``count`` entries, then everything after them up to the open stream.

        ``limit`` is always sent (the API defaults it to 200 whatever ``last`` is). Only the
        first page uses ``last``: it holds the oldest of those entries, and the ascending
        ``afterId`` cursor fetches the rest and whatever was written before the stream began
        (a ringSeq says nothing about entry ids, so the stream alone cannot prove it joined
        right after the history). An admin fan-out's cursor is followed first.
        """
        params = {**self._filters, "last": str(count), "limit": str(min(count, BACKFILL_PAGE))}
        page = await self._fetch_page(params)
        retries = 0
        while page.expired:  # nothing delivered yet: the same read again
            retries += 1
            if retries > MAX_EXPIRED_RETRIES:
                raise self._kept_expiring()
            page = await self._fetch_page(params)
        entries = self._entries(page, origin="history")
        if progress is not None:
            progress(len(entries), 1)
        yield Chunk(entries=entries, malformed=page.malformed)
        ids = [i for i in (_entry_id(e.data) for e in entries) if i is not None]
        if entries and not ids:
            notice = Notice("warning", "cannot join history to the stream: entries have no id")
            yield Chunk(notices=(notice,))
            return
        chain = (params, page.cursor) if page.cursor else None
        async for chunk in self._pages(
            max(ids, default=0), count - len(entries), chain=chain, progress=progress,
            done=(len(entries), 1),
        ):
            yield chunk

    async def _backfill(self, after_key: str) -> AsyncIterator[Chunk]:
        try:
            after = int(after_key)
        except ValueError:
            notice = Notice("warning", "cannot backfill: the last entry id is not a number")
            yield Chunk(notices=(notice,))
            return
        async for chunk in self._pages(after, 0):
            yield chunk

    async def _pages(
        self,
        after: int,
        history: int,
        until: int | None = None,
        chain: tuple[dict[str, str], str] | None = None,
        progress: Progress | None = None,
        done: tuple[int, int] = (0, 0),
        max_pages: int | None = None,
    ) -> AsyncIterator[Chunk]:
        """Entries with ``id > after``, page by page (up to the id ``until`` when given); the
        first ``history`` count as history. ``chain`` is a fan-out read still to follow: the
        request it answered and its cursor. ``progress`` is told the entries and pages so far
        (counting on from ``done``); ``max_pages`` bounds the read (default
        :data:`MAX_BACKFILL_PAGES`).

        A fan-out cursor is passed back with the request it came from until a trailer has
        none. When a snapshot expires (410) the partial page is dropped and the read starts
        again from the newest id delivered, a bounded number of times in a row.

        When the first page is empty, the server's newest id says whether ``after`` is one it
        never wrote (a restart that numbered entries anew): then the engine must start over.
        """
        first = chain is None
        expired = 0
        fetched = 0
        loaded, pages = done
        if max_pages is None:
            max_pages = MAX_BACKFILL_PAGES
        self._caught_up_to = after
        for _ in range(max_pages):
            if chain is not None:
                params = {**chain[0], "cursor": chain[1]}
            else:
                params = {**self._filters, "afterId": str(after), "limit": str(BACKFILL_PAGE)}
            page = await self._fetch_page(params)
            if page.expired:
                expired += 1
                if expired > MAX_EXPIRED_RETRIES:
                    raise self._kept_expiring()
                chain = None
                continue
            expired = 0
            loading = history > 0
            entries = self._entries(page, origin="history" if loading else "backfill")
            history -= len(entries)
            ids = [i for i in (_entry_id(e.data) for e in entries) if i is not None]
            if first and not ids and after > 0 and until is None and page.cursor is None:
                lost = await self._lost_position(after)
                if lost is not None:
                    yield lost
                    return
            first = False
            loaded, pages = loaded + len(entries), pages + 1
            if progress is not None and loading:
                progress(loaded, pages)
            yield Chunk(entries=entries, malformed=page.malformed)
            newest = max(ids, default=after)
            if page.cursor is not None:
                chain = (params if chain is None else chain[0], page.cursor)
                after = self._caught_up_to = max(after, newest)
                continue
            chain = None
            fetched += len(entries)
            limit = page.limit
            size = limit if limit is not None and 0 < limit < BACKFILL_PAGE else BACKFILL_PAGE
            if newest <= after:
                return
            after = self._caught_up_to = newest
            if len(entries) < size or (until is not None and after + 1 >= until):
                return
        limit_notice = Notice(
            "warning",
            f"stopped catching up after {max_pages} pages ({fetched:,} entries);"
            f" entries after id {after} that came before the live stream were not fetched",
        )
        yield Chunk(notices=(limit_notice,))

    def _kept_expiring(self) -> FatalSourceError:
        return FatalSourceError(
            f"{redact_url(self._logs_url)} answered 410 snapshot_expired"
            f" {MAX_EXPIRED_RETRIES + 1} times in a row while paging its admin fan-out; the"
            " server's snapshots expire before a page is read: try again later, or read one"
            " project (--project)"
        )

    async def fetch_page(self, params: Mapping[str, str]) -> LogsPage:
        """One ``/_logs`` answer in either of its forms (for the history reader too)."""
        return await self._fetch_page(params)

    async def _fetch_page(self, params: Mapping[str, str]) -> LogsPage:
        """One ``/_logs`` answer in either of its forms."""
        return await get_logs_page(
            self.client,
            self._logs_url,
            params=params,
            headers=self.auth_headers(),
            what=redact_url(self._logs_url),
            credential_hint=self.credential_hint,
            now=self._clock(),
            secrets=self.secret_values(),
        )

    async def _lost_position(self, after: int) -> Chunk | None:
        """A chunk telling the engine to start over when the server's newest entry (any
        filter aside) has an id below ``after``, or it has none; None when ``after`` is still
        plausible."""
        page = await self._fetch_page({"last": "1", "limit": "1"})
        if page.expired:
            return None
        items = page.items
        newest = None
        ids = [i for i in (_entry_id(x) for x in items if isinstance(x, dict)) if i is not None]
        if ids:
            newest = max(ids)
        if newest is not None and newest >= after:
            return None
        newest_text = "none" if newest is None else str(newest)
        notice = Notice(
            "warning",
            f"the server's newest entry id is {newest_text}, below the last one received"
            f" ({after}): it was restarted with new ids",
        )
        return Chunk(notices=(notice,), control=Control.FORGOTTEN)

    def _entries(self, page: LogsPage, *, origin: Origin) -> list[Entry]:
        entries = [
            entry_from_object(item, origin=origin, key_field="id") for item in page.items
        ]
        if all(_entry_id(e.data) is not None for e in entries):
            entries.sort(key=lambda e: e.data["id"])
        return entries


def build(config: SourceConfig) -> ProxySource:
    """The source for ``config`` (what the API's profile names, ``ApiProfile.source``)."""
    return ProxySource(
        secret=config.secret, url=config.url, headers=config.headers,
        filters=config.filters, max_event_bytes=config.max_event_bytes,
        credential_hint=config.credential_hint,
    )


__all__ = ["FILTER_PARAMS", "ProxySource", "build"]
