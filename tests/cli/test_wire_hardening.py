"""What ``logtui`` sends and prints at the edges of the wire, checked from outside.

Each test runs the real command in a subprocess against a loopback server that sends exact
bytes: a server's own text never reaches stderr raw, a URL keeps its query, streams are asked
for as event streams.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .process import LogtuiProcess, run_logtui
from .raw_server import RawServer

HOSTILE_PHRASE = b"Forbidden\x1b]0;pwned\x07\x9b2J\x7f"


def _unsafe(text: str) -> list[str]:
    """Characters that would act on a terminal: C0 (but newline), DEL and C1."""
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


def _refusing(status: int) -> RawServer:
    def answer(head: bytes) -> list[bytes]:
        body = b'{"message":"no \x1b[31mway\x07"}'
        return [
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (status, HOSTILE_PHRASE, len(body), body)
        ]

    return RawServer(answer)


@pytest.mark.parametrize("status", [401, 403, 404, 410])
@pytest.mark.parametrize("command", ["proxy", "nextdns", "sse"])
def test_a_refusals_reason_phrase_and_body_reach_stderr_inert(
    tmp_path: Path, command: str, status: int
) -> None:
    with _refusing(status) as server:
        args = {
            "proxy": ["proxy", server.url("/api")],
            "nextdns": ["nextdns", "abc123", "--api-url", server.url()],
            "sse": ["sse", server.url("/events")],
        }[command]
        result = run_logtui(
            [*args, "-v", "--output", "ndjson", "--state-dir", str(tmp_path / "s")],
            tmp_path, {"LOGTUI_PROXY_TOKEN": "t0ken-value", "NEXTDNS_API_KEY": "k3y-value"},
        )

    assert result.returncode in (1, 3)
    assert str(status) in result.stderr
    assert "Forbidden" in result.stderr  # shown, but inert
    assert _unsafe(result.stderr) == []


def _event_stream(head: bytes) -> list[bytes]:
    return [b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
            b"event: nothing\ndata: x\n\n"]


def test_sse_keeps_the_urls_own_query_and_asks_for_an_uncached_event_stream(
    tmp_path: Path,
) -> None:
    with RawServer(_event_stream) as server:
        process = LogtuiProcess(
            ["sse", server.url("/events?channel=x&since=a%20b"), "--output", "ndjson",
             "--no-resume", "--state-dir", str(tmp_path / "s")],
            tmp_path,
        )
        try:
            # Ctrl-C once the request is in: the run is then well past its start-up.
            process.wait_until(lambda: bool(server.heads))
            process.interrupt()
            code = process.finish()
        finally:
            process.kill()

    assert code == 130
    assert server.heads, "no request arrived"
    assert server.request_lines()[0] == "GET /events?channel=x&since=a%20b HTTP/1.1"
    head = server.heads[0].decode("latin-1").lower()
    assert "\r\naccept: text/event-stream\r\n" in head
    assert "\r\ncache-control: no-cache\r\n" in head
