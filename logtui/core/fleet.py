"""Several named sources run together into one sink: one engine each, tagged, merged.

Each :class:`Member` is a source the user named (a ``[sources.NAME]`` table, or one of the
demo's APIs) with its own engine, connection state, resume point, counters and errors: one
member failing or ending never stops the others. :class:`Fleet` runs each member's engine on
its own :class:`~logtui.core.runner.EngineThread` and hands everything to one sink: entries
carry their member's name in ``Entry.source``, statuses in ``SourceStatus.name``, notices are
prefixed with the name. Between the members and the sink, a
:class:`~logtui.core.reorder.ReorderWindow` merges them in event-time order (``window``
seconds at most; 0 passes entries through as they come). It offers the controls the
dashboard holds on a running source (``start``, ``stop``, ``reconnect_now``,
``set_server_filters``), per member where it matters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from logtui.core.engine import Engine
from logtui.core.models import Entry, Notice, Sink, SourceStatus
from logtui.core.reorder import DEFAULT_WINDOW, ReorderWindow, member_times
from logtui.core.runner import EngineThread
from logtui.core.sources import SourceConfig

__all__ = ["Fleet", "Member", "TaggingSink"]


@dataclass(frozen=True, slots=True)
class Member:
    """One named source of a fleet: its name, its API and how to build its engine."""

    name: str
    """The name the user gave it (shown in the ``source`` column, used by ``source=NAME``)."""
    kind: str
    """The API's name (see :mod:`logtui.core.apis`)."""
    description: str
    """What it connects to, without credentials (for the status line)."""
    engine: Callable[[Sink], Engine]
    """Builds this member's engine around the sink it must feed."""
    config: SourceConfig | None = None
    """What it streams from (for its history reader, see :mod:`logtui.core.merged_history`);
    ``None`` when only its engine is known."""


class TaggingSink:
    """Marks everything one member's engine hands over with the member's name."""

    def __init__(self, name: str, target: Sink) -> None:
        self.name = name
        self._target = target

    def on_entries(self, entries: Sequence[Entry]) -> None:
        """Tag each entry with the member's name, then pass the batch on."""
        name = self.name
        for entry in entries:
            entry.source = name
        self._target.on_entries(entries)

    def on_status(self, status: SourceStatus) -> None:
        """Pass the status on, named."""
        self._target.on_status(replace(status, name=self.name))

    def on_notice(self, notice: Notice) -> None:
        """Pass the notice on, prefixed with the member's name."""
        self._target.on_notice(replace(notice, message=f"{self.name}: {notice.message}"))


class Fleet:
    """The members' engines, each on its own thread, feeding one sink."""

    def __init__(
        self, members: Sequence[Member], sink: Sink, *, window: float = DEFAULT_WINDOW
    ) -> None:
        """``window``: seconds an entry may wait for the other members' entries of the same
        moment (see :mod:`logtui.core.reorder`); 0 hands each batch on as it comes."""
        names = [member.name for member in members]
        if len(set(names)) != len(names):
            raise ValueError("each source of a fleet needs its own name")
        self.members: tuple[Member, ...] = tuple(members)
        self.merge: ReorderWindow | None = None
        """The merge window between the members and ``sink`` (None with ``window=0``)."""
        if window > 0:
            self.merge = ReorderWindow(
                sink, member_times((member.name, member.kind) for member in self.members),
                window=window,
            )
            sink = self.merge
        self._sink = sink
        self._lock = threading.Lock()
        self._threads: dict[str, EngineThread] = {
            member.name: EngineThread(member.engine, TaggingSink(member.name, sink))
            for member in self.members
        }

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def start(self) -> None:
        """Start every member's engine (returns once each exists), and the merge's timer."""
        if self.merge is not None:
            self.merge.start()
        for thread in self._threads.values():
            thread.start()

    def stop(self) -> None:
        """Stop every member (each saves its resume point), then release what the merge
        still holds."""
        for thread in self._threads.values():
            thread.stop(timeout=0.0)  # cancel all first: they wind down together
        for thread in self._threads.values():
            thread.stop()
        self.flush()

    def flush(self) -> None:
        """Release everything the merge holds, in order (at the end of a run)."""
        if self.merge is not None:
            self.merge.close()

    def names(self) -> list[str]:
        """The members' names, in the order given."""
        return [member.name for member in self.members]

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (for ever with None) for every member to stop;
        True when none runs any more."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads.values():
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return not self.is_alive()

    def thread(self, name: str) -> EngineThread:
        """The engine thread of the member called ``name``."""
        return self._threads[name]

    def engines(self) -> dict[str, Engine | None]:
        """Each member's engine by name (``None`` until its thread has built it)."""
        return {name: thread.engine for name, thread in self._threads.items()}

    def reconnect_now(self, name: str | None = None) -> None:
        """Drop any wait and reconnect the member ``name`` (every member when ``None``)."""
        for member, thread in self._threads.items():
            if name is None or member == name:
                thread.reconnect_now()

    def set_server_filters(self, params: Mapping[str, str], name: str | None = None) -> None:
        """Reconnect the member ``name`` (every member when ``None``) with these server-side
        parameters; each member's API understands only its own (see the filter session)."""
        for member, thread in self._threads.items():
            if name is None or member == name:
                thread.set_server_filters(params)

    def is_alive(self) -> bool:
        """True while any member is still running."""
        return any(thread.is_alive() for thread in self._threads.values())
