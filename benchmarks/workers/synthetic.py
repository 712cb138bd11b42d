"""A source for the dashboard benchmarks that feeds entries the way the stream engine does.

The engine parses frames on its own thread and hands each read's worth of entries to the
dashboard's sink in one call. :class:`PacedSource` does the same from a thread: it builds each
entry from realistic JSON text (parsed with ``json.loads``, as the engine does), at a fixed rate
in ticks or all at once as a burst, and notes when each entry was handed over so a probe can
measure arrival-to-screen lag.

Every entry's ``url`` is ``/v1/orders/<n>`` where ``n`` is its arrival number, so a probe can
read from a rendered frame which entries are on screen without reaching into the dashboard.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Protocol

from benchmarks.payloads import proxy_entries

MARKER: Final = re.compile(r"/v1/orders/(\d+)")
"""Finds entry numbers in rendered text."""
FIRST_ID: Final = 1_000_000
_SLOTS: Final = ("id", "traceId", "url")


def _template(entry: dict[str, Any]) -> tuple[str, str, str, str]:
    """The entry's JSON cut around its ``id``, ``traceId`` and ``url`` values."""
    marked = dict(entry)
    for slot in _SLOTS:
        marked[slot] = f"\x00{slot}\x00"
    text = json.dumps(marked, separators=(",", ":"))
    parts: list[str] = []
    for slot in _SLOTS:
        head, text = text.split(f'"\\u0000{slot}\\u0000"', 1)
        parts.append(head)
    return parts[0], parts[1], parts[2], text


class EntrySink(Protocol):
    """The part of logtui's ``Sink`` the source calls."""

    def on_entries(self, entries: Sequence[Any]) -> None: ...


class EntryMaker:
    """Builds fresh entries numbered from 0, from a pool of realistic payload templates.

    Entry ``n`` gets a unique ``id``, a ``traceId`` shared only with its request/response
    partner, and the ``/v1/orders/<n>`` URL, so nothing repeats as the pool cycles (the stream
    engine de-duplicates by ``id``, the store indexes traces).
    """

    def __init__(self, make_entry: Callable[[str, Mapping[str, Any]], Any], pool: int = 20_000):
        self._make_entry = make_entry
        self._templates = [_template(entry) for entry in proxy_entries(pool)]
        self.made = 0

    def text(self, n: int) -> str:
        """The JSON text of entry ``n`` (a fresh string each time, like bytes off the wire)."""
        before_id, before_trace, before_url, rest = self._templates[n % len(self._templates)]
        return (
            f'{before_id}{FIRST_ID + n}{before_trace}"00000000-0000-4000-8000-{n // 2:012x}"'
            f'{before_url}"/v1/orders/{n}"{rest}'
        )

    def batch(self, count: int) -> list[Any]:
        """The next ``count`` entries, parsed."""
        start = self.made
        self.made += count
        out = []
        for n in range(start, start + count):
            raw = self.text(n)
            out.append(self._make_entry(raw, json.loads(raw)))
        return out


class PacedSource:
    """A ``StreamControl`` whose thread pushes entries at ``rate`` per second, or in bursts.

    ``rate`` of 0 pushes nothing until :meth:`burst` is called. ``arrivals[n]`` is the
    ``perf_counter`` time entry ``n`` was handed to the sink.
    """

    def __init__(
        self,
        sink: EntrySink,
        maker: EntryMaker,
        *,
        rate: float = 0.0,
        tick: float = 0.01,
        limit: int | None = None,
    ) -> None:
        self.sink = sink
        self.maker = maker
        self.rate = rate
        self.tick = tick
        self.limit = limit
        self.arrivals: list[float] = []
        self.pushed = 0
        self.paced_from: tuple[float, int] | None = None
        """(time, entries pushed before) when paced pushing began."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-source", daemon=True)

    # StreamControl
    def start(self) -> None:
        """Begin pushing at ``rate``; with a rate of 0, wait for :meth:`burst` or :meth:`pace`."""
        if self.rate > 0:
            self._thread.start()

    def pace(self, rate: float) -> None:
        """Start pushing at ``rate`` per second from now."""
        self.rate = rate
        self._thread.start()

    def stop(self) -> None:
        """Stop the pushing thread."""
        self._stop.set()

    def reconnect_now(self) -> None:
        """Nothing to reconnect."""

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Server filters are not simulated."""

    def burst(self, count: int, batch: int = 500) -> None:
        """Push ``count`` entries as fast as possible, ``batch`` per sink call (a replay)."""
        while count > 0:
            size = min(batch, count)
            self._push(size)
            count -= size

    def _push(self, size: int) -> None:
        entries = self.maker.batch(size)
        now = time.perf_counter()
        self.arrivals.extend([now] * size)
        self.pushed += size
        self.sink.on_entries(entries)

    def _run(self) -> None:
        if self.rate <= 0:
            return
        start = time.perf_counter()
        base = self.pushed
        self.paced_from = (start, base)
        while not self._stop.is_set():
            due = base + int((time.perf_counter() - start) * self.rate)
            if self.limit is not None:
                due = min(due, self.limit)
            if due > self.pushed:
                self._push(due - self.pushed)
            if self.limit is not None and self.pushed >= self.limit:
                return
            self._stop.wait(self.tick)


class WireSource:
    """The baseline's network source: httpx + httpx-sse + ``json.loads`` on a thread.

    It hands entries to the sink in batches of ``batch``, like the stream engine hands over
    each read; it is what an app gets from the least code that reads the same stream.
    """

    def __init__(
        self,
        sink: EntrySink,
        url: str,
        token: str,
        make_entry: Callable[[str, Mapping[str, Any]], Any],
        batch: int = 100,
    ) -> None:
        self.sink = sink
        self._url = url
        self._token = token
        self._make_entry = make_entry
        self._batch = batch
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-wire", daemon=True)

    def start(self) -> None:
        """Connect and start reading."""
        self._thread.start()

    def stop(self) -> None:
        """Stop handing entries over (the connection ends with the server)."""
        self._stop.set()

    def reconnect_now(self) -> None:
        """Not simulated."""

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Not simulated."""

    def _run(self) -> None:
        import httpx
        from httpx_sse import connect_sse

        headers = {"Authorization": f"Bearer {self._token}"}
        pending: list[Any] = []
        try:
            with (
                httpx.Client(timeout=None) as client,
                connect_sse(client, "GET", self._url, headers=headers) as source,
            ):
                for event in source.iter_sse():
                    if self._stop.is_set():
                        return
                    if event.event != "message":
                        continue
                    pending.append(self._make_entry(event.data, json.loads(event.data)))
                    if len(pending) >= self._batch:
                        self.sink.on_entries(pending)
                        pending = []
        except httpx.HTTPError:
            return
        finally:
            if pending:
                self.sink.on_entries(pending)
