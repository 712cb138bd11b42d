"""What the dashboard needs from a live source, and a scripted one for tests and pictures.

The dashboard never builds connections itself: it is given a factory that, handed the
dashboard's sink, returns a :class:`StreamControl`. The real one is the stream engine's
``EngineThread``; :class:`ScriptedSource` pushes given entries and statuses on demand, so tests
and snapshots are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from logtui.core.models import Entry, Notice, Sink, SourceStatus


class StreamControl(Protocol):
    """The handle the dashboard holds on a running source."""

    def start(self) -> None:
        """Begin streaming into the sink (returns at once)."""

    def stop(self) -> None:
        """Stop streaming and release the connection."""

    def reconnect_now(self) -> None:
        """Drop any wait and reconnect immediately."""

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Reconnect with these server-side filter parameters."""


SourceFactory = Callable[[Sink], StreamControl]
"""Builds the source for a dashboard, given the sink it must feed."""


class ScriptedSource:
    """A source driven by the caller: each ``push`` goes straight into the sink.

    It records what the dashboard asked of it (reconnects, server filters) so tests can assert
    on them.
    """

    def __init__(
        self,
        sink: Sink,
        *,
        initial: Sequence[Entry] = (),
        statuses: Sequence[SourceStatus] = (),
    ) -> None:
        self.sink = sink
        self._initial = list(initial)
        self._statuses = list(statuses)
        self.started = False
        self.stopped = False
        self.reconnects = 0
        self.server_filters: list[dict[str, str]] = []

    def start(self) -> None:
        """Deliver the initial statuses and entries."""
        self.started = True
        for status in self._statuses:
            self.sink.on_status(status)
        if self._initial:
            self.sink.on_entries(self._initial)

    def stop(self) -> None:
        """Remember that the dashboard stopped it."""
        self.stopped = True

    def reconnect_now(self) -> None:
        """Count the reconnect request."""
        self.reconnects += 1

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Record the server-side filters asked for."""
        self.server_filters.append(dict(params))

    def push(self, entries: Iterable[Entry]) -> None:
        """Hand entries to the dashboard as the engine would."""
        self.sink.on_entries(list(entries))

    def push_status(self, status: SourceStatus) -> None:
        """Hand a connection status to the dashboard."""
        self.sink.on_status(status)

    def push_notice(self, notice: Notice) -> None:
        """Hand a diagnostic to the dashboard."""
        self.sink.on_notice(notice)


class ScriptedFleet(ScriptedSource):
    """A scripted source standing for several named ones (as ``core.fleet.Fleet``): pushes
    are tagged with a source name, and what the dashboard asks of each source is recorded."""

    def __init__(self, sink: Sink, names: Sequence[str], *, initial: Sequence[Entry] = (),
                 statuses: Sequence[SourceStatus] = ()) -> None:
        super().__init__(sink, initial=initial, statuses=statuses)
        self.names = tuple(names)
        self.member_filters: list[tuple[str | None, dict[str, str]]] = []
        """``(name, params)`` for each ``set_server_filters`` asked, in order."""
        self.member_reconnects: list[str | None] = []

    def reconnect_now(self, name: str | None = None) -> None:
        """Count the reconnect request (of one source, or every one)."""
        self.reconnects += 1
        self.member_reconnects.append(name)

    def set_server_filters(
        self, params: Mapping[str, str], name: str | None = None
    ) -> None:
        """Record the server-side filters asked of one source (or every one)."""
        self.server_filters.append(dict(params))
        self.member_filters.append((name, dict(params)))

    def push_from(self, name: str, entries: Iterable[Entry]) -> None:
        """Hand entries of the source ``name`` to the dashboard."""
        batch = list(entries)
        for entry in batch:
            entry.source = name
        self.sink.on_entries(batch)

    def push_status_of(self, name: str, status: SourceStatus) -> None:
        """Hand one source's status to the dashboard, named."""
        self.sink.on_status(replace(status, name=name))


class ScriptedFleetFactory:
    """A :data:`SourceFactory` building a :class:`ScriptedFleet` and keeping it, for tests."""

    def __init__(self, names: Sequence[str], *, initial: Sequence[Entry] = (),
                 statuses: Sequence[SourceStatus] = ()) -> None:
        self.names = tuple(names)
        self._initial = initial
        self._statuses = statuses
        self.source: ScriptedFleet | None = None

    def __call__(self, sink: Sink) -> ScriptedFleet:
        self.source = ScriptedFleet(sink, self.names, initial=self._initial,
                                    statuses=self._statuses)
        return self.source


class ScriptedSourceFactory:
    """A :data:`SourceFactory` that keeps the :class:`ScriptedSource` it built, for tests."""

    def __init__(
        self, *, initial: Sequence[Entry] = (), statuses: Sequence[SourceStatus] = ()
    ) -> None:
        self._initial = initial
        self._statuses = statuses
        self.source: ScriptedSource | None = None

    def __call__(self, sink: Sink) -> ScriptedSource:
        self.source = ScriptedSource(sink, initial=self._initial, statuses=self._statuses)
        return self.source
