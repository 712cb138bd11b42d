"""Headless mode: the engine's entries as NDJSON on stdout, everything else on stderr.

Each entry's original payload is written unchanged, one per line, and stdout is flushed once per
batch (one write and one flush for a chunk of entries, never a syscall per entry). Two payloads
cannot be written verbatim and stay one line each: a JSON payload sent as multi-line ``data``
(its line breaks can only be whitespace between tokens, so they become spaces, same value), and a
non-JSON payload from a generic SSE stream (written as ``{"message": "..."}``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, Final, TextIO

from logtui.core.batch import EntryBatch
from logtui.core.engine import Engine
from logtui.core.errors import LogtuiError
from logtui.core.gc_pause import paused_gc
from logtui.core.heap import keep_read_buffers
from logtui.core.models import ConnectionState, Entry, Notice, Sink, SourceStatus
from logtui.core.sanitize import safe_line
from logtui.headless_progress import ProgressLine

EXIT_OK: Final = 0
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
STOP_GRACE: Final = 2.0
"""Seconds a signalled run may take to flush and save before the process ends regardless.

A reader that stopped reading (a paused pipe) leaves the engine blocked in a write to stdout,
where neither the event loop nor a restarted system call ever sees the signal."""


def ndjson_line(entry: Entry) -> str:
    """The line written for ``entry`` (without its newline)."""
    if not entry.is_json:
        return json.dumps(entry.data, ensure_ascii=False)
    raw = entry.raw
    if "\n" in raw:
        return raw.replace("\n", " ")
    return raw


class NdjsonSink:
    """A :class:`Sink` that writes entries to a binary stream and diagnostics to a text one."""

    def __init__(
        self, out: BinaryIO, err: TextIO, *, verbose: bool = False,
        progress: ProgressLine | None = None,
    ) -> None:
        self._out = out
        self._err = err
        self._verbose = verbose
        self._progress = progress
        """The history load's progress line on stderr (None with ``-q``)."""
        self._shown: tuple[ConnectionState, str] | None = None
        self.written = 0
        """Entries written so far."""

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Write the batch as lines in one write, then flush once."""
        lines: list[str] | None = None
        if type(entries) is EntryBatch and entries.untouched:
            # Checked JSON objects nobody has read: their texts are the lines, unless one
            # spans lines (a multi-line ``data`` field; rare, and then done entry by entry).
            texts = entries.texts
            if entries.one_line or not [text for text in texts if "\n" in text]:
                lines = list(texts)
        if lines is None:
            lines = [
                entry.raw if entry.is_json and "\n" not in entry.raw else ndjson_line(entry)
                for entry in entries
            ]
        lines.append("")
        self._out.write("\n".join(lines).encode("utf-8", "replace"))
        self._out.flush()
        self.written += len(entries)

    def on_status(self, status: SourceStatus) -> None:
        """With ``-v``, one line per change of state or reason (not per counter update); the
        history load's progress unless ``-q``."""
        if self._progress is not None:
            self._progress.update(status)
        shown = (status.state, status.detail)
        if shown == self._shown:
            return
        self._shown = shown
        if not self._verbose:
            return
        line = f"logtui: {status.state.value}"
        if status.detail:
            line += f": {status.detail}"
        if status.retry_at is not None and status.state in (
            ConnectionState.RECONNECTING,
            ConnectionState.RATE_LIMITED,
        ):
            line += f" (retrying in {max(0.0, status.retry_at - time.time()):.1f} s)"
        self._say(line)

    def on_notice(self, notice: Notice) -> None:
        """Warnings and errors always; the rest with ``-v``."""
        if self._verbose or notice.level in ("warning", "error"):
            self._say(f"logtui: {notice.level}: {notice.message}")

    def _say(self, line: str) -> None:
        if self._progress is not None:
            self._progress.interrupt()
        self._err.write(safe_line(line) + "\n")
        self._err.flush()


def run_headless(
    engine_factory: Callable[[Sink], Engine], *, verbose: bool, progress: bool = True
) -> int:
    """Run an engine to the end with an :class:`NdjsonSink`; return the process exit code.

    Exit codes: 0 the server ended the stream (scope-destroyed); 3 the server refused (auth,
    404, not an event stream); 130 interrupted (Ctrl-C) and 143 terminated, after the last
    batch was flushed and the resume point saved. A signal ends the process within
    :data:`STOP_GRACE` seconds whatever stdout does (see :class:`_Stopper`). ``progress``:
    a history load's progress on stderr (:class:`~logtui.headless_progress.ProgressLine`).
    """
    keep_read_buffers()  # a bulk pipe from here on: reuse warm read buffers
    line = ProgressLine(sys.stderr) if progress else None
    sink = NdjsonSink(sys.stdout.buffer, sys.stderr, verbose=verbose, progress=line)
    stopper = _Stopper()
    reader_gone = False

    async def main() -> SourceStatus:
        with paused_gc():  # imports the source's modules (httpx among them)
            engine = engine_factory(sink)
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None
        stopper.attach(loop, task, engine)

        def stdout_closed(fileno: int) -> None:
            nonlocal reader_gone
            reader_gone = True
            loop.remove_reader(fileno)
            task.cancel()

        stdout = _pipe_fileno(sys.stdout)
        if stdout is not None:
            # The write end of a pipe reports an error as soon as its reader exits, so a
            # `| head` ends the run at once instead of at the next entry, however quiet.
            with contextlib.suppress(OSError, ValueError, NotImplementedError):
                loop.add_reader(stdout, stdout_closed, stdout)
        status = await engine.run()
        if status.state is ConnectionState.FAILED and engine.error is not None:
            raise engine.error
        return status

    try:
        with stopper.installed():
            asyncio.run(main())
    except KeyboardInterrupt:
        return stopper.code or EXIT_INTERRUPTED
    except asyncio.CancelledError:
        if reader_gone:
            silence_stdout()
            return EXIT_OK
        return stopper.code or EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_OK
    except LogtuiError:
        raise
    return EXIT_OK


class _Stopper:
    """SIGINT and SIGTERM: cancel the run (it flushes and saves), and if that has not ended the
    process within :data:`STOP_GRACE` seconds, save the resume point and end it from a watchdog
    thread. A second signal ends it at once.

    Plain ``signal.signal`` handlers, not the event loop's: the loop's are restarted system
    calls away from ever running while the engine is blocked in a write.
    """

    def __init__(self) -> None:
        self.code = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[SourceStatus] | None = None
        self._engine: Engine | None = None

    def attach(
        self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[SourceStatus], engine: Engine
    ) -> None:
        """What to cancel and whose state to save, once the run has them."""
        self._loop, self._task, self._engine = loop, task, engine
        if self.code:
            task.cancel()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """The handlers, in place for the duration (main thread only; else nothing)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        code = EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED
        if self.code:
            self._end(self.code, save=False)
        self.code = code
        loop, task = self._loop, self._task
        if loop is None or task is None:
            raise KeyboardInterrupt  # before the run started: nothing to flush or save
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(task.cancel)
        threading.Thread(target=self._watch, name="logtui-stop", daemon=True).start()

    def _watch(self) -> None:
        time.sleep(STOP_GRACE)
        self._end(self.code, save=True)

    def _end(self, code: int, *, save: bool) -> None:
        engine = self._engine
        if save and engine is not None:
            with contextlib.suppress(Exception):
                engine.save_state()
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


def _pipe_fileno(stream: TextIO) -> int | None:
    """The file descriptor of ``stream`` if it is a pipe, else None."""
    try:
        fileno = stream.fileno()
        return fileno if stat.S_ISFIFO(os.fstat(fileno).st_mode) else None
    except (OSError, ValueError, AttributeError):
        return None


def silence_stdout() -> None:
    """After the reader went away, point stdout at /dev/null so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass


__all__ = ["NdjsonSink", "ndjson_line", "run_headless"]
