"""``logtui demo-server`` as a new user runs it: URLs and credentials printed, curl-style
streaming works, a wrong token gets the 403 body, Ctrl-C exits 0 without a traceback."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from .sse_reader import take


@pytest.fixture
def demo_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "logtui", "demo-server", "--port", "0", "--heartbeat", "0.2",
         "--rate", "50", "--history", "20", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    banner = []
    for line in process.stdout:
        banner.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    try:
        yield process, "".join(banner)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_prints_each_api_url_and_the_credentials(
    demo_process: tuple[subprocess.Popen[str], str],
) -> None:
    _, banner = demo_process
    assert re.search(r"proxy-logs\s+http://127\.0\.0\.1:\d+/api/proxy-logs", banner)
    assert re.search(r"NextDNS\s+http://127\.0\.0\.1:\d+", banner)
    assert "Authorization: Bearer demo-token" in banner
    assert "X-Api-Key: demo-key" in banner


def test_streams_frames_and_heartbeats_and_refuses_a_wrong_token_then_exits_0(
    demo_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, banner = demo_process
    match = re.search(r"http://127\.0\.0\.1:\d+/api/proxy-logs", banner)
    assert match
    url = match.group(0) + "/_logs/stream"
    headers = {"Authorization": "Bearer demo-token"}
    with httpx.stream("GET", url, headers=headers, timeout=5) as response:
        events = take(response, 3)
        assert all(e.id and e.id.isdigit() for e in events)
        assert all(e.json()["traceId"] for e in events)
    quiet = "?projectId=nothing-matches"
    with httpx.stream("GET", url + quiet, headers=headers, timeout=5) as response:
        assert take(response, 1, comments=True)[0].comment
    denied = httpx.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5)
    assert denied.status_code == 403
    assert denied.json()["message"] == "Logs token missing or invalid / SNI gate denied"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_a_bad_fault_spec_exits_2_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "logtui", "demo-server", "--faults", "cut=soon"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--faults" in result.stderr
