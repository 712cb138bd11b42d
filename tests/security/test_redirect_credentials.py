"""Credentials never follow a redirect to another host. Two loopback servers: the configured one
(``127.0.0.1``) redirects every request to the other (``localhost``, or another port), which
records everything it is sent. The real CLI runs each source with its credential; the second
server must never see it, in a header or in a URL, for the stream or for history."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .runner import CliProcess, run_cli

TOKEN = "r3direct-Tok3n-77aa"  # a test credential
KEY = "r3direct-K3y-88bb"

SSE_BODY = (
    b'id: 1\ndata: {"id": 1, "kind": "request"}\n\n'
    b'id: 2\ndata: {"id": 2, "kind": "response"}\n\n'
    b'event: scope-destroyed\nid: 3\ndata: {"reason": "done"}\n\n'
)
LOGS_BODY = json.dumps({"entries": [{"id": 0, "kind": "event"}], "total": 1, "limit": 1,
                        "offset": 0}).encode()
NEXTDNS_LOGS_BODY = json.dumps({"data": [{"domain": "a.example"}],
                                "meta": {"pagination": {"cursor": None},
                                         "stream": {"id": "s1"}}}).encode()


@dataclass(frozen=True)
class Request:
    """What one request carried, raw."""

    target: bytes
    head: bytes


Answer = Callable[[bytes], tuple[int, dict[str, str], bytes]]


class Recorder:
    """An HTTP/1.1 server on 127.0.0.1 that answers with ``answer`` and records every request."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self.requests: list[Request] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Recorder:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1]
            self.requests.append(Request(target, head))
            status, headers, body = self._answer(target)
            lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(f"HTTP/1.1 {status} X\r\n{lines}Content-Length: {len(body)}\r\n"
                         f"Connection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def _destination(target: bytes) -> tuple[int, dict[str, str], bytes]:
    path = target.split(b"?")[0]
    if path.endswith(b"/stream"):
        return 200, {"Content-Type": "text/event-stream"}, SSE_BODY
    if path.endswith(b"/_logs"):
        return 200, {"Content-Type": "application/json"}, LOGS_BODY
    if path.endswith(b"/logs"):
        return 200, {"Content-Type": "application/json"}, NEXTDNS_LOGS_BODY
    return 404, {"Content-Type": "application/json"}, b"{}"


@pytest.fixture
async def destination() -> AsyncIterator[Recorder]:
    async with Recorder(_destination) as server:
        yield server


def _redirecting(status: int, host: str, destination: Recorder) -> Recorder:
    def answer(target: bytes) -> tuple[int, dict[str, str], bytes]:
        location = f"http://{host}:{destination.port}{target.decode('ascii')}"
        return status, {"Location": location}, b""

    return Recorder(answer)


def _assert_never_sent(secrets: tuple[str, ...], server: Recorder) -> None:
    assert server.requests, "the redirect was not followed"
    for request in server.requests:
        lowered = request.head.lower()
        assert b"authorization:" not in lowered and b"x-api-key:" not in lowered
        for secret in secrets:
            assert secret.encode() not in request.head


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"], ids=["other-host", "other-port"])
async def test_proxy_token_does_not_follow_a_redirect_for_history_or_stream(
    destination: Recorder, tmp_path: Path, status: int, host: str
) -> None:
    async with _redirecting(status, host, destination) as origin:
        outcome = await asyncio.to_thread(
            run_cli,
            ["proxy", f"http://127.0.0.1:{origin.port}/api/proxy-logs", "--token", TOKEN,
             "--history", "1", "--output", "ndjson"],
            tmp_path,
        )

    assert outcome.code == 0, outcome.stderr
    assert [json.loads(line)["id"] for line in outcome.stdout.splitlines()] == [0, 1, 2]
    assert all(f"Bearer {TOKEN}".encode() in r.head for r in origin.requests)
    paths = {r.target.split(b"?")[0] for r in destination.requests}
    assert paths == {b"/api/proxy-logs/_logs", b"/api/proxy-logs/_logs/stream"}
    _assert_never_sent((TOKEN,), destination)


async def test_nextdns_key_and_sse_headers_do_not_follow_a_redirect_to_another_host(
    destination: Recorder, tmp_path: Path
) -> None:
    async with _redirecting(307, "localhost", destination) as origin:
        nextdns = CliProcess(["nextdns", "p1", "--api-url", f"http://127.0.0.1:{origin.port}",
                              "--api-key", KEY, "--history", "10", "--output", "ndjson"],
                             tmp_path)
        try:
            await asyncio.to_thread(
                nextdns.wait_until,
                lambda _: any(r.target.startswith(b"/profiles/p1/logs/stream")
                              for r in destination.requests))
        finally:
            nextdns.kill()
        sse = CliProcess(["sse", f"http://127.0.0.1:{origin.port}/events/stream", "-H",
                          f"Authorization: Bearer {TOKEN}", "-H", f"X-Api-Key: {KEY}",
                          "--output", "ndjson"], tmp_path)
        try:
            await asyncio.to_thread(
                sse.wait_until,
                lambda p: sum(r.target == b"/events/stream" for r in destination.requests) >= 2
                and '"id": 2' in p.stdout)
        finally:
            sse.kill()

    heads = b"".join(r.head for r in origin.requests)
    assert KEY.encode() in heads and TOKEN.encode() in heads
    _assert_never_sent((TOKEN, KEY), destination)


async def test_no_header_given_with_h_follows_a_redirect_to_another_host(
    destination: Recorder, tmp_path: Path
) -> None:
    async with _redirecting(307, "localhost", destination) as origin:
        sse = CliProcess(["sse", f"http://127.0.0.1:{origin.port}/events/stream",
                          "-H", f"X-Auth-Token: {TOKEN}", "-H", f"Private-Token: {KEY}",
                          "--output", "ndjson"], tmp_path)
        try:
            await asyncio.to_thread(
                sse.wait_until,
                lambda p: any(r.target == b"/events/stream" for r in destination.requests))
        finally:
            sse.kill()

    assert TOKEN.encode() in b"".join(r.head for r in origin.requests)
    for request in destination.requests:
        assert TOKEN.encode() not in request.head and KEY.encode() not in request.head
