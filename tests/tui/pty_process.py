"""Run the dashboard as a user would: a subprocess on a pseudo-terminal, typed at byte by byte."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from .vt import Terminal

ENTER_ALT_SCREEN = b"\x1b[?1049h"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"


class PtyProcess:
    """``python <args>`` with stdin, stdout and stderr on one pty of 120x40; output collected."""

    def __init__(self, args: Sequence[str], home: Path, *, env: dict[str, str] | None = None):
        environment = {
            **os.environ,
            "HOME": str(home),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "TERM": "xterm-256color",
            "COLUMNS": "120",
            "LINES": "40",
        }
        environment.pop("TEXTUAL_DRIVER", None)
        environment.update(env or {})
        self._master, replica = pty.openpty()
        fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self._process = subprocess.Popen(
            [sys.executable, *args],
            stdin=replica, stdout=replica, stderr=replica,
            env=environment, start_new_session=True,
        )
        os.close(replica)
        self._output = bytearray()
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # the child closed the pty
                chunk = b""
            with self._changed:
                if chunk:
                    self._output += chunk
                self._changed.notify_all()
            if not chunk:
                return

    @property
    def output(self) -> bytes:
        """Everything the process wrote so far."""
        with self._changed:
            return bytes(self._output)

    def screen_text(self) -> str:
        """What the terminal shows now, as plain text (a line a row)."""
        terminal = Terminal(120, 40)
        terminal.feed(self.output.decode("utf-8", "replace"))
        return terminal.text()

    def wait_for(self, needle: bytes, timeout: float = 30) -> None:
        """Block until ``needle`` is on screen, or was written in one piece (fails after
        ``timeout`` seconds): the dashboard writes only the cells that change, so text typed
        a key at a time is never written whole."""
        deadline = time.monotonic() + timeout
        text = needle.decode()
        with self._changed:
            while needle not in self._output and text not in self.screen_text():
                left = deadline - time.monotonic()
                assert left > 0, f"{needle!r} never appeared; output ends {self._output[-400:]!r}"
                assert self._process.poll() is None or self._reader.is_alive(), (
                    f"exited {self._process.returncode} before {needle!r}"
                )
                self._changed.wait(min(left, 0.5))

    def wait_gone(self, needle: bytes, timeout: float = 30) -> None:
        """Block until ``needle`` is no longer on screen (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        text = needle.decode()
        with self._changed:
            while text in self.screen_text():
                left = deadline - time.monotonic()
                assert left > 0, f"{needle!r} is still on screen"
                assert self._process.poll() is None, "exited"
                self._changed.wait(min(left, 0.5))

    def type(self, data: bytes) -> None:
        """Send bytes as if typed or pasted."""
        os.write(self._master, data)

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self._process.poll() is None

    def wait(self, timeout: float = 30) -> int:
        """The exit code, once the process has exited and its output is all read."""
        code = self._process.wait(timeout)
        self._reader.join(timeout)
        os.close(self._master)
        return code

    def kill(self) -> None:
        """Stop the process if it is still running."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
