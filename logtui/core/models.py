"""The values that flow from a source, through the engine, to a sink (the TUI or ndjson).

These are plain slotted dataclasses rather than pydantic models: an entry is created for every
frame on the hot path (the ingest target is well over 100k entries/s), where validation would
cost more than the parse itself. Pydantic is used at the edges where a schema helps (job
responses, configuration).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Origin = Literal["history", "live", "backfill", "gap"]
"""Where an entry came from: the history load, the live stream, or a gap backfill; ``gap`` is
not an entry but a row saying what the server never sent (see :mod:`logtui.core.coverage`)."""


class SourceKind(enum.StrEnum):
    """The names of the built-in log APIs; each is the key of a profile in
    :mod:`logtui.core.apis` (a new API registers a profile under its own name)."""

    PROXY = "proxy"
    NEXTDNS = "nextdns"
    INSTANT_LOGS = "instant-logs"
    SSE = "sse"


@dataclass(slots=True)
class Entry:
    """One log entry as received, with its original text kept for lossless export.

    ``raw`` is the exact payload text from the wire (ndjson output writes it unchanged);
    ``data`` is the parsed JSON object (a non-object JSON value is wrapped as ``{"value": v}``,
    a non-JSON text payload as ``{"message": text}``).
    """

    raw: str
    data: Mapping[str, Any]
    origin: Origin = "live"
    event_id: str | None = None
    """The transport's id for this frame (SSE ``id``), if any."""
    key: str | None = None
    """A stable identity used for de-duplication (proxy-logs entry ``id``), if the API has one."""
    received_at: float = 0.0
    """Wall-clock seconds when logtui received it (from the injected clock)."""
    weight: int = 1
    """How many real events this entry stands for (Instant Logs ``sampleInterval``)."""
    is_json: bool = True
    seq: int = -1
    """Local arrival order, assigned by the entry store; -1 until stored."""
    event_name: str | None = None
    """The transport's name for this frame (SSE ``event``) when the stream names its events
    (set by the plain SSE source; ``None`` for the default ``message``)."""
    source: str | None = None
    """The name of the source it came from when several run together (see
    :mod:`logtui.core.fleet`); ``None`` with one source."""
    late: bool = False
    """It arrived after entries of other sources with later event times had been released,
    beyond the merge's reorder window: shown where it arrived, marked late."""
    parsed: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The JSON object a source parsed ``raw`` into (:func:`~logtui.core.payload.parse_json`)
    and gave as ``data``. While ``data`` is this very object, it is known to be what ``raw``
    parses to, so the store packs the entry without parsing ``raw`` again. Whoever changes an
    entry's fields gives it a new ``data`` (never changes the object in place), which ends
    that: the store then checks ``data`` against ``raw`` itself."""


class ConnectionState(enum.StrEnum):
    """The per-source connection state machine that the UI and ``-v`` report."""

    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"
    RECONNECTING = "reconnecting"
    RATE_LIMITED = "rate-limited"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class HistoryProgress:
    """How far a history load has got: entries fetched and pages (requests) so far."""

    entries: int = 0
    pages: int = 0

    def describe(self) -> str:
        """The progress as people read it: ``history: 12,000 entries, 12 pages``."""
        pages = "page" if self.pages == 1 else "pages"
        return f"history: {self.entries:,} entries, {self.pages:,} {pages}"


@dataclass(slots=True, frozen=True)
class SourceStatus:
    """A snapshot of one source's connection, for the status bar and diagnostics.

    Never holds a secret: ``description`` is built from the URL without credentials.
    """

    kind: str
    """The API's name (see :mod:`logtui.core.apis`)."""
    description: str
    state: ConnectionState = ConnectionState.CONNECTING
    detail: str = ""
    """A short human reason: the failure message, why it is reconnecting, etc."""
    retry_at: float | None = None
    """Wall-clock time of the next attempt while reconnecting or rate-limited."""
    last_event_id: str | None = None
    reconnects: int = 0
    received: int = 0
    malformed: int = 0
    oversized: int = 0
    duplicates: int = 0
    backfilled: int = 0
    history: int = 0
    """Entries handed on from the history load (``--history``, ``--since``)."""
    history_progress: HistoryProgress | None = None
    """How far the history load under way has got (``--history``, ``--since``); None when no
    load is under way. Shown as its :meth:`HistoryProgress.describe` once it takes a while."""
    sampling: str = ""
    """A note on server/client sampling (Instant Logs), empty when not sampled."""
    name: str = ""
    """The source's name when several run together (see :mod:`logtui.core.fleet`)."""


@dataclass(slots=True, frozen=True)
class Notice:
    """A diagnostic worth telling the user: a malformed frame, a reset, a backfill."""

    level: Literal["debug", "info", "warning", "error"]
    message: str


class Sink(Protocol):
    """Where the engine hands its output. Called from the engine's own thread or task.

    Implementations must be cheap and non-blocking: the TUI's sink only enqueues, and the UI
    drains the queue at frame rate.
    """

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Receive new entries, in order, each exactly once."""

    def on_status(self, status: SourceStatus) -> None:
        """Receive the connection status whenever it changes."""

    def on_notice(self, notice: Notice) -> None:
        """Receive a diagnostic."""


@dataclass(slots=True)
class CollectingSink:
    """A sink that keeps everything in memory; for tests and scripts."""

    entries: list[Entry] = field(default_factory=list)
    statuses: list[SourceStatus] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def on_entries(self, entries: Sequence[Entry]) -> None:
        self.entries.extend(entries)

    def on_status(self, status: SourceStatus) -> None:
        self.statuses.append(status)

    def on_notice(self, notice: Notice) -> None:
        self.notices.append(notice)
