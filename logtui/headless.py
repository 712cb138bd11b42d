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
import time
from collections.abc import Callable, Sequence
from typing import BinaryIO, Final, TextIO

from logtui.core.engine import Engine
from logtui.core.errors import LogtuiError
from logtui.core.models import ConnectionState, Entry, Notice, Sink, SourceStatus
from logtui.core.sanitize import safe_line

EXIT_OK: Final = 0
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143


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

    def __init__(self, out: BinaryIO, err: TextIO, *, verbose: bool = False) -> None:
        self._out = out
        self._err = err
        self._verbose = verbose
        self._shown: tuple[ConnectionState, str] | None = None
        self.written = 0
        """Entries written so far."""

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Write the batch as lines in one write, then flush once."""
        lines = [
            entry.raw if entry.is_json and "\n" not in entry.raw else ndjson_line(entry)
            for entry in entries
        ]
        lines.append("")
        self._out.write("\n".join(lines).encode("utf-8", "replace"))
        self._out.flush()
        self.written += len(entries)

    def on_status(self, status: SourceStatus) -> None:
        """With ``-v``, one line per change of state or reason (not per counter update)."""
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
        self._err.write(safe_line(line) + "\n")
        self._err.flush()


def run_headless(engine_factory: Callable[[Sink], Engine], *, verbose: bool) -> int:
    """Run an engine to the end with an :class:`NdjsonSink`; return the process exit code.

    Exit codes: 0 the server ended the stream (scope-destroyed); 3 the server refused (auth,
    404, not an event stream); 130 interrupted (Ctrl-C) and 143 terminated, after the last
    batch was flushed and the resume point saved.
    """
    sink = NdjsonSink(sys.stdout.buffer, sys.stderr, verbose=verbose)
    terminated = False
    reader_gone = False

    async def main() -> SourceStatus:
        engine = engine_factory(sink)
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def terminate() -> None:
            nonlocal terminated
            terminated = True
            if task is not None:
                task.cancel()

        def stdout_closed(fileno: int) -> None:
            nonlocal reader_gone
            reader_gone = True
            loop.remove_reader(fileno)
            if task is not None:
                task.cancel()

        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signal.SIGTERM, terminate)
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
        asyncio.run(main())
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except asyncio.CancelledError:
        if reader_gone:
            _silence_stdout()
            return EXIT_OK
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except LogtuiError:
        raise
    return EXIT_OK


def _pipe_fileno(stream: TextIO) -> int | None:
    """The file descriptor of ``stream`` if it is a pipe, else None."""
    try:
        fileno = stream.fileno()
        return fileno if stat.S_ISFIFO(os.fstat(fileno).st_mode) else None
    except (OSError, ValueError, AttributeError):
        return None


def _silence_stdout() -> None:
    """After the reader went away, point stdout at /dev/null so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass


__all__ = ["NdjsonSink", "ndjson_line", "run_headless"]
