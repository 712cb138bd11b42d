"""``logtui proxy|nextdns|sse --output ndjson`` as a user runs it: a real process, real sockets.

Each run is checked against the demo server's ground truth: every entry printed exactly once,
diagnostics only on stderr, the documented exit codes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.demo import DemoConfig, DemoServer, Fault

from .process import LogtuiProcess, run_logtui

PROXY_STREAM = "proxy-stream"


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=0)) as server:
        yield server


def _proxy_args(demo: DemoServer, tmp_path: Path, *extra: str) -> list[str]:
    return ["proxy", demo.proxy_url, "--output", "ndjson", "--state-dir",
            str(tmp_path / "resume"), *extra]


def _token(demo: DemoServer) -> dict[str, str]:
    return {"LOGTUI_PROXY_TOKEN": demo.config.token}


def test_proxy_prints_every_entry_once_across_faults_and_exits_0_when_the_scope_ends(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script(PROXY_STREAM, [
        Fault.cut(after=5),
        Fault.rate_limited(1),
        Fault.framing(line_ending="\r\n", split_data=True) + Fault.stall(after=3, seconds=30),
        Fault.garbage(after=2) + Fault.reset(after=4),
        Fault.scope_destroyed(after=0),
    ])
    process = LogtuiProcess(_proxy_args(demo, tmp_path, "--idle-timeout", "1", "-v"), tmp_path,
                            _token(demo))
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(30, "proxy")
        code = process.finish(30)
    finally:
        process.kill()

    assert code == 0, process.stderr
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")
    stderr = "\n".join(process.stderr)
    for state in ("stale", "rate-limited", "reconnecting", "ended"):
        assert f"logtui: {state}" in stderr
    assert "not JSON" in stderr
    assert demo.config.token not in stderr


def test_wrong_token_exits_3_after_one_attempt_with_what_to_fix(
    demo: DemoServer, tmp_path: Path
) -> None:
    result = run_logtui(_proxy_args(demo, tmp_path), tmp_path,
                        {"LOGTUI_PROXY_TOKEN": "not-the-token"})

    assert result.returncode == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "LOGTUI_PROXY_TOKEN" in lines[0] and "--token" in lines[0] and "403" in lines[0]
    assert "not-the-token" not in result.stderr


def test_ctrl_c_flushes_saves_and_a_restart_resumes(demo: DemoServer, tmp_path: Path) -> None:
    first = LogtuiProcess(_proxy_args(demo, tmp_path, "-v"), tmp_path, _token(demo))
    try:
        first.wait_for_stderr("logtui: live")
        demo.emit(6, "proxy")
        first.wait_for_lines(6)
        first.interrupt()
        assert first.finish() == 130
    finally:
        first.kill()
    demo.emit(4, "proxy")  # while logtui is not running

    second = LogtuiProcess(_proxy_args(demo, tmp_path, "-v", "--history", "100"), tmp_path,
                           _token(demo))
    try:
        second.wait_for_lines(4)
        demo.emit(3, "proxy")
        second.wait_for_lines(7)
        second.interrupt()
        assert second.finish() == 130
    finally:
        second.kill()

    printed = [json.loads(line) for line in first.stdout + second.stdout]
    assert printed == demo.entries("proxy")
    assert "resuming" in "\n".join(second.stderr)


def test_nextdns_streams_history_then_live_across_cuts(demo: DemoServer, tmp_path: Path) -> None:
    demo.emit(20, "nextdns")
    before = len(demo.entries("nextdns"))
    demo.faults.script("nextdns-stream", [Fault.cut(after=2), Fault.cut(after=3), None])
    process = LogtuiProcess(
        ["nextdns", "abc123", "--api-url", demo.nextdns_url, "--output", "ndjson",
         "--history", "5", "--state-dir", str(tmp_path / "resume")],
        tmp_path, {"NEXTDNS_API_KEY": demo.config.api_key},
    )
    try:
        process.wait_for_lines(5)
        demo.emit(15, "nextdns")
        expected = demo.entries("nextdns")[before - 5:]
        process.wait_for_lines(len(expected))
        process.interrupt()
        assert process.finish() == 130
    finally:
        process.kill()

    assert [json.loads(line) for line in process.stdout] == expected
    assert [json.loads(line)["domain"] for line in process.stdout] == [
        e["domain"] for e in expected
    ]


def test_help_documents_exit_codes_and_the_streaming_options(tmp_path: Path) -> None:
    result = run_logtui(["proxy", "--help"], tmp_path)

    assert result.returncode == 0
    for text in ("exit codes:", "130", "scope-destroyed", "--idle-timeout", "--no-resume",
                 "--history", "--state-dir", "--buffer", "LOGTUI_PROXY_TOKEN"):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["proxy", "not-a-url", "--output", "ndjson"], "http"),
        (["proxy", "https://user:pw@example.com/api", "--output", "ndjson"], "credentials"),
        (["nextdns", "../etc", "--output", "ndjson"], "PROFILE"),
        (["sse", "http://127.0.0.1:9/", "-H", "no colon here", "--output", "ndjson"], "-H"),
        (["proxy", "http://127.0.0.1:9/api", "--idle-timeout", "0"], "idle-timeout"),
        (["proxy", "http://127.0.0.1:9/api", "--state-dir", "/proc/nope", "--output", "ndjson"],
         "state"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    result = run_logtui(args, tmp_path)

    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert words in result.stderr
    assert "pw" not in result.stderr.replace("proxy", "")


def test_ndjson_is_the_default_when_stdout_is_not_a_terminal_and_sigterm_exits_143(
    demo: DemoServer, tmp_path: Path
) -> None:
    process = LogtuiProcess(["proxy", demo.proxy_url, "-v", "--state-dir", str(tmp_path / "s")],
                            tmp_path, _token(demo))
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(4, "proxy")
        process.wait_for_lines(4)
        process.terminate()
        code = process.finish()
    finally:
        process.kill()

    assert code == 143
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")


def test_a_reader_that_goes_away_ends_the_run_quietly(demo: DemoServer, tmp_path: Path) -> None:
    demo.emit(50, "proxy")
    result = run_logtui(
        ["sh", "-c", f"{sys.executable} -m logtui proxy {demo.proxy_url} --history 50"
         f" --state-dir {tmp_path / 's'} | head -n 2"],
        tmp_path, _token(demo), shell=True,
    )

    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_sse_streams_any_event_stream_with_given_headers(demo: DemoServer, tmp_path: Path) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.cut(after=3), None])
    process = LogtuiProcess(
        ["sse", f"{demo.proxy_url}/_logs/stream", "-H",
         f"Authorization: Bearer {demo.config.token}", "--output", "ndjson", "-v",
         "--state-dir", str(tmp_path / "s")],
        tmp_path,
    )
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(8, "proxy")
        process.wait_for_lines(8)
        process.interrupt()
        assert process.finish() == 130
    finally:
        process.kill()

    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")
    assert demo.config.token not in "\n".join(process.stderr)
