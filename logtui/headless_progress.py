"""The history load's progress on stderr in headless mode ("history: N entries, P pages").

Said only once a load has lasted :data:`SHOW_AFTER` seconds (a quick one says nothing). On a
terminal it is one line rewritten in place, at most :data:`TTY_EVERY` seconds apart, and ended
when the load is; otherwise (a log file, a pipe) a line every :data:`PLAIN_EVERY` seconds and
one with the final counts. With several sources (statuses named, see
:mod:`logtui.core.fleet`) the line holds each load under way, by name. ``-q`` turns it off.
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
    """Writes history loads' progress to ``err`` (see the module docstring)."""

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
        self._loads: dict[str, tuple[float, HistoryProgress]] = {}
        """Each load under way, by source name: when it started, how far it has got."""
        self._written_at: float | None = None
        self._written = ""
        """The text last written ("" before any, or after the loads ended)."""
        self._open = False
        """A line is on the terminal without its newline."""

    def update(self, status: SourceStatus) -> None:
        """Follow ``status.history_progress``: show it, or end the line when the loads ended."""
        now = self._clock()
        progress = status.history_progress
        if progress is None:
            if status.name in self._loads:
                self._ended(status.name, now)
            return
        started = self._loads.get(status.name, (now, progress))[0]
        self._loads[status.name] = (started, progress)
        every = TTY_EVERY if self._tty else PLAIN_EVERY
        if self._text(now) and (self._written_at is None or now - self._written_at >= every):
            self._write(now)

    def interrupt(self) -> None:
        """Another line is about to be written: take the progress line off the terminal."""
        if self._open:
            self._err.write(_CLEAR)
            self._open = False

    def _text(self, now: float) -> str:
        """The line for the loads that have lasted a while ("" when none has)."""
        shown = [
            f"{name + ': ' if name else ''}{progress.describe()}"
            for name, (started, progress) in self._loads.items()
            if now - started >= SHOW_AFTER
        ]
        return safe_line(f"logtui: {'; '.join(shown)}") if shown else ""

    def _write(self, now: float, text: str | None = None) -> None:
        line = self._text(now) if text is None else text
        if self._tty:
            self._err.write(f"{_CLEAR}{line}")
            self._open = True
        else:
            self._err.write(f"{line}\n")
        self._err.flush()
        self._written_at = now
        self._written = line

    def _ended(self, name: str, now: float) -> None:
        """Load ``name`` ended: the line with its final counts, unless those were the last
        written; the line ends when no load shown remains."""
        final = self._text(now)
        del self._loads[name]
        if final and final != self._written:
            self._write(now, final)
        if not self._text(now):
            if self._open:
                self._err.write("\n")
                self._err.flush()
                self._open = False
            self._written_at = None
            self._written = ""


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


__all__ = ["PLAIN_EVERY", "SHOW_AFTER", "TTY_EVERY", "ProgressLine"]
