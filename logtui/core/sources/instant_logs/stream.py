"""The live side of an Instant Logs connection: reading sessions, and renewing them in time.

A session ends after 60 minutes, so a connection outlives its sessions. Before the limit (less
a configurable margin) a new job is created while the old session is still read; both are read
until the old one ends, and records that arrive on both (same ``RayID``) are handed on once.
If the server refuses a second session during the renewal, the old one is closed and the new
one opened at once (a short seam instead of a failure). The engine sees one connection
throughout, so the status stays live.

Every socket is read by its own task into one bounded queue, all the time: a session that is
not read for 5 minutes is ended by the server. When nothing arrives for ``keepalive`` seconds
the current socket is pinged; its pong is handed to the engine as an empty chunk (bytes
arrived), so a quiet but healthy session is never taken for a stalled one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from websockets.exceptions import ConnectionClosed

from logtui.core.errors import FatalSourceError, LogtuiError, TransientSourceError
from logtui.core.models import Notice
from logtui.core.sanitize import safe_line
from logtui.core.sources.base import Chunk
from logtui.core.sources.instant_logs.jobs import SessionActive
from logtui.core.sources.instant_logs.socket import CLOSE_TIMEOUT, LiveSession, MessageDecoder

QUEUE_SIZE: Final = 256
"""Messages read ahead of the engine; past this the socket readers wait."""
RENEW_RETRY: Final = 5.0
"""Seconds before a renewal that failed for a passing reason is tried again."""
EXPIRED_CODE: Final = 1000

OpenSession = Callable[[bool], Awaitable[LiveSession]]
"""Creates a job and opens its socket; the flag says logtui just ended its own session."""


@dataclass(frozen=True, slots=True)
class _Message:
    session: LiveSession
    data: str | bytes


@dataclass(frozen=True, slots=True)
class _Closed:
    session: LiveSession
    code: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class _Renewed:
    session: LiveSession


@dataclass(frozen=True, slots=True)
class _RenewFailed:
    error: LogtuiError


_Event = _Message | _Closed | _Renewed | _RenewFailed


class SessionStream:
    """Reads one or two sessions (two only while renewing) as one stream of chunks."""

    def __init__(
        self,
        first: LiveSession,
        *,
        open_session: OpenSession,
        decoder: MessageDecoder,
        session_max: float,
        renew_margin: float,
        keepalive: float,
        overlap: bool,
    ) -> None:
        self._open_session = open_session
        self._decoder = decoder
        self._session_max = session_max
        self._renew_margin = renew_margin
        self._keepalive = keepalive
        self._overlap = overlap
        """Whether both sessions are read during a renewal (records carry a RayID)."""
        self._queue: asyncio.Queue[_Event] = asyncio.Queue(QUEUE_SIZE)
        self._readers: dict[LiveSession, asyncio.Task[None]] = {}
        self._primary = first
        self._renewal: asyncio.Task[None] | None = None
        self._renew_at = self._renew_time(first)
        self._start_reader(first)

    @property
    def primary(self) -> LiveSession:
        """The newest session: the one the stream carries on with."""
        return self._primary

    # -- the stream -------------------------------------------------------------------------

    async def chunks(self) -> AsyncGenerator[Chunk, None]:
        """Chunks until a session fails in a way only a reconnect can handle."""
        loop = asyncio.get_running_loop()
        yield self._decoder.first_chunk()
        while True:
            now = loop.time()
            if self._renewal is None and len(self._readers) <= 1 and now >= self._renew_at:
                self._renewal = asyncio.create_task(self._renew())
            wait = self._keepalive
            if self._renewal is None and len(self._readers) <= 1:
                wait = max(0.0, min(wait, self._renew_at - now))
            try:
                async with asyncio.timeout(wait):
                    event = await self._queue.get()
            except TimeoutError:
                if loop.time() >= self._renew_at and self._renewal is None:
                    continue
                if await self._ping():
                    yield Chunk()
                continue
            if isinstance(event, _Message):
                yield self._decoder.decode(event.data)
            elif isinstance(event, _Closed):
                chunk = await self._closed(event)
                if chunk is not None:
                    yield chunk
            elif isinstance(event, _Renewed):
                yield await self._renewed(event.session)
            else:
                chunk = await self._renew_failed(event.error)
                if chunk is not None:
                    yield chunk

    async def aclose(self) -> None:
        """Stop every task and close every socket this stream still holds."""
        renewal, self._renewal = self._renewal, None
        if renewal is not None:
            renewal.cancel()
            with contextlib.suppress(BaseException):
                await renewal
        sessions = list(self._readers)
        for session in sessions:
            self._readers.pop(session).cancel()
        while not self._queue.empty():  # a renewal that finished: its session is ours too
            event = self._queue.get_nowait()
            if isinstance(event, _Renewed) and event.session not in sessions:
                sessions.append(event.session)
        for session in sessions:
            await close_session(session)

    # -- events -----------------------------------------------------------------------------

    async def _closed(self, event: _Closed) -> Chunk | None:
        session = event.session
        if self._readers.pop(session, None) is None:
            return None  # a session this stream closed itself
        if session is not self._primary:
            return Chunk(notices=(Notice("info", f"job {session.job.id} ended; job "
                                                 f"{self._primary.job.id} carries on"),))
        if event.code == EXPIRED_CODE and not self._readers and self._renewal is not None:
            # A renewal is under way: its session takes over when it is ready.
            return Chunk(notices=(Notice(
                "info", f"session of job {session.job.id} ended ({self._reason(event)})"
                " while the next one was being set up",
            ),))
        if event.code == EXPIRED_CODE and not self._readers:
            # The server ended the session (its time limit): a new job at once, no backoff.
            fresh = await self._open_session(False)
            self._adopt(fresh)
            return Chunk(notices=(Notice(
                "info",
                f"session of job {session.job.id} ended ({self._reason(event)});"
                f" started job {fresh.job.id}",
            ),))
        if self._readers:
            # The newer session failed while an older one still runs: carry on with that one.
            older = next(iter(self._readers))
            self._primary = older
            self._renew_at = asyncio.get_running_loop().time()
            return Chunk(notices=(Notice("warning", f"session of job {session.job.id} closed "
                                                    f"({self._reason(event)}); renewing again"),))
        raise TransientSourceError(f"the Instant Logs session closed ({self._reason(event)})")

    async def _renewed(self, fresh: LiveSession) -> Chunk:
        old = self._primary
        self._renewal = None
        self._adopt(fresh)
        if not self._overlap:
            # Without a RayID the overlap cannot be de-duplicated: switch over at once.
            _stop(self._readers.pop(old, None))
            await close_session(old)
            return Chunk(notices=(Notice(
                "info",
                f"renewed the session: job {old.job.id} closed, job {fresh.job.id} started"
                " (add RayID to --fields for a seamless overlap)",
            ),))
        return Chunk(notices=(Notice(
            "info", f"renewing the session: job {fresh.job.id} runs beside job {old.job.id}"
        ),))

    async def _renew_failed(self, error: LogtuiError) -> Chunk | None:
        self._renewal = None
        loop = asyncio.get_running_loop()
        old = self._primary
        if isinstance(error, SessionActive):
            # The server allows no second session: close ours and open the next at once.
            _stop(self._readers.pop(old, None))
            await close_session(old)
            fresh = await self._open_session(True)
            self._adopt(fresh)
            return Chunk(notices=(Notice(
                "info",
                f"renewed the session: job {old.job.id} closed, job {fresh.job.id} started"
                " (the server allows no overlap)",
            ),))
        if isinstance(error, FatalSourceError):
            raise error
        if not self._readers:  # the old session is over too: let the engine reconnect
            raise TransientSourceError(f"could not start the next session ({error})")
        self._renew_at = loop.time() + RENEW_RETRY
        return Chunk(notices=(Notice(
            "warning", f"could not renew the session yet ({error}); retrying"
        ),))

    async def _renew(self) -> None:
        try:
            fresh = await self._open_session(False)
        except LogtuiError as error:
            await self._queue.put(_RenewFailed(error))
            return
        try:
            await self._queue.put(_Renewed(fresh))
        except BaseException:
            await close_session(fresh)
            raise

    # -- helpers ----------------------------------------------------------------------------

    def _adopt(self, session: LiveSession) -> None:
        self._primary = session
        self._renew_at = self._renew_time(session)
        if session not in self._readers:
            self._start_reader(session)

    def _renew_time(self, session: LiveSession) -> float:
        return session.created + max(0.0, self._session_max - self._renew_margin)

    def _start_reader(self, session: LiveSession) -> None:
        self._readers[session] = asyncio.create_task(self._read(session))

    async def _read(self, session: LiveSession) -> None:
        socket = session.socket
        try:
            async for message in socket:
                await self._queue.put(_Message(session, message))
        except ConnectionClosed:
            pass
        await self._queue.put(_Closed(session, socket.close_code, socket.close_reason or ""))

    async def _ping(self) -> bool:
        """Ping the current socket; True when it answered, an error when it did not."""
        try:
            pong = await self._primary.socket.ping()
            async with asyncio.timeout(self._keepalive):
                await pong
        except ConnectionClosed:
            return False  # its reader reports the close
        except TimeoutError:
            raise TransientSourceError(
                f"the Instant Logs session did not answer a ping within {self._keepalive:g} s"
            ) from None
        return True

    @staticmethod
    def _reason(event: _Closed) -> str:
        code = "no close code" if event.code is None else f"code {event.code}"
        reason = safe_line(event.reason)[:80]
        return f"{code}: {reason}" if reason else code


def _stop(reader: asyncio.Task[None] | None) -> None:
    if reader is not None:
        reader.cancel()


async def close_session(session: LiveSession) -> None:
    """Close a session's socket (which ends the session), waiting briefly for the server."""
    session.closed_by_us = True
    with contextlib.suppress(Exception):
        async with asyncio.timeout(CLOSE_TIMEOUT + 1):
            await session.socket.close()


__all__ = ["OpenSession", "SessionStream", "close_session"]
