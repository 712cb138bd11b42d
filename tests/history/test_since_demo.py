"""``logtui demo --since -5m`` end to end: the demo server's generated history covers the time,
and the NDJSON holds every entry from it on, once, then live ones."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from logtui.core.eventtime import event_seconds
from tests.cli.process import LogtuiProcess

LIVE_SECONDS = 2.0
"""How far past the test's start the newest entry must be before the run is stopped."""


def _newest_time(lines: list[str]) -> float:
    return (event_seconds(json.loads(lines[-1])) or 0.0) if lines else 0.0


@pytest.mark.parametrize("source", ["proxy", "nextdns"])
def test_demo_since_loads_from_that_time_then_goes_live_once(tmp_path: Path, source: str) -> None:
    started = time.time()
    process = LogtuiProcess(
        ["demo", "--source", source, "--since", "-2m", "--rate", "20", "--output", "ndjson"],
        tmp_path,
    )
    try:
        # Two seconds of live entries after the history (2,400 at 20/s; fewer for NextDNS,
        # whose raw-only queries are not streamed): the seam between the two is what is checked.
        process.wait_until(lambda: _newest_time(process.stdout) >= started + LIVE_SECONDS,
                           timeout=60)
        process.interrupt()
        process.finish()
    finally:
        process.kill()
    entries = [json.loads(line) for line in process.stdout]
    times = [event_seconds(entry) or 0.0 for entry in entries]
    assert started - 125 <= times[0] <= started - 115
    assert times == sorted(times)
    assert times[-1] >= started  # live entries follow the history
    if source == "proxy":
        ids = [entry["id"] for entry in entries]
        assert ids == list(range(ids[0], ids[0] + len(ids)))
    else:
        assert len({line for line in process.stdout}) == len(process.stdout)
