"""The bad input catalogue: what a person gets wrong, and what logtui says back.

Each case runs the real CLI in a subprocess against a loopback server (or nothing) and checks
the exit code, that the message is one line starting ``logtui:`` that says what to fix, that no
traceback escapes, and, from the server's side, that a refusal costs one connection and a
failing server sees backoff rather than a retry storm. Problems the user must fix exit at once
(2: the command line or its files, 3: the server refused); trouble that may pass (a host that
does not answer, a 5xx) is retried with growing delays, each attempt told in one line, until
Ctrl-C (130).
"""

from __future__ import annotations

import itertools
import signal
import socket
from pathlib import Path

import pytest
from security.runner import CliProcess, Outcome, run_cli

from logtui.core.models import SourceKind
from logtui.tui import ScriptedSourceFactory, create_app

from .counting_server import CountingServer

JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Error</title><style>body{}</style></head>"
             b"<body><h1>Bad Gateway</h1><p>nginx</p>\n<script>alert(1)</script></body></html>")
STREAM_ARGS = ["--output", "ndjson", "--no-resume"]


def _one_line(outcome: Outcome | CliProcess) -> str:
    """The single diagnostic line (fails if there are more, or a traceback)."""
    text = outcome.stderr
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    assert lines[0].startswith("logtui: ")
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _retry_lines(process: CliProcess) -> list[str]:
    return [line for line in process.stderr.splitlines() if "; retrying at " in line]


def _retried_then_interrupted(args: list[str], home: Path, attempts: int = 2) -> list[str]:
    """Run until ``attempts`` retries were announced, press Ctrl-C; return the retry lines."""
    process = CliProcess(args, home)
    try:
        process.wait_until(lambda p: len(_retry_lines(p)) >= attempts, within=30)
        process.signal(signal.SIGINT)
        outcome = process.finish()
    finally:
        process.kill()
    assert outcome.code == 130
    assert "Traceback" not in outcome.stderr
    lines = _retry_lines(process)
    assert all(line.startswith("logtui: ") for line in lines)
    return lines


def _delays(lines: list[str]) -> list[float]:
    return [float(line.rsplit("(in ", 1)[1].split()[0]) for line in lines]


# --- the server cannot be reached ------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "unreachable.invalid"],
                         ids=["refused", "no-such-host"])
def test_an_unreachable_host_is_retried_with_growing_delays_until_ctrl_c(
    tmp_path: Path, host: str
) -> None:
    url = f"http://{host.format(port=_closed_port())}/api/proxy-logs"

    lines = _retried_then_interrupted(["proxy", url, "--token", "t", *STREAM_ARGS], tmp_path,
                                      attempts=3)

    assert all("cannot connect to" in line and url in line for line in lines)
    first, _, third = _delays(lines)[:3]
    assert first <= 0.6 and third >= 1.0, f"the delay does not grow: {_delays(lines)}"


def test_a_tls_failure_stops_at_once_and_says_so(tmp_path: Path) -> None:
    with CountingServer(200, {"Content-Type": "text/event-stream"}) as server:
        outcome = run_cli(["proxy", server.url("/api", scheme="https"), "--token", "t",
                           *STREAM_ARGS], tmp_path)
        connections = server.connections

    assert outcome.code == 3
    line = _one_line(outcome)
    assert "TLS" in line and "check the URL" in line
    assert connections == 1


# --- the server answers, but not with a stream ----------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "body", "words"),
    [
        (404, JSON, b'{"message":"Not Found"}', ["not found", "check the URL"]),
        (404, HTML, HTML_PAGE, ["not found", "check the URL"]),
        (403, HTML, HTML_PAGE, ["refused the credentials", "LOGTUI_PROXY_TOKEN"]),
        (403, JSON, b'{"statusCode":403,"error":"Forbidden","message":"Logs token missing or '
         b'invalid / SNI gate denied"}', ["LOGTUI_PROXY_TOKEN", "--token", "SNI gate denied"]),
        (401, JSON, b"{}", ["LOGTUI_PROXY_TOKEN"]),
        (200, JSON, b'{"entries":[]}', ["application/json", "text/event-stream"]),
        (200, HTML, HTML_PAGE, ["text/html", "text/event-stream"]),
        (204, {}, b"", ["204"]),
    ],
    ids=["404-json", "404-html", "403-html", "wrong-token", "401", "json-not-sse",
         "html-not-sse", "204"],
)
def test_a_refusal_exits_3_after_one_connection_with_what_to_fix(
    tmp_path: Path, status: int, headers: dict[str, str], body: bytes, words: list[str]
) -> None:
    with CountingServer(status, headers, body) as server:
        outcome = run_cli(["proxy", server.url("/api/proxy-logs"), "--token", "wrong-token",
                           "--history", "10", *STREAM_ARGS], tmp_path)
        connections = server.connections

    assert outcome.code == 3
    line = _one_line(outcome)
    for word in words:
        assert word in line, line
    assert "<" not in line, "HTML reached the message"
    assert "wrong-token" not in line
    assert connections == 1, f"{connections} connections for a refusal"


@pytest.mark.parametrize(
    ("status", "headers", "body", "shown"),
    [
        (500, JSON, b'{"message":"internal error"}', "500"),
        (502, HTML, HTML_PAGE, "502"),
        (503, JSON, b"{}", "503"),
    ],
    ids=["500", "502-html", "503-without-retry-after"],
)
def test_a_failing_server_sees_backoff_not_a_storm(
    tmp_path: Path, status: int, headers: dict[str, str], body: bytes, shown: str
) -> None:
    with CountingServer(status, headers, body) as server:
        lines = _retried_then_interrupted(
            ["proxy", server.url("/api/proxy-logs"), "--token", "t", *STREAM_ARGS], tmp_path)
        arrivals = list(server.arrivals)

    assert all(shown in line and "<" not in line for line in lines), lines
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) <= len(lines) + 1, "more connections than announced attempts"
    assert max(gaps) >= 0.5, f"no backoff between attempts: {gaps}"


def test_a_server_asking_to_wait_is_waited_for(tmp_path: Path) -> None:
    # One second: twice the backoff's first delay, which is all a client ignoring it waits.
    with CountingServer(429, {**JSON, "Retry-After": "1"},
                        b'{"message":"Rate limit exceeded for log stream"}') as server:
        lines = _retried_then_interrupted(
            ["proxy", server.url("/api/proxy-logs"), "--token", "t", *STREAM_ARGS], tmp_path)
        arrivals = list(server.arrivals)

    assert all("Rate limit exceeded" in line for line in lines), lines
    assert arrivals[1] - arrivals[0] >= 0.95


# --- the command line itself ----------------------------------------------------------------


@pytest.mark.parametrize("profile", ["", " ", "abc/../x?x=1"])
def test_an_empty_or_malformed_profile_is_a_usage_error(tmp_path: Path, profile: str) -> None:
    with CountingServer(200, {"Content-Type": "text/event-stream"}) as server:
        outcome = run_cli(["nextdns", profile, "--api-url", server.url(), "--api-key", "k",
                           *STREAM_ARGS], tmp_path)
        connections = server.connections

    assert outcome.code == 2
    assert "PROFILE" in _one_line(outcome)
    assert connections == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", ["URL"]),
        ("ftp://127.0.0.1/api", ["http://", "https://"]),
        ("http://[::1/api", ["URL"]),
    ],
)
def test_a_malformed_url_is_a_usage_error(tmp_path: Path, url: str, words: list[str]) -> None:
    outcome = run_cli(["proxy", url, "--token", "t", *STREAM_ARGS], tmp_path)

    assert outcome.code == 2
    line = _one_line(outcome)
    for word in words:
        assert word in line


def test_an_unwritable_state_dir_is_a_usage_error_before_any_connection(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with CountingServer(200, {"Content-Type": "text/event-stream"}) as server:
        outcome = run_cli(["proxy", server.url("/api/proxy-logs"), "--token", "t",
                           "--output", "ndjson", "--state-dir", str(blocker / "state")],
                          tmp_path)
        connections = server.connections

    assert outcome.code == 2
    line = _one_line(outcome)
    assert "--state-dir" in line and str(blocker) in line
    assert connections == 0


BAD_EXPRESSIONS = [("status>=", 6), ("status>abc", 7), ("url~[unclosed", 4), ('"open', 0),
                   ("-", 0), ("time>yesterday", 5)]
"""Expressions that do not parse, with the 0-based column of the problem."""


async def test_a_bad_filter_expression_is_shown_inline_with_its_position() -> None:
    """The dashboard takes filter expressions (no command-line flag does): a bad one is an
    inline error with a caret at its column, nothing applied, and the app carries on."""
    app = create_app(ScriptedSourceFactory(), SourceKind.PROXY, frame_interval=60.0)
    async with app.run_test(size=(100, 30)) as pilot:
        for expression, position in BAD_EXPRESSIONS:
            await pilot.press("escape")
            app.filter_input.value = ""
            await pilot.press("slash", *expression, "enter")
            await pilot.pause()
            assert app.is_running
            assert app.outcome is None, f"{expression!r} was applied"
            outcome = app.filter_bar.outcome
            assert outcome is not None and outcome.error is not None, expression
            assert "\n" not in outcome.error
            assert outcome.error_position == position, outcome.error
            assert f"column {position + 1}" in outcome.error
