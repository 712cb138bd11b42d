"""Run ``logtui`` as a user would, in a subprocess, and watch its output as it streams."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO


class LogtuiProcess:
    """A running ``python -m logtui ...`` with its stdout and stderr collected line by line."""

    def __init__(self, args: Sequence[str], home: Path, env: dict[str, str] | None = None,
                 *, shell: bool = False) -> None:
        environment = {
            **os.environ,
            "HOME": str(home),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "PYTHONUNBUFFERED": "1",
        }
        environment.pop("LOGTUI_PROXY_TOKEN", None)
        environment.pop("NEXTDNS_API_KEY", None)
        environment.update(env or {})
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = threading.Condition()
        command = list(args) if shell else [sys.executable, "-m", "logtui", *args]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=environment,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self._process.stdout, self.stdout)),
            threading.Thread(target=self._read, args=(self._process.stderr, self.stderr)),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[bytes], lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line.decode("utf-8").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        """Block until ``condition`` holds (checked whenever a line arrives)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0 or (self._process.poll() is not None and not condition()):
                    if condition():
                        return
                    raise AssertionError(
                        f"timed out; stdout={self.stdout[-5:]!r} stderr={self.stderr[-10:]!r}"
                    )
                self._changed.wait(min(left, 0.5))

    def wait_for_stderr(self, text: str, timeout: float = 20) -> None:
        self.wait_until(lambda: any(text in line for line in self.stderr), timeout)

    def wait_for_lines(self, count: int, timeout: float = 20) -> None:
        self.wait_until(lambda: len(self.stdout) >= count, timeout)

    def interrupt(self) -> None:
        self._process.send_signal(signal.SIGINT)

    def terminate(self) -> None:
        self._process.send_signal(signal.SIGTERM)

    def finish(self, timeout: float = 20) -> int:
        """Wait for the exit code (killing the process if it does not end in time)."""
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
        finally:
            for reader in self._readers:
                reader.join(5)
        return code

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def run_logtui(args: Sequence[str], home: Path, env: dict[str, str] | None = None,
               timeout: float = 20, *, shell: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``logtui`` (or, with ``shell``, a whole command line) and capture its output."""
    process = LogtuiProcess(args, home, env, shell=shell)
    try:
        code = process.finish(timeout)
    finally:
        process.kill()
    return subprocess.CompletedProcess(
        args, code, "\n".join(process.stdout), "\n".join(process.stderr)
    )
