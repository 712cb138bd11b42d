"""Shared pieces of the fleet tests: a sink the test thread can wait on, a config file."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from logtui.core.models import ConnectionState, Entry, Notice, SourceStatus


class ThreadSink:
    """Collects what a fleet hands over (from its engine threads) and lets a test wait."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.statuses: list[SourceStatus] = []
        self.notices: list[Notice] = []
        self.batches: list[list[Entry]] = []
        self._changed = threading.Condition()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        with self._changed:
            self.entries.extend(entries)
            self.batches.append(list(entries))
            self._changed.notify_all()

    def on_status(self, status: SourceStatus) -> None:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()

    def on_notice(self, notice: Notice) -> None:
        with self._changed:
            self.notices.append(notice)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[ThreadSink], bool], within: float = 20) -> None:
        deadline = time.monotonic() + within
        with self._changed:
            while not condition(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"timed out: {len(self.entries)} entries, states "
                        f"{[(s.name, s.state.value) for s in self.statuses][-8:]}"
                    )
                self._changed.wait(left)

    def of(self, name: str) -> list[Entry]:
        with self._changed:
            return [entry for entry in self.entries if entry.source == name]

    def states(self, name: str) -> list[ConnectionState]:
        with self._changed:
            return [status.state for status in self.statuses if status.name == name]


def write_config(directory: Path, text: str) -> Path:
    """``config.toml`` holding ``text``, private as logtui requires."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path
