"""``logtui proxy URL --output ndjson`` as a user runs it (a subprocess, default backoff, its
own HOME and XDG directories), against hostile proxy-logs servers: how often it reconnects when
the server keeps saying "now", how much memory a flood costs, what reaches stderr."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.cli.process import LogtuiProcess
from tests.hostile.faults import Fault, Kind, RetryAfter, Style
from tests.hostile.harness import RAW_CONTROL
from tests.hostile.proxy_peer import TOKEN, ProxyPeer

WINDOW = 1.25
"""Seconds over which connection attempts are counted (the default backoff allows two)."""
MAX_ATTEMPTS_IN_WINDOW = 4
"""192 a minute: far above a backoff, far below a loop that does not wait."""
RSS_LIMIT_MB = 300


def _logtui(peer: ProxyPeer, home: Path, *extra: str) -> LogtuiProcess:
    return LogtuiProcess(["proxy", peer.base_url, "--output", "ndjson", *extra], home,
                         env={"LOGTUI_PROXY_TOKEN": TOKEN})


@contextlib.asynccontextmanager
async def _committing(peer: ProxyPeer, every: float = 0.01,
                      batch: int = 1) -> AsyncIterator[None]:
    async def commit() -> None:
        while True:
            peer.commit(batch)
            await asyncio.sleep(every)  # the server's pace

    task = asyncio.create_task(commit())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _stop(process: LogtuiProcess) -> int:
    process.terminate()
    try:
        return await asyncio.to_thread(process.finish)
    finally:
        process.kill()


FOREVER = 100_000
STORMS = {
    "429-retry-after-0": Fault(Kind.STATUS, status=429, retry_after=RetryAfter.ZERO),
    "503-retry-after-date-past": Fault(Kind.STATUS, status=503,
                                       retry_after=RetryAfter.DATE_PAST),
    "empty-stream-retry-0": Fault(Kind.PLAIN, after=0, style=Style(retry_ms=0)),
    "one-entry-then-close-retry-0": Fault(Kind.PLAIN, after=1, style=Style(retry_ms=0)),
}


@pytest.mark.parametrize("name", list(STORMS))
async def test_connection_attempts_stay_bounded_when_the_server_keeps_saying_now(
    name: str, tmp_path: Path
) -> None:
    async with ProxyPeer([STORMS[name]] * FOREVER) as peer, _committing(peer):
        process = _logtui(peer, tmp_path)
        try:
            await asyncio.wait_for(peer.attempted.wait(), 20)
            start = len(peer.stream_attempts)
            await asyncio.sleep(WINDOW)  # the window the attempts are counted over
            attempts = len(peer.stream_attempts) - start
        finally:
            await _stop(process)
    assert attempts <= MAX_ATTEMPTS_IN_WINDOW, (
        f"{attempts} stream connection attempts in {WINDOW:g} s"
        f" ({attempts * 60 / WINDOW:.0f} a minute)"
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
async def test_memory_stays_bounded_through_a_flood_with_cuts_and_backfills(
    tmp_path: Path
) -> None:
    """About 60 MB of entries, cut every 500 frames (each reconnect backfills from the store)."""
    schedule = [Fault(Kind.CUT, after=500, offset=100)] * 20
    async with ProxyPeer(schedule, pad=8_000, ring_size=200) as peer:
        process = _logtui(peer, tmp_path)
        peak = 0.0
        try:
            await asyncio.wait_for(peer.subscribed.wait(), 20)
            async with _committing(peer, every=0.005, batch=50):
                while len(peer.committed) < 7_500:
                    await asyncio.sleep(0.1)  # sampling memory while the flood runs
                    peak = max(peak, _rss_mb(process._process.pid))
            await asyncio.to_thread(process.wait_for_lines, 7_000, 60)
            peak = max(peak, _rss_mb(process._process.pid))
        finally:
            await _stop(process)
    print(f"peak RSS {peak:.0f} MB")
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


async def test_stderr_never_carries_a_raw_control_character_from_the_server(
    tmp_path: Path
) -> None:
    schedule = [
        Fault(Kind.STATUS, status=503, retry_after=RetryAfter.GARBAGE),
        Fault(Kind.UNKNOWN_EVENT, after=2, style=Style(hostile_text=True)),
        Fault(Kind.CUT, after=2, offset=30, style=Style(id_padding=True)),
    ]
    async with ProxyPeer(schedule, hostile_entries=True) as peer, _committing(peer):
        process = _logtui(peer, tmp_path, "-v")
        try:
            await asyncio.to_thread(process.wait_for_lines, 20, 30)
        finally:
            await _stop(process)
    raw = sorted({f"{ord(c):#04x}" for c in RAW_CONTROL.findall("\n".join(process.stderr))})
    assert raw == [], f"raw control characters on stderr: {raw}"
