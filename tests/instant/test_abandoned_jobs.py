"""A job logtui stops wanting before its socket opens is ended, not left to block the zone.

The service allows one session per zone, and a job whose socket never opened stays a session
for minutes. A second filter typed while the first filter's socket is still opening must not
end in "a session is already active": logtui opens and closes the abandoned job's socket (which
ends that session) and the newest filter's job starts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState
from logtui.core.sources.instant_logs.query import plan_filter
from logtui.demo import DemoServer

from .helpers import (
    WaitingSink,
    demo_config,
    emit,
    emitted_since,
    fast_backoff,
    make_source,
    running,
)


class HeldSecondDial:
    """A dialer whose second socket (the first filter's) never opens until cancelled."""

    def __init__(self) -> None:
        self.dials = 0
        self.holding = asyncio.Event()

    async def __call__(self, url: str, **options: Any) -> ClientConnection:
        self.dials += 1
        if self.dials == 2:
            self.holding.set()
            await asyncio.Event().wait()
        return await connect(url, **options)




def _rays(sink: WaitingSink) -> list[str]:
    """The RayIDs received (gap rows, which have none, left out)."""
    return [entry.data["RayID"] for entry in sink.entries if "RayID" in entry.data]


async def test_a_new_filter_while_the_last_socket_opens_ends_that_job_and_starts_the_next() -> None:
    with DemoServer(demo_config()) as server:
        dialer = HeldSecondDial()
        source = make_source(server, dialer=dialer)
        sink = WaitingSink()
        engine = Engine(source, sink, backoff=fast_backoff())
        async with running(engine):
            await sink.live()
            engine.set_server_filters({"filter": plan_filter("ClientCountry=us").job_filter})
            await dialer.holding.wait()
            engine.set_server_filters({"filter": plan_filter("ClientCountry=ca").job_filter})
            await sink.wait_for(
                lambda s: len(source.jobs) == 3 and s.statuses[-1].state is ConnectionState.LIVE
            )
            before = len(server.entries("instant-logs"))
            await emit(server, 400)
            expected = [r["RayID"] for r in emitted_since(server, before)
                        if r["ClientCountry"] == "ca"]
            await sink.wait_for(lambda s: _rays(s)[-len(expected):] == expected)
    assert expected
    assert dialer.dials == 4, "the abandoned job's socket was opened once more, to end it"
    assert not any("already active" in notice.message for notice in sink.notices)
    assert sink.statuses[-1].state is ConnectionState.LIVE
