"""The dashboard process on a real terminal: hostile input and wire data never stop it, and
when something does, the terminal is restored, a report is written and the exit code says so."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from tests.engine.scripted_server import Reply, ScriptedServer

from .pty_process import ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, PtyProcess

HOSTILE = {
    "message": "marker-entry",
    "timestamp": 1718201234567000,  # microseconds: once a year out of range in the trace line
    "traceId": "t-1",
    "kind": "request",
    "method": "GET",
}
"""An entry whose microsecond time, shown in its trace, used to crash the detail pane."""

INJECT_FAILURE = """
import sys
from logtui.tui.app import LogtuiApp

def failing_show_entries(self, entries, delta, selected):
    headers = {"Authorization": "Bearer local-variable-token"}
    raise RuntimeError(f"injected failure after {len(entries)} entries {len(headers)}")

LogtuiApp._show_entries = failing_show_entries
from logtui.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""Runs ``logtui`` with the dashboard failing on its first batch, a token in a local variable."""


def _stream() -> Reply:
    return Reply(parts=[f"data: {json.dumps(HOSTILE)}\n\n".encode()], hold_open=True)


def _type_until_shown(process: PtyProcess, key: bytes, shown: bytes) -> None:
    """Type ``key`` until ``shown`` is on screen: a key sent in the same read as an invalid
    byte is dropped with it, so one press may not be enough."""
    for _ in range(40):
        process.type(key)
        try:
            process.wait_for(shown, timeout=0.5)
        except AssertionError:
            assert process.alive(), "the dashboard stopped"
            continue
        return
    raise AssertionError(f"{shown!r} never appeared")


async def test_invalid_utf8_input_and_a_microsecond_trace_time_leave_the_dashboard_running(
    tmp_path: Path,
) -> None:
    async with ScriptedServer() as server:
        server.script("/events", [_stream()])
        process = PtyProcess(["-m", "logtui", "sse", server.url("/events")], tmp_path)
        try:
            await asyncio.to_thread(process.wait_for, b"marker-entry")
            process.type(b"\xe2\x94a")  # not UTF-8: a lead byte, one continuation, then ASCII
            # enter opens the detail, whose trace line shows the microsecond time
            await asyncio.to_thread(_type_until_shown, process, b"\r", b"14:07:14.567 request GET")
            process.type(b"/zq")
            await asyncio.to_thread(process.wait_for, b"zq")
            process.type(b"\xe2\x94")  # a lead byte and a continuation, the rest never comes
            await asyncio.to_thread(_type_until_shown, process, b"x", b"zqx")
            assert process.alive()
            process.type(b"\x03")  # Ctrl-C
            code = await asyncio.to_thread(process.wait, 30)
        finally:
            process.kill()
    assert code == 130
    assert b"Traceback" not in process.output and b"crash report" not in process.output


async def test_an_unexpected_error_restores_the_terminal_reports_to_a_file_and_exits_1(
    tmp_path: Path,
) -> None:
    async with ScriptedServer() as server:
        server.script("/events", [_stream()])
        process = PtyProcess(["-c", INJECT_FAILURE, "sse", server.url("/events")], tmp_path)
        try:
            code = await asyncio.to_thread(process.wait, 60)
        finally:
            process.kill()
    output = process.output
    assert code == 1
    assert ENTER_ALT_SCREEN in output
    after = output[output.rindex(LEAVE_ALT_SCREEN):] if LEAVE_ALT_SCREEN in output else b""
    assert output.rfind(ENTER_ALT_SCREEN) < output.rfind(LEAVE_ALT_SCREEN), "alt screen left on"
    text = after.decode("utf-8", "replace")
    assert "RuntimeError: injected failure after 1 entries" in text
    named = re.search(r"crash report written to (\S+)", text)
    assert named is not None, text
    _check_report(Path(named.group(1)), tmp_path)
    assert b"local-variable-token" not in output


def _check_report(report: Path, home: Path) -> None:
    assert report.parent == home / "state" / "logtui"
    assert report.stat().st_mode & 0o777 == 0o600
    content = report.read_text(encoding="utf-8")
    assert "RuntimeError: injected failure after 1 entries" in content
    assert "failing_show_entries" in content  # the traceback, frame by frame
    assert "local-variable-token" not in content
