"""No server can make the engine reconnect in a loop, whatever it answers.

Each test lets the engine loose on a loopback server that misbehaves in one way, for a second
of real time, and counts the connections that arrived. The backoff starts at 20 ms (a
twenty-fifth of the real one) so that a storm shows within the window: with the delays doubling
from there, at most seven connections fit in it, where a loop that ignores the backoff makes
dozens or thousands.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import time
from collections.abc import Callable

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source

from .helpers import WaitingSink
from .scripted_server import Pause, Recorded, Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}
JSON = {"Content-Type": "application/json"}
BASE = 0.02
"""The first reconnect delay in these tests, in seconds."""
WINDOW = 50 * BASE
"""Seconds of real time each misbehaving server is watched for: the shortest delays from
``BASE`` doubling add up to 32 times it by the seventh connection, 64 times by an eighth."""
MOST_CONNECTIONS = 8
"""Connections a ``BASE`` backoff allows in ``WINDOW`` (seven by the delays, plus slack)."""
STREAM = "/api/proxy-logs/_logs/stream"
LOGS = "/api/proxy-logs/_logs"


class RecordingBackoff(Backoff):
    """A backoff that keeps every delay it handed out."""

    def __init__(self, initial: float, cap: float = 30.0, seed: int = 7) -> None:
        super().__init__(initial, cap, random.Random(seed))
        self.delays: list[float] = []

    def next_delay(self) -> float:
        delay = super().next_delay()
        self.delays.append(delay)
        return delay


@pytest.fixture
async def server() -> ScriptedServer:
    async with ScriptedServer() as running:
        yield running  # type: ignore[misc]


def _proxy_engine(server: ScriptedServer, sink: WaitingSink, **options: object) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"), secret="t")
    options.setdefault("backoff", RecordingBackoff(BASE))
    return Engine(build_source(config), sink, **options)  # type: ignore[arg-type]


async def _connections_within(server: ScriptedServer, engine: Engine, seconds: float) -> int:
    """Run ``engine`` for ``seconds`` of real time (or until it stops); count stream requests."""
    task = asyncio.create_task(engine.run())
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), seconds)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return len(server.requests_to(STREAM))


ENTRY = b'id: 1\ndata: {"id":1}\n\n'


class LogStore:
    """``/_logs`` kept true to what the stream has sent, as the API's log store is: a client
    that checks the stream against it must find them agreeing, so only the misbehaviour under
    test is one."""

    def __init__(self) -> None:
        self.newest = 0

    def stream(self, reply: Reply | Callable[[Recorded], Reply]) -> Callable[[Recorded], Reply]:
        """The stream route ``reply``, with every entry id it sends written to the store."""

        def answer(request: Recorded) -> Reply:
            sent = reply(request) if callable(reply) else reply
            for part in sent.parts:
                if isinstance(part, bytes):
                    for found in re.findall(rb'"id":(\d+)', part):
                        self.newest = max(self.newest, int(found))
            return sent

        return answer

    def logs(self, request: Recorded) -> Reply:
        """``/_logs``: ``last=N`` or ``afterId=K``, ascending, from the ids sent so far."""
        ids = list(range(1, self.newest + 1))
        if "afterId" in request.query:
            ids = [i for i in ids if i > int(request.query["afterId"])]
        if "last" in request.query:
            ids = ids[-int(request.query["last"]):]
        body = json.dumps({"entries": [{"id": i} for i in ids]}).encode()
        return Reply(200, JSON, [body])
PAST = "Wed, 21 Oct 2015 07:28:00 GMT"


def new_entry_then_close(*before: bytes) -> Callable[[Recorded], Reply]:
    """A route that sends one entry never seen before on each connection, then closes."""
    count = itertools.count(1)

    def answer(_: Recorded) -> Reply:
        n = next(count)
        return Reply(200, SSE, [*before, f'id: {n}\ndata: {{"id":{n}}}\n\n'.encode()])

    return answer


MISBEHAVIOURS: dict[str, Reply | Callable[[Recorded], Reply]] = {
    "cut-right-after-accepting": Reply(200, SSE, []),
    "heartbeat-then-close": Reply(200, SSE, [b":\n\n"]),
    "one-entry-then-close": new_entry_then_close(),
    "retry-0-then-cut": new_entry_then_close(b"retry: 0\n\n"),
    "429-retry-after-0": Reply(429, {**JSON, "Retry-After": "0"}, [b"{}"]),
    "503-retry-after-in-the-past": Reply(503, {**JSON, "Retry-After": PAST}, [b"{}"]),
    "503-without-retry-after": Reply(503, JSON, [b"{}"]),
    "reset-right-away": Reply(200, SSE, [b"event: reset\ndata: {}\n\n"]),
    "gap-right-away": Reply(200, SSE, [ENTRY, b"event: gap\ndata: {}\n\n"]),
}


@pytest.mark.parametrize("reply", MISBEHAVIOURS.values(), ids=MISBEHAVIOURS.keys())
async def test_connection_attempts_stay_bounded_whatever_the_server_does(
    server: ScriptedServer, reply: Reply | Callable[[Recorded], Reply]
) -> None:
    store = LogStore()
    server.script(STREAM, [store.stream(reply)])
    server.script(LOGS, [store.logs])
    engine = _proxy_engine(server, WaitingSink())

    connections = await _connections_within(server, engine, WINDOW)

    assert 2 <= connections <= MOST_CONNECTIONS
    # At most a backfill per connection and, when it comes back empty, one look at the
    # server's newest id (is the saved position one the server never wrote?).
    assert len(server.requests_to(LOGS)) <= 2 * connections


async def test_a_204_is_one_connection_and_a_failure(server: ScriptedServer) -> None:
    server.script(STREAM, [Reply(204, {}, [])])
    engine = _proxy_engine(server, WaitingSink())

    connections = await _connections_within(server, engine, WINDOW)

    assert connections == 1
    assert engine.status.state is ConnectionState.FAILED


async def test_a_zero_retry_after_waits_the_backoff_not_zero(server: ScriptedServer) -> None:
    server.script(STREAM, [Reply(429, {**JSON, "Retry-After": "0"}, [b"{}"])])
    backoff = RecordingBackoff(BASE)
    sink = WaitingSink()
    engine = _proxy_engine(server, sink, backoff=backoff)

    await _connections_within(server, engine, 20 * BASE)

    waits = [s.retry_at for s in sink.statuses if s.state is ConnectionState.RATE_LIMITED]
    assert waits and all(wait is not None for wait in waits)
    assert len(backoff.delays) >= 3
    assert backoff.delays[-1] > 4 * backoff.delays[0]


async def test_the_first_reconnect_after_a_healthy_stream_waits_the_base(
    server: ScriptedServer,
) -> None:
    """A connection that stayed up is not a failure: the next wait is the base, within 10%."""
    arrivals: list[float] = []

    def healthy(_: Recorded) -> Reply:
        arrivals.append(time.monotonic())
        return Reply(200, SSE, [ENTRY, Pause(0.3), b":\n\n"])

    store = LogStore()
    server.script(STREAM, [store.stream(healthy)])
    server.script(LOGS, [store.logs])
    backoff = RecordingBackoff(0.2, seed=3)
    sink = WaitingSink()
    engine = _proxy_engine(server, sink, backoff=backoff, healthy_after=0.25)

    task = asyncio.create_task(engine.run())
    try:
        await sink.wait_for(lambda s: len(arrivals) >= 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert len(backoff.delays) >= 4
    assert all(0.2 <= delay <= 0.22 for delay in backoff.delays)


async def test_a_retry_field_is_the_first_reconnect_delay(server: ScriptedServer) -> None:
    arrivals: list[float] = []

    def answer(_: Recorded) -> Reply:
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return Reply(200, SSE, [b"retry: 400\n", ENTRY])
        return Reply(200, SSE, [], hold_open=True)

    server.script(STREAM, [answer])
    server.script(LOGS, [Reply(200, JSON, [b'{"entries":[]}'])])
    backoff = RecordingBackoff(0.05, seed=11)
    sink = WaitingSink()
    engine = _proxy_engine(server, sink, backoff=backoff)

    task = asyncio.create_task(engine.run())
    try:
        await sink.wait_for(lambda s: len(arrivals) >= 2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert 0.4 <= backoff.delays[0] <= 0.44
    assert arrivals[1] - arrivals[0] >= 0.4
