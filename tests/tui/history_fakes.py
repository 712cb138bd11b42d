"""A history reader for scroll-back tests: a server's older entries, paged as the contract says.

``before(when, limit)`` returns the newest ``limit`` entries strictly older than ``when``, oldest
first, and says ``exhausted`` when nothing older is left. Each call is recorded; a call can be
made to fail, or to wait until the test lets it go (a page in flight).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field

from logtui.core.models import Entry

HANG = 20.0
"""How long a hanging call lasts if nothing cancels it (a test then fails on its result)."""
BASE_MS = 1_718_201_234_000
"""2024-06-12 14:07:14 UTC, as in :mod:`tests.tui.entries`."""


def log(row_id: int, ms: int, *, url: str = "/v1/users") -> Entry:
    """A proxy-logs entry with row ``id`` at ``ms`` (Unix milliseconds)."""
    data = {"id": row_id, "tsMs": ms, "kind": "request", "level": "info", "status": 200,
            "method": "GET", "url": f"{url}?row={row_id}", "serviceName": "user-api"}
    return Entry(raw=json.dumps(data), data=data, origin="live", key=str(row_id))


def fresh(entry: Entry) -> Entry:
    """A copy as a server would send it again (a new object, not yet numbered)."""
    return Entry(raw=entry.raw, data=json.loads(entry.raw), origin="history", key=entry.key)


@dataclass(frozen=True)
class Page:
    """A page of history (the shape of ``logtui.core.history.HistoryPage``)."""

    entries: list[Entry]
    exhausted: bool


@dataclass
class FakeReader:
    """Serves ``older`` (oldest first) a page at a time."""

    older: list[Entry]
    calls: list[tuple[float, int]] = field(default_factory=list)
    fail_with: list[BaseException] = field(default_factory=list)
    """Errors raised by the next calls, one per call."""
    gate: threading.Event | None = None
    """When set up, calls after the first ``free_calls`` wait for it."""
    free_calls: int = 0
    waiting: threading.Event = field(default_factory=threading.Event)
    """Set while a call waits at the gate, or hangs."""
    hang_after: int | None = None
    """Calls after this many never answer (until cancelled)."""
    cancelled: bool = False
    """A hanging call was cancelled."""
    hung_up: threading.Event = field(default_factory=threading.Event)
    """Set when a hanging call ended (cancelled, or after :data:`HANG`)."""

    opened: int = 0
    """Calls made with the reader open (each page opens and closes it)."""
    is_open: bool = False

    async def __aenter__(self) -> FakeReader:
        self.is_open = True
        return self

    async def __aexit__(self, *_: object) -> None:
        self.is_open = False

    async def before(self, when: float, *, limit: int) -> Page:
        assert self.is_open, "read before the reader was opened"
        self.opened += 1
        self.calls.append((when, limit))
        if self.gate is not None and len(self.calls) > self.free_calls:
            self.waiting.set()
            self.gate.wait(timeout=30)
        if self.hang_after is not None and len(self.calls) > self.hang_after:
            self.waiting.set()
            try:
                await asyncio.sleep(HANG)
            except asyncio.CancelledError:
                self.cancelled = True
                raise
            finally:
                self.hung_up.set()
        if self.fail_with:
            raise self.fail_with.pop(0)
        older = [entry for entry in self.older if entry.data["tsMs"] / 1000 < when]
        page = older[-limit:]
        return Page([fresh(entry) for entry in page], exhausted=len(page) == len(older))
