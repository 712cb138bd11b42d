"""The history load's progress on stderr in headless mode ("history: N entries, P pages").

Said only once a load has lasted :data:`SHOW_AFTER` seconds (a quick one says nothing). On a
terminal it is one line rewritten in place, at most :data:`TTY_EVERY` seconds apart, and ended
when the load is; otherwise (a log file, a pipe) a line every :data:`PLAIN_EVERY` seconds and
one with the final counts. ``-q`` turns it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final, TextIO

from logtui.core.models import HistoryProgress, SourceStatus
from logtui.core.sanitize import safe_line

SHOW_AFTER: Final = 1.0
"""Seconds a load runs before its progress is shown."""
TTY_EVERY: Final = 0.1
"""Seconds between rewrites of the line on a terminal."""
PLAIN_EVERY: Final = 3.0
"""Seconds between progress lines when stderr is not a terminal."""
_CLEAR: Final = "\r\x1b[K"


class ProgressLine:
    """Writes a history load's progress to ``err`` (see the module docstring)."""

    def __init__(
        self,
        err: TextIO,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._err = err
        self._tty = _isatty(err) if tty is None else tty
        self._clock = clock
        self._started: float | None = None
        self._written_at: float | None = None
        self._latest: tuple[str, HistoryProgress] | None = None
        self._written: tuple[str, HistoryProgress] | None = None
        self._open = False
        """A line is on the terminal without its newline."""

    def update(self, status: SourceStatus) -> None:
        """Follow ``status.history_progress``: show it, or end the line when the load ended."""
        progress = status.history_progress
        if progress is None:
            self._finish()
            return
        now = self._clock()
        if self._started is None:
            self._started = now
        self._latest = (status.name, progress)
        if now - self._started < SHOW_AFTER:
            return
        every = TTY_EVERY if self._tty else PLAIN_EVERY
        if self._written_at is None or now - self._written_at >= every:
            self._write(now)

    def interrupt(self) -> None:
        """Another line is about to be written: take the progress line off the terminal."""
        if self._open:
            self._err.write(_CLEAR)
            self._open = False

    def _write(self, now: float) -> None:
        assert self._latest is not None
        name, progress = self._latest
        text = safe_line(f"logtui: {name + ': ' if name else ''}{progress.describe()}")
        if self._tty:
            self._err.write(f"{_CLEAR}{text}")
            self._open = True
        else:
            self._err.write(f"{text}\n")
        self._err.flush()
        self._written_at = now
        self._written = self._latest

    def _finish(self) -> None:
        if self._written is not None and self._latest != self._written:
            self._write(self._clock())  # the final counts
        if self._open:
            self._err.write("\n")
            self._err.flush()
            self._open = False
        self._started = self._written_at = None
        self._latest = self._written = None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


__all__ = ["PLAIN_EVERY", "SHOW_AFTER", "TTY_EVERY", "ProgressLine"]
