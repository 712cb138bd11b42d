"""The service as it is, where it departs from IBM's Instant Logs page: each case runs the demo
server in the mode that shows the behaviour, over loopback, and checks what logtui does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState
from logtui.core.sources.instant_logs.jobs import SessionActive
from logtui.demo import DemoServer, Fault

from .helpers import WaitingSink, demo_config, emit, fast_backoff, make_source, running

SOCKET = "instant-logs-socket"


@pytest.fixture
def posted() -> list[str]:
    """The path of every job request the source sends."""
    return []


def recording(paths: list[str]) -> Callable[[], httpx.AsyncClient]:
    async def record(request: httpx.Request) -> None:
        paths.append(request.url.path)

    return lambda: httpx.AsyncClient(follow_redirects=False, event_hooks={"request": [record]})


def serve(*modes: str, **overrides: Any) -> DemoServer:
    return DemoServer(demo_config(instant_modes=frozenset(modes), **overrides))


@pytest.fixture
def legacy() -> Iterator[DemoServer]:
    with serve("legacy-endpoint") as server:
        yield server


async def test_an_older_api_without_the_jobs_path_is_used_at_logpush_edge_and_remembered(
    legacy: DemoServer, posted: list[str]
) -> None:
    legacy.faults.script(SOCKET, [Fault.expire(after=5)])
    source = make_source(legacy, client_factory=recording(posted))
    sink = WaitingSink()
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        await emit(legacy, 5)
        await sink.wait_for(lambda s: len(source.jobs) == 2)
        await emit(legacy, 5)
        await sink.until_count(10)
    assert posted == [
        "/client/v4/zones/zone-a/logpush/edge/jobs",
        "/client/v4/zones/zone-a/logpush/edge",
        "/client/v4/zones/zone-a/logpush/edge",
    ], "one 404 on the current path, then the older path every time"
    assert source.jobs_url.endswith("/zones/zone-a/logpush/edge")


async def test_a_zone_missing_on_both_paths_names_the_current_one(
    posted: list[str],
) -> None:
    with serve() as server:  # documented: only /logpush/edge/jobs exists
        source = make_source(server, zone="bad zone!", client_factory=recording(posted))
        engine = Engine(source, WaitingSink(), backoff=fast_backoff())
        status = await engine.run()
    assert status.state is ConnectionState.FAILED
    assert len(posted) == 2
    message = str(engine.error)
    assert "/logpush/edge/jobs was not found (404" in message
    assert "check the zone id" in message


async def test_a_job_answered_201_with_only_destination_conf_and_session_id_streams() -> None:
    with serve("job-201") as server:
        source = make_source(server)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            await emit(server, 5)
            await sink.until_count(5)
    assert [job.id for job in source.jobs] == ["#1"], "no id in the answer: a local label"


async def test_error_1303_is_the_session_already_active_naming_the_other_session() -> None:
    with serve("session-1303") as server:
        holder = WaitingSink()
        async with running(Engine(make_source(server, zone="shared"), holder)):
            await holder.live()
            jobs_before = server.faults.connections("instant-logs-jobs")
            engine = Engine(make_source(server, zone="shared"), WaitingSink(),
                            backoff=fast_backoff())
            status = await engine.run()
            jobs_after = server.faults.connections("instant-logs-jobs")
    assert status.state is ConnectionState.FAILED
    assert isinstance(engine.error, SessionActive)
    message = str(engine.error)
    assert "already has an Instant Logs session" in message
    assert "another viewer" in message
    assert "(the API answered 400: Too many sessions for this zone)" in message
    assert jobs_after == jobs_before + 1, "one attempt, no retry loop"


async def test_a_redirected_session_socket_says_the_url_was_not_wss() -> None:
    with serve("ws-redirect") as server:
        source = make_source(server)
        engine = Engine(source, WaitingSink(), backoff=fast_backoff())
        status = await engine.run()
        sockets = server.faults.connections(SOCKET)
    assert status.state is ConnectionState.FAILED
    message = str(engine.error)
    assert "redirected (301)" in message
    assert "does not start with wss://" in message
    assert "ssl" not in message.lower(), "the redirect is reported, not followed"
    assert sockets == 0, "the refused handshake never reached a session"


async def test_a_429_on_the_session_socket_waits_minutes_and_says_so() -> None:
    with serve("ws-429") as server:
        source = make_source(server)
        sink = WaitingSink()
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.wait_for(lambda s: ConnectionState.RATE_LIMITED in s.states())
            limited = next(s for s in sink.statuses if s.state is ConnectionState.RATE_LIMITED)
    assert "sessions were started too often" in limited.detail
    assert "waiting 1 min" in limited.detail
    assert limited.retry_at is not None
    assert limited.retry_at - time.time() > 50, "the wait is a minute, not a backoff step"
    assert len(source.jobs) == 1


@pytest.mark.parametrize(
    ("condition", "default", "service"),
    [
        ({"key": "ClientCountry", "operator": "neq", "value": "ca"}, 200, 400),
        ({"key": "ClientCountry", "operator": "!eq", "value": "ca"}, 200, 200),
        ({"key": "EdgeResponseStatus", "operator": "in", "value": "200,201"}, 200, 400),
        ({"key": "EdgeResponseStatus", "operator": "in", "value": [200, 201]}, 200, 200),
    ],
)
async def test_the_demo_takes_the_documented_filter_by_default_and_the_services_in_its_mode(
    condition: dict[str, Any], default: int, service: int
) -> None:
    body = {"fields": "RayID", "sample": 1, "kind": "instant-logs",
            "filter": json.dumps({"where": {"and": [condition]}})}
    statuses = []
    for modes in ((), ("service-filters",)):
        with serve(*modes) as server:
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"{server.instant_logs_url}/zones/z{len(statuses)}/logpush/edge/jobs",
                    json=body, headers={"Authorization": f"Bearer {server.config.token}"},
                )
            statuses.append(answer.status_code)
    assert statuses == [default, service]


class BatchCountingSink(WaitingSink):
    """Counts the chunks entries arrive in (one per WebSocket message)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def on_entries(self, entries: Any) -> None:
        self.batches += 1
        super().on_entries(entries)


async def test_a_message_of_several_newline_separated_records_gives_each_record() -> None:
    with serve() as server:  # the documented default: line-delimited JSON per message
        sink = BatchCountingSink()
        async with running(Engine(make_source(server), sink, backoff=fast_backoff())):
            await sink.live()
            before = len(server.entries("instant-logs"))
            await emit(server, 150)
            expected = [r["RayID"] for r in server.entries("instant-logs")[before:]]
            await sink.until_count(150)
    assert sink.rays() == expected
    assert sink.batches < 150, "several records arrived in one message"
