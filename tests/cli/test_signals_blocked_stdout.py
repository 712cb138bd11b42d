"""Ctrl-C and SIGTERM end a headless run promptly even when nobody reads its stdout.

A paused pipe reader leaves ``logtui`` blocked in a write; the signal must still end it, with
its exit code, within a few seconds (not only SIGKILL).
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .raw_server import RawServer

PIPE_NEARLY_FULL = 48 * 1024
"""Most of Linux's default pipe capacity (64 KiB): the stream keeps coming, so a pipe this
full that stops filling has a writer stuck in a write (a read of the paced stream brings a
few dozen events, written at once: the write that does not fit may be several KiB)."""


def _endless_stream(head: bytes) -> Iterator[bytes]:
    """One small event at a time: each lands in its own write, which blocks whole (no partial
    progress to return early with) once the pipe has no room for it."""
    yield b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
    padding = b"x" * 200
    for number in itertools.count(1):
        yield b'id: %d\ndata: {"n":%d,"message":"%s"}\n\n' % (number, number, padding)
        time.sleep(0.0005)


def _unread(fd: int) -> int:
    buffer = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, buffer)
    return int.from_bytes(buffer, sys.byteorder)


def _wait_until_blocked(fd: int, process: subprocess.Popen[bytes]) -> None:
    """Until the pipe is nearly full and has stopped filling: the writer is stuck."""
    deadline = time.monotonic() + 30
    last, steady_since = -1, time.monotonic()
    while True:
        unread = _unread(fd)
        if unread != last:
            last, steady_since = unread, time.monotonic()
        elif unread >= PIPE_NEARLY_FULL and time.monotonic() - steady_since > 0.5:
            return
        assert time.monotonic() < deadline, f"stdout never filled ({unread} bytes)"
        assert process.poll() is None
        time.sleep(0.05)


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_a_run_whose_stdout_nobody_reads(
    tmp_path: Path, sent: signal.Signals, code: int
) -> None:
    with RawServer(_endless_stream) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "logtui", "sse", server.url("/events"), "--output", "ndjson",
             "--state-dir", str(tmp_path / "s")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        try:
            assert process.stdout is not None
            _wait_until_blocked(process.stdout.fileno(), process)
            process.send_signal(sent)
            assert process.wait(timeout=8) == code
        finally:
            process.kill()
            process.wait()

    saved = [json.loads(path.read_text()) for path in (tmp_path / "s").glob("*.json")]
    assert len(saved) == 1, "the resume point was saved"
    assert saved[0]["state"]["last_event_id"].isdigit()
