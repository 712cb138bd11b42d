"""Every long wait is said, with its cause and its end; a slow backfill is progress, not silence.

Driven over loopback sockets by a scripted server; the announcements are checked where the user
sees them: the engine's notices (which headless mode writes to stderr without ``-v``) and the
status it publishes for the status bar.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json

import pytest

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState, Notice, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources import proxy as proxy_module
from logtui.core.waits import clock_time
from logtui.headless import NdjsonSink

from .helpers import WaitingSink, fast_backoff, run_until
from .scripted_server import Pause, Recorded, Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}
JSON = {"Content-Type": "application/json"}
STREAM = "/api/proxy-logs/_logs/stream"
LOGS = "/api/proxy-logs/_logs"


@pytest.fixture
async def server() -> ScriptedServer:
    async with ScriptedServer() as running:
        yield running  # type: ignore[misc]


def _engine(server: ScriptedServer, sink: object, **options: object) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"), secret="t")
    options.setdefault("backoff", fast_backoff())
    return Engine(build_source(config), sink, **options)  # type: ignore[arg-type]


def _waits(sink: WaitingSink) -> list[str]:
    return [n.message for n in sink.notices if "; retrying at " in n.message]


async def test_a_long_rate_limit_once_live_is_said_with_its_end_on_the_clock(
    server: ScriptedServer,
) -> None:
    server.script(STREAM, [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(429, {**JSON, "Retry-After": "42"}, [b'{"message":"slow down"}']),
    ])
    server.script(LOGS, [Reply(200, JSON, [b'{"entries":[]}'])])
    sink = WaitingSink()
    engine = _engine(server, sink)

    await run_until(engine, sink, lambda s: bool(_waits(s)), within=5)

    limited = next(s for s in sink.statuses if s.state is ConnectionState.RATE_LIMITED)
    assert limited.retry_at is not None
    (said,) = _waits(sink)
    assert "rate limiting" in said and "slow down" in said
    assert f"retrying at {clock_time(limited.retry_at)} (in 42 s)" in said
    assert next(n for n in sink.notices if n.message == said).level == "warning"


async def test_a_wait_over_the_maximum_says_what_the_server_asked_for(
    server: ScriptedServer,
) -> None:
    server.script(STREAM, [Reply(429, {**JSON, "Retry-After": "86400"}, [b"{}"])])
    sink = WaitingSink()
    engine = _engine(server, sink)

    await run_until(engine, sink, lambda s: bool(_waits(s)), within=5)

    limited = next(s for s in sink.statuses if s.state is ConnectionState.RATE_LIMITED)
    assert "the server asked for 86400 s; waiting the 1 h maximum" in limited.detail
    assert limited.retry_at is not None
    (said,) = _waits(sink)
    assert "the server asked for 86400 s; waiting the 1 h maximum" in said
    assert f"retrying at {clock_time(limited.retry_at)} (in 3600 s)" in said


async def test_a_long_retry_field_is_said_with_its_end(server: ScriptedServer) -> None:
    server.script(STREAM, [Reply(200, SSE, [b'retry: 600000\nid: 1\ndata: {"id":1}\n\n'])])
    sink = WaitingSink()
    engine = _engine(server, sink)

    await run_until(engine, sink, lambda s: bool(_waits(s)), within=5)

    waiting = next(s for s in sink.statuses if s.state is ConnectionState.RECONNECTING)
    assert waiting.retry_at is not None
    (said,) = _waits(sink)
    assert said == f"the stream closed; retrying at {clock_time(waiting.retry_at)} (in 600 s)"


async def test_short_waits_once_live_are_not_announced(server: ScriptedServer) -> None:
    server.script(STREAM, [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(200, SSE, [b'id: 2\ndata: {"id":2}\n\n'], hold_open=True),
    ])
    server.script(LOGS, [Reply(200, JSON, [b'{"entries":[]}'])])
    sink = WaitingSink()

    await run_until(_engine(server, sink), sink, lambda s: len(s.entries) == 2)

    assert _waits(sink) == []


class _AwaitedNdjsonSink(NdjsonSink):
    """The headless sink, with a way to await its next notice."""

    def __init__(self) -> None:
        self.stdout = io.BytesIO()
        self.stderr = io.StringIO()
        super().__init__(self.stdout, self.stderr, verbose=False)
        self.noticed = asyncio.Event()

    def on_notice(self, notice: Notice) -> None:
        super().on_notice(notice)
        self.noticed.set()


async def test_headless_says_a_long_wait_on_stderr_without_verbose(
    server: ScriptedServer,
) -> None:
    server.script(STREAM, [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(503, {**JSON, "Retry-After": "30"}, [b"{}"]),
    ])
    server.script(LOGS, [Reply(200, JSON, [b'{"entries":[]}'])])
    sink = _AwaitedNdjsonSink()
    task = asyncio.create_task(_engine(server, sink).run())
    try:
        async with asyncio.timeout(5):
            while "retrying at" not in sink.stderr.getvalue():
                sink.noticed.clear()
                await sink.noticed.wait()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    lines = [line for line in sink.stderr.getvalue().splitlines() if "retrying at" in line]
    assert len(lines) == 1
    assert lines[0].startswith("logtui: warning: ")
    assert "503" in lines[0] and "(in 30 s)" in lines[0]


def _slow_logs(after: int, count: int, delay: float) -> Reply:
    body = json.dumps({"entries": [{"id": n} for n in range(after + 1, after + 1 + count)]})
    return Reply(200, JSON, [Pause(delay), body.encode()])


async def test_a_backfill_slower_than_the_idle_timeout_completes(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Heartbeats flow on the stream while each backfill page takes longer than the idle
    timeout: the backfill is work in progress, so the engine waits for it instead of calling
    the stream stale and starting the same backfill over."""
    monkeypatch.setattr(proxy_module, "BACKFILL_PAGE", 3)
    beats: list[bytes | Pause] = []
    for _ in range(30):
        beats += [b":\n\n", Pause(0.1)]
    server.script(STREAM, [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(200, SSE, [*beats, b'id: 9\ndata: {"id":9}\n\n'], hold_open=True),
    ])

    def logs(request: Recorded) -> Reply:
        after = int(request.query["afterId"])
        return _slow_logs(after, 3 if after < 7 else 1, 0.5)

    server.script(LOGS, [logs])
    sink = WaitingSink()
    engine = _engine(server, sink, idle_timeout=0.3)

    await run_until(engine, sink, lambda s: len(s.entries) == 9, within=6)

    assert [d["id"] for d in sink.datas()] == list(range(1, 10))  # type: ignore[index]
    assert ConnectionState.STALE not in sink.states()
    assert len(server.requests_to(STREAM)) == 2


async def test_a_stream_silent_after_its_backfill_still_goes_stale(
    server: ScriptedServer,
) -> None:
    server.script(STREAM, [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(200, SSE, [], hold_open=True),
    ])
    server.script(LOGS, [Reply(200, JSON, [b'{"entries":[{"id":2}]}'])])
    sink = WaitingSink()
    engine = _engine(server, sink, idle_timeout=0.3)

    await run_until(engine, sink, lambda s: ConnectionState.STALE in s.states(), within=5)

    assert [d["id"] for d in sink.datas()] == [1, 2]  # type: ignore[index]
