"""proxy-logs history by time: where ``--since`` starts, and pages backwards for scroll-back.

``/_logs`` has no time parameter, but its entries are rows with ascending ids (``afterId`` is
an ascending cursor) written in time order. So the first entry at or after a time is found by a
binary search over ids: ``afterId=X&limit=1`` answers the first entry after ``X`` (one indexed
row, where an ``offset`` would make the server skip rows), and its ``tsMs`` says which half to
keep. From there ``afterId`` reads forward exactly once, and the stream is joined as always.
Backwards, the entries at or before that id are read in growing windows of ids.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from logtui.core.errors import TransientSourceError
from logtui.core.eventtime import entry_time, event_seconds
from logtui.core.history import (
    HistoryPage,
    HistoryReader,
    ReaderOverSource,
    format_since,
    keep_whole_times,
)
from logtui.core.models import Entry, Notice
from logtui.core.sources import SourceConfig
from logtui.core.sources.proxy_page import LogsPage
from logtui.core.sources.sse_source import entry_from_object

PAGE: Final = 1000
"""Entries asked for per read."""
MAX_EXPIRED: Final = 3
"""Reads in a row whose fan-out snapshot expired before one is given up (transient)."""
FIRST_WINDOW: Final = 256
"""Ids behind the boundary first read backwards; each further window is four times wider."""

FetchPage = Callable[[Mapping[str, str]], Awaitable[LogsPage]]
"""One ``/_logs`` answer for these query parameters, with the source's credentials."""
Probe = Callable[[int], None]
"""Told after each request of the search (for progress)."""

if TYPE_CHECKING:
    from logtui.core.sources.proxy import ProxySource


def item_id(item: object) -> int | None:
    """A ``/_logs`` entry's row id, if it has a whole-number one."""
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _page(fetch: FetchPage, params: Mapping[str, str]) -> LogsPage:
    for _ in range(MAX_EXPIRED + 1):
        page = await fetch(params)
        if not page.expired:
            return page
    raise TransientSourceError("/_logs: the fan-out snapshot kept expiring; trying again later")


async def first_after(
    fetch: FetchPage, filters: Mapping[str, str], after: int
) -> dict[str, Any] | None:
    """The first entry (for ``filters``) with an id above ``after``; None when there is none."""
    page = await _page(fetch, {**filters, "afterId": str(after), "limit": "1"})
    found = [item for item in page.items
             if isinstance(item, dict) and (item_id(item) or 0) > after]
    return min(found, key=lambda item: item_id(item) or 0) if found else None


async def start_after(
    fetch: FetchPage,
    filters: Mapping[str, str],
    since: float,
    probe: Probe | None = None,
    *,
    retention: bool = True,
) -> tuple[int, list[Notice]]:
    """The id to read forward from (``afterId``) so that the first entry read is the first at
    or after ``since``; with ``retention``, first a look at the oldest entry kept (any filter
    aside), and a notice when even that is newer than ``since``."""
    requests = 0

    def counted() -> None:
        nonlocal requests
        requests += 1
        if probe is not None:
            probe(requests)

    oldest = await first_after(fetch, {}, 0) if retention else None
    if retention:
        counted()
        if oldest is None:
            return 0, []
    oldest_time = None if oldest is None else event_seconds(oldest)
    if oldest_time is not None and oldest_time > since:
        return 0, [Notice(
            "warning",
            f"the server keeps nothing from before {format_since(since)}: history starts at"
            f" {format_since(oldest_time)}",
        )]
    newest_page = await _page(fetch, {**filters, "last": "1", "limit": "1"})
    counted()
    ids = [i for i in map(item_id, newest_page.items) if i is not None]
    low, high = 0, max(ids, default=0)
    while low < high:
        middle = (low + high) // 2
        found = await first_after(fetch, filters, middle)
        counted()
        seconds = None if found is None else event_seconds(found)
        if found is None or seconds is None or seconds >= since:
            high = middle
        else:
            low = min(item_id(found) or middle + 1, high)
    return low, []


async def read_range(
    fetch: FetchPage, filters: Mapping[str, str], after: int, through: int
) -> list[dict[str, Any]]:
    """The entries with ``after < id <= through``, ascending by id."""
    kept: dict[int, dict[str, Any]] = {}
    params: dict[str, str] = {**filters, "afterId": str(after), "limit": str(PAGE)}
    position = after
    while position < through:
        page = await _page(fetch, params)
        ids = []
        for item in page.items:
            number = item_id(item)
            if number is not None and isinstance(item, dict) and position < number <= through:
                kept[number] = item
            if number is not None:
                ids.append(number)
        newest = max(ids, default=position)
        if page.cursor is not None:
            params = {**params, "cursor": page.cursor}
        elif newest > position:
            params = {**filters, "afterId": str(newest), "limit": str(PAGE)}
        else:
            break
        position = newest
    return [kept[number] for number in sorted(kept)]


class ProxyHistory(ReaderOverSource):
    """:class:`~logtui.core.history.HistoryReader` of proxy-logs, through its source
    (credentials, redirects, both ``/_logs`` forms, as the live stream has them)."""

    _source: ProxySource

    def __init__(self, config: SourceConfig) -> None:
        from logtui.core.sources.proxy import build

        self._source = build(config)
        self._filters = dict(config.filters)

    async def before(self, when: float, *, limit: int) -> HistoryPage:
        """The entries before the first one at or after ``when``, read backwards by id in
        windows four times wider each time, until ``limit`` of them are whole."""
        fetch = self._source.fetch_page
        boundary, _ = await start_after(fetch, self._filters, when, retention=False)
        through, window = boundary, FIRST_WINDOW
        newest_first: list[Entry] = []
        while True:
            low = max(0, through - window)
            items = await read_range(fetch, self._filters, low, through)
            entries = [entry_from_object(item, origin="history", key_field="id")
                       for item in reversed(items)]
            newest_first.extend(e for e in entries if entry_time(e) < when)
            complete = low == 0
            if len(newest_first) > limit or complete:
                kept = keep_whole_times(newest_first, limit, complete=complete)
                if kept is not None:
                    exhausted = complete and len(kept) == len(newest_first)
                    return HistoryPage(entries=kept, exhausted=exhausted)
            through, window = low, window * 4



def build_reader(config: SourceConfig) -> HistoryReader:
    """The history reader for ``config`` (what the API's profile names, ``ApiProfile.history``)."""
    return ProxyHistory(config)


__all__ = ["ProxyHistory", "build_reader", "first_after", "item_id", "read_range", "start_after"]
