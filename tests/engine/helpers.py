"""Shared helpers for engine tests: a sink that can be awaited, and a fast backoff."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable, Sequence

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import (
    CollectingSink,
    ConnectionState,
    Entry,
    Notice,
    SourceStatus,
)


class WaitingSink(CollectingSink):
    """A collecting sink whose contents can be awaited from the engine's own loop."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Event()
        self.batches: list[int] = []

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.batches.append(len(entries))
        self._changed.set()

    def on_status(self, status: SourceStatus) -> None:
        super().on_status(status)
        self._changed.set()

    def on_notice(self, notice: Notice) -> None:
        super().on_notice(notice)
        self._changed.set()

    def poke(self) -> None:
        """Re-check waiting conditions (something outside the sink changed)."""
        self._changed.set()

    async def wait_for(self, condition: Callable[[WaitingSink], bool], within: float = 10) -> None:
        async with asyncio.timeout(within):
            while not condition(self):
                self._changed.clear()
                await self._changed.wait()

    def states(self) -> list[ConnectionState]:
        return [s.state for s in self.statuses]

    def datas(self) -> list[object]:
        return [e.data for e in self.entries]


def fast_backoff() -> Backoff:
    """Reconnect within tens of milliseconds so fault tests stay quick."""
    return Backoff(0.01, 0.05, random.Random(7))


async def run_until(
    engine: Engine,
    sink: WaitingSink,
    condition: Callable[[WaitingSink], bool],
    within: float = 10,
) -> None:
    """Run ``engine`` until ``condition`` holds, then cancel it (state is saved on the way)."""
    task = asyncio.create_task(engine.run())
    try:
        waiter = asyncio.create_task(sink.wait_for(condition, within))
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            waiter.result()
        else:
            waiter.cancel()
            task.result()
            assert condition(sink), "the engine stopped before the condition held"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def states_in_order(seen: Sequence[ConnectionState], *wanted: ConnectionState) -> bool:
    """True if ``wanted`` appear in ``seen`` in this order (other states may come between)."""
    position = 0
    for state in seen:
        if position < len(wanted) and state == wanted[position]:
            position += 1
    return position == len(wanted)
