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

from .process import LogtuiProcess

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
