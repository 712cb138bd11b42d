"""``--since`` from the command line: NDJSON of every entry since then, the load's progress on
stderr (not with ``-q``), and a one-line refusal where an API keeps no history."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.cli.process import LogtuiProcess, run_logtui
from tests.history.doc_servers import ProxyLog, in_thread

NOW_MS = int(time.time() * 1000)
PROGRESS = re.compile(r"^logtui: history: [\d,]+ entries, [\d,]+ pages?$")


def _slow_log() -> ProxyLog:
    server = ProxyLog(page_cap=250, page_delay=0.12)
    for n in range(2000):
        server.add(NOW_MS - 2_000_000 + n * 1000)
    return server


def _run(server: ProxyLog, home: Path, *extra: str) -> LogtuiProcess:
    return LogtuiProcess(
        ["proxy", f"{server.base}/api/proxy-logs", "--since", "-1h", "--output", "ndjson",
         *extra], home, {"LOGTUI_PROXY_TOKEN": "token-for-tests"},
    )


def test_headless_since_writes_every_entry_once_and_progress_lines_on_stderr(
    tmp_path: Path,
) -> None:
    server = _slow_log()
    with in_thread(server):
        process = _run(server, tmp_path)
        try:
            process.wait_for_lines(2000)
            process.wait_for_stderr("history: 2,000 entries")
            process.interrupt()
            assert process.finish() == 130
        finally:
            process.kill()
    assert [json.loads(line)["id"] for line in process.stdout] == list(range(1, 2001))
    progress = [line for line in process.stderr if "history:" in line]
    assert progress and all(PROGRESS.match(line) for line in progress)
    assert progress[-1].startswith("logtui: history: 2,000 entries, ")
    assert not any("\x1b" in line or "\r" in line for line in process.stderr)


def test_quiet_headless_since_writes_no_progress(tmp_path: Path) -> None:
    server = _slow_log()
    with in_thread(server):
        process = _run(server, tmp_path, "-q")
        try:
            process.wait_for_lines(2000)
            process.interrupt()
            assert process.finish() == 130
        finally:
            process.kill()
    assert not any("history:" in line for line in process.stderr)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["instant-logs", "zone123", "--since", "-5m", "--token", "x"],
         "Instant Logs keeps no history"),
        (["sse", "http://127.0.0.1:9/events", "--since", "-5m"], "keeps no history"),
        (["proxy", "http://127.0.0.1:9/api/proxy-logs", "--since", "soon"], "--since soon"),
        (["proxy", "http://127.0.0.1:9/api/proxy-logs", "--since", "-5m", "--history", "9"],
         "use one"),
    ],
)
def test_since_that_cannot_be_met_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], says: str
) -> None:
    result = run_logtui([*args, "--output", "ndjson"], tmp_path,
                        {"LOGTUI_PROXY_TOKEN": "token-for-tests"})
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert says in line
    assert result.stdout == ""
