"""Textual's terminal driver, made to survive input that is not UTF-8.

Textual's Linux driver decodes stdin with a strict UTF-8 decoder on its input thread, so one
stray byte typed or pasted (``0xE2 0x94`` then ASCII, from a terminal in another encoding or a
broken paste) raises there and stops the whole app. This driver restarts the input loop after
such a byte instead: the rest of that read (usually the one key or paste chunk that held the
byte) is dropped, and every key after it is read as before.
"""

from __future__ import annotations

from textual.drivers.linux_driver import LinuxDriver


class TolerantLinuxDriver(LinuxDriver):
    """A :class:`LinuxDriver` whose input thread outlives invalid UTF-8 on stdin."""

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
