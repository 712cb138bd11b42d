"""What the engine needs from a source, whatever its transport (SSE today, WebSocket later).

A :class:`Source` knows one API: how to open a connection, what a frame means, how to load
history and backfill a gap. The :class:`~logtui.core.engine.Engine` knows none of that; it owns
the state machine, reconnects, the idle timeout, de-duplication and resume state. They meet in
two small values: the :class:`ConnectPlan` the engine hands to :meth:`Source.connect`, and the
:class:`Chunk` stream the connection yields back.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import ClassVar

from logtui.core.errors import TransientSourceError
from logtui.core.models import Entry, Notice
from logtui.core.resource import AsyncResource


class ResumeRejected(TransientSourceError):
    """The server refused the resume point (an expired or unknown id): reconnect without it."""


class Control(enum.Enum):
    """A stream event that changes what the engine does next."""

    RESET = "reset"
    """The server's event ids restarted: forget the resume id, reconnect fresh, backfill."""
    GAP = "gap"
    """The server says entries were skipped: reconnect and backfill."""
    END = "end"
    """The server ended the stream on purpose (``scope-destroyed``): stop cleanly."""
    FORGOTTEN = "forgotten"
    """The server no longer knows the resume point (a restart numbered its entries anew, or it
    rejects the id): forget the id and the last entry, reconnect and re-read history."""


@dataclass(frozen=True, slots=True)
class ConnectPlan:
    """What the engine asks of the next connection."""

    resume_id: str | None = None
    """Transport resume point (SSE ``Last-Event-ID``, NextDNS ``?id=``); None: start live."""
    after_key: str | None = None
    """Key of the last entry handed on; a source that can backfill fetches what came after it."""
    history: int = 0
    """Entries of recent history to load before live (first connection only)."""
    since: float | None = None
    """Load history from this time (Unix seconds) instead, every entry up to live (``--since``);
    None: ``history`` says what to load."""
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    """Told (entries fetched, pages fetched) after each page of a history load, for a
    progress line; None: nobody asks."""
    answer_within: float | None = None
    """Seconds the stream itself may take to answer once asked (the engine's idle timeout).

    Only the stream's own request: history loaded before it is timed page by page by its
    requests, so a slow history is progress rather than silence.
    """


@dataclass(slots=True)
class Chunk:
    """What one read from the connection produced, in order.

    A connection yields a chunk for every read, even one that produced no entry (a heartbeat):
    that is how the engine's idle timeout counts bytes rather than entries.
    """

    entries: Sequence[Entry] = ()
    resume_id: str | None = None
    """The transport resume point after these entries; None: unchanged, "": cleared."""
    control: Control | None = None
    """A control event that followed the entries; the engine acts on it and drops the rest."""
    retry_ms: int | None = None
    """The server's ``retry:`` hint, when this read changed it."""
    malformed: int = 0
    oversized: int = 0
    notices: Sequence[Notice] = field(default_factory=tuple)
    sampling: str | None = None
    """A new sampling note for the status (Instant Logs); None: unchanged."""
    catching_up: bool = False
    """History or backfill is being fetched: the wait for the next chunk is work, not silence,
    so the engine's idle timeout does not run until a chunk without this mark arrives."""


Connection = AsyncIterator[Chunk]
"""An open connection: iterate it for chunks; it ends when the server closes the stream."""


class Source(AsyncResource, abc.ABC):
    """One log API, opened as an async context manager that owns its transport resources."""

    kind: str
    """The API's name, the key of its :class:`~logtui.core.apis.base.ApiProfile`."""
    BACKFILLS: ClassVar[bool] = False
    """It fetches the entries after ``ConnectPlan.after_key`` on connecting (with the current
    filters), so a filter change can be backfilled rather than reported as a gap."""

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """Where this source reads from, safe to show (never a secret)."""

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """The configured URL without credentials; part of the resume state's identity."""

    @property
    @abc.abstractmethod
    def filters(self) -> Mapping[str, str]:
        """The server-side query parameters in use."""

    @abc.abstractmethod
    def set_filters(self, params: Mapping[str, str]) -> None:
        """Use new server-side parameters from the next connection on."""

    @abc.abstractmethod
    def connect(self, plan: ConnectPlan) -> AbstractAsyncContextManager[Connection]:
        """Open one connection; raise a :mod:`logtui.core.errors` error if that fails."""

    catches_up: ClassVar[bool] = False
    """Whether history or a backfill can close the gap left by a resume point the server lost."""

    def defer_parsing(self) -> None:
        """Build entries lazily when the sink reads no field (headless NDJSON writes the original
        text); a source that cannot does nothing, which is the default."""
        return None

    async def open(self) -> None:
        """Acquire transport resources (an HTTP client, ...); called once before connecting."""
        return None


__all__ = ["Chunk", "ConnectPlan", "Connection", "Control", "ResumeRejected", "Source"]
