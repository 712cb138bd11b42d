"""The thread-safe hand-off between the stream engine's thread and the UI.

The engine calls a :class:`~logtui.core.models.Sink` from its own thread for every batch of
entries. Touching widgets from there is unsafe and one message per entry would drown the UI, so
:class:`QueueSink` only appends to deques under a lock; the app drains them on a timer at frame
rate, taking at most a frame's worth of entries each time (:meth:`QueueSink.drain`), so a key
pressed during a big replay is handled between the frames that apply it.

The per-entry work done here, on the engine's thread, is readying each entry for its stay in
the buffer: the transport id and de-duplication key, which have done their job in the engine
and which the dashboard never reads, are dropped, and the batch is packed for the store
(:meth:`~logtui.core.compact.Packer.pack_batch`: the entries' bytes end to end, their codes,
numbers, trace and identity hashes as columns), so the UI thread only extends its columns.
It needs nothing from the UI, so done here it costs the UI thread nothing. Once packed, a
batch's parsed entries are dropped when nothing will read them all (``drop``, the dashboard's
choice: the stats can count the batch from its columns): the queue holds the packed batch
only, and the UI reads the few entries it shows from the store
(:class:`~logtui.core.packed_entries.PackedEntries`), so a backlog or a burst costs its bytes,
not a tree of objects per entry, and the parse garbage dies on the engine's thread at once.
Strings are no longer shared here (they were, when the store kept parsed objects): a packed
entry keeps none of them, and the few kept as objects are shared by the store if it is asked.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from logtui.core.compact import PackedBatch, Packer
from logtui.core.models import Entry, Notice, SourceStatus
from logtui.core.packed_entries import PackedEntries

PACK_PIECE = 128
"""Entries packed between two hand-overs of the interpreter to the UI thread. Packing a
5,000-entry replay took ~25 ms of Python on this thread; held in 5 ms turns (Python's switch
interval) it doubled the UI's longest callbacks. After each piece (~0.6 ms) the thread lets
a waiting UI thread run at once."""
YIELD_SECONDS = 0.0001
"""How long the handing thread sleeps after a piece: long enough for a thread waiting on the
interpreter to take it (a zero sleep is often taken back before that thread wakes)."""


@dataclass(slots=True)
class Drained:
    """Everything the engine handed over since the previous drain."""

    entries: Sequence[Entry] = field(default_factory=list)
    """The entries, oldest first: a :class:`PackedEntries` when the sink dropped them."""
    packed: PackedBatch | None = None
    """The entries packed for the store, column by column, when the sink has a packer."""
    status: SourceStatus | None = None
    """The newest status, if it changed; older ones are superseded."""
    notices: list[Notice] = field(default_factory=list)
    statuses: list[SourceStatus] = field(default_factory=list)
    """With several sources: the newest status of each source whose status changed (by
    ``SourceStatus.name``), so one source's change never hides another's."""

    def __bool__(self) -> bool:
        return bool(self.entries) or self.status is not None or bool(self.notices)


class QueueSink:
    """A sink that only enqueues; safe to call from any thread, drained by the UI."""

    def __init__(self, *, max_notices: int = 200, slim: bool = True,
                 packer: Packer | None = None,
                 drop: Callable[[PackedBatch], bool] | None = None) -> None:
        self._lock = threading.Lock()
        self._handing = threading.Lock()
        """Held while a batch is handed over piece by piece (see :data:`PACK_PIECE`)."""
        self._batches: deque[tuple[Sequence[Entry] | None, PackedBatch | None]] = deque()
        """Each batch handed over: its entries (None once dropped) and its packed rows."""
        self._queued = 0
        self._status: SourceStatus | None = None
        self._statuses: dict[str, SourceStatus] = {}
        self._notices: deque[Notice] = deque(maxlen=max_notices)
        self._slim = slim
        self._packer = packer
        self._drop = drop if packer is not None else None
        """Whether a packed batch's entries may be dropped (see the module docstring)."""
        self._released: list[list[Entry]] = []

    @property
    def queued(self) -> int:
        """Entries handed over and not drained yet (the backlog)."""
        return self._queued

    @property
    def pending(self) -> bool:
        """Whether anything was handed over since the last drain: read without the lock, so an
        idle frame costs nothing (something handed over meanwhile waits for the next frame)."""
        return bool(self._queued or self._status is not None or self._notices)

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Queue a batch of entries, first slimming and packing them (on the caller's thread)."""
        if self._released:
            with self._lock:
                released, self._released = self._released, []
            del released  # the entries the store let go are freed here, off the UI thread
        if not entries:
            return
        if self._slim:
            for entry in entries:
                entry.event_id = entry.key = None
        if self._packer is None or len(entries) <= PACK_PIECE:
            self._hand_over(entries)
            return
        with self._handing:  # one batch's pieces stay together whatever other threads do
            for start in range(0, len(entries), PACK_PIECE):
                if start:
                    time.sleep(YIELD_SECONDS)
                self._hand_over(entries[start : start + PACK_PIECE])

    def _hand_over(self, entries: Sequence[Entry]) -> None:
        """Pack ``entries`` (if there is a packer) and queue them."""
        packer = self._packer
        packed = None if packer is None else packer.pack_batch(entries)
        drop = self._drop
        queued: Sequence[Entry] | None = (
            None if drop is not None and packed is not None and drop(packed) else entries)
        with self._lock:
            self._batches.append((queued, packed))
            self._queued += len(entries)

    def release(self, entries: list[Entry]) -> None:
        """Hand back entries the dashboard no longer holds, to be freed on the engine's thread
        at its next batch (see :attr:`~logtui.core.store.EntryStore.release`)."""
        with self._lock:
            self._released.append(entries)

    def on_status(self, status: SourceStatus) -> None:
        """Remember the newest status (and the newest of each named source)."""
        with self._lock:
            self._status = status
            self._statuses[status.name] = status

    def on_notice(self, notice: Notice) -> None:
        """Queue a diagnostic; the oldest are dropped past ``max_notices``."""
        with self._lock:
            self._notices.append(notice)

    def drain(self, limit: int | None = None) -> Drained:
        """Take what was queued so far, in arrival order: every entry, or at most ``limit``.

        Entries past ``limit`` stay queued for the next drain; the status and notices are
        always taken whole.
        """
        entries: list[Entry] = []
        packs: list[PackedBatch] = []
        dropped: list[bool] = []
        taken = 0
        with self._lock:
            batches = self._batches
            if limit is None or self._queued <= limit:
                self._batches = deque()
                for batch, packed in batches:
                    if batch is not None:
                        entries.extend(batch)
                    if packed is not None:
                        packs.append(packed)
                        dropped.append(batch is None)
                taken = self._queued
            else:
                while batches and taken < limit:
                    batch, packed = batches.popleft()
                    room = limit - taken
                    size = len(batch) if batch is not None else len(packed or ())
                    if size > room:
                        rest = packed.slice(room, size) if packed is not None else None
                        batches.appendleft((batch[room:] if batch is not None else None, rest))
                        batch = batch[:room] if batch is not None else None
                        packed = packed.slice(0, room) if packed is not None else None
                        size = room
                    if batch is not None:
                        entries.extend(batch)
                    if packed is not None:
                        packs.append(packed)
                        dropped.append(batch is None)
                    taken += size
            self._queued -= taken
            status, self._status = self._status, None
            statuses = list(self._statuses.values())
            self._statuses.clear()
            notices = list(self._notices)
            self._notices.clear()
        joined = PackedBatch.join(packs) if packs and self._packer is not None else None
        if joined is None or not any(dropped):
            return Drained(entries, joined, status, notices, statuses)
        assert self._packer is not None
        names = self._packer.names
        if all(dropped):
            return Drained(PackedEntries(joined, names), joined, status, notices, statuses)
        # Some batches kept their entries, some not: the dropped ones are built (rarely: when
        # the stats began or stopped needing the entries, between two batches).
        whole: list[Entry] = []
        given = iter(entries)
        for packed, gone in zip(packs, dropped, strict=True):
            whole.extend(PackedEntries(packed, names) if gone else islice(given, len(packed)))
        return Drained(whole, joined, status, notices, statuses)
