"""Faults over real sockets: a dropped socket, a session gone, refusals, a quiet session.

A socket dropped without a close frame is dialled again (the session survives a drop and
carries on where it stopped); when the session is gone by then, a new job is made. A second
session on a zone is refused once, with a message that says why, and never retried.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.errors import AuthError, FatalSourceError
from logtui.core.models import ConnectionState
from logtui.core.sources.instant_logs.jobs import SessionActive
from logtui.demo import DemoServer, Fault

from .helpers import WaitingSink, demo_config, emit, fast_backoff, make_source, running

JOBS = "instant-logs-jobs"
SOCKET = "instant-logs-socket"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(demo_config()) as running_server:
        yield running_server


async def test_a_dropped_socket_reconnects_to_the_same_session_and_loses_nothing(
    server: DemoServer,
) -> None:
    server.faults.script(SOCKET, [Fault.drop(after=30)])
    source = make_source(server)
    sink = WaitingSink()
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        before = len(server.entries("instant-logs"))
        await emit(server, 100)
        expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
        await sink.until_count(100)
    assert sink.rays() == expected
    assert sink.statuses[-1].reconnects == 1
    assert len(source.jobs) == 1, "the dropped session was dialled again, no new job"
    assert server.faults.connections(SOCKET) == 2
    session_id = source.jobs[0].destination.rsplit("/", 1)[-1]
    shown = [n.message for n in sink.notices] + [s.detail for s in sink.statuses]
    shown += [s.description for s in sink.statuses]
    assert all(session_id not in text for text in shown), "the session URL is a secret"


async def test_a_dropped_socket_whose_session_ended_gets_a_new_job() -> None:
    with DemoServer(demo_config(session_idle=0.1)) as server:
        server.faults.script(SOCKET, [Fault.drop(after=10)])
        source = make_source(server)
        sink = WaitingSink()
        slow = Backoff(0.5, 0.5, random.Random(1))  # longer than the session's idle limit
        async with running(Engine(source, sink, backoff=slow)):
            await sink.live()
            await emit(server, 20)
            await sink.until_count(10)
            await sink.wait_for(lambda s: len(source.jobs) == 2 and s.states()[-1] == "live")
            before = len(server.entries("instant-logs"))
            await emit(server, 20)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.wait_for(lambda s: s.rays()[-20:] == expected)
    assert sink.statuses[-1].reconnects == 1
    assert len(set(sink.rays())) == len(sink.rays())


async def test_a_second_session_on_the_zone_is_refused_once_with_a_clear_message(
    server: DemoServer,
) -> None:
    holder = WaitingSink()
    async with running(Engine(make_source(server, zone="shared"), holder)):
        await holder.live()
        jobs_before = server.faults.connections(JOBS)
        sink = WaitingSink()
        engine = Engine(make_source(server, zone="shared"), sink, backoff=fast_backoff())
        status = await engine.run()
    assert status.state is ConnectionState.FAILED
    assert isinstance(engine.error, SessionActive)
    assert isinstance(engine.error, FatalSourceError)
    assert engine.error.exit_code == 3
    message = str(engine.error)
    assert "already has an Instant Logs session" in message
    assert "another viewer" in message and "stale session" in message
    assert server.faults.connections(JOBS) == jobs_before + 1, "one attempt, no retry loop"


async def test_rejected_credentials_are_an_auth_error_naming_the_variables(
    server: DemoServer,
) -> None:
    sink = WaitingSink()
    engine = Engine(make_source(server, secret="wrong-token"), sink, backoff=fast_backoff())
    status = await engine.run()
    assert status.state is ConnectionState.FAILED
    assert isinstance(engine.error, AuthError)
    message = str(engine.error)
    assert "CLOUDFLARE_API_TOKEN" in message and "CLOUDFLARE_API_KEY" in message
    assert "wrong-token" not in message


async def test_email_and_key_headers_authenticate_the_job(server: DemoServer) -> None:
    headers = {"X-Auth-Email": server.config.auth_email, "X-Auth-Key": server.config.api_key}
    source = make_source(server, secret=None, headers=headers)
    sink = WaitingSink()
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        await emit(server, 5)
        await sink.until_count(5)
    assert len(source.jobs) == 1


async def test_a_rate_limited_job_request_waits_and_tries_again(server: DemoServer) -> None:
    server.faults.script(JOBS, [Fault.rate_limited(retry_after=0)])
    sink = WaitingSink()
    async with running(Engine(make_source(server), sink, backoff=fast_backoff())):
        await sink.live()
        await emit(server, 5)
        await sink.until_count(5)
    assert ConnectionState.RATE_LIMITED in sink.states()
    assert server.faults.connections(JOBS) == 2


async def test_a_quiet_session_is_kept_alive_by_pings_not_taken_for_a_stall(
    server: DemoServer,
) -> None:
    source = make_source(server, keepalive=0.1)
    sink = WaitingSink()
    engine = Engine(source, sink, backoff=fast_backoff(), idle_timeout=0.5)
    async with running(engine):
        await sink.live()
        await asyncio.sleep(1.5)  # the quiet spell under test: three idle timeouts
        await emit(server, 3)
        await sink.until_count(3)
    assert ConnectionState.STALE not in sink.states()
    assert sink.statuses[-1].reconnects == 0
    assert len(source.jobs) == 1
