"""Watching a headless Textual app's frames: what reached the screen, and when.

Headless Textual still composes every frame but skips turning it into terminal output.
:class:`FrameProbe` wraps the app's display hook to do that work too (so each frame costs what
it would on a real terminal), timestamps it, and reads the rendered text: the highest entry
number on screen (see :mod:`benchmarks.workers.synthetic`) and whether a given text appeared.
It needs nothing from the app but Textual's own display hook, so the same probe measures
logtui's dashboard and the baseline app alike.
"""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable
from typing import Any

from textual.app import App

from benchmarks.workers.synthetic import MARKER

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


class FrameProbe:
    """Records every frame of ``app``: time, newest entry number shown, and waits on text."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self.render_seconds = 0.0
        self.newest_shown = -1
        self.shown_at: list[tuple[int, float]] = []
        """(newest entry number on screen, frame time) each time it advanced."""
        self._waiters: list[tuple[str, float, asyncio.Future[float]]] = []
        self._entry_waiters: list[tuple[int, asyncio.Future[float]]] = []
        self._frame_waiters: list[tuple[Callable[[str], bool], float, asyncio.Future[float]]] = []
        original: Callable[[Any, Any], None] = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or not hasattr(renderable, "render_segments"):
                return
            start = time.perf_counter()
            text = _ESCAPES.sub("", renderable.render_segments(app.console))
            now = time.perf_counter()
            self.render_seconds += now - start
            self.frames += 1
            self._observe(text, now)

        app._display = display  # type: ignore[method-assign]

    def _observe(self, text: str, now: float) -> None:
        numbers = [int(n) for n in MARKER.findall(text)]
        if numbers:
            newest = max(numbers)
            if newest > self.newest_shown:
                self.newest_shown = newest
                self.shown_at.append((newest, now))
                for entry_waiter in list(self._entry_waiters):
                    number, future = entry_waiter
                    if newest >= number:
                        if not future.done():
                            future.set_result(now)
                        self._entry_waiters.remove(entry_waiter)
        for frame_waiter in list(self._frame_waiters):
            test, after, future = frame_waiter
            if now >= after and not future.done() and test(text):
                future.set_result(now)
                self._frame_waiters.remove(frame_waiter)
        for waiter in list(self._waiters):
            needle, after, future = waiter
            if needle in text and now >= after and not future.done():
                future.set_result(now)
                self._waiters.remove(waiter)

    def wait_for_text(self, needle: str, after: float) -> asyncio.Future[float]:
        """A future resolved with the time of the first frame after ``after`` showing ``needle``."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.append((needle, after, future))
        return future

    def wait_for_frame(self, test: Callable[[str], bool], after: float) -> asyncio.Future[float]:
        """A future resolved with the time of the first frame after ``after`` whose text
        passes ``test``."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._frame_waiters.append((test, after, future))
        return future

    async def wait_for_entry(self, number: int, within: float) -> float | None:
        """The frame time at which entry ``number`` (or a newer one) was first on screen."""
        shown = self.shown_time(number)
        if shown is not None:
            return shown
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._entry_waiters.append((number, future))
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            return None

    def shown_time(self, number: int) -> float | None:
        """When entry ``number`` or a newer one was first on screen, if it has been."""
        for newest, when in self.shown_at:
            if newest >= number:
                return when
        return None

    def lags(self, arrivals: list[float], first: int, last: int) -> list[float]:
        """Arrival-to-screen seconds for entries ``first..last-1`` that reached the screen."""
        out: list[float] = []
        index = 0
        shown = self.shown_at
        for n in range(first, min(last, len(arrivals))):
            while index < len(shown) and shown[index][0] < n:
                index += 1
            if index == len(shown):
                break
            out.append(shown[index][1] - arrivals[n])
        return out


class LoopLag:
    """Measures how late the event loop runs a short sleep: a stall detector for the UI thread."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        """(time, how late the wake-up was, seconds)."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin sampling on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        """Stop sampling."""
        if self._task is not None:
            self._task.cancel()

    def worst(self, start: float, end: float) -> float:
        """The longest stall between ``start`` and ``end``."""
        return max((lag for when, lag in self.samples if start <= when <= end), default=0.0)

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            self.samples.append((now, max(0.0, now - before - self.interval)))


class GcPauses:
    """Times the cyclic garbage collector's full (generation 2) passes while installed.

    With hundreds of thousands of parsed entries alive, a full pass walks every container
    object, long enough to stall the UI; this makes that visible beside the latencies.
    """

    def __init__(self) -> None:
        self.full: list[float] = []
        self.passes: list[tuple[int, float]] = []
        """(generation, seconds) of every pass, young ones included."""
        self.cpu: list[float] = []
        """CPU seconds of the collecting thread in every pass: the pass's own work, apart from
        the time a busy machine gave other processes meanwhile."""
        self._started = 0.0
        self._started_cpu = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        took = time.perf_counter() - self._started
        self.cpu.append(time.thread_time() - self._started_cpu)
        generation = info.get("generation", -1)
        self.passes.append((generation, took))
        if generation == 2:
            self.full.append(took)
