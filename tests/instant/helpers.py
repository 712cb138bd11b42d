"""Shared pieces for Instant Logs tests: a demo server per test, an awaitable sink, engines."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, ConnectionState, Entry, Notice, SourceStatus
from logtui.core.sources.instant_logs.defaults import DEFAULT_FIELDS
from logtui.core.sources.instant_logs.source import InstantLogsSource, zone_url
from logtui.demo import DemoConfig, DemoServer

TOKEN = "il-test-token-5b1e"
ALL_KEYS = (
    "ClientASN", "CacheCacheStatus", "ClientCountry", "ClientIP", "ClientRequestHost",
    "ClientRequestMethod", "ClientRequestPath", "EdgeResponseStatus", "SecurityActions",
    "SecurityRuleIDs",
)
"""The ten keys a job filter may use."""
RICH_FIELDS = (*DEFAULT_FIELDS, *(key for key in ALL_KEYS if key not in DEFAULT_FIELDS))
"""The default fields plus every filterable key, so records can be checked against filters."""


def demo_config(**overrides: Any) -> DemoConfig:
    """A quiet demo server (no background traffic, no history) with a test token."""
    settings: dict[str, Any] = {"seed": 11, "rate": 0.0, "history": 0, "token": TOKEN}
    settings.update(overrides)
    return DemoConfig(**settings)


class WaitingSink(CollectingSink):
    """A collecting sink whose contents can be awaited on the engine's loop."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self._changed.set()

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        self._changed.set()

    def on_notice(self, notice: Notice) -> None:
        super().on_notice(notice)
        self._changed.set()

    async def wait_for(self, condition: Callable[[WaitingSink], bool], within: float = 10) -> None:
        async with asyncio.timeout(within):
            while not condition(self):
                self._changed.clear()
                await self._changed.wait()

    async def until_count(self, count: int, within: float = 10) -> None:
        """Wait until at least ``count`` entries arrived."""
        await self.wait_for(lambda s: len(s.entries) >= count, within)

    async def live(self) -> None:
        await self.wait_for(lambda s: ConnectionState.LIVE in s.states())

    def states(self) -> list[ConnectionState]:
        return [status.state for status in self.statuses]

    def rays(self) -> list[str]:
        return [entry.data["RayID"] for entry in self.entries]


def fast_backoff() -> Backoff:
    """Reconnect within tens of milliseconds."""
    return Backoff(0.01, 0.05, random.Random(3))


def make_source(server: DemoServer, zone: str = "zone-a", **options: Any) -> InstantLogsSource:
    """An Instant Logs source on the demo server, authenticated with the Bearer token."""
    settings: dict[str, Any] = {
        "url": zone_url(server.instant_logs_url, zone),
        "secret": server.config.token,
        "headers": {},
        "filters": {},
        "fields": RICH_FIELDS,
        "keepalive": 1.0,
    }
    settings.update(options)
    return InstantLogsSource(**settings)


@contextlib.asynccontextmanager
async def running(engine: Engine) -> AsyncIterator[asyncio.Task[SourceStatus]]:
    """Run ``engine`` in a task for the duration of the block, then cancel it."""
    task = asyncio.create_task(engine.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def emitted_since(server: DemoServer, before: int) -> list[dict[str, Any]]:
    """The records the demo server generated after the first ``before``."""
    return server.entries("instant-logs")[before:]


async def emit(server: DemoServer, count: int) -> None:
    """Generate ``count`` request records now (from a thread: ``emit`` blocks until stored)."""
    await asyncio.to_thread(server.emit, count, "instant-logs")
