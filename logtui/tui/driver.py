"""Textual's terminal driver, made to survive input that is not UTF-8.

Textual's Linux driver decodes stdin with a strict UTF-8 decoder on its input thread, so one
stray byte typed or pasted (``0xE2 0x94`` then ASCII, from a terminal in another encoding or a
broken paste) raises there and stops the whole app. This driver restarts the input loop after
such a byte instead: the rest of that read (usually the one key or paste chunk that held the
byte) is dropped, and every key after it is read as before.

It also writes each screen update as only the cells that change, with the terminal scrolling
rows that moved (:class:`~logtui.tui.terminal_screen.ScreenDiff`): an entry arriving in a full
stream pane costs a row and a scroll, not the whole pane, over ssh too.

And it writes each update itself, in one write, instead of queueing it for Textual's writer
thread: under a fast stream the UI thread goes straight on to the next frame, and the writer
thread waited for the interpreter's lock for up to a switch interval or more (measured in tmux
at 10,000 entries/s: 3-18 ms between an update and its write, after a key too). The UI thread
now waits for the terminal to take each update, as it did once 30 updates were queued.
"""

from __future__ import annotations

import os
import threading
from typing import ClassVar

from textual.drivers.linux_driver import LinuxDriver

from logtui.tui.terminal_screen import ScreenDiff


class TolerantLinuxDriver(LinuxDriver):
    """A :class:`LinuxDriver` whose input thread outlives invalid UTF-8 on stdin and whose
    output carries only the cells that change."""

    _screen: ScreenDiff | None = None
    _writing: ClassVar[threading.Lock] = threading.Lock()
    """Held while an update is rewritten and written (the input thread writes too, rarely)."""

    def write(self, data: str) -> None:
        """Write what makes the terminal show what ``data`` would (see :class:`ScreenDiff`),
        before returning."""
        with self._writing:
            if self._screen is None:
                self._screen = ScreenDiff(self._screen_size)
            data = self._screen.rewrite(data)
            file = self._file
            if file is None:  # no stderr: Textual's own way
                super().write(data)
            elif data:
                file.write(data)
                file.flush()

    def _screen_size(self) -> tuple[int, int]:
        """The terminal's (width, height) now."""
        try:
            size = os.get_terminal_size(self._file.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            return self._get_terminal_size()
        return size.columns, size.lines

    def run_input_thread(self) -> None:
        """Read input until exit, starting over (with a fresh decoder) after a bad byte."""
        while True:
            try:
                super().run_input_thread()
            except UnicodeDecodeError:
                if self.exit_event.is_set():
                    return
                continue
            return
