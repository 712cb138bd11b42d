"""Run the real ``logtui`` command in a subprocess with a private home, and collect all it wrote.

The home directory (and with it the XDG state and config directories) is a fresh temporary
directory, so every file the command creates can be inspected afterwards; credentials in the
caller's environment are removed so only what a test passes is used.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CREDENTIAL_VARIABLES = ("LOGTUI_PROXY_TOKEN", "NEXTDNS_API_KEY", "CLOUDFLARE_API_TOKEN",
                        "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL")


@dataclass
class Outcome:
    """How a run ended and everything it wrote."""

    code: int
    stdout: str
    stderr: str
    seconds: float


class CliProcess:
    """``python -m logtui ARGS`` running in ``home``; output gathered as it arrives."""

    def __init__(self, args: Sequence[str], home: Path, env: dict[str, str] | None = None) -> None:
        environment = {**os.environ, "HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
                       "XDG_CONFIG_HOME": str(home / "config"), "PYTHONUNBUFFERED": "1"}
        for name in CREDENTIAL_VARIABLES:
            environment.pop(name, None)
        environment.update(env or {})
        self.started = time.monotonic()
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "logtui", *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=environment, cwd=home,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self._process.stdout, self._out)),
            threading.Thread(target=self._read, args=(self._process.stderr, self._err)),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[bytes], parts: list[bytes]) -> None:
        for line in stream:
            with self._lock:
                parts.append(line)

    @property
    def stdout(self) -> str:
        with self._lock:
            return b"".join(self._out).decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        with self._lock:
            return b"".join(self._err).decode("utf-8", "replace")

    def wait_until(self, condition: Callable[[CliProcess], bool], within: float = 20) -> None:
        deadline = time.monotonic() + within
        while not condition(self):
            if time.monotonic() > deadline or self._process.poll() is not None:
                if condition(self):
                    return
                raise AssertionError(f"timed out; stdout={self.stdout[-300:]!r} "
                                     f"stderr={self.stderr[-600:]!r}")
            time.sleep(0.05)

    def signal(self, number: int = signal.SIGINT) -> None:
        self._process.send_signal(number)

    def finish(self, within: float = 30) -> Outcome:
        try:
            code = self._process.wait(within)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
        finally:
            for reader in self._readers:
                reader.join(5)
        return Outcome(code, self.stdout, self.stderr, time.monotonic() - self.started)

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def run_cli(args: Sequence[str], home: Path, env: dict[str, str] | None = None,
            within: float = 30) -> Outcome:
    """Run ``logtui`` to its end and return what happened."""
    process = CliProcess(args, home, env)
    try:
        return process.finish(within)
    finally:
        process.kill()


def files_written(home: Path) -> dict[Path, bytes]:
    """Every regular file under ``home`` with its bytes."""
    return {path: path.read_bytes() for path in home.rglob("*") if path.is_file()}
