"""Worker: the dashboard under a replay burst, a sustained stream, and a full buffer.

Usage: ``python -m benchmarks.workers.dashboard MODE [args]``, MODE one of

- ``replay REPS``: 5,000 entries handed over at once (a reconnect's ring replay): seconds
  until the newest is on screen and the longest UI stall until then; and, in a separate run,
  ``space`` pressed during the burst: seconds until "paused" is on screen. Each run uses a
  fresh app, for logtui's dashboard and for the baseline ``Log`` app.
- ``replay-wire REPS``: the same, end to end: the replay comes over a real socket from the
  pre-generated server into logtui's real stream engine (the baseline reads it with httpx-sse).
- ``sustained SECONDS RATE``: entries at RATE per second. The first 40 % measures display lag
  (arrival to on screen); the next 30 % presses ``space``/``f`` and measures key-to-screen
  latency; the last 30 % types a filter expression and measures the longest UI stall and
  whether ingest kept pace. Also reports the backlog over time and the CPU used.
- ``sustained-wire SECONDS RATE``: the same over a real socket: the pre-generated server
  sends at RATE into logtui's stream engine (the baseline reads it with httpx-sse); arrival is
  when the server sent each entry.
- ``memory SECONDS paced|fast|burst [COUNT]``: RSS with COUNT (100,000) entries buffered
  (handed over as the UI keeps pace, as fast as it takes them, or in one burst), then RSS
  while the full buffer keeps evicting under a 10,000/s stream for SECONDS.
- ``gc-pauses SECONDS RATE BUFFER on|off|both``: BUFFER entries held, then a stream at RATE
  for SECONDS with keys pressed between pauses of up to 2.5 s: the longest garbage-collection
  pause (any generation, timed with ``gc.callbacks``), and key-to-screen latency; ``off`` stops
  the dashboard's collection policy first (Python's own collector, the baseline); ``both``
  measures ``on`` then ``off`` over one fill.
- ``filter-screen COUNT``: COUNT entries buffered, then a new filter typed and entered: seconds
  from enter to the first frame showing only matching rows, and to the first without the
  stream pane's "filtering" progress (a buffer over 100,000 rows is filtered a chunk at a
  time), with ``space``/``f`` pressed meanwhile: the longest key-to-screen latency.
- ``profile SECONDS RATE``: cProfile of the UI thread while streaming, then while typing.
- ``memory-bare [COUNT]``: RSS of a plain process holding the same COUNT (100,000) entries
  in a list.

Everything runs headless inside ``App.run_test()`` at 120x40; the frames are turned into
terminal output by :class:`~benchmarks.workers.probe.FrameProbe` as a real terminal would need.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Final, Protocol

from benchmarks.measure import percentile, rss_bytes
from benchmarks.workers import emit, not_available

SIZE: Final = (120, 40)
REPLAY: Final = 5_000
BUFFERED: Final = 100_000
TYPED: Final = 'service:api url~"^/v1/(users|invoices)"'
POOL: Final = 20_000
"""Payload templates the feeding harness cycles through (entries still differ in id, trace
and url)."""
SETTLE_SECONDS: Final = 1.0
"""How long a full buffer is left quiet before its RSS is read."""
MEMORY_POOL: Final = 2_000
"""The pool where RSS is the figure: 20,000 templates are 12.7 MB of the harness's own,
2,000 are 1.3 MB, with the same mix of values and sizes."""

try:
    from textual import events
    from textual.app import App

    from benchmarks.sse_server import Pacing, PregeneratedSSEServer
    from benchmarks.workers.baseline_app import BaselineApp
    from benchmarks.workers.probe import FrameProbe, GcPauses, LoopLag
    from benchmarks.workers.synthetic import MARKER, EntryMaker, PacedSource, WireSource
    from logtui.core.models import Entry, SourceKind
except ImportError as error:  # pragma: no cover - reported as "not available"
    not_available(f"cannot import what the dashboard cases need: {error}")


def _make_entry(raw: str, data: Any) -> Entry:
    # As the stream source builds it: ``data`` is the object it parsed ``raw`` into.
    return Entry(raw=raw, data=data, received_at=time.time(), key=str(data.get("id")),
                 parsed=data)


def _dashboard(factory: Callable[[Any], Any], buffer: int = BUFFERED) -> App[Any]:
    try:
        from logtui.tui.app import create_app
    except ImportError as error:
        not_available(f"the dashboard (logtui.tui.app.create_app) is missing: {error}")
    return create_app(factory, SourceKind.PROXY, description="benchmark", buffer=buffer)


def _baseline(factory: Callable[[Any], Any], buffer: int = BUFFERED) -> App[Any]:
    return BaselineApp(factory, max_lines=buffer)


APPS: Final = {"logtui": _dashboard, "baseline": _baseline}


class Feed(Protocol):
    """Where a sustained run's entries come from: counts and send times, and a stop."""

    paced_from: tuple[float, int] | None

    @property
    def pushed(self) -> int: ...

    @property
    def arrivals(self) -> list[float]: ...

    def stop(self) -> None: ...


class Harnessed:
    """An app with a probe on its frames, fed by a :class:`PacedSource` in-process or, with a
    ``server``, over a real socket (logtui through its stream engine, the baseline through
    httpx-sse)."""

    def __init__(
        self,
        which: str,
        *,
        rate: float = 0.0,
        buffer: int = BUFFERED,
        server: PregeneratedSSEServer | None = None,
        gate: threading.Event | None = None,
        pool: int = POOL,
    ) -> None:
        self.maker = EntryMaker(_make_entry, pool=pool)
        self.source: PacedSource | None = None
        self.rate = rate
        self._server = server
        self._gate = gate
        self._server_feed = ServerFeed(server) if server is not None else None

        def factory(sink: Any) -> PacedSource:
            self.source = PacedSource(sink, self.maker, rate=rate)
            return self.source

        self.app = APPS[which](factory, buffer) if server is None else _wire_app(which, server)
        self.probe = FrameProbe(self.app)

    @property
    def paced(self) -> PacedSource:
        """The in-process source, once the app has mounted."""
        assert self.source is not None
        return self.source

    @property
    def feed(self) -> Feed:
        """Where the entries come from: the server when there is one, else the source."""
        return self._server_feed if self._server_feed is not None else self.paced

    async def begin(self, pilot: Any) -> None:
        """Over the wire: wait for the app's connection, then let the server start sending."""
        if self._server is None or self._server_feed is None:
            return
        deadline = time.perf_counter() + 10
        while self._server.stream_connections == 0:
            if time.perf_counter() > deadline:
                raise RuntimeError("the app never connected to the stream")
            await pilot.pause(0.01)
        if self._gate is not None:
            self._gate.set()
        self._server_feed.start()

    def consumed(self) -> int:
        """Entries the UI has taken from its queue so far."""
        store = getattr(self.app, "store", None)
        if store is not None:
            return int(store.received)
        return int(getattr(self.app, "consumed", 0))

    def press(self, key: str, char: str | None) -> float:
        """Send a key as the terminal driver would; returns when it was sent."""
        driver = self.app._driver
        assert driver is not None
        sent = time.perf_counter()
        driver.send_message(events.Key(key, char))
        return sent


async def _burst_visible(which: str) -> tuple[float | None, float | None]:
    """Seconds until the newest of the burst is on screen, and the longest UI stall till then."""
    harness = Harnessed(which)
    stalls = LoopLag()
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stalls.start()
        start = time.perf_counter()
        threading.Thread(target=harness.paced.burst, args=(REPLAY,), daemon=True).start()
        shown = await harness.probe.wait_for_entry(REPLAY - 1, within=10)
        stalls.stop()
        if shown is None:
            return None, None
        return shown - start, stalls.worst(start, shown)


async def _burst_key(which: str) -> float | None:
    harness = Harnessed(which)
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        threading.Thread(target=harness.paced.burst, args=(REPLAY,), daemon=True).start()
        await asyncio.sleep(0.02)
        sent = harness.press("space", " ")
        try:
            seen = await asyncio.wait_for(harness.probe.wait_for_text("paused", sent), 5)
        except TimeoutError:
            return None
        return seen - sent


async def replay(reps: int) -> dict[str, Any]:
    """Burst-to-screen and key-during-burst latencies, per app."""
    result: dict[str, Any] = {}
    for which in APPS:
        visible: list[float | None] = []
        stalls: list[float | None] = []
        keys: list[float | None] = []
        for _ in range(reps):
            shown, stall = await _burst_visible(which)
            visible.append(shown)
            stalls.append(stall)
            keys.append(await _burst_key(which))
        result[which] = {"visible": visible, "stall": stalls, "key": keys}
    return result


TOKEN: Final = "bench-token-not-a-secret"


class ServerFeed:
    """The paced server seen as a feed: how many entries it sent, and when each went out."""

    def __init__(self, server: PregeneratedSSEServer) -> None:
        self.server = server
        self.paced_from: tuple[float, int] | None = None

    @property
    def pushed(self) -> int:
        """Entries sent so far."""
        log = self.server.sent_log
        return log[-1][0] if log else 0

    @property
    def arrivals(self) -> list[float]:
        """When each entry left the server (its tick's send time)."""
        out: list[float] = []
        for sent, when in list(self.server.sent_log):
            out.extend([when] * (sent - len(out)))
        return out

    def start(self) -> None:
        """Open the gate: the server starts sending at its rate."""
        self.paced_from = (time.perf_counter(), 0)

    def stop(self) -> None:
        """Stop sending frames."""
        self.server.halt.set()


def _wire_app(which: str, server: PregeneratedSSEServer) -> App[Any]:
    """logtui's dashboard on its real engine, or the baseline on httpx-sse, for ``server``."""
    if which == "baseline":
        return BaselineApp(
            lambda sink: WireSource(sink, server.stream_url, TOKEN, _make_entry),
            max_lines=BUFFERED,
        )
    try:
        from logtui.core.sources import SourceConfig
        from logtui.tui.run import build_dashboard
    except ImportError as error:
        not_available(f"the dashboard on a real engine (logtui.tui.run) is missing: {error}")
    config = SourceConfig(kind=SourceKind.PROXY, url=server.base_url, secret=TOKEN)
    app, _ = build_dashboard(config, buffer=BUFFERED, engine_options={"resume": False})
    return app


async def _wire_burst(which: str, press_key: bool) -> tuple[float | None, float | None]:
    """A 5,000-entry replay over a real socket into an app that is up and idle.

    Returns seconds from the first byte of the replay to the newest entry on screen and the
    longest UI stall meanwhile, or with ``press_key`` from ``space`` (pressed 20 ms into the
    replay) to "paused" on screen (and no stall).
    """
    maker = EntryMaker(_make_entry)
    gate = threading.Event()
    texts = [maker.text(n) for n in range(REPLAY)]
    with PregeneratedSSEServer(texts, token=TOKEN, ending="hold", gate=gate) as server:
        app = _wire_app(which, server)
        probe = FrameProbe(app)
        async with app.run_test(size=SIZE) as pilot:
            deadline = time.perf_counter() + 10
            while server.stream_connections == 0:
                if time.perf_counter() > deadline:
                    raise RuntimeError("the app never connected to the stream")
                await pilot.pause(0.01)
            await pilot.pause(0.2)
            stalls = LoopLag()
            stalls.start()
            gate.set()
            if not press_key:
                shown = await probe.wait_for_entry(REPLAY - 1, within=10)
                stalls.stop()
                start = server.stream_started_at
                if shown is None or start is None:
                    return None, None
                return shown - start, stalls.worst(start, shown)
            stalls.stop()
            await asyncio.sleep(0.02)
            driver = app._driver
            assert driver is not None
            sent = time.perf_counter()
            driver.send_message(events.Key("space", " "))
            try:
                seen = await asyncio.wait_for(probe.wait_for_text("paused", sent), 5)
            except TimeoutError:
                return None, None
            return seen - sent, None


async def replay_wire(reps: int) -> dict[str, Any]:
    """The replay burst end to end: server, socket, engine (or httpx-sse), app, screen."""
    result: dict[str, Any] = {}
    for which in APPS:
        visible: list[float | None] = []
        stalls: list[float | None] = []
        keys: list[float | None] = []
        for _ in range(reps):
            shown, stall = await _wire_burst(which, press_key=False)
            visible.append(shown)
            stalls.append(stall)
            keys.append((await _wire_burst(which, press_key=True))[0])
        result[which] = {"visible": visible, "stall": stalls, "key": keys}
    return result


_KEY_NAMES: Final = {
    " ": "space",
    '"': "quotation_mark",
    "^": "circumflex_accent",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
    "|": "vertical_line",
    "~": "tilde",
    ":": "colon",
    "/": "slash",
    "$": "dollar_sign",
}


async def _type(harness: Harnessed, text: str, interval: float) -> None:
    harness.press("slash", "/")
    await asyncio.sleep(interval)
    for char in text:
        harness.press(_KEY_NAMES.get(char, char), char)
        await asyncio.sleep(interval)
    harness.press("escape", None)


async def sustained_one(which: str, seconds: float, rate: float) -> dict[str, Any]:
    """One app under a steady stream: lag, key latency, typing stalls, backlog, CPU."""
    harness = Harnessed(which, rate=rate)
    lag_probe = LoopLag()
    backlog: list[tuple[float, int]] = []
    with GcPauses() as gc_pauses:
        return await _sustained_run(harness, lag_probe, backlog, gc_pauses, seconds, rate)


async def _sustained_run(
    harness: Harnessed,
    lag_probe: LoopLag,
    backlog: list[tuple[float, int]],
    gc_pauses: GcPauses,
    seconds: float,
    rate: float,
) -> dict[str, Any]:
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await harness.begin(pilot)
        lag_probe.start()
        cpu_start = os.times()
        start = time.perf_counter()
        phase_keys = start + seconds * 0.4
        phase_typing = start + seconds * 0.7
        end = start + seconds

        async def sample_backlog() -> None:
            while time.perf_counter() < end:
                waiting = harness.feed.pushed - harness.consumed()
                backlog.append((time.perf_counter() - start, waiting))
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample_backlog())
        await asyncio.sleep(max(0.0, phase_keys - time.perf_counter()))
        first_key_entry = harness.feed.pushed
        key_latencies: list[float] = []
        missed_keys = 0
        paused = False
        while time.perf_counter() < phase_typing - 0.6:
            key, char, needle = ("f", "f", "following") if paused else ("space", " ", "paused")
            sent = harness.press(key, char)
            try:
                seen = await asyncio.wait_for(harness.probe.wait_for_text(needle, sent), 2)
                key_latencies.append(seen - sent)
            except TimeoutError:
                missed_keys += 1
            paused = not paused
            await asyncio.sleep(0.25)
        if paused:
            harness.press("f", "f")
        await asyncio.sleep(max(0.0, phase_typing - time.perf_counter()))
        typing_start = time.perf_counter()
        typing_entry = harness.feed.pushed
        consumed_before = harness.consumed()
        # The baseline gets the same keystrokes (it has no filter input; most are ignored).
        await _type(harness, TYPED, interval=min(0.08, seconds * 0.25 / (len(TYPED) + 2)))
        typing_end = time.perf_counter()
        consumed_during = harness.consumed() - consumed_before
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        cpu_end = os.times()
        wall = time.perf_counter() - start
        harness.feed.stop()
        await sampler
        lag_probe.stop()
        await pilot.pause()  # let queued keys land before the app shuts down
        pushed = harness.feed.pushed
        arrivals = harness.feed.arrivals
        # Lag is measured while following: the keys phase pauses the view on purpose.
        steady = harness.probe.lags(arrivals, 0, first_key_entry)
        while_typing = harness.probe.lags(
            arrivals, typing_entry + int(rate * 0.3), pushed - int(rate)
        )
        lags = steady + while_typing
        cpu = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
        third = max(1, len(backlog) // 3)
        return {
            "lag_p50": percentile(lags, 0.5),
            "lag_p95": percentile(lags, 0.95),
            "lag_max": max(lags, default=float("nan")),
            "lag_samples": len(lags),
            "lag_steady_p95": percentile(steady, 0.95),
            "lag_typing_p95": percentile(while_typing, 0.95),
            "key_p95": percentile(key_latencies, 0.95),
            "key_p50": percentile(key_latencies, 0.5),
            "key_samples": len(key_latencies),
            "key_latencies": [round(k, 4) for k in key_latencies],
            "keys_missed": missed_keys,
            "typing_stall_max": lag_probe.worst(typing_start, typing_end),
            "typing_ingest_rate": consumed_during / max(1e-9, typing_end - typing_start),
            "backlog_first_third": max(b for _, b in backlog[:third]),
            "backlog_last_third": max(b for _, b in backlog[-third:]),
            "backlog_end": pushed - harness.consumed(),
            "cpu_percent": 100 * cpu / wall,
            "pushed": pushed,
            "rate_achieved": _achieved(harness.feed),
            "frames": harness.probe.frames,
            "gc_full_passes": len(gc_pauses.full),
            "gc_full_max": max(gc_pauses.full, default=0.0),
            "gc_full_total": sum(gc_pauses.full),
            "frame_render_seconds": harness.probe.render_seconds,
        }


def _achieved(source: Feed) -> float:
    if source.paced_from is None:
        return 0.0
    since, before = source.paced_from
    return (source.pushed - before) / (time.perf_counter() - since)


async def sustained(seconds: float, rate: float) -> dict[str, Any]:
    """Both apps under the same steady stream."""
    return {which: await sustained_one(which, seconds, rate) for which in APPS}


async def sustained_wire(seconds: float, rate: float) -> dict[str, Any]:
    """Both apps under the same steady stream over a real socket from the paced server."""
    result: dict[str, Any] = {}
    maker = EntryMaker(_make_entry)
    texts = [maker.text(n) for n in range(int(rate * (seconds + 10)))]
    for which in APPS:
        gate = threading.Event()
        with PregeneratedSSEServer(
            texts, token=TOKEN, ending="hold", pacing=Pacing(rate), gate=gate
        ) as server:
            harness = Harnessed(which, rate=rate, server=server, gate=gate)
            lag_probe = LoopLag()
            backlog: list[tuple[float, int]] = []
            with GcPauses() as gc_pauses:
                result[which] = await _sustained_run(
                    harness, lag_probe, backlog, gc_pauses, seconds, rate
                )
    return result


def _fill_keeping_pace(harness: Harnessed, count: int, batch: int = 1000) -> None:
    """Push ``count`` entries a batch at a time, each once the UI took the previous one."""
    for _ in range(count // batch):
        target = harness.paced.pushed + batch
        harness.paced.burst(batch, batch)
        deadline = time.perf_counter() + 30
        while harness.consumed() < target:
            if time.perf_counter() > deadline:
                return  # the app stopped taking entries; the caller times out and reports
            time.sleep(0.002)


def _fill_fast(harness: Harnessed, count: int, batch: int = 1000, ahead: int = 4000) -> None:
    """Push ``count`` entries as fast as the UI takes them: at most ``ahead`` waiting.

    Two frames' worth stays queued, so every frame applies its most and none is skipped for
    an empty queue (a frame skips ticks after draining it), and the parsed entries waiting at
    any moment stay few (a burst queues them all). For filling a large buffer in a modest time.
    """
    progress = (harness.consumed(), time.perf_counter())
    while harness.paced.pushed < count:
        consumed = harness.consumed()
        if consumed != progress[0]:
            progress = (consumed, time.perf_counter())
        elif time.perf_counter() - progress[1] > 30:
            return  # the app stopped taking entries; the caller times out and reports
        if harness.paced.pushed - consumed + batch > ahead:
            time.sleep(0.002)
            continue
        harness.paced.burst(min(batch, count - harness.paced.pushed), batch)


FILLS: Final[dict[str, Callable[[Harnessed, int], None]]] = {
    "paced": _fill_keeping_pace,
    "fast": _fill_fast,
    "burst": lambda harness, count: harness.paced.burst(count, 1000),
}
"""How a buffer is filled: as a live stream arrives, as fast as the UI takes it, or at once."""


FILTER_WAIT: Final = 60.0
"""Seconds a filter may take to reach the screen before the worker gives up (and reports it)."""
FILTERED: Final = 'url~"7$"'
"""A new filter whose effect shows on screen: only entries numbered ...7 are left (a tenth)."""


def _only_matches(text: str) -> bool:
    """A screen of rows that all match :data:`FILTERED` (a pane's worth, not a stray line)."""
    numbers = MARKER.findall(text)
    return len(numbers) >= 10 and all(n.endswith("7") for n in numbers)


def _filtered_done(text: str) -> bool:
    return _only_matches(text) and "filtering" not in text


async def filter_screen(count: int) -> dict[str, Any]:
    """A new filter over ``count`` buffered entries, from enter to the screen."""
    harness = Harnessed("logtui", buffer=count, pool=MEMORY_POOL)
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        filler = threading.Thread(target=_fill_fast, args=(harness, count), daemon=True)
        filler.start()
        if await harness.probe.wait_for_entry(count - 1, within=max(90, count / 2000)) is None:
            raise RuntimeError("the buffered entries never reached the screen")
        gc.collect()
        await asyncio.sleep(SETTLE_SECONDS)
        harness.press("slash", "/")
        for char in FILTERED:
            await asyncio.sleep(0.02)
            harness.press(_KEY_NAMES.get(char, char), char)
        await asyncio.sleep(0.1)
        sent = harness.press("enter", "\r")
        # A filter that holds the UI thread for minutes would hold this loop too: past the
        # wait, a thread reports the miss and ends the worker.
        so_far: dict[str, object] = {
            "count": count, "expression": FILTERED, "first": None, "done": None,
            "gave_up_after": FILTER_WAIT, "key_max": None, "key_samples": 0, "keys_missed": 0,
        }
        watchdog = threading.Timer(FILTER_WAIT, _give_up, args=(so_far,))
        watchdog.daemon = True
        watchdog.start()
        first = harness.probe.wait_for_frame(_only_matches, sent)
        done = harness.probe.wait_for_frame(_filtered_done, sent)
        # A miss is a figure to report; past FILTER_WAIT it is reported as "not within" that.
        first_at = await _when(first, FILTER_WAIT)
        so_far["first"] = None if first_at is None else first_at - sent
        keys: list[float] = []
        missed = 0
        toggles = [("space", " ", "paused ·"), ("f", "f", "following")]
        turn = 0
        while first_at is not None and not done.done() and time.perf_counter() - sent < 60:
            key, char, needle = toggles[turn % 2]
            turn += 1
            pressed = harness.press(key, char)
            seen = await _when(harness.probe.wait_for_text(needle, pressed), 5)
            if seen is None:
                missed += 1
            else:
                keys.append(seen - pressed)
            await asyncio.sleep(0.05)
        done_at = await _when(done, FILTER_WAIT) if first_at is not None else None
        watchdog.cancel()
        return {
            "count": count,
            "expression": FILTERED,
            "first": None if first_at is None else first_at - sent,
            "done": None if done_at is None else done_at - sent,
            "gave_up_after": FILTER_WAIT,
            "key_max": max(keys, default=None),
            "key_samples": len(keys),
            "keys_missed": missed,
        }


def _give_up(seen: dict[str, object]) -> None:
    """Report a filter not finished on screen after :data:`FILTER_WAIT` (with what was seen)
    and end the worker."""
    emit(seen)
    os._exit(0)


async def _when(future: asyncio.Future[float], within: float) -> float | None:
    """The future's time, or None if it did not come ``within`` seconds."""
    try:
        return await asyncio.wait_for(future, within)
    except TimeoutError:
        return None


def rss_parts() -> dict[str, int]:
    """Where the resident pages are, from ``/proc/self/smaps_rollup``: private anonymous
    memory (Python objects, the C heap), shared anonymous memory (the store's payload
    blocks are anonymous ``mmap``s) and file-backed pages (code); {} where unavailable."""
    wanted = {"Pss_Anon": "anon", "Pss_Shmem": "blocks", "Pss_File": "file"}
    parts: dict[str, int] = {}
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in wanted:
                    parts[wanted[name]] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return parts


async def memory(seconds: float, fill: str, count: int = BUFFERED) -> dict[str, Any]:
    """RSS with ``count`` entries buffered, then RSS samples while the buffer keeps evicting.

    ``fill`` is one of :data:`FILLS`: ``paced`` (each batch handed over once the UI took the
    previous one, as a live stream arrives), ``fast`` (as fast as the UI takes them) or
    ``burst`` (all at once, as a big history load: the queue peaks first).
    """
    harness = Harnessed("logtui", buffer=count, pool=MEMORY_POOL)
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        baseline_rss = rss_bytes()
        empty_parts = rss_parts()
        filler = threading.Thread(target=FILLS[fill], args=(harness, count), daemon=True)
        started = time.perf_counter()
        filler.start()
        shown = await harness.probe.wait_for_entry(count - 1, within=max(90, count / 2000))
        if shown is None:
            raise RuntimeError("the buffered entries never reached the screen")
        fill_seconds = time.perf_counter() - started
        gc.collect()
        await pilot.pause()
        landed_rss = rss_bytes()
        # The figure is the dashboard holding the entries, read once it has been quiet for a
        # second (its collection policy returns freed pages when a stream or burst ends), not
        # the moment the last batch landed, whose parse garbage is still resident then.
        await asyncio.sleep(SETTLE_SECONDS)
        full_rss = rss_bytes()
        full_parts = rss_parts()
        samples: list[tuple[float, int]] = []
        backlog: list[int] = []
        if seconds > 0:
            harness.paced.pace(10_000)
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            await asyncio.sleep(1.0)
            samples.append((time.perf_counter() - start, rss_bytes()))
            backlog.append(harness.paced.pushed - harness.consumed())
        harness.paced.stop()
        store = getattr(harness.app, "store", None)
        return {
            "count": count,
            "fill": fill,
            "fill_seconds": fill_seconds,
            "empty_rss": baseline_rss,
            "empty_parts": empty_parts,
            "landed_rss": landed_rss,
            "full_rss": full_rss,
            "full_parts": full_parts,
            "samples": samples,
            "backlog": backlog,
            "evicted": int(store.evicted) if store is not None else 0,
            "buffered": len(store) if store is not None else 0,
            "pushed": harness.paced.pushed,
        }


async def _pauses_under_keys(harness: Harnessed, seconds: float) -> dict[str, Any]:
    """Every collector pass and key-to-screen latency over ``seconds`` of the running stream."""
    with GcPauses() as pauses:
        start = time.perf_counter()
        end = start + seconds
        key_latencies: list[float] = []
        paused = False
        gaps = (0.25, 0.25, 1.0, 0.25, 2.5)
        turn = 0
        while time.perf_counter() < end - 0.5:
            key, char, needle = ("f", "f", "following") if paused else ("space", " ", "paused")
            sent = harness.press(key, char)
            try:
                seen = await asyncio.wait_for(harness.probe.wait_for_text(needle, sent), 5)
                key_latencies.append(seen - sent)
            except TimeoutError:
                key_latencies.append(float("inf"))
            paused = not paused
            await asyncio.sleep(gaps[turn % len(gaps)])
            turn += 1
        if paused:
            harness.press("f", "f")
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
    policy = getattr(harness.app, "gc_policy", None)
    longest = max(pauses.passes, key=lambda p: p[1], default=(-1, 0.0))
    return {
        "seconds": seconds,
        "gc_max": longest[1],
        "gc_max_generation": longest[0],
        "gc_max_cpu": max(pauses.cpu, default=0.0),
        "gc_passes": len(pauses.passes),
        "gc_over_50ms": sum(1 for _, took in pauses.passes if took > 0.05),
        "gc_total": sum(took for _, took in pauses.passes),
        "gc_full_passes": len(pauses.full),
        "gc_full_p50": percentile(pauses.full, 0.5),
        "gc_full_longest": sorted((round(took, 4) for took in pauses.full), reverse=True)[:5],
        "gc_young_max": max((took for gen, took in pauses.passes if gen < 2), default=0.0),
        "key_p50": percentile(key_latencies, 0.5),
        "key_p95": percentile(key_latencies, 0.95),
        "key_max": max(key_latencies, default=float("nan")),
        "key_samples": len(key_latencies),
        "policy_steps": getattr(policy, "steps", None),
        "policy_thaws": getattr(policy, "thaws", None),
        "end_rss": rss_bytes(),
        "backlog_end": harness.paced.pushed - harness.consumed(),
    }


async def gc_pauses(seconds: float, rate: float, buffer: int, policy: str) -> dict[str, Any]:
    """The longest garbage-collection pause with ``buffer`` entries held, under a stream.

    The buffer is filled (as the UI keeps pace; over 100,000 entries as fast as it takes them),
    then entries arrive at ``rate`` for ``seconds`` (the full buffer evicting) while
    ``space``/``f`` are pressed in runs separated by pauses of 0, 1 and 2.5 s without input,
    since a collector that waits for a quiet moment runs just before the next key. Every pass
    is timed with :data:`gc.callbacks`, young ones included. With ``policy`` ``off`` the
    dashboard's collection policy is stopped once the buffer is full: Python's own collector,
    as any app gets it, is the baseline. ``both`` measures ``on`` and then, the stream going
    on, ``off`` after one fill (a large buffer takes longer to fill than to measure).
    """
    harness = Harnessed("logtui", buffer=buffer, pool=MEMORY_POOL)
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fill = _fill_keeping_pace if buffer <= BUFFERED else _fill_fast
        filler = threading.Thread(target=fill, args=(harness, buffer), daemon=True)
        started = time.perf_counter()
        filler.start()
        if await harness.probe.wait_for_entry(buffer - 1, within=max(90, buffer / 2000)) is None:
            raise RuntimeError("the buffered entries never reached the screen")
        fill_seconds = time.perf_counter() - started
        full_rss = rss_bytes()
        policy_in_use = getattr(harness.app, "gc_policy", None)
        results: dict[str, Any] = {}
        harness.paced.pace(rate)
        for which in ("on", "off") if policy == "both" else (policy,):
            if which == "off" and policy_in_use is not None:
                policy_in_use.stop()
            results[which] = await _pauses_under_keys(harness, seconds)
        harness.paced.stop()
        await pilot.pause()
    common = {"buffer": buffer, "fill_seconds": fill_seconds, "full_rss": full_rss,
              "pushed": harness.paced.pushed}
    if policy == "both":
        return {**common, **results}
    return {**common, **results[policy]}


async def profile(seconds: float, rate: float) -> dict[str, Any]:
    """Where the UI thread's time goes: streaming at ``rate``, then typing a filter too.

    A separate run from the timed ones, since the profiler itself slows the UI down.
    """
    import cProfile
    import pstats

    from benchmarks.profiling import top_functions

    harness = Harnessed("logtui", rate=rate)
    async with harness.app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        streaming = cProfile.Profile()
        streaming.enable()
        await asyncio.sleep(seconds / 2)
        streaming.disable()
        typing = cProfile.Profile()
        typing.enable()
        await _type(harness, TYPED, interval=min(0.08, seconds / 2 / (len(TYPED) + 2)))
        await pilot.pause()
        typing.disable()
        harness.paced.stop()
        await pilot.pause()
    return {
        "stream_profile": top_functions(pstats.Stats(streaming), 15),
        "typing_profile": top_functions(pstats.Stats(typing), 15),
    }


def memory_bare(count: int = BUFFERED) -> dict[str, Any]:
    """RSS of the same entries held in a plain list, with no UI and no string sharing."""
    maker = EntryMaker(_make_entry, pool=MEMORY_POOL)
    before = rss_bytes()
    held = maker.batch(count)
    gc.collect()
    return {
        "full_rss": rss_bytes(),
        "empty_rss": before,
        "raw_text_bytes": sum(sys.getsizeof(entry.raw) for entry in held),
        "held": len(held),
    }


def main(argv: list[str]) -> None:
    """Dispatch on the mode and print the JSON result."""
    mode = argv[0]
    if mode == "replay":
        emit(asyncio.run(replay(int(argv[1]))))
    elif mode == "replay-wire":
        emit(asyncio.run(replay_wire(int(argv[1]))))
    elif mode == "sustained":
        emit(asyncio.run(sustained(float(argv[1]), float(argv[2]))))
    elif mode == "sustained-wire":
        emit(asyncio.run(sustained_wire(float(argv[1]), float(argv[2]))))
    elif mode == "gc-pauses":
        emit(asyncio.run(gc_pauses(float(argv[1]), float(argv[2]), int(argv[3]), argv[4])))
    elif mode == "profile":
        emit(asyncio.run(profile(float(argv[1]), float(argv[2]))))
    elif mode == "memory":
        count = int(argv[3]) if len(argv) > 3 else BUFFERED
        emit(asyncio.run(memory(float(argv[1]), argv[2], count)))
    elif mode == "filter-screen":
        emit(asyncio.run(filter_screen(int(argv[1]))))
    elif mode == "memory-bare":
        emit(memory_bare(int(argv[1]) if len(argv) > 1 else BUFFERED))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
