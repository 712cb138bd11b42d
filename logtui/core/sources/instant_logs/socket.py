"""One Instant Logs WebSocket session: opening it, and turning its messages into entries.

The socket is opened with the ``websockets`` library's asyncio client: it implements RFC 6455
completely (fragmentation, control frames, close handshake, permessage-deflate, size limits)
and is asyncio-native, so a session lives on the engine's own event loop beside the httpx job
request. No credentials are sent to the socket: the session URL itself is the capability.

A message is line-delimited JSON, possibly several records to a message: each line is one HTTP
request record with the job's fields and ``sampleInterval`` (how many requests the server-side
sampling lets the record stand for); the job's own ``sample`` (1 in N) multiplies that weight.

Redirects are not followed: the service answers 301 to a session URL that is not ``wss://``,
and a capability URL must not be sent on to wherever a redirect points. A 429 on the handshake
means sessions were opened too often: :class:`SessionRateLimited`, waited out in minutes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

from logtui.core.backoff import parse_retry_after
from logtui.core.dedupe import RecentKeys
from logtui.core.errors import AuthError, FatalSourceError, RateLimited, TransientSourceError
from logtui.core.models import Entry, Notice
from logtui.core.sanitize import safe_line
from logtui.core.sources.base import Chunk
from logtui.core.sources.instant_logs.defaults import CREDENTIAL_HINT
from logtui.core.sources.instant_logs.jobs import Job, describe_destination

OPEN_TIMEOUT: Final = 10.0
"""Seconds for the WebSocket handshake."""
CLOSE_TIMEOUT: Final = 2.0
"""Seconds to wait for the server's close frame when logtui closes a session."""
MAX_NOTICES_PER_MESSAGE: Final = 3
MAX_WEIGHT: Final = 1_000_000_000
"""A ``sampleInterval`` above this is not believed (the entry then counts once)."""


class SessionGone(TransientSourceError):
    """The session URL no longer exists (it ended or expired): a new job is needed."""


class SessionRateLimited(RateLimited):
    """The handshake was refused with 429: the service wants minutes, not seconds, of rest."""


class _NoRedirects(connect):
    """``connect`` that reports a redirect as the :class:`InvalidStatus` it is."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


@dataclass(eq=False)
class LiveSession:
    """A job and its open socket."""

    job: Job
    socket: ClientConnection
    created: float
    """Event-loop time when the job was created; the session limit counts from here."""
    closed_by_us: bool = field(default=False)


Dialer = Callable[..., Any]
"""``websockets.asyncio.client.connect`` or a stand-in with the same signature."""


async def dial(
    url: str,
    *,
    max_size: int,
    now: float,
    dialer: Dialer = _NoRedirects,
    credential_hint: str = CREDENTIAL_HINT,
) -> ClientConnection:
    """Open the session socket; raise the logtui error that fits a refusal (a refusal of the
    credentials says ``credential_hint``)."""
    where = describe_destination(url)
    try:
        socket: ClientConnection = await dialer(
            url,
            open_timeout=OPEN_TIMEOUT,
            close_timeout=CLOSE_TIMEOUT,
            ping_interval=None,
            max_size=max_size,
            user_agent_header="logtui",
        )
    except InvalidStatus as error:
        raise _status_error(error, where, now, credential_hint) from None
    except InvalidURI:
        raise FatalSourceError(f"the Instant Logs session URL {where} is invalid") from None
    except (InvalidHandshake, OSError, TimeoutError) as error:
        reason = type(error).__name__
        raise TransientSourceError(f"{where}: could not open the session ({reason})") from None
    return socket


def _status_error(
    error: InvalidStatus, where: str, now: float, credential_hint: str
) -> TransientSourceError | FatalSourceError:
    response = error.response
    status = response.status_code
    if 300 <= status < 400:
        return FatalSourceError(
            f"the Instant Logs session URL was redirected ({status}): the service does that"
            f" when a session URL does not start with wss:// (this one was {where}); the job"
            " answer must give a wss:// URL, so check --api-url and any proxy between"
        )
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
        return SessionRateLimited(
            f"{where} refused to open the session (429: sessions were started too often)",
            retry_after=retry_after,
        )
    if status in (404, 410):
        return SessionGone(f"the Instant Logs session at {where} has ended")
    if status == 409:
        return TransientSourceError(f"the Instant Logs session at {where} is already connected")
    if status in (401, 403):
        return AuthError(f"{where} refused the session ({status}); {credential_hint}")
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
        return RateLimited(f"{where} is rate limiting ({status})", retry_after=retry_after)
    if status in (408, 425) or status >= 500:
        return TransientSourceError(f"{where} failed to open the session ({status})")
    return FatalSourceError(f"{where} refused the session ({status})")


def sampling_note(sample: int, interval: int | None) -> str:
    """The status bar's note: the client's sample rate and the server's ``sampleInterval``."""
    parts = []
    if sample > 1:
        parts.append(f"1 in {sample} asked")
    if interval is not None and interval > 1:
        parts.append(f"server 1 in {interval}")
    return " · ".join(parts)


class MessageDecoder:
    """Turns messages into chunks: one entry per JSON line, weighted by ``sampleInterval``
    times the job's ``sample``: with ``sample`` 10 and ``sampleInterval`` 1 a record stands for
    ten requests, so counts estimate the zone's traffic, not the sample's.

    With ``dedupe`` (the job's fields include ``RayID``), a record seen before is skipped: two
    sessions overlap while a job is renewed and both send the records of the overlap.
    """

    def __init__(self, *, sample: int, max_line_bytes: int, dedupe: bool) -> None:
        self._sample = sample
        self._max_line = max_line_bytes
        self._seen = RecentKeys() if dedupe else None
        self._interval: int | None = None
        self._note_sent = False
        self.duplicates = 0
        """Records skipped because another session had already delivered them."""

    def decode(self, message: str | bytes) -> Chunk:
        """The chunk for one WebSocket message."""
        text = message if isinstance(message, str) else message.decode("utf-8", "replace")
        entries: list[Entry] = []
        notices: list[Notice] = []
        malformed = oversized = 0
        interval = self._interval
        sample = self._sample
        seen = self._seen
        loads = json.loads
        for line in text.split("\n"):
            if line.endswith("\r"):
                line = line[:-1]
            if not line or line.isspace():
                continue
            if len(line) > self._max_line // 4 and len(line.encode("utf-8")) > self._max_line:
                oversized += 1
                continue
            try:
                data = loads(line)
            except ValueError:
                data = None
            if type(data) is not dict:
                malformed += 1
                if malformed <= MAX_NOTICES_PER_MESSAGE:
                    excerpt = safe_line(line[:80])
                    notices.append(Notice("warning", f"skipped a record that is not a JSON "
                                                     f"object: {excerpt!r}"))
                continue
            if seen is not None:
                ray = data.get("RayID")
                if type(ray) is str and ray and not seen.add(ray):
                    self.duplicates += 1
                    continue
            weight = data.get("sampleInterval", 1)
            if type(weight) is not int or not 1 <= weight <= MAX_WEIGHT:
                weight = 1
            interval = weight
            entries.append(Entry(raw=line, data=data, weight=min(weight * sample, MAX_WEIGHT)))
        chunk = Chunk(entries=entries, malformed=malformed, oversized=oversized, notices=notices)
        if interval != self._interval or not self._note_sent:
            self._interval = interval
            self._note_sent = True
            chunk.sampling = sampling_note(self._sample, interval)
        return chunk

    def first_chunk(self) -> Chunk:
        """A chunk that only states the sampling asked for, before any record arrives."""
        self._note_sent = True
        chunk = Chunk()
        chunk.sampling = sampling_note(self._sample, self._interval)
        return chunk


__all__ = [
    "CLOSE_TIMEOUT",
    "OPEN_TIMEOUT",
    "Dialer",
    "LiveSession",
    "MessageDecoder",
    "SessionGone",
    "dial",
    "sampling_note",
]
