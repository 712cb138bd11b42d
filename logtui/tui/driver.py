"""Textual's terminal driver, made to survive input that is not UTF-8.

Textual's Linux driver decodes stdin with a strict UTF-8 decoder on its input thread, so one
stray byte typed or pasted (``0xE2 0x94`` then ASCII, from a terminal in another encoding or a
broken paste) raises there and stops the whole app. This driver restarts the input loop after
such a byte instead: the rest of that read (usually the one key or paste chunk that held the
byte) is dropped, and every key after it is read as before.

It also writes each screen update with fewer colour codes for the same cells
(:func:`~logtui.tui.terminal_output.compact_sgr`): under half the bytes, over ssh too.
"""

from __future__ import annotations

from textual.drivers.linux_driver import LinuxDriver

from logtui.tui.terminal_output import compact_sgr


class TolerantLinuxDriver(LinuxDriver):
    """A :class:`LinuxDriver` whose input thread outlives invalid UTF-8 on stdin and whose
    output carries no redundant colour codes."""

    def write(self, data: str) -> None:
        """Write ``data`` to the terminal, its redundant colour codes left out."""
        super().write(compact_sgr(data))

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
