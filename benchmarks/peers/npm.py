"""Installs the npm ``eventsource`` package into a git-ignored cache beside the benchmarks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Final

from benchmarks.measure import ROOT, NotAvailable, last_line

PEERS_DIR: Final = ROOT / "benchmarks" / ".peers"
EVENTSOURCE_SPEC: Final = "eventsource@4"
"""Major 4: the newest that supports Node 20 (major 5 needs Node 22.12)."""


def eventsource_dir(*, allow_install: bool, timeout: float = 120) -> Path:
    """The directory whose node_modules holds ``eventsource``, installing it if allowed."""
    if shutil.which("node") is None:
        raise NotAvailable("node is not installed")
    if (PEERS_DIR / "node_modules" / "eventsource" / "package.json").exists():
        return PEERS_DIR
    if not allow_install:
        raise NotAvailable("npm eventsource not installed (run once without --no-install)")
    npm = shutil.which("npm")
    if npm is None:
        raise NotAvailable("npm is not installed")
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    package_json = PEERS_DIR / "package.json"
    if not package_json.exists():
        package_json.write_text('{"private": true}\n', encoding="utf-8")
    try:
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", EVENTSOURCE_SPEC],
            cwd=PEERS_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise NotAvailable("npm install eventsource timed out (registry unreachable?)") from error
    if result.returncode != 0:
        raise NotAvailable(f"npm install eventsource failed: {last_line(result.stderr)}")
    return PEERS_DIR
