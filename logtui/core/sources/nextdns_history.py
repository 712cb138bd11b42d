"""NextDNS history by time: ``/logs?from=`` before live (``--since``), ``/logs?to=`` backwards
(the dashboard's scroll-back).

``/logs`` answers newest first (its default ``sort``), ``limit`` 10 to 1000 per page, and
``meta.pagination.cursor`` for the next, older page (``null`` on the last). Only the first,
newest page's ``meta.stream.id`` continues exactly after what was loaded: later pages are older,
and a stream opened with an id from before the load would repeat what was written meanwhile.
So ``--since`` reads newest first from ``from=T`` down to ``T`` and hands the entries on oldest
first, and the stream resumes from the first page's id: no gap, no duplicate.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from logtui.core.error_body import raise_for_errors
from logtui.core.errors import FatalSourceError
from logtui.core.eventtime import entry_time
from logtui.core.history import (
    HistoryPage,
    HistoryReader,
    ReaderOverSource,
    format_since,
    keep_whole_times,
)
from logtui.core.models import Entry, Notice
from logtui.core.sources import SourceConfig
from logtui.core.sources.sse_source import entry_from_object, require_list

PAGE_MAX: Final = 1000
PAGE_MIN: Final = 10
"""``/logs`` takes a ``limit`` from 10 to 1000."""
WHAT: Final = "NextDNS /logs"

Fetch = Callable[[Mapping[str, str]], Awaitable[Any]]
"""GET ``/logs`` with these query parameters and the source's credentials: the document."""
Progress = Callable[[int, int], None]

if TYPE_CHECKING:
    from logtui.core.sources.nextdns import NextDNSSource


@dataclass(frozen=True, slots=True)
class LogsPage:
    """One ``/logs`` answer: its entries (newest first), the next cursor and the stream id."""

    items: list[Any]
    cursor: str | None
    stream_id: str | None


def iso_ms(seconds: float) -> str:
    """A time as ``/logs`` takes it: ISO 8601 in UTC to the millisecond, rounded down (a time
    read from an entry's millisecond stamp comes back as that stamp)."""
    millis = math.floor(seconds * 1000 + 1e-3)
    moment = _dt.datetime.fromtimestamp(millis / 1000, _dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


async def logs_page(fetch: Fetch, params: Mapping[str, str]) -> LogsPage:
    """One ``/logs`` page, checked: an ``errors`` body or a wrong shape is an error."""
    document = await fetch(params)
    raise_for_errors(document, WHAT)
    if not isinstance(document, dict):
        raise FatalSourceError(f"{WHAT} answered with an unexpected JSON shape")
    items = require_list(document.get("data"), WHAT)
    meta = document.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    pagination = meta.get("pagination")
    cursor = pagination.get("cursor") if isinstance(pagination, dict) else None
    stream = meta.get("stream")
    stream_id = stream.get("id") if isinstance(stream, dict) else None
    return LogsPage(
        items=items,
        cursor=cursor if isinstance(cursor, str) and cursor else None,
        stream_id=stream_id if isinstance(stream_id, str) and stream_id else None,
    )


def _entries(items: list[Any]) -> list[Entry]:
    return [entry_from_object(item, origin="history", key_field=None) for item in items]


async def since_history(
    fetch: Fetch, filters: Mapping[str, str], since: float, progress: Progress | None
) -> tuple[list[Entry], str | None, list[Notice]]:
    """Every entry from ``since`` to the newest, oldest first; the stream id that continues
    right after them; a notice when the server keeps nothing as old as ``since``."""
    base = {**filters, "from": iso_ms(since), "limit": str(PAGE_MAX)}
    newest_first: list[Any] = []
    stream_id: str | None = None
    cursor: str | None = None
    pages = 0
    while True:
        params = {**base, "cursor": cursor} if cursor else base
        page = await logs_page(fetch, params)
        pages += 1
        if pages == 1:
            stream_id = page.stream_id
        newest_first.extend(page.items)
        if progress is not None:
            progress(len(newest_first), pages)
        if not page.items or page.cursor is None:
            break
        cursor = page.cursor
    entries = _entries(newest_first[::-1])
    return entries, stream_id, await _retention(fetch, since, entries)


async def _retention(fetch: Fetch, since: float, entries: list[Entry]) -> list[Notice]:
    """A notice when the server has no entry at all before ``since`` (any filter aside): it
    keeps nothing that old, and history starts later than asked."""
    page = await logs_page(fetch, {"to": iso_ms(since), "limit": str(PAGE_MIN)})
    if page.items:
        return []
    start = f"at {format_since(entry_time(entries[0]))}" if entries else "with live entries"
    return [Notice(
        "warning",
        f"the server keeps nothing from before {format_since(since)}: history starts {start}",
    )]


class NextDNSHistory(ReaderOverSource):
    """:class:`~logtui.core.history.HistoryReader` of a NextDNS profile, through its source
    (credentials, redirects and error rules as the live stream has them)."""

    _source: NextDNSSource

    def __init__(self, config: SourceConfig) -> None:
        from logtui.core.sources.nextdns import build

        self._source = build(config)
        self._filters = dict(config.filters)

    async def _fetch(self, params: Mapping[str, str]) -> Any:
        return await self._source.fetch_json(self._source.logs_url, params)

    async def before(self, when: float, *, limit: int) -> HistoryPage:
        """Pages newest first with ``to=when`` until ``limit`` entries before ``when`` are
        whole (see :func:`~logtui.core.history.keep_whole_times`)."""
        base = {**self._filters, "to": iso_ms(when + 1e-3),
                "limit": str(max(PAGE_MIN, min(PAGE_MAX, limit + 1)))}
        newest_first: list[Entry] = []
        cursor: str | None = None
        while True:
            page = await logs_page(self._fetch, {**base, "cursor": cursor} if cursor else base)
            newest_first.extend(e for e in _entries(page.items) if entry_time(e) < when)
            complete = not page.items or page.cursor is None
            if len(newest_first) > limit or complete:
                kept = keep_whole_times(newest_first, limit, complete=complete)
                if kept is not None:
                    exhausted = complete and len(kept) == len(newest_first)
                    return HistoryPage(entries=kept, exhausted=exhausted)
            cursor = page.cursor



def build_reader(config: SourceConfig) -> HistoryReader:
    """The history reader for ``config`` (what the API's profile names, ``ApiProfile.history``)."""
    return NextDNSHistory(config)


__all__ = ["NextDNSHistory", "build_reader", "iso_ms", "logs_page", "since_history"]
