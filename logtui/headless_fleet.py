"""Headless mode over several sources: their entries merged into one NDJSON stream.

The members run as a :class:`~logtui.core.fleet.Fleet` whose merge window hands one
:class:`~logtui.headless.NdjsonSink` their entries in event-time order. Each payload is written
unchanged, or with the member's name added when asked (:func:`tagged_line`). One member failing
(a 403, a 404) is said on stderr, named, and the others go on; the exit code is 0 when every
member ended normally, else the worst member's (3 a refusal, 1 an unexpected error); Ctrl-C and
SIGTERM stop them all (each saves its resume point) with 130 and 143.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from logtui.core.errors import LogtuiError
from logtui.core.models import ConnectionState, Entry, Notice, Sink, SourceStatus
from logtui.core.sanitize import safe_line
from logtui.headless import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    STOP_GRACE,
    NdjsonSink,
    silence_stdout,
)

if TYPE_CHECKING:
    from typing import BinaryIO, TextIO

    from logtui.core.filters.evaluate import Predicate
    from logtui.core.fleet import Fleet, Member

__all__ = ["FleetOutput", "run_fleet_headless", "tagged_line"]

POLL: Final = 0.25
"""Seconds between checks that the members still run and stdout's reader is still there."""


def tagged_line(entry: Entry, name: str) -> str:
    """The NDJSON line for ``entry`` with ``"source": name`` added.

    A JSON object gets the key first, the rest of its text unchanged; anything else (another
    JSON value, text, an object with its own ``source``) is wrapped:
    ``{"source": name, "payload": <the value or the text>}``.
    """
    tag = json.dumps(name, ensure_ascii=False)
    raw = entry.raw.replace("\n", " ") if entry.is_json else ""
    body = raw.strip()
    if entry.is_json and body.startswith("{") and "source" not in entry.data:
        rest = body[1:].lstrip()
        return f'{{"source":{tag}}}' if rest.startswith("}") else f'{{"source":{tag},{rest}'
    payload = body if entry.is_json else json.dumps(entry.raw, ensure_ascii=False)
    return f'{{"source":{tag},"payload":{payload}}}'


class FleetOutput:
    """The sink behind the merge: entries to NDJSON (tagged if asked), each member's state
    changes named on stderr (``-v``), failures always; a closed stdout stops the writing."""

    def __init__(self, out: BinaryIO, err: TextIO, *, verbose: bool, tag_source: bool) -> None:
        self._ndjson = NdjsonSink(out, err, verbose=verbose)
        self._err = err
        self._verbose = verbose
        self._tag = tag_source
        self._shown: dict[str, tuple[ConnectionState, str]] = {}
        self._lock = threading.Lock()
        """Several members' threads write here when no merge window serialises them."""
        self.reader_gone = threading.Event()
        """Set once stdout's reader went away (``| head``)."""

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Write the batch, tagged when asked; nothing once stdout's reader is gone."""
        if self.reader_gone.is_set():
            return
        if self._tag:
            entries = [
                replace(entry, raw=tagged_line(entry, entry.source or ""), is_json=True)
                for entry in entries
            ]
        try:
            with self._lock:
                self._ndjson.on_entries(entries)
        except (BrokenPipeError, ValueError):  # ValueError: stdout already closed
            self.reader_gone.set()

    def on_status(self, status: SourceStatus) -> None:
        """One line per change of a member's state or reason (``-v``); a failure always."""
        shown = (status.state, status.detail)
        with self._lock:
            if self._shown.get(status.name) == shown:
                return
            self._shown[status.name] = shown
        if status.state is ConnectionState.FAILED or self._verbose:
            line = f"logtui: {status.name}: {status.state.value}"
            if status.detail:
                line += f": {status.detail}"
            self.say(line)

    def on_notice(self, notice: Notice) -> None:
        """Warnings and errors always (already named by the fleet); the rest with ``-v``."""
        self._ndjson.on_notice(notice)

    def say(self, line: str) -> None:
        """One line on stderr, inert."""
        with contextlib.suppress(OSError, ValueError):
            self._err.write(safe_line(line) + "\n")
            self._err.flush()


def run_fleet_headless(
    members: Sequence[Member], *, verbose: bool, tag_source: bool = False,
    window: float | None = None, predicate: Predicate | None = None,
) -> int:
    """Run the members to the end into NDJSON on stdout; return the process exit code.

    ``predicate``: only the merged entries it keeps are written (the terms of a filter over
    several sources that no server applies, ``source=NAME`` among them).
    """
    from logtui.core.filters.session import FilteredSink
    from logtui.core.fleet import Fleet
    from logtui.core.reorder import DEFAULT_WINDOW

    output = FleetOutput(sys.stdout.buffer, sys.stderr, verbose=verbose, tag_source=tag_source)
    target: Sink = output if predicate is None else FilteredSink(output, predicate)
    fleet = Fleet(members, target, window=DEFAULT_WINDOW if window is None else window)
    code = 0
    with _signals() as signalled:
        try:
            fleet.start()
            while fleet.is_alive() and not output.reader_gone.is_set() and not signalled:
                fleet.wait(POLL)
                if _reader_gone():
                    output.reader_gone.set()
        except KeyboardInterrupt:
            signalled.append(EXIT_INTERRUPTED)
        if signalled:
            _watchdog(fleet, signalled[0])
        fleet.stop()
    if output.reader_gone.is_set():
        silence_stdout()
        return EXIT_OK
    if signalled:
        return signalled[0]
    for name in fleet.names():
        died = fleet.thread(name).exception
        if died is not None:  # a failure the engine could not report as its state
            what = str(died) if isinstance(died, LogtuiError) else \
                f"unexpected error ({type(died).__name__})"
            output.say(f"logtui: {name}: {what}")
        code = max(code, _member_code(fleet, name))
    return code


def _member_code(fleet: Fleet, name: str) -> int:
    """0 for a member that ended on purpose (or was stopped), else its error's exit code."""
    thread = fleet.thread(name)
    died = thread.exception
    if died is not None:
        return died.exit_code if isinstance(died, LogtuiError) else 1
    status = thread.result
    if status is None or status.state is not ConnectionState.FAILED:
        return EXIT_OK
    engine = thread.engine
    error = engine.error if engine is not None else None
    return error.exit_code if error is not None else 1


@contextlib.contextmanager
def _signals() -> Iterator[list[int]]:
    """SIGINT and SIGTERM noted (the first one's exit code) while the members run."""
    signalled: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield signalled
        return

    def on_signal(signum: int, frame: object) -> None:
        code = EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED
        if signalled:
            os._exit(signalled[0])  # a second signal: at once
        signalled.append(code)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield signalled
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _watchdog(fleet: Fleet, code: int) -> None:
    """End the process after :data:`STOP_GRACE` seconds if stopping hangs (stdout blocked),
    saving each member's resume point first."""

    def watch() -> None:
        if fleet.wait(STOP_GRACE):
            return
        for engine in fleet.engines().values():
            if engine is not None:
                with contextlib.suppress(Exception):
                    engine.save_state()
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)

    threading.Thread(target=watch, name="logtui-stop", daemon=True).start()


def _reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has exited."""
    try:
        fileno = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fileno, select.POLLERR)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
