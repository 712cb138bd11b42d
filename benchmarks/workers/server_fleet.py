"""Several paced proxy-logs servers in a process of their own, for the several-sources case.

Each server is a :class:`~benchmarks.sse_server.PregeneratedSSEServer` in paced mode, so they
send at the same rate the sustained case uses; they run in a child process so that their
threads neither take the measured process's CPU nor wait for its GIL, as remote servers would
not. Entry ``i`` of server ``s`` out of ``n`` carries the number ``i * n + s`` in its
``/v1/orders/<number>`` URL (unique across servers, and in the order the servers send them) and
an event time of ``i / rate`` seconds after the servers were told to go, the same for every
server, so the merge lines them up as it would streams of one moment.

:class:`ServerFleet` is the parent's side: the servers' URLs, a gate that starts all of them at
once, how many entries they have sent so far (shared memory, read without a round trip), and,
once halted, when each entry went out (``time.perf_counter``, the same clock in both processes
on Linux).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import re
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from benchmarks.sse_server import Pacing, PregeneratedSSEServer
from benchmarks.workers.synthetic import EntryMaker

TOKEN: Final = "bench-token-not-a-secret"
_TIME: Final = re.compile(r'"tsMs":\d+,"tsIso":"[^"]*"')


class StampedPayloads:
    """Server ``source``'s payloads, built as they are sent, stamped from :attr:`base_ms`."""

    def __init__(self, maker: EntryMaker, source: int, sources: int, rate: float, total: int):
        self._maker = maker
        self._source = source
        self._sources = sources
        self._step_ms = 1000 / rate
        self._total = total
        self.base_ms = time.time() * 1000
        """The event time of each server's first entry; set when the servers go."""

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, index: int) -> str:
        text = self._maker.text(index * self._sources + self._source)
        ms = int(self.base_ms + index * self._step_ms)
        iso = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
        stamp = f'"tsMs":{ms},"tsIso":"{iso.removesuffix("+00:00")}Z"'
        return _TIME.sub(stamp, text, count=1)


def serve(conn: Any, counts: Any, sources: int, rate: float, total: int, pool: int) -> None:
    """The child process: start the servers, send their URLs, then obey ``go``/``halt``/``exit``.

    ``counts[s]`` is how many entries server ``s`` has sent, ``counts[sources + s]`` how many
    stream connections it has served; both are refreshed every 5 ms.
    """
    maker = EntryMaker(lambda raw, data: None, pool=pool)
    gate = threading.Event()
    payloads = [StampedPayloads(maker, s, sources, rate, total) for s in range(sources)]
    servers = [
        PregeneratedSSEServer(
            p, token=TOKEN, ending="hold", pacing=Pacing(rate), gate=gate  # type: ignore[arg-type]
        ).start()
        for p in payloads
    ]
    conn.send([server.base_url for server in servers])
    stopping = threading.Event()

    def publish() -> None:
        while not stopping.wait(0.005):
            for index, server in enumerate(servers):
                log = server.sent_log
                counts[index] = log[-1][0] if log else 0
                counts[sources + index] = server.stream_connections

    publisher = threading.Thread(target=publish, daemon=True)
    publisher.start()
    try:
        while True:
            command = conn.recv()
            if command == "go":
                base_ms = time.time() * 1000
                for p in payloads:
                    p.base_ms = base_ms
                gate.set()
            elif command == "halt":
                for server in servers:
                    server.halt.set()
                conn.send([list(server.sent_log) for server in servers])
            else:
                break
    except EOFError:
        pass
    finally:
        stopping.set()
        for server in servers:
            server.stop()


class ServerFleet:
    """The parent's handle on :func:`serve`'s process; use as a context manager."""

    def __init__(self, sources: int, rate: float, seconds: float, pool: int = 20_000) -> None:
        self.sources = sources
        self.rate = rate
        self._total = int(rate * (seconds + 10))
        self._pool = pool
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._counts: Any = context.Array("q", 2 * sources, lock=False)
        self._process = context.Process(
            target=serve,
            args=(child_conn, self._counts, sources, rate, self._total, pool),
            name="bench-servers",
            daemon=True,
        )
        self.urls: list[str] = []
        self.sent_logs: list[list[tuple[int, float]]] | None = None
        self.paced_from: tuple[float, int] | None = None

    def __enter__(self) -> ServerFleet:
        self._process.start()
        if not self._conn.poll(120):
            raise RuntimeError("the servers' process never started")
        self.urls = self._conn.recv()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("exit")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)

    @property
    def stream_urls(self) -> list[str]:
        """Each server's live-tail endpoint."""
        return [f"{url}/_logs/stream" for url in self.urls]

    def connected(self) -> int:
        """How many servers have a stream connection."""
        return sum(1 for n in self._counts[self.sources :] if n > 0)

    def go(self) -> None:
        """Start every server's paced stream now."""
        self._conn.send("go")
        self.paced_from = (time.perf_counter(), 0)

    @property
    def pushed(self) -> int:
        """Entries sent by all the servers so far."""
        if self.sent_logs is not None:
            return sum(log[-1][0] if log else 0 for log in self.sent_logs)
        return int(sum(self._counts[: self.sources]))

    def stop(self) -> None:
        """Stop sending (connections stay open with heartbeats) and fetch the send times."""
        if self.sent_logs is None:
            self._conn.send("halt")
            self.sent_logs = self._conn.recv()

    @property
    def arrivals(self) -> list[float]:
        """When each entry, by number, left its server (known once stopped): as far as every
        server got, so that each number in the list was sent."""
        logs: Sequence[list[tuple[int, float]]] = self.sent_logs or []
        if not logs:
            return []
        per_server: list[list[float]] = []
        for log in logs:
            times: list[float] = []
            for sent, when in log:
                times.extend([when] * (sent - len(times)))
            per_server.append(times)
        shortest = min(len(times) for times in per_server)
        return [
            per_server[source][index]
            for index in range(shortest)
            for source in range(self.sources)
        ]
