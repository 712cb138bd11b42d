"""Several named sources' histories read as one, for the dashboard's scroll-back over a fleet.

Each page asks every source for its page before the same time and keeps the newest ``limit``
entries of them all (each tagged with its source), without splitting one event time and never
older than where a source with more to give stopped. What a page leaves out is older than
everything it keeps, so the next page, asked before the oldest time kept, reads it again:
nothing is lost, nothing repeated.
A source whose API keeps no history is simply not asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Mapping

from logtui.core.errors import LogtuiError
from logtui.core.eventtime import entry_time
from logtui.core.history import HistoryPage, HistoryReader, keep_whole_times
from logtui.core.models import Entry
from logtui.core.resource import AsyncResource

__all__ = ["MergedHistory"]


class MergedHistory(AsyncResource):
    """A :class:`~logtui.core.history.HistoryReader` over several named sources' readers."""

    def __init__(self, readers: Mapping[str, HistoryReader]) -> None:
        if not readers:
            raise ValueError("a merged history needs at least one reader")
        self._readers = dict(readers)
        self._stack: contextlib.AsyncExitStack | None = None

    async def open(self) -> None:
        """Open every source's reader (those already open are closed again if one fails)."""
        stack = contextlib.AsyncExitStack()
        try:
            for reader in self._readers.values():
                await stack.enter_async_context(reader)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack

    async def aclose(self) -> None:
        """Close every source's reader."""
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()

    async def before(self, when: float, *, limit: int) -> HistoryPage:
        """The newest ``limit`` entries before ``when`` across the sources, oldest first."""
        names = list(self._readers)
        # Every source's request runs to its end (none is cancelled half-connected); the
        # first failure, named, is the page's.
        answers = await asyncio.gather(
            *(self._page(name, when, limit) for name in names), return_exceptions=True
        )
        pages: list[HistoryPage] = []
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
            pages.append(answer)
        entries: list[Entry] = []
        for name, page in zip(names, pages, strict=True):
            for entry in page.entries:
                entry.source = name
            entries.extend(page.entries)
        complete = all(page.exhausted for page in pages)
        # A source's page may stop short of ``limit``: nothing older than where a source that
        # has more stopped may be kept, or its entries between would be skipped. Readers never
        # split one time, so every time from there on is whole.
        floor = max((entry_time(page.entries[0]) for page in pages
                     if page.entries and not page.exhausted), default=-math.inf)
        # Newest first, ties by source order then as each source gave them (a stable sort).
        newest_first = sorted(
            (entry for entry in reversed(entries) if entry_time(entry) >= floor),
            key=entry_time, reverse=True,
        )
        kept = keep_whole_times(newest_first, limit, complete=True)
        if kept is None:  # one time fills the page: all of it, the rest next time
            kept = list(reversed(newest_first))
        return HistoryPage(kept, exhausted=complete and len(kept) == len(entries))

    async def _page(self, name: str, when: float, limit: int) -> HistoryPage:
        try:
            return await self._readers[name].before(when, limit=limit)
        except LogtuiError as error:
            error.args = (f"{name}: {error}",)
            raise
