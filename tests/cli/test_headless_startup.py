"""Headless start-up stays light: ``logtui proxy ... --output ndjson`` never imports the
dashboard (Textual, Rich), the config schema (pydantic) or httpx's command-line client
(click), and still writes every entry. Start-up is a visible share of a short run."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.demo import DemoConfig, DemoServer, Fault

from .process import LogtuiProcess, run_logtui

HEAVY = ("textual", "rich", "pydantic", "click", "httpx._main")


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=11, history=0)) as server:
        yield server


def test_headless_proxy_imports_nothing_heavy_and_writes_every_entry(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script("proxy-stream", [Fault.scope_destroyed(after=3)])
    command = [
        sys.executable, "-X", "importtime", "-m", "logtui", "proxy", demo.proxy_url,
        "--output", "ndjson", "--state-dir", str(tmp_path / "resume"), "-v",
    ]
    process = LogtuiProcess(command, tmp_path, {"LOGTUI_PROXY_TOKEN": demo.config.token},
                            shell=True)
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(3, "proxy")
        code = process.finish(30)
    finally:
        process.kill()

    assert code == 0, process.stderr[-5:]
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in process.stderr
        if line.startswith("import time:") and "|" in line
    }
    assert "httpx" in imported
    heavy = sorted(
        name for name in imported if any(name == h or name.startswith(h + ".") for h in HEAVY)
    )
    assert heavy == []


def test_an_http_source_streams_without_reading_the_tls_trust_store(
    demo: DemoServer, tmp_path: Path
) -> None:
    """Plain ``http://`` never reads the CA bundle: a trust store that cannot be read (here
    ``SSL_CERT_FILE`` naming no file) changes nothing, so none was loaded at start-up."""
    demo.faults.script("proxy-stream", [Fault.scope_destroyed(after=2)])
    process = LogtuiProcess(
        ["proxy", demo.proxy_url, "--output", "ndjson", "--state-dir", str(tmp_path / "resume"),
         "-v"],
        tmp_path,
        {"LOGTUI_PROXY_TOKEN": demo.config.token, "SSL_CERT_FILE": str(tmp_path / "none.pem")},
    )
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(2, "proxy")
        code = process.finish(30)
    finally:
        process.kill()

    assert code == 0, process.stderr[-5:]
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")


def test_an_unreadable_trust_store_stops_an_https_source_with_one_line(tmp_path: Path) -> None:
    """``https://`` still verifies: a trust store that cannot be read is a clear refusal
    (exit 3, one line naming what to fix), never a traceback or a connection without it."""
    result = run_logtui(
        ["proxy", "https://127.0.0.1:9/api/proxy-logs", "--output", "ndjson",
         "--state-dir", str(tmp_path / "resume")],
        tmp_path,
        {"LOGTUI_PROXY_TOKEN": "t", "SSL_CERT_FILE": str(tmp_path / "none.pem")},
        timeout=30,
    )

    assert result.returncode == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "TLS trust store" in lines[0] and "SSL_CERT_FILE" in lines[0]
