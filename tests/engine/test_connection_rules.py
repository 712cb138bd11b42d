"""Connection rules the engine must keep with any server: stop, retry, resume, redirect.

Driven over real loopback sockets by a scripted server, so exact bytes and statuses are under
the test's control.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from logtui.core.engine import Engine
from logtui.core.errors import AuthError, FatalSourceError
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources import proxy as proxy_module

from .helpers import WaitingSink, fast_backoff, run_until, states_in_order
from .scripted_server import Pause, Recorded, Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def server() -> ScriptedServer:
    async with ScriptedServer() as running:
        yield running  # type: ignore[misc]


def _engine(config: SourceConfig, sink: WaitingSink, **options: object) -> Engine:
    options.setdefault("backoff", fast_backoff())
    return Engine(build_source(config), sink, **options)  # type: ignore[arg-type]


def _proxy(server: ScriptedServer, token: str | None = "secret-token") -> SourceConfig:
    return SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"), secret=token)


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (Reply(403, JSON, [b'{"message":"Logs token missing or invalid"}']), AuthError,
         ["LOGTUI_PROXY_TOKEN", "--token", "403", "Logs token missing or invalid"]),
        (Reply(401, JSON, [b"{}"]), AuthError, ["LOGTUI_PROXY_TOKEN", "401"]),
        (Reply(404, JSON, [b"{}"]), FatalSourceError, ["404", "check the URL"]),
        (Reply(204, {}, []), FatalSourceError, ["204"]),
        (Reply(200, {"Content-Type": "text/html"}, [b"<html>"]), FatalSourceError,
         ["text/html", "text/event-stream"]),
    ],
)
async def test_refusals_fail_after_one_attempt_with_what_to_fix(
    server: ScriptedServer, reply: Reply, error: type[Exception], words: list[str]
) -> None:
    server.script("/api/proxy-logs/_logs/stream", [reply])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    status = await asyncio.wait_for(engine.run(), 10)

    assert status.state is ConnectionState.FAILED
    assert type(engine.error) is error
    message = str(engine.error)
    for word in words:
        assert word in message
    assert "secret-token" not in message
    assert "\n" not in message
    assert len(server.requests_to("/api/proxy-logs/_logs/stream")) == 1


async def test_rate_limit_waits_for_retry_after_then_streams(server: ScriptedServer) -> None:
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(429, {**JSON, "Retry-After": "1"}, [b'{"message":"Rate limit exceeded"}']),
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)
    started = time.monotonic()

    await run_until(engine, sink, lambda s: len(s.entries) == 1)

    waited = time.monotonic() - started
    limited = [s for s in sink.statuses if s.state is ConnectionState.RATE_LIMITED]
    assert limited and limited[0].retry_at is not None
    assert waited >= 0.9
    assert "Rate limit exceeded" in limited[0].detail
    assert sink.datas() == [{"id": 1}]


async def test_stall_goes_stale_then_resumes_with_last_event_id(server: ScriptedServer) -> None:
    server.script("/stream", [
        Reply(200, SSE, [b"id: a1\ndata: {\"n\":1}\n\n"], hold_open=True),
        Reply(200, SSE, [b":\n\nid: a2\ndata: {\"n\":2}\n\n"], hold_open=True),
    ])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.SSE, url=server.url("/stream"))
    engine = _engine(config, sink, idle_timeout=0.3)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert sink.datas() == [{"n": 1}, {"n": 2}]
    assert states_in_order(sink.states(), ConnectionState.LIVE, ConnectionState.STALE,
                           ConnectionState.RECONNECTING, ConnectionState.LIVE)
    second = server.requests_to("/stream")[1]
    assert second.headers["last-event-id"] == "a1"


async def test_heartbeats_keep_a_quiet_stream_live(server: ScriptedServer) -> None:
    beats: list[bytes | Pause] = [b'id: 1\ndata: {"n":1}\n\n']
    for _ in range(6):
        beats += [Pause(0.1), b":\n\n"]
    beats.append(b'id: 2\ndata: {"n":2}\n\n')
    server.script("/stream", [Reply(200, SSE, beats, hold_open=True)])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink,
                     idle_timeout=0.35)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert ConnectionState.STALE not in sink.states()
    assert len(server.requests_to("/stream")) == 1


async def test_cut_mid_frame_drops_the_partial_frame_and_resumes_after_the_last_whole_one(
    server: ScriptedServer,
) -> None:
    server.script("/stream", [
        Reply(200, SSE, [b'id: 1\ndata: {"n":1}\n\nid: 2\ndata: {"n"']),
        Reply(200, SSE, [b'id: 2\ndata: {"n":2}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert sink.datas() == [{"n": 1}, {"n": 2}]
    assert server.requests_to("/stream")[1].headers["last-event-id"] == "1"
    assert sink.statuses[-1].reconnects >= 1


async def test_generic_stream_turns_text_into_entries_and_keeps_raw(
    server: ScriptedServer,
) -> None:
    body = b'data: {"a": 1}\r\n\r\ndata: plain words\r\n\r\ndata: [1,2]\r\n\r\n'
    server.script("/stream", [Reply(200, SSE, [body[:7], body[7:20], body[20:]], hold_open=True)])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 3)

    assert [e.raw for e in sink.entries] == ['{"a": 1}', "plain words", "[1,2]"]
    assert [e.is_json for e in sink.entries] == [True, False, True]
    assert sink.datas() == [{"a": 1}, {"message": "plain words"}, {"value": [1, 2]}]


async def test_malformed_and_oversized_frames_are_counted_and_the_stream_goes_on(
    server: ScriptedServer,
) -> None:
    big = b"data: " + b"x" * 5000 + b"\n\n"
    server.script("/api/proxy-logs/_logs/stream", [Reply(200, SSE, [
        b'id: 1\ndata: {"id":1}\n\ndata: not json {\n\n', big, b'id: 2\ndata: {"id":2}\n\n',
    ], hold_open=True)])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"),
                          max_event_bytes=1000)
    engine = _engine(config, sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert sink.datas() == [{"id": 1}, {"id": 2}]
    assert engine.status.malformed == 1
    assert engine.status.oversized == 1
    assert any("not JSON" in n.message for n in sink.notices)
    assert len(server.requests_to("/api/proxy-logs/_logs/stream")) == 1


async def test_retry_field_sets_the_reconnect_delay(server: ScriptedServer) -> None:
    server.script("/stream", [
        Reply(200, SSE, [b'retry: 700\nid: 1\ndata: {"n":1}\n\n']),
        Reply(200, SSE, [b'id: 2\ndata: {"n":2}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)
    started = time.monotonic()

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert time.monotonic() - started >= 0.3
    waits = [s for s in sink.statuses if s.state is ConnectionState.RECONNECTING]
    assert waits and waits[0].retry_at is not None


async def test_redirect_to_another_host_carries_no_credentials_and_is_not_remembered(
    server: ScriptedServer,
) -> None:
    other = server.url("/moved/_logs/stream", host="localhost")
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(307, {"Location": other}, []),
    ])
    server.script("/moved/_logs/stream", [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
    ])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"),
                          secret="secret-token", headers={"X-Api-Key": "k"})
    engine = _engine(config, sink)

    await run_until(engine, sink, lambda s: len(server.requests_to("/moved/_logs/stream")) >= 2)

    first = server.requests_to("/api/proxy-logs/_logs/stream")[0]
    moved = server.requests_to("/moved/_logs/stream")[0]
    assert first.headers["authorization"] == "Bearer secret-token"
    assert "authorization" not in moved.headers
    assert "x-api-key" not in moved.headers
    assert len(server.requests_to("/api/proxy-logs/_logs/stream")) >= 2


async def test_redirect_on_the_same_host_keeps_credentials(server: ScriptedServer) -> None:
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(302, {"Location": "/moved/_logs/stream"}, []),
    ])
    server.script("/moved/_logs/stream", [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 1)

    moved = server.requests_to("/moved/_logs/stream")[0]
    assert moved.headers["authorization"] == "Bearer secret-token"


async def test_reconnect_now_skips_the_wait(server: ScriptedServer) -> None:
    server.script("/stream", [
        Reply(503, {**JSON, "Retry-After": "120"}, [b"{}"]),
        Reply(200, SSE, [b'id: 1\ndata: {"n":1}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)
    task = asyncio.create_task(engine.run())
    try:
        await sink.wait_for(lambda s: s.states()[-1:] == [ConnectionState.RATE_LIMITED])
        engine.reconnect_now()
        await sink.wait_for(lambda s: len(s.entries) == 1, within=5)
    finally:
        task.cancel()
    assert sink.datas() == [{"n": 1}]


async def test_a_non_ascii_event_id_is_echoed_byte_exact(server: ScriptedServer) -> None:
    server.script("/stream", [
        Reply(200, SSE, ['id: é€1\ndata: {"n":1}\n\n'.encode()]),
        Reply(200, SSE, [b'id: 2\ndata: {"n":2}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    sent = server.requests_to("/stream")[1].headers["last-event-id"]
    assert sent.encode("latin-1") == "é€1".encode()


async def test_nextdns_resumes_with_a_percent_encoded_id(server: ScriptedServer) -> None:
    path = "/profiles/abc123/logs/stream"
    server.script(path, [
        Reply(200, SSE, ['id: a b&é\ndata: {"domain":"x.com"}\n\n'.encode()]),
        Reply(200, SSE, [b'id: 2\ndata: {"domain":"y.com"}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=server.url("/profiles/abc123"),
                          secret="key-1", filters={"status": "blocked"})
    engine = _engine(config, sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    first, second = server.requests_to(path)[:2]
    assert first.query == {"status": "blocked"}
    assert second.query == {"status": "blocked", "id": "a b&é"}
    assert second.headers["x-api-key"] == "key-1"


async def test_a_tls_failure_is_fatal_with_a_clear_message() -> None:
    async def plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)  # a TLS ClientHello, answered in plain HTTP
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
        writer.close()

    plain = await asyncio.start_server(plain_http, "127.0.0.1", 0)
    port = plain.sockets[0].getsockname()[1]
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=f"https://127.0.0.1:{port}/"), sink)
    try:
        status = await asyncio.wait_for(engine.run(), 10)
    finally:
        plain.close()

    assert status.state is ConnectionState.FAILED
    assert "TLS" in status.detail and "\n" not in status.detail


async def test_an_unreachable_server_is_reported_before_the_first_connection(
    server: ScriptedServer,
) -> None:
    sink = WaitingSink()
    url = server.url("/stream").replace(str(server.port), "9")  # discard port: refused
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=url), sink)

    await run_until(engine, sink, lambda s: len(s.notices) >= 2)

    assert all(n.level == "warning" and "cannot connect" in n.message for n in sink.notices)
    assert ConnectionState.FAILED not in sink.states()


async def test_hostile_payloads_are_malformed_never_a_crash(server: ScriptedServer) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    server.script("/api/proxy-logs/_logs/stream", [Reply(200, SSE, [
        b"data: " + deep + b"\n\n",
        b'data: {"n": NaN, "big": 100000000000000000000000000000}\n\n',
        b'id: 1\ndata: {"id":1}\n\n',
    ], hold_open=True)])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    assert engine.status.malformed == 1
    assert sink.entries[0].data["big"] == 10**29
    assert sink.datas()[1] == {"id": 1}


def _logs_after(request: Recorded) -> Reply:
    """A ``/_logs`` that knows entries 1..6 and pages ``afterId`` two at a time."""
    after = int(request.query["afterId"])
    page = [n for n in range(after + 1, 7)][:2]
    body = json.dumps({"entries": [{"id": n} for n in page], "limit": 2})
    return Reply(200, JSON, [body.encode()])


async def test_a_gap_event_backfills_by_entry_id_without_duplicates(
    server: ScriptedServer,
) -> None:
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\nevent: gap\ndata: {}\n\n']),
        Reply(200, SSE, [b'id: 9\ndata: {"id":5}\n\nid: 10\ndata: {"id":7}\n\n'],
              hold_open=True),
    ])
    server.script("/api/proxy-logs/_logs", [_logs_after])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 7)

    assert [d["id"] for d in sink.datas()] == [1, 2, 3, 4, 5, 6, 7]  # type: ignore[index]
    assert engine.status.duplicates == 1
    second = server.requests_to("/api/proxy-logs/_logs/stream")[1]
    assert "last-event-id" not in second.headers
    pages = server.requests_to("/api/proxy-logs/_logs")
    assert [p.query["afterId"] for p in pages] == ["1", "3", "5"]


async def test_a_refused_resume_point_is_dropped_not_fatal(server: ScriptedServer) -> None:
    server.script("/stream", [
        Reply(200, SSE, [b'id: old\ndata: {"n":1}\n\n']),
        Reply(400, JSON, [b'{"errors":[{"code":"invalidParameter"}]}']),
        Reply(200, SSE, [b'id: new\ndata: {"n":2}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 2)

    third = server.requests_to("/stream")[2]
    assert "last-event-id" not in third.headers
    assert any("refused the saved position" in n.message for n in sink.notices)


async def test_a_server_echoing_the_token_does_not_leak_it(server: ScriptedServer) -> None:
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(403, JSON, [b'{"message":"token secret-token is not valid"}']),
    ])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    status = await asyncio.wait_for(engine.run(), 10)

    assert "secret-token" not in status.detail
    assert "not valid" in status.detail


async def test_a_backfill_cut_short_by_its_limit_says_so(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proxy_module, "MAX_BACKFILL_PAGES", 1)
    monkeypatch.setattr(proxy_module, "BACKFILL_PAGE", 2)
    server.script("/api/proxy-logs/_logs/stream", [
        Reply(200, SSE, [b'id: 1\ndata: {"id":1}\n\n']),
        Reply(200, SSE, [b'id: 9\ndata: {"id":7}\n\n'], hold_open=True),
    ])
    server.script("/api/proxy-logs/_logs", [_logs_after])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink)

    await run_until(engine, sink, lambda s: len(s.entries) == 6)

    # The backfill stops at 3; joining the first live entry (7) is bounded the same way.
    assert [d["id"] for d in sink.datas()] == [1, 2, 3, 4, 5, 7]  # type: ignore[index]
    warnings = [n.message for n in sink.notices if n.level == "warning"]
    assert any("after id 3" in w and "not fetched" in w for w in warnings)
    assert any("after id 5" in w and "not fetched" in w for w in warnings)


async def test_a_history_answer_that_is_not_json_fails_with_what_to_check(
    server: ScriptedServer,
) -> None:
    server.script("/api/proxy-logs/_logs/stream", [Reply(200, SSE, [], hold_open=True)])
    server.script("/api/proxy-logs/_logs", [Reply(200, {"Content-Type": "text/html"},
                                                  [b"<html>login</html>"])])
    sink = WaitingSink()
    engine = _engine(_proxy(server), sink, history=10)

    status = await asyncio.wait_for(engine.run(), 10)

    assert status.state is ConnectionState.FAILED
    assert "not JSON" in status.detail and "check" in status.detail
    assert len(server.requests_to("/api/proxy-logs/_logs")) == 1


async def test_a_redirect_away_from_http_is_refused(server: ScriptedServer) -> None:
    server.script("/stream", [Reply(302, {"Location": "file:///etc/passwd"}, [])])
    sink = WaitingSink()
    engine = _engine(SourceConfig(kind=SourceKind.SSE, url=server.url("/stream")), sink)

    status = await asyncio.wait_for(engine.run(), 10)

    assert status.state is ConnectionState.FAILED
    assert "redirected away from HTTP" in status.detail
    assert len(server.requests_to("/stream")) == 1
