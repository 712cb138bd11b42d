"""Scroll-back: older pages of the server's history, loaded on demand into the buffer.

The dashboard starts with what the engine loaded (``--history``) and what arrives live. When the
user moves above the oldest row, or goes to a time older than the buffer, this asks the
source's history reader for the page just before the oldest buffered entry's event time, one
page at a time, on a worker thread (the app runs :meth:`ScrollBack.fetch` there with
``asyncio.run``); the app hands each page to the store, which places it by order key. Nothing
here knows an API: any object with the history reader's ``before`` will do.

Pages are joined exactly once. A reader returns entries *strictly* before a time, and a page can
end in the middle of entries sharing one timestamp, so the next page is asked up to
:data:`OVERLAP` past the oldest buffered time, with its limit raised by the buffered entries in
that overlap; the store refuses the identities it already holds.

The buffer's capacity: loading older entries must not evict them, nor the rows the user reads.
Each page raises the store's capacity by what it brings, and while the view is paused (and
scroll-back has loaded something) live entries raise it too, so nothing is evicted under the
reader; both up to :attr:`ScrollBack.ceiling` (by default twice the configured buffer). At the
ceiling loading stops and says so ("buffer full"), and live entries evict the oldest again.
Once the view follows the newest entries again, the extra room is given back a frame at a time
(the oldest, loaded ones, go first).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Protocol

from logtui.core.models import Entry
from logtui.core.sanitize import safe_line
from logtui.core.store import EntryStore, share_strings

PAGE_SIZE: Final = 500
"""Entries asked for per page."""
OVERLAP: Final = 0.0005
"""Seconds past the oldest buffered time a page is asked up to, so entries sharing that time
are not skipped at a page boundary (half a millisecond: every entry of that millisecond, and
none of the next one, at the APIs' millisecond resolution)."""
FRONT_SCAN: Final = 256
"""Buffered entries looked at from the front to find the oldest event time (an API ordered by
row id can hold a slightly older time a few rows in)."""
REASON_LENGTH: Final = 160
"""How much of a failure's reason is shown."""


class HistoryPageLike(Protocol):
    """What a page of history holds (``logtui.core.history.HistoryPage`` is one)."""

    @property
    def entries(self) -> Sequence[Entry]:
        """Entries older than asked, oldest first."""

    @property
    def exhausted(self) -> bool:
        """Nothing older exists on the server."""


class HistoryReaderLike(Protocol):
    """A source's history (``logtui.core.history.HistoryReader`` is one): an async context
    manager that opens its own HTTP client on entry and closes it on exit."""

    async def before(self, when: float, *, limit: int) -> HistoryPageLike:
        """Up to ``limit`` entries with event time strictly before ``when``, oldest first."""

    async def __aenter__(self) -> object: ...

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None: ...


TimeOf = Callable[[Entry], float | None]
"""An entry's event time in Unix seconds (:meth:`logtui.core.fields.FieldResolver.time_of`)."""


class LoadState(enum.StrEnum):
    """Where scroll-back stands."""

    IDLE = "idle"
    LOADING = "loading"
    STOPPING = "stopping"
    """Esc was pressed: the page in flight lands, no other is asked."""
    EXHAUSTED = "exhausted"
    FULL = "full"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"
    """The API keeps no history."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One page to ask the reader for."""

    when: float
    """Entries strictly before this time (Unix seconds)."""
    limit: int


def loading_text(entries: int, pages: int) -> str:
    """How far a history load got, as the dashboard says it: ``loading older: 1,000 entries,
    2 pages``."""
    return f"loading older: {entries:,} entries, {pages:,} page{'s' if pages != 1 else ''}"


class ScrollBack:
    """Decides which older page to load next, keeps the counts, and says how it went.

    Plain Python (no Textual): the app starts the worker, hands pages to the store and shows
    :attr:`title` and the one-shot :meth:`take_note` messages.
    """

    def __init__(self, reader: HistoryReaderLike | None, store: EntryStore, time_of: TimeOf,
                 clock: Callable[[], float], *, page_size: int = PAGE_SIZE,
                 room: int | None = None) -> None:
        self.reader = reader
        self.store = store
        self._time_of = time_of
        self._clock = clock
        self.page_size = page_size
        self.base = store.capacity
        """The configured buffer: the capacity given back once the view follows again."""
        self.ceiling = self.base + (self.base if room is None else room)
        """The most the buffer may hold with scroll-back's extra room."""
        self.state = LoadState.IDLE if reader is not None else LoadState.UNAVAILABLE
        self.loaded = 0
        """Older entries scroll-back added to the buffer since the start (not live ones)."""
        self.pages = 0
        """Pages loaded since the start."""
        self.run_entries = 0
        """Entries added by the load under way (or the last one)."""
        self.run_pages = 0
        self.target: float | None = None
        """The time a ``goto`` is loading towards, if any."""
        self.problem: str | None = None
        """Why the last page failed (sanitised)."""
        self._note: str | None = None
        self._said: set[LoadState] = set()
        self._in_flight: tuple[asyncio.AbstractEventLoop, asyncio.Task[HistoryPageLike]] | None = (
            None
        )
        """The page being read on the worker thread: its event loop and task (to cancel it)."""

    # --- what to load -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A page is in flight."""
        return self.state in (LoadState.LOADING, LoadState.STOPPING)

    def oldest_time(self) -> float | None:
        """The oldest event time among the first buffered entries (gap rows aside)."""
        oldest: float | None = None
        for entry in self._front():
            seconds = self._time_of(entry)
            if seconds is not None and (oldest is None or seconds < oldest):
                oldest = seconds
        return oldest

    def _front(self) -> list[Entry]:
        store = self.store
        first = store.first_seq
        front: list[Entry] = []
        for seq in range(first, first + min(len(store), FRONT_SCAN)):
            entry = store.by_seq(seq)
            if entry is not None and entry.origin != "gap":
                front.append(entry)
        return front

    def begin(self, target: float | None = None) -> PageRequest | None:
        """Start loading older entries (towards ``target``, for a ``goto``); returns the first
        page to ask for, or None when nothing is to be loaded (the reason is noted once)."""
        if self.busy:
            return None
        if self.state is LoadState.UNAVAILABLE:
            self._say_once(LoadState.UNAVAILABLE, "This API keeps no history: nothing older "
                           "to load.")
            return None
        if self.state is LoadState.EXHAUSTED:
            self._say_once(LoadState.EXHAUSTED, "Start of the server's history: nothing older.")
            return None
        self.run_entries = self.run_pages = 0
        self.problem = None
        request = self._next()
        if request is not None:
            self.state = LoadState.LOADING
            self.target = target
        return request

    def _next(self) -> PageRequest | None:
        room = self.ceiling - len(self.store)
        if room <= 0:
            self.state = LoadState.FULL
            self._note = (f"The buffer is full ({len(self.store):,} entries, the most "
                          "scroll-back keeps): no older entries are loaded. f follows the "
                          "newest again and frees the room.")
            return None
        front = self._front()
        times = [t for t in map(self._time_of, front) if t is not None]
        if not times:
            return PageRequest(self._clock(), min(self.page_size, room))
        oldest = min(times)
        overlap = sum(1 for t in times if t < oldest + OVERLAP)
        return PageRequest(oldest + OVERLAP, min(self.page_size, room) + overlap)

    def stop(self) -> bool:
        """Esc: stop after the page in flight; returns whether a load was under way."""
        if self.state is not LoadState.LOADING:
            return False
        self.state = LoadState.STOPPING
        self.target = None
        return True

    # --- on the worker thread ---------------------------------------------------------------

    def fetch(self, request: PageRequest) -> HistoryPageLike:
        """Ask the reader for one page (runs on a worker thread, in its own event loop).

        Each page opens the reader's client and closes it: a client belongs to the event loop
        it was made in, and each page has its own. The entries are made ready for a long stay
        in the buffer here, off the UI thread, as the live sink does: strings shared, transport
        ids dropped, marked as history.
        """
        reader = self.reader
        assert reader is not None

        async def read() -> HistoryPageLike:
            task = asyncio.current_task()
            assert task is not None
            self._in_flight = (asyncio.get_running_loop(), task)
            try:
                return await _read(reader, request)
            finally:
                self._in_flight = None

        page = asyncio.run(read())
        for entry in page.entries:
            if entry.is_json:
                entry.data = share_strings(entry.data)
            entry.event_id = entry.key = None
            entry.origin = "history"
        return page

    def cancel(self) -> None:
        """Abandon the page in flight (the dashboard is closing: a slow server must not keep
        it open); safe from any thread."""
        in_flight = self._in_flight
        if in_flight is not None:
            loop, task = in_flight
            with contextlib.suppress(RuntimeError):  # the page ended, its loop closed meanwhile
                loop.call_soon_threadsafe(task.cancel)

    # --- back on the UI thread --------------------------------------------------------------

    def make_room(self, incoming: int) -> None:
        """Raise the capacity so ``incoming`` more entries evict nothing (up to the ceiling)."""
        store = self.store
        wanted = min(self.ceiling, len(store) + incoming)
        if wanted > store.capacity:
            store.capacity = wanted

    def before_frame(self, incoming: int, *, following: bool) -> None:
        """Before a frame of live entries: hold the room while the view is paused on what
        scroll-back loaded; give it back, a frame at a time, once it follows again."""
        if not self.loaded:
            return
        store = self.store
        if not following:
            self.make_room(incoming)
        elif incoming and store.capacity > self.base:
            # Each frame evicts at most twice what it brings: no long frame, no sudden drop.
            store.capacity = max(self.base, store.capacity - incoming)

    def landed(self, page: HistoryPageLike, added: int) -> PageRequest | None:
        """A page was handed to the store and ``added`` of its entries were new; returns the
        next page to ask for (a ``goto`` older than the buffer goes on), or None: the load is
        over (reached, stopped, exhausted or full)."""
        self.loaded += added
        self.run_entries += added
        self.pages += 1
        self.run_pages += 1
        if page.exhausted or not added:
            self.state = LoadState.EXHAUSTED
            self._note = "Start of the server's history: nothing older."
            self._said.add(LoadState.EXHAUSTED)
            return None
        if self.state is LoadState.STOPPING:
            self.state = LoadState.IDLE
            self._note = (f"Stopped loading older entries: {self.run_entries:,} loaded in "
                          f"{self.run_pages:,} page{'s' if self.run_pages != 1 else ''}.")
            return None
        oldest = self.oldest_time()
        if self.target is None or (oldest is not None and oldest <= self.target):
            self.state = LoadState.IDLE
            return None
        return self._next()

    def failed(self, error: BaseException) -> None:
        """The page could not be loaded: say why; the next attempt starts again."""
        reason = safe_line(str(error) or type(error).__name__)[:REASON_LENGTH]
        self.problem = reason
        self.state = LoadState.FAILED
        self.target = None
        self._note = f"Older entries could not be loaded: {reason} (up at the top retries)."

    def take_target(self) -> float | None:
        """The time a finished ``goto`` load was heading for (None if none, or stopped); the
        app moves the cursor there."""
        target, self.target = self.target, None
        return target

    # --- what to say ------------------------------------------------------------------------

    def _say_once(self, state: LoadState, message: str) -> None:
        if state not in self._said:
            self._said.add(state)
            self._note = message

    def take_note(self) -> str | None:
        """A message to show once (exhausted, stopped, failed, full), if one is due."""
        note, self._note = self._note, None
        return note

    @property
    def title(self) -> str:
        """Scroll-back's part of the stream pane's title ("" when it has nothing to say):
        progress while a load runs, else ``history +N``, the older entries it added (apart from
        the status bar's ``history``, what the source loaded before going live)."""
        state = self.state
        if state is LoadState.LOADING:
            return loading_text(self.run_entries, self.run_pages) + " — esc stops"
        if state is LoadState.STOPPING:
            return f"stopping after this page: {self.run_entries:,} entries"
        if state is LoadState.UNAVAILABLE:
            return "no server history" if LoadState.UNAVAILABLE in self._said else ""
        parts = [f"history +{self.loaded:,}"] if self.loaded else []
        if state is LoadState.EXHAUSTED:
            parts.append("start of the server's history")
        elif state is LoadState.FULL:
            parts.append("buffer full")
        elif state is LoadState.FAILED:
            parts.append("older pages failed")
        return " · ".join(parts)


async def _read(reader: HistoryReaderLike, request: PageRequest) -> HistoryPageLike:
    async with reader:
        return await reader.before(request.when, limit=request.limit)


__all__ = [
    "OVERLAP",
    "PAGE_SIZE",
    "HistoryPageLike",
    "HistoryReaderLike",
    "LoadState",
    "PageRequest",
    "ScrollBack",
    "loading_text",
]
