"""The stream engine: keeps one source connected and hands each entry on exactly once.

It owns everything that does not depend on the API or the transport: the connection state
machine, reconnects with backoff (and the server's ``retry:``/``Retry-After``), the idle timeout
(any bytes count, heartbeats included; a history or backfill fetch is work, not silence),
de-duplication by entry key, and the resume state saved per source, URL and filters.

No server can make it reconnect in a loop: a server's hint may lengthen a wait but never
shorten it below the backoff, and the backoff starts over only after a connection stayed up for
``healthy_after`` seconds, so a server that accepts and closes at once (after an entry, a
``retry: 0``, a 429 with ``Retry-After: 0``) sees ever longer waits. Every wait of
``WAIT_SAID_AFTER`` seconds or more is announced with its cause and its end.

What a connection is and what a frame means belong to the
:class:`~logtui.core.sources.base.Source`, so a WebSocket source fits without changes here.

    connecting ─► live ─┬─ cut / clean end ───────► reconnecting (retry_at) ─► connecting
                        ├─ idle timeout ─► stale ─► reconnecting
                        ├─ reset / gap ───────────► reconnecting (fresh, then backfill)
                        └─ scope-destroyed ───────► ended
    connecting ─┬─ 429 / 503 ─► rate-limited (retry_at) ─► connecting
                └─ 401 / 403 / 404 / 204 / not SSE ─► failed
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from logtui.core.backoff import MAX_RETRY_AFTER, Backoff
from logtui.core.batch import EntryBatch
from logtui.core.constants import DEFAULT_IDLE_TIMEOUT
from logtui.core.coverage import Coverage, gap_entry
from logtui.core.dedupe import RecentKeys
from logtui.core.errors import (
    ConfigError,
    FatalSourceError,
    LogtuiError,
    RateLimited,
    TransientSourceError,
)
from logtui.core.identity import Identity, identity_for
from logtui.core.models import (
    ConnectionState,
    Entry,
    HistoryProgress,
    Notice,
    Sink,
    SourceStatus,
)
from logtui.core.newest import NewestSeen, Reload
from logtui.core.sources.base import Chunk, ConnectPlan, Control, ResumeRejected, Source
from logtui.core.state_store import StateStore
from logtui.core.waits import WAIT_SAID_AFTER, capped_note, clock_time, wait_message

SAVE_INTERVAL: Final = 1.0
"""Seconds between resume-state saves while entries flow (and always on exit)."""
STATUS_INTERVAL: Final = 1.0
"""Seconds between status updates that only change counters."""
RECOVERY_HISTORY: Final = 1000
"""Entries of history re-read when the server lost the resume point and no ``--history`` was
asked for: what came since is otherwise unreachable."""
CATCHUP_CAPACITY: Final = 10_000
"""Keys of history/backfill entries kept in the resume state (see ``Engine._catchup``)."""
HEALTHY_AFTER: Final = 10.0
"""Seconds a connection must stay up before its end starts the backoff over: shorter ones
count as consecutive failures, which bounds connection attempts per minute."""


def _identity(source: Source) -> Identity | None:
    """The identity of ``source``'s entries, for a source that catches up (None otherwise, or
    for an API without a profile)."""
    if not source.catches_up:
        return None
    try:
        return identity_for(source.kind)
    except ConfigError:
        return None


def default_backoff() -> Backoff:
    """Exponential backoff with jitter, from half a second up to thirty."""
    return Backoff(0.5, 30.0, random.Random())


class Engine:
    """Runs one source until it ends, fails or is cancelled, reporting to a :class:`Sink`."""

    def __init__(
        self,
        source: Source,
        sink: Sink,
        *,
        clock: Callable[[], float] = time.time,
        state_store: StateStore | None = None,
        resume: bool = True,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        backoff: Backoff | None = None,
        history: int = 0,
        since: float | None = None,
        save_interval: float = SAVE_INTERVAL,
        healthy_after: float = HEALTHY_AFTER,
    ) -> None:
        self._source = source
        self._sink = sink
        self._clock = clock
        self._store = state_store
        self._resume = resume
        self._idle_timeout = idle_timeout
        self._backoff = backoff if backoff is not None else default_backoff()
        self._history = max(0, history)
        self._since = since
        """``--since``: the first history load reads from this time (Unix seconds), and a
        saved resume point is not used."""
        self._save_interval = save_interval
        self._healthy_after = healthy_after
        self._status = SourceStatus(kind=source.kind, description=source.description)
        self._unpublished: dict[str, Any] = {}
        """Counter changes not yet folded into ``_status`` (done when a status is published:
        at most every ``STATUS_INTERVAL`` while entries flow, instead of once per chunk)."""
        self.error: LogtuiError | None = None
        """Why the engine failed, when ``status.state`` is failed."""
        self._event_id: str | None = None
        self._last_key: str | None = None
        self._history_pending = self._history > 0 or since is not None
        self._seen = RecentKeys()
        self._catchup: list[str] = []
        """Keys handed on from history or backfill (no event id) since the last new live entry.

        The saved event id lags them: a restart resumes the stream before them and the replay
        repeats them, so they are saved with the resume state and seed the de-duplication
        memory of the next run.
        """
        self._newest = NewestSeen(_identity(source))
        """The newest event time handed on (saved with the resume state): where a lost
        position reloads from, for a source that catches up (only those keep it)."""
        self._reload: Reload | None = None
        """The reload from ``_newest`` under way: drops what it repeats, until caught up."""
        self._state_key: str | None = None
        self._dirty = False
        self._saved_at = 0.0
        self._save_failed = False
        self._status_at = 0.0
        self._attempt_task: asyncio.Task[Control | None] | None = None
        self._reconnect_requested = False
        self._wake: asyncio.Event | None = None
        self._was_live = False
        self._live_at: float | None = None
        """Loop time the current connection went live; None before it does."""
        self._say_wait = False
        """Announce the coming wait however short (a failure before the first connection)."""
        self._coverage = Coverage(source.filters, None, clock())
        """The server filters in force over time, to make up for a filter change."""

    # -- public API -------------------------------------------------------------------------

    @property
    def status(self) -> SourceStatus:
        """The latest status snapshot (immutable; a new one after every change).

        Safe to read from any thread: the engine replaces ``_unpublished`` rather than
        changing it, and empties it before replacing ``_status`` when it publishes.
        """
        status, unpublished = self._status, self._unpublished
        return dataclasses.replace(status, **unpublished) if unpublished else status

    async def run(self) -> SourceStatus:
        """Stream until the server ends it (ended), it fails (failed) or the task is cancelled.

        Resume state is saved on the way out in every case, cancellation included.
        """
        self._wake = asyncio.Event()
        self._load_state()
        self._coverage = Coverage(self._source.filters, self._last_key, self._clock())
        try:
            async with self._source:
                first = True
                while True:
                    if not first:
                        self._publish(reconnects=self.status.reconnects + 1)
                    first = False
                    delay, state, detail = await self._attempt_once()
                    if self.status.state in (ConnectionState.ENDED, ConnectionState.FAILED):
                        return self.status
                    await self._wait(delay, state, detail)
        finally:
            self._save_state(force=True)

    def save_state(self) -> None:
        """Save the resume point now (the last entry handed on, never one in the sink's hands).

        For a process that must end while the sink is stuck (headless, stdout not read).
        """
        self._save_state(force=True)

    def reconnect_now(self) -> None:
        """Drop the current connection (or skip the current wait) and connect again at once.

        Call it from the engine's event loop (``EngineThread`` does that for other threads).
        """
        task = self._attempt_task
        if task is not None and not task.done():
            self._reconnect_requested = True
            task.cancel()
        elif self._wake is not None:
            self._wake.set()

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Reconnect with new server-side query parameters, as a new stream.

        The new stream starts live (a point saved earlier for these parameters is not used);
        the resume state is saved under the new parameters from then on. What it misses is
        made up for: a source that backfills fetches the new filter's entries from the last
        key before a narrower filter was in force (:class:`Coverage`); any other reloads
        history if asked for, and an interval a narrower filter left out is handed on as a gap
        row. Entries already handed on stay remembered, so none is handed on twice.
        """
        self._save_state(force=True)
        backfills = self._source.BACKFILLS
        change = self._coverage.change(params, self._last_key, self._clock(), backfills=backfills)
        self._source.set_filters(params)
        self._event_id = None
        self._catchup.clear()
        if backfills and change.after_key is not None:
            self._last_key = change.after_key
            self._history_pending = False
        else:
            self._last_key = None
            self._history_pending = self._history > 0
        self._state_key = None
        self._dirty = True
        if change.gap is not None:
            self._sink.on_entries([gap_entry(change.gap)])
        self.reconnect_now()

    # -- one connection ---------------------------------------------------------------------

    async def _attempt_once(self) -> tuple[float, ConnectionState, str]:
        """Connect and read until the connection ends; return how to wait before the next."""
        self._publish(state=ConnectionState.CONNECTING, detail="", retry_at=None,
                      history_progress=None)
        self._reconnect_requested = False
        self._live_at = None
        self._say_wait = False
        task = asyncio.create_task(self._read(self._plan()))
        self._attempt_task = task
        try:
            control = await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not self._reconnect_requested or (current is not None and current.cancelling()):
                raise
            return 0.0, ConnectionState.RECONNECTING, "reconnect requested"
        except TimeoutError:
            self._publish(
                state=ConnectionState.STALE,
                detail=f"no data for {self._idle_timeout:g} s",
            )
            return (
                self._next_delay(silent=self._idle_timeout),
                ConnectionState.RECONNECTING,
                f"no data for {self._idle_timeout:g} s",
            )
        except RateLimited as error:
            wait = self._next_delay()
            detail = str(error)
            if error.retry_after is not None:
                wait = max(wait, error.retry_after)
            self._say_wait = not self._was_live
            return wait, ConnectionState.RATE_LIMITED, detail
        except ResumeRejected as error:
            restarted = self.status.received == 0
            self._history_pending |= self._source.catches_up and self._last_key is None
            self._event_id = None
            self._dirty = True
            at = self._reload_from_newest() if self._history_pending else None
            if at is None:
                self._notice("warning",
                             f"{error}; continuing from live, with a backfill if possible")
                return self._next_delay(), ConnectionState.RECONNECTING, str(error)
            lost = "the saved position expired" if restarted else str(error)
            said = f"{lost}; reloading from {at}"
            self._notice("warning", f"{said} ({error})" if restarted else said)
            return self._next_delay(), ConnectionState.RECONNECTING, said
        except TransientSourceError as error:
            self._say_wait = not self._was_live
            return self._next_delay(), ConnectionState.RECONNECTING, str(error)
        except FatalSourceError as error:
            self.error = error
            self._publish(state=ConnectionState.FAILED, detail=str(error), retry_at=None)
            return 0.0, ConnectionState.FAILED, str(error)
        except LogtuiError as error:
            self.error = error
            self._publish(state=ConnectionState.FAILED, detail=str(error), retry_at=None)
            return 0.0, ConnectionState.FAILED, str(error)
        finally:
            self._attempt_task = None
        if control is Control.END:
            self._publish(state=ConnectionState.ENDED, detail="the server ended the stream")
            return 0.0, ConnectionState.ENDED, ""
        if control is Control.FORGOTTEN:
            restarted = self.status.received == 0
            self._forget_position()
            at = self._reload_from_newest()
            if at is None:
                self._notice("warning",
                             "the server lost the resume point; re-reading recent history")
                return self._next_delay(), ConnectionState.RECONNECTING, "resume point lost"
            lost = "the saved position expired" if restarted else "the server lost the position"
            said = f"{lost}; reloading from {at}"
            self._notice("warning", said)
            return self._next_delay(), ConnectionState.RECONNECTING, said
        if control in (Control.RESET, Control.GAP):
            self._event_id = None
            self._dirty = True
            self._save_state(force=True)
            word = "reset its event ids" if control is Control.RESET else "reported a gap"
            self._notice("info", f"the server {word}; reconnecting and backfilling")
            return self._next_delay(), ConnectionState.RECONNECTING, f"the server {word}"
        return self._next_delay(), ConnectionState.RECONNECTING, "the stream closed"

    def _reload_from_newest(self) -> str | None:
        """Plan the next history load from the newest event time handed on (a lost position:
        ids mean nothing, times still do); the time as said, or None when none is known."""
        reload = self._newest.reload() if self._source.catches_up else None
        if reload is None:
            return None
        self._reload = reload
        self._since = reload.since
        self._history_pending = True
        self._dirty = True
        return clock_time(reload.since)

    def _next_delay(self, *, silent: float = 0.0) -> float:
        """The backoff's next delay, started over first if the connection that just ended
        stayed up (and, for a stall, not ``silent``) for ``healthy_after`` seconds.

        Counting connections that stayed up, rather than entries delivered, is what keeps a
        server that sends one entry and closes from being reconnected to at the base rate.
        """
        live_at, self._live_at = self._live_at, None
        if live_at is not None:
            lasted = asyncio.get_running_loop().time() - live_at - silent
            if lasted >= self._healthy_after:
                self._backoff.reset()
        return self._backoff.next_delay()

    def _plan(self) -> ConnectPlan:
        since = self._since if self._history_pending else None
        return ConnectPlan(
            resume_id=self._event_id or None,
            after_key=self._last_key,
            history=(self._history or RECOVERY_HISTORY) if self._history_pending else 0,
            since=since,
            progress=self._history_progress if self._history_pending else None,
            answer_within=self._idle_timeout,
        )

    def _history_progress(self, entries: int, pages: int) -> None:
        """A history page arrived: publish how far the load has got (the status shows it)."""
        self._publish(history_progress=HistoryProgress(entries, pages))

    async def _read(self, plan: ConnectPlan) -> Control | None:
        loop = asyncio.get_running_loop()
        idle = self._idle_timeout
        # The idle timer starts once the connection is open: what opening does (history
        # pages, a job, a handshake) is timed by each request, and the stream's own answer
        # by ``plan.answer_within``.
        async with self._source.connect(plan) as connection, asyncio.timeout(idle) as deadline:
            self._was_live = True
            self._live_at = loop.time()
            self._publish(state=ConnectionState.LIVE, detail="", retry_at=None)
            async for chunk in connection:
                control = self._handle(chunk)
                if control is not None:
                    return control
                # After handing on, so a sink that blocked (a paused pipe reader) is not
                # mistaken for a silent server. A history or backfill page still to come is
                # timed by its own request, not taken for silence.
                deadline.reschedule(None if chunk.catching_up else loop.time() + idle)
        return None

    def _handle(self, chunk: Chunk) -> Control | None:
        """Deliver one chunk's entries, advance the resume point, count what went wrong."""
        changes: dict[str, Any] = {}
        if chunk.entries or not chunk.catching_up:
            if self._history_pending:
                self._since = None  # once: a later re-read (lost position) reads by count
            self._history_pending = False
        if not chunk.catching_up and self._status.history_progress is not None:
            changes["history_progress"] = None
        if chunk.entries:
            self._deliver(chunk.entries, changes)
        if self._reload is not None and not chunk.catching_up:
            self._reload = None  # caught up: what comes now is past the reload's start
        if chunk.resume_id is not None:
            self._event_id = chunk.resume_id
            self._dirty = True
            changes["last_event_id"] = chunk.resume_id or None
        if chunk.retry_ms is not None:
            self._backoff.set_server_retry(chunk.retry_ms)
        if chunk.sampling is not None and chunk.sampling != self.status.sampling:
            changes["sampling"] = chunk.sampling
        if chunk.malformed:
            changes["malformed"] = self.status.malformed + chunk.malformed
        if chunk.oversized:
            changes["oversized"] = self.status.oversized + chunk.oversized
            self._notice("warning", f"dropped {chunk.oversized} event(s) over the size limit")
        for notice in chunk.notices:
            self._sink.on_notice(notice)
        now = self._clock()
        counted = bool(changes.get("malformed") or changes.get("oversized")) or (
            "sampling" in changes or "history_progress" in changes
        )
        if counted or now - self._status_at >= STATUS_INTERVAL:
            self._publish(**changes)
        elif changes:
            self._unpublished = {**self._unpublished, **changes}
        if self._dirty and now - self._saved_at >= self._save_interval:
            self._save_state()
        return chunk.control

    def _deliver(self, entries: Any, changes: dict[str, Any]) -> int:
        """Stamp, de-duplicate by key and hand on one batch (the hot loop: locals only).

        Adds the new counters to ``changes``; returns how many entries were handed on.
        """
        now = self._clock()
        seen = self._seen
        seen.trim()  # before the batch: its keys are never the ones forgotten
        seen_keys = seen.keys
        remember = seen.order.append
        catchup = self._catchup
        duplicates = 0
        last_key = None
        if self._reload is not None:
            entries, duplicates = self._reload.fresh(entries)
        if type(entries) is EntryBatch:
            if self._all_new(entries, seen_keys, seen.order):
                entries.stamp(now)
                if entries.keys:
                    last_key = entries.keys[-1]
                    catchup.clear()
                self._hand_on(entries, last_key, duplicates, changes)
                return len(entries)
            entries = entries.entries
        out: list[Entry] = []
        append = out.append
        for entry in entries:
            key = entry.key
            if key is not None:
                if key in seen_keys:
                    duplicates += 1
                    continue
                seen_keys.add(key)
                remember(key)
                last_key = key
                if entry.event_id is None:
                    catchup.append(key)
                elif catchup:
                    catchup.clear()
            entry.received_at = now
            append(entry)
        self._hand_on(out, last_key, duplicates, changes)
        return len(out)

    @staticmethod
    def _all_new(batch: EntryBatch, seen_keys: set[str], order: Any) -> bool:
        """Whether the batch can be handed on whole, checked with a few C-level passes: no
        key at all, or every entry keyed, with an event id, and new (neither seen before nor
        repeated in the batch). Then its keys are remembered; otherwise nothing changes."""
        keys = batch.keys
        if keys is None:
            return True
        # ``all``: None (and the rare empty key or id, left to the general path) is falsy.
        if not keys or not all(keys) or not all(batch.event_ids):
            return False
        if not seen_keys.isdisjoint(keys):
            return False
        before = len(seen_keys)
        seen_keys.update(keys)  # type: ignore[arg-type]
        if len(seen_keys) - before != len(keys):  # a key repeated within the batch
            seen_keys.difference_update(keys)
            return False
        order.extend(keys)
        return True

    def _hand_on(
        self, out: Any, last_key: str | None, duplicates: int, changes: dict[str, Any]
    ) -> None:
        """Hand ``out`` to the sink and count it (``_deliver``'s second half)."""
        catchup = self._catchup
        if len(catchup) > CATCHUP_CAPACITY:
            del catchup[:-CATCHUP_CAPACITY]
        if out:
            self._sink.on_entries(out)
            if self._source.catches_up and self._newest.note(out):
                self._dirty = True
        if last_key is not None:
            self._last_key = last_key
            self._dirty = True
        status, unpublished = self._status, self._unpublished
        changes["received"] = unpublished.get("received", status.received) + len(out)
        if duplicates:
            changes["duplicates"] = unpublished.get("duplicates", status.duplicates) + duplicates
        origin = out[0].origin if out and type(out) is not EntryBatch else "live"
        if origin == "history":
            changes["history"] = unpublished.get("history", status.history) + len(out)
        elif origin == "backfill":
            changes["backfilled"] = unpublished.get("backfilled", status.backfilled) + len(out)
            self._notice("info", f"caught up {len(out)} entries from the log store")

    # -- waiting ----------------------------------------------------------------------------

    async def _wait(self, delay: float, state: ConnectionState, detail: str) -> None:
        """Wait ``delay`` seconds (or until woken), said when long or before the first success.

        Only a server's hint (``Retry-After``, a long ``retry:``) can ask for more than
        ``MAX_RETRY_AFTER``; the wait is shortened to that, and the reason says so.
        """
        assert self._wake is not None
        if delay > MAX_RETRY_AFTER:
            detail = f"{detail}; {capped_note(delay, MAX_RETRY_AFTER)}"
            delay = MAX_RETRY_AFTER
        retry_at = self._clock() + delay
        self._publish(state=state, detail=detail, retry_at=retry_at, history_progress=None)
        if delay <= 0:
            return
        if self._say_wait or delay >= WAIT_SAID_AFTER:
            self._notice("warning", wait_message(detail, retry_at, delay))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    # -- status and notices -----------------------------------------------------------------

    def _publish(self, **changes: Any) -> None:
        status = dataclasses.replace(self._status, **{**self._unpublished, **changes})
        self._unpublished = {}
        self._status = status
        self._status_at = self._clock()
        self._sink.on_status(status)

    def _notice(self, level: Any, message: str) -> None:
        self._sink.on_notice(Notice(level, message))

    # -- resume state -----------------------------------------------------------------------

    def _key(self) -> str | None:
        if self._store is None:
            return None
        if self._state_key is None:
            source = self._source
            self._state_key = self._store.key(source.kind, source.url, source.filters)
        return self._state_key

    def _load_state(self) -> None:
        key = self._key()
        if key is None or not self._resume or self._store is None or self._since is not None:
            return
        try:
            state = self._store.load(key)
        except (OSError, ValueError) as error:
            self._notice("warning", f"could not read the saved resume point ({error})")
            return
        if not isinstance(state, Mapping):
            return
        event_id = state.get("last_event_id")
        last_key = state.get("last_key")
        catchup = state.get("catchup_keys")
        if isinstance(event_id, str) and event_id:
            self._event_id = event_id
        if isinstance(last_key, str) and last_key:
            self._last_key = last_key
        if isinstance(catchup, list):
            self._catchup = [key for key in catchup if isinstance(key, str)][-CATCHUP_CAPACITY:]
            for key in self._catchup:
                self._seen.add(key)
        self._newest.restore(state)
        if self._event_id or self._last_key:
            self._history_pending = False
            self._publish(last_event_id=self._event_id)
            self._notice("info", "resuming where the last run stopped")
        else:
            at = self._reload_from_newest()  # the last run lost its position, then stopped
            if at is not None:
                self._notice("info", f"the last run had no position left; reloading from {at}")

    def _save_state(self, *, force: bool = False) -> None:
        key = self._key()
        self._saved_at = self._clock()
        if key is None or self._store is None or not (self._dirty or force):
            return
        if not self._dirty:
            return
        state: dict[str, Any] = {"last_event_id": self._event_id, "last_key": self._last_key}
        if self._catchup:
            state["catchup_keys"] = list(self._catchup)
        state.update(self._newest.state())
        try:
            self._store.save(key, state)
        except OSError as error:
            if not self._save_failed:
                self._save_failed = True
                self._notice("warning", f"could not save the resume point: {error}")
            return
        self._dirty = False

    def _forget_position(self) -> None:
        """Start over from history: the server renumbered, so old ids and keys mean nothing.

        The newest event time handed on (and the identities at it) stay: times still hold,
        and the reload starts from there (:meth:`_reload_from_newest`)."""
        self._event_id = None
        self._last_key = None
        self._seen.clear()
        self._catchup.clear()
        self._history_pending = True
        self._dirty = True
        self._save_state(force=True)


__all__ = ["MAX_RETRY_AFTER", "Engine", "default_backoff"]
