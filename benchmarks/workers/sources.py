"""Worker: the dashboard over several sources, each a paced proxy-logs server, end to end.

Usage: ``python -m benchmarks.workers.sources SECONDS RATE [SOURCES] [POOL] [profile [DIR]]``

SOURCES servers (default 3, in a process of their own: :mod:`benchmarks.workers.server_fleet`)
each send RATE entries per second over loopback. logtui's dashboard over several sources
(``build_fleet_dashboard``: one real stream engine per server, the merge in event-time order)
reads them; the baseline is the sustained case's Textual ``Log`` app fed by one httpx-sse loop
per server into one queue (merged by arrival). For each, in ``App.run_test()`` at 120x40 with
the frame probe: display lag (sent by a server to on screen) over the first 40 % and after the
keys, ``space``/``f`` key-to-screen latency from 40 % to 90 %, the backlog (sent, not yet taken
by the UI: held by the merge, queued, or still in flight) every half second, the CPU of this
process (the servers' is not in it), full GC passes, and the merge's late count.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from benchmarks.measure import percentile
from benchmarks.workers import emit, not_available

SIZE: Final = (120, 40)
BUFFERED: Final = 100_000
NAMES: Final = ("eu", "us", "ap", "sa", "af")

try:
    from textual import events
    from textual.app import App

    from benchmarks.workers.baseline_app import BaselineApp
    from benchmarks.workers.probe import FrameProbe, GcPauses
    from benchmarks.workers.server_fleet import TOKEN, ServerFleet
    from benchmarks.workers.synthetic import WireSource
    from logtui.core.models import Entry
except ImportError as error:  # pragma: no cover - reported as "not available"
    not_available(f"cannot import what the several-sources case needs: {error}")


def _make_entry(raw: str, data: Any) -> Entry:
    return Entry(raw=raw, data=data, received_at=time.time(), key=str(data.get("id")))


class WireSources:
    """The baseline's sources: one httpx-sse loop per server, all into the app's one queue."""

    def __init__(self, sink: Any, urls: list[str]) -> None:
        self._loops = [WireSource(sink, url, TOKEN, _make_entry) for url in urls]

    def start(self) -> None:
        """Connect every loop."""
        for loop in self._loops:
            loop.start()

    def stop(self) -> None:
        """Stop every loop."""
        for loop in self._loops:
            loop.stop()

    def reconnect_now(self) -> None:
        """Not simulated."""

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Not simulated."""


def _fleet_app(urls: list[str]) -> tuple[App[Any], Callable[[], int | None]]:
    """logtui's dashboard over one proxy-logs member per server, and its merge's late count."""
    try:
        from logtui.core.fleet import Member
        from logtui.core.sources import SourceConfig
        from logtui.core.wiring import engine_factory
        from logtui.tui.run import build_fleet_dashboard
    except ImportError as error:
        not_available(f"the dashboard over several sources is missing: {error}")
    members = []
    for name, url in zip(NAMES, urls, strict=False):
        config = SourceConfig(kind="proxy", url=url, secret=TOKEN)
        options = {"state_store": None, "resume": False, "history": 0}
        members.append(
            Member(name=name, kind="proxy", description=url,
                   engine=engine_factory(config, options))
        )
    app, fleet_of = build_fleet_dashboard(members, buffer=BUFFERED)

    def late() -> int | None:
        fleet = fleet_of()
        merge = fleet.merge if fleet is not None else None
        return merge.late if merge is not None else None

    return app, late


def _consumed(app: App[Any]) -> int:
    store = getattr(app, "store", None)
    return int(store.received) if store is not None else int(getattr(app, "consumed", 0))


def _press(app: App[Any], key: str, char: str | None) -> float:
    driver = app._driver
    assert driver is not None
    sent = time.perf_counter()
    driver.send_message(events.Key(key, char))
    return sent


async def run_side(
    which: str, seconds: float, rate: float, sources: int, pool: int
) -> dict[str, Any]:
    """One app over ``sources`` servers at ``rate`` each for ``seconds``."""
    with ServerFleet(sources, rate, seconds, pool=pool) as servers:
        if which == "logtui":
            app, late = _fleet_app(servers.urls)
        else:
            urls = servers.stream_urls
            app = BaselineApp(lambda sink: WireSources(sink, urls), max_lines=BUFFERED)

            def late() -> int | None:
                return None

        probe = FrameProbe(app)
        with GcPauses() as gc_pauses:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                deadline = time.perf_counter() + 20
                while servers.connected() < sources:
                    if time.perf_counter() > deadline:
                        raise RuntimeError("the app never connected to every server")
                    await pilot.pause(0.01)
                result = await _measure(app, probe, servers, seconds, rate * sources)
                await pilot.pause()
        result["late"] = late()
        result["gc_full_passes"] = len(gc_pauses.full)
        result["gc_full_max"] = max(gc_pauses.full, default=0.0)
        return result


async def _measure(
    app: App[Any], probe: FrameProbe, servers: ServerFleet, seconds: float, total_rate: float
) -> dict[str, Any]:
    servers.go()
    cpu_start = os.times()
    threads_start = _thread_cpu()
    start = time.perf_counter()
    phase_keys, phase_after, end = start + seconds * 0.4, start + seconds * 0.9, start + seconds
    backlog: list[tuple[float, int]] = []

    async def sample_backlog() -> None:
        while time.perf_counter() < end:
            backlog.append((time.perf_counter() - start, servers.pushed - _consumed(app)))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_backlog())
    await asyncio.sleep(max(0.0, phase_keys - time.perf_counter()))
    first_key_entry = servers.pushed
    keys: list[float] = []
    missed = 0
    paused = False
    while time.perf_counter() < phase_after - 0.3:
        key, char, needle = ("f", "f", "following") if paused else ("space", " ", "paused")
        sent = _press(app, key, char)
        try:
            keys.append(await asyncio.wait_for(probe.wait_for_text(needle, sent), 2) - sent)
        except TimeoutError:
            missed += 1
        paused = not paused
        await asyncio.sleep(0.25)
    if paused:
        _press(app, "f", "f")
    after_entry = servers.pushed + int(total_rate * 0.5)
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    cpu_end = os.times()
    threads_end = _thread_cpu()
    wall = time.perf_counter() - start
    achieved = servers.pushed / wall
    servers.stop()
    await sampler
    pushed = servers.pushed
    arrivals = servers.arrivals
    steady = probe.lags(arrivals, 0, first_key_entry)
    after = probe.lags(arrivals, after_entry, pushed - int(total_rate))
    lags = steady + after
    cpu = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
    third = max(1, len(backlog) // 3)
    return {
        "lag_p50": percentile(lags, 0.5),
        "lag_p95": percentile(lags, 0.95),
        "lag_max": max(lags, default=float("nan")),
        "lag_samples": len(lags),
        "lag_steady_p95": percentile(steady, 0.95),
        "lag_after_keys_p95": percentile(after, 0.95),
        "key_p50": percentile(keys, 0.5),
        "key_p95": percentile(keys, 0.95),
        "key_samples": len(keys),
        "key_latencies": [round(k, 4) for k in keys],
        "keys_missed": missed,
        "backlog": backlog,
        "backlog_first_third": max(b for _, b in backlog[:third]),
        "backlog_last_third": max(b for _, b in backlog[-third:]),
        "backlog_end": pushed - _consumed(app),
        "cpu_percent": 100 * cpu / wall,
        "cpu_percent_by_thread": _by_thread(threads_start, threads_end, wall),
        "pushed": pushed,
        "rate_achieved": achieved,
        "frames": probe.frames,
    }


def _thread_cpu() -> dict[int, float]:
    """CPU seconds of each of this process's threads, by native id (Linux; empty elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def _by_thread(before: dict[int, float], after: dict[int, float], wall: float) -> dict[str, float]:
    """Percent of a core each kind of thread used (``ui`` is the main thread; threads of one
    name, such as the engines, are added up)."""
    import threading

    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    names[threading.main_thread().native_id] = "ui"
    out: dict[str, float] = {}
    for tid, seconds in after.items():
        name = names.get(tid, "other")
        out[name] = out.get(name, 0.0) + 100 * (seconds - before.get(tid, 0.0)) / wall
    return {name: round(value, 1) for name, value in sorted(out.items())}


async def profile(
    seconds: float, rate: float, sources: int, pool: int, dump_to: str = ""
) -> dict[str, Any]:
    """Where logtui's time goes over several sources: cProfile of every thread (the UI's,
    each engine's, the merge's flusher), grouped by thread name, and each group's CPU; with
    ``dump_to``, each group's stats are also saved there as ``sources-<group>.prof``.

    A separate run from the timed one: the profiler slows what it watches.
    """
    import cProfile
    import pstats
    import threading

    from benchmarks.profiling import top_functions

    profilers: list[tuple[str, int, cProfile.Profile]] = []

    def adopt(*_: object) -> None:
        profiler = cProfile.Profile()
        thread = threading.current_thread()
        profilers.append((thread.name, threading.get_native_id(), profiler))
        profiler.enable()  # replaces this hook for the rest of the thread

    with ServerFleet(sources, rate, seconds, pool=pool) as servers:
        app, _ = _fleet_app(servers.urls)
        ui = cProfile.Profile()
        threading.setprofile(adopt)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            while servers.connected() < sources:
                await pilot.pause(0.01)
            cpu_before = _thread_cpu()
            servers.go()
            ui.enable()
            await asyncio.sleep(seconds)
            ui.disable()
            cpu_after = _thread_cpu()
            servers.stop()
            threading.setprofile(None)  # type: ignore[arg-type]
            await pilot.pause()
    groups: dict[str, pstats.Stats] = {"ui": pstats.Stats(ui)}
    cpu: dict[str, float] = {}
    main_id = threading.main_thread().native_id
    cpu["ui"] = cpu_after.get(main_id or 0, 0.0) - cpu_before.get(main_id or 0, 0.0)
    for name, native_id, profiler in profilers:
        if name.startswith("bench-"):
            continue
        if name in groups:
            groups[name].add(profiler)
        else:
            groups[name] = pstats.Stats(profiler)
        cpu[name] = cpu.get(name, 0.0) + cpu_after.get(native_id, 0.0) - cpu_before.get(
            native_id, 0.0
        )
    if dump_to:
        for name, stats in groups.items():
            stats.dump_stats(os.path.join(dump_to, f"sources-{name}.prof"))
    return {
        "seconds": seconds,
        "cpu_seconds": {name: round(value, 2) for name, value in cpu.items()},
        "profiles": {name: top_functions(stats, 15) for name, stats in groups.items()},
    }


async def both(seconds: float, rate: float, sources: int, pool: int) -> dict[str, Any]:
    """logtui's dashboard, then the baseline, each over fresh servers."""
    return {
        which: await run_side(which, seconds, rate, sources, pool)
        for which in ("logtui", "baseline")
    }


def main(argv: list[str]) -> None:
    """Parse the arguments, run both sides and print the JSON result."""
    seconds, rate = float(argv[0]), float(argv[1])
    sources = int(argv[2]) if len(argv) > 2 else 3
    pool = int(argv[3]) if len(argv) > 3 else 20_000
    if not 1 <= sources <= len(NAMES):
        raise SystemExit(f"SOURCES must be 1 to {len(NAMES)}")
    mode = argv[4] if len(argv) > 4 else "measure"
    if mode == "profile":
        emit(asyncio.run(profile(seconds, rate, sources, pool, argv[5] if len(argv) > 5 else "")))
    else:
        emit(asyncio.run(both(seconds, rate, sources, pool)))


if __name__ == "__main__":
    main(sys.argv[1:])
