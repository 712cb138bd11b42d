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

Its input thread waits for input instead of waking ten times a second to look at its exit flag
(a tenth of a per cent of a core on an idle dashboard): stopping it wakes it through a pipe.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import Any, ClassVar, Final

from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = WakingEvent()
        """Stopping the input thread wakes its wait for input."""

    def run_input_thread(self) -> None:
        """Read input until exit, starting over (with a fresh decoder) after a bad byte."""
        while True:
            try:
                self._read_input()
            except UnicodeDecodeError:
                if self.exit_event.is_set():
                    return
                continue
            return

    def _read_input(self) -> None:
        """Textual's input loop, waiting for input (or the exit) instead of looking ten times
        a second: only a key cut short (a lone escape, which may begin a sequence) is waited
        for with a timeout, the parser's own."""
        exit_event = self.exit_event
        wake = exit_event.waker() if isinstance(exit_event, WakingEvent) else None
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        if wake is not None:
            selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (key, _) in loop_last(ready):
                if key.fd == wake:
                    continue
                data = decode(os.read(self.fileno, 4096), final=final and last)
                if not data:  # stdin piped and at its end
                    break
                for event in parser.feed(data):
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not exit_event.is_set():
                process(selector.select(input_wait(parser, wake is not None)))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):
                    pass


POLL_SECONDS: Final = 0.1
"""Textual's input loop's wait between looks at its exit flag."""


def input_wait(parser: XTermParser, wakes: bool) -> float | None:
    """How long the input loop may wait for input: until a key cut short is due (the parser's
    timeout), else for good when stopping wakes it (``wakes``), else a tenth of a second (as
    Textual waits)."""
    due: float | None = getattr(parser, "_timeout_time", 0.0)
    if due is None:
        return None if wakes else POLL_SECONDS
    if not due:  # a parser without the attribute: Textual's own pace
        return POLL_SECONDS
    return min(POLL_SECONDS, max(0.0, due - get_time()))



class WakingEvent(threading.Event):
    """The input thread's exit flag, which also wakes the thread's wait for input: setting it
    writes to a pipe the thread waits on beside stdin."""

    def __init__(self) -> None:
        super().__init__()
        self._pipe: tuple[int, int] | None = None

    def waker(self) -> int:
        """The end to wait on (made on first use, emptied of earlier wakes)."""
        if self._pipe is None:
            read_end, write_end = os.pipe()
            os.set_blocking(read_end, False)
            os.set_blocking(write_end, False)
            self._pipe = read_end, write_end
        with contextlib.suppress(BlockingIOError):
            while os.read(self._pipe[0], 64):
                pass
        return self._pipe[0]

    def set(self) -> None:
        super().set()
        if self._pipe is not None:
            with contextlib.suppress(OSError):  # full: a wake is pending already
                os.write(self._pipe[1], b"x")
