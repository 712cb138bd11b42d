"""``--filter EXPR`` in headless mode, over a real loopback socket: the expression's server part
is in the request, its client part decides which entries reach stdout, and an expression that
does not parse is one line with a caret (exit 2) before any connection."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .process import LogtuiProcess, run_logtui
from .raw_server import RawServer

ENTRIES = [
    {"id": 1, "level": "error", "status": 500, "url": "/v1/a"},
    {"id": 2, "level": "error", "status": 200, "url": "/healthz"},
    {"id": 3, "level": "info", "status": 502, "url": "/v1/b"},
    {"id": 4, "level": "error", "status": 503, "url": "/v1/c"},
]


def _events(entries: list[dict[str, object]]) -> bytes:
    return b"".join(
        b"id: %d\ndata: %s\n\n" % (entry["id"], json.dumps(entry).encode()) for entry in entries
    )


class _StreamServer:
    """Answers every request with an event stream of ``ENTRIES``, then ``tail`` (if any), and
    keeps the connection open until the test ends (so nothing is sent twice)."""

    def __init__(self, tail: bytes = b"") -> None:
        self.done = threading.Event()
        self._tail = tail
        self.raw = RawServer(self._answer)

    def _answer(self, head: bytes) -> Iterator[bytes]:
        yield (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
               b"Cache-Control: no-cache\r\n\r\n" + _events(ENTRIES) + self._tail)
        if not self._tail:
            self.done.wait(30)

    def query(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(line.split(" ")[1]).query) for line in self.raw.request_lines()]


def _ids(lines: list[str]) -> list[int]:
    return [json.loads(line)["id"] for line in lines]


def test_proxy_sends_the_server_terms_and_writes_only_entries_the_client_terms_keep(
    tmp_path: Path,
) -> None:
    server = _StreamServer(tail=b"event: scope-destroyed\ndata: {}\n\n")
    with server.raw:
        result = run_logtui(
            ["proxy", server.raw.url("/api/proxy-logs"), "--level", "error",
             "--filter", "status>=500 -healthz", "--output", "ndjson", "--no-resume", "-v",
             "--state-dir", str(tmp_path / "s")],
            tmp_path, {"LOGTUI_PROXY_TOKEN": "t0ken"},
        )

    assert result.returncode == 0, result.stderr
    streams = [q for q, line in zip(server.query(), server.raw.request_lines(), strict=True)
               if "/_logs/stream" in line]
    assert streams and streams[0]["level"] == ["error"]
    assert "status" not in streams[0]
    # The server would filter by level; this one does not, so level=info shows the client
    # applies only the terms the server does not (status>=500 -healthz).
    assert _ids(result.stdout.splitlines()) == [1, 3, 4]
    assert "logtui: filter sent to the server: level=error" in result.stderr
    assert "logtui: filter applied by logtui: status>=500" in result.stderr


def test_sse_applies_the_whole_filter_to_stdout_and_leaves_the_request_alone(
    tmp_path: Path,
) -> None:
    server = _StreamServer()
    with server.raw:
        process = LogtuiProcess(
            ["sse", server.raw.url("/events?channel=x"), "--filter", "level=error status>=500",
             "--output", "ndjson", "--no-resume", "--state-dir", str(tmp_path / "s")],
            tmp_path,
        )
        try:
            process.wait_for_lines(2)
            process.interrupt()
            code = process.finish()
        finally:
            server.done.set()
            process.kill()

    assert code == 130, process.stderr
    assert _ids(process.stdout) == [1, 4]
    assert server.query()[0] == {"channel": ["x"]}


@pytest.mark.parametrize("command", [
    ["sse", "http://127.0.0.1:9/events"],
    ["proxy", "http://127.0.0.1:9/api"],
    ["nextdns", "abc123", "--api-url", "http://127.0.0.1:9"],
    ["instant-logs", "zone1", "--api-url", "http://127.0.0.1:9"],
    ["demo", "--source", "proxy"],
])
def test_a_filter_that_does_not_parse_is_one_line_with_a_caret_and_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    result = run_logtui(
        [*command, "--filter", 'level=error status>="', "--output", "ndjson"],
        tmp_path, {"LOGTUI_PROXY_TOKEN": "t", "NEXTDNS_API_KEY": "k"},
    )

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("logtui: --filter: ")
    assert lines[0].endswith('level=error status>=^"')
