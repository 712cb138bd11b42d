"""Worker: CPU and bytes written to a real terminal, at a slow and a fast stream rate.

Usage: ``python -m benchmarks.workers.pty_idle SECONDS RATE[,RATE...]``
(and ``python -m benchmarks.workers.pty_idle app minimal|log URL``: a baseline app, run for
real on the terminal it is given).

Each program runs alone on its own pseudo-terminal of 120x40, as a terminal emulator would run
it: its output is read from the pty's master side and counted byte by byte (what an ssh session
would carry), and its CPU is its own user + system time from ``/proc`` (all threads), in
percent of one core. Measured after a warm-up, over SECONDS of following:

- ``logtui proxy`` against the harness's SSE server paced at RATE over loopback, after a
  screenful sent at once (so the pane is full and each entry scrolls it, as in a long session);
- Textual's ``Log`` app (:mod:`benchmarks.workers.baseline_app`) on the same paced stream,
  read with httpx-sse, each entry handed over as it arrives;
- a one-widget Textual app (no stream): what any Textual app costs doing nothing.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from benchmarks.measure import PYTHON, child_env
from benchmarks.workers import emit

COLUMNS: Final = 120
LINES: Final = 40
TOKEN: Final = "bench-token-not-a-secret"
FIRST: Final = 1000
"""Entries sent at once when the stream starts: the pane is full from the start, as in a
session that has been following for a while, so every new entry scrolls it."""
WARM_UP: Final = 3.0
"""Seconds after the stream starts before measuring (start-up and the first paints excluded)."""


class PtyProgram:
    """One program on its own pseudo-terminal; counts what it writes to the terminal."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self._master = master
        self._lock = threading.Lock()
        self._bytes = 0
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._bytes += len(data)

    @property
    def written(self) -> int:
        """Bytes the program wrote to its terminal so far."""
        with self._lock:
            return self._bytes

    def cpu_seconds(self) -> float:
        """User + system seconds the program used so far (all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def measure(self, seconds: float) -> dict[str, float]:
        """CPU (% of a core) and bytes written per second over the next ``seconds``."""
        if self.process.poll() is not None:
            raise RuntimeError(f"the program exited early (status {self.process.returncode})")
        cpu, written, wall = self.cpu_seconds(), self.written, time.perf_counter()
        time.sleep(seconds)
        if self.process.poll() is not None:
            raise RuntimeError(f"the program exited early (status {self.process.returncode})")
        cpu, written = self.cpu_seconds() - cpu, self.written - written
        wall = time.perf_counter() - wall
        return {"cpu_percent": 100 * cpu / wall, "bytes_per_second": written / wall}

    def close(self) -> None:
        """Stop the program and close the terminal."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        os.close(self._master)


def _env(work: str) -> dict[str, str]:
    return child_env({
        "LOGTUI_PROXY_TOKEN": TOKEN, "HOME": work, "TERM": "xterm-256color",
        "COLORTERM": "truecolor", "COLUMNS": str(COLUMNS), "LINES": str(LINES),
    })


def _on_stream(rate: float, seconds: float, argv_for: Callable[[str], list[str]],
               work: str) -> dict[str, float]:
    """Run the program ``argv_for(base_url)`` against the server paced at ``rate``."""
    from benchmarks.sse_server import Pacing, PregeneratedSSEServer
    from benchmarks.workers.synthetic import EntryMaker

    maker = EntryMaker(lambda raw, data: data)
    texts = [maker.text(n) for n in range(FIRST + int(rate * (seconds + WARM_UP + 20)) + 1)]
    gate = threading.Event()
    with PregeneratedSSEServer(
        texts, token=TOKEN, ending="hold", pacing=Pacing(rate, first=FIRST), gate=gate
    ) as server:
        program = PtyProgram(argv_for(server.base_url), _env(work), work)
        try:
            deadline = time.perf_counter() + 20
            while server.stream_connections == 0:
                if time.perf_counter() > deadline or program.process.poll() is not None:
                    raise RuntimeError("the program never connected")
                time.sleep(0.01)
            gate.set()
            time.sleep(WARM_UP)
            return program.measure(seconds)
        finally:
            server.halt.set()
            program.close()


def logtui(rate: float, seconds: float, work: str) -> dict[str, float]:
    """``logtui proxy`` on the paced server."""
    return _on_stream(
        rate, seconds,
        lambda url: [PYTHON, "-m", "logtui", "proxy", url, "--state-dir", work, "--no-resume"],
        work,
    )


def log_app(rate: float, seconds: float, work: str) -> dict[str, float]:
    """Textual's ``Log`` app on the paced server, through httpx-sse."""
    return _on_stream(
        rate, seconds,
        lambda url: [PYTHON, "-m", "benchmarks.workers.pty_idle", "app", "log",
                     url + "/_logs/stream"],
        work,
    )


def minimal(seconds: float, work: str) -> dict[str, float]:
    """A one-widget Textual app, doing nothing."""
    program = PtyProgram([PYTHON, "-m", "benchmarks.workers.pty_idle", "app", "minimal"],
                         _env(work), work)
    try:
        time.sleep(WARM_UP)
        return program.measure(seconds)
    finally:
        program.close()


def run_app(which: str, url: str | None) -> None:
    """Run a baseline app for real on this process's terminal (until it is killed)."""
    from types import SimpleNamespace

    from textual.app import App, ComposeResult
    from textual.widgets import Static

    if which == "log":
        from benchmarks.workers.baseline_app import BaselineApp
        from benchmarks.workers.synthetic import WireSource

        assert url is not None
        BaselineApp(
            lambda sink: WireSource(sink, url, TOKEN, lambda raw, data: SimpleNamespace(data=data),
                                    batch=1),
            max_lines=100_000,
        ).run()
        return

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

    Minimal().run()


def main(argv: list[str]) -> None:
    """Measure every program at every rate and print the JSON result."""
    if argv and argv[0] == "app":
        run_app(argv[1], argv[2] if len(argv) > 2 else None)
        return
    seconds = float(argv[0])
    rates = [float(r) for r in argv[1].split(",")]
    result: dict[str, Any] = {"seconds": seconds, "rates": rates}
    programs: list[tuple[str, Callable[[float, float, str], dict[str, float]]]] = [
        ("logtui", logtui), ("log_app", log_app),
    ]
    for rate in rates:
        for name, measure in programs:
            with tempfile.TemporaryDirectory(prefix="logtui-bench-") as work:
                try:
                    result[f"{name}@{rate:g}"] = measure(rate, seconds, work)
                except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                    result[f"{name}@{rate:g}"] = {"error": f"{type(error).__name__}: {error}"}
    with tempfile.TemporaryDirectory(prefix="logtui-bench-") as work:
        try:
            result["minimal"] = minimal(seconds, work)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            result["minimal"] = {"error": f"{type(error).__name__}: {error}"}
    emit(result)


if __name__ == "__main__":
    main(sys.argv[1:])
