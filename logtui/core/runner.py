"""Runs an :class:`~logtui.core.engine.Engine` on its own thread and event loop.

The dashboard's event loop must never wait on the network, and the engine must keep reading
while the UI is busy, so each lives on its own loop. The sink is called on the engine's thread
(the TUI's sink only enqueues); the other methods here are safe to call from any thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Mapping

from logtui.core.engine import Engine
from logtui.core.models import Sink, SourceStatus


class EngineThread:
    """One engine on a daemon thread: ``start``, ``stop`` (which saves state), and controls."""

    def __init__(self, engine_factory: Callable[[Sink], Engine], sink: Sink) -> None:
        self._factory = engine_factory
        self._sink = sink
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[SourceStatus] | None = None
        self._engine: Engine | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="logtui-engine", daemon=True)
        self.result: SourceStatus | None = None
        """The engine's final status once it has stopped on its own (ended or failed)."""
        self.exception: BaseException | None = None
        """An unexpected exception the engine died of, if any."""

    @property
    def engine(self) -> Engine | None:
        """The engine, once the thread has built it (read its ``status`` from any thread)."""
        return self._engine

    def start(self) -> None:
        """Start the thread and return once the engine exists."""
        self._thread.start()
        self._ready.wait()

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the engine (it saves its resume state) and wait up to ``timeout`` seconds."""
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
                loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Wait up to ``timeout`` seconds for the engine to stop on its own (or be stopped)."""
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        """True while the engine is still running."""
        return self._thread.is_alive()

    def reconnect_now(self) -> None:
        """Ask the engine to reconnect at once (thread-safe)."""
        self._call(lambda engine: engine.reconnect_now())

    def set_server_filters(self, params: Mapping[str, str]) -> None:
        """Ask the engine to reconnect with new server-side parameters (thread-safe)."""
        frozen = dict(params)
        self._call(lambda engine: engine.set_server_filters(frozen))

    def _call(self, action: Callable[[Engine], None]) -> None:
        loop, engine = self._loop, self._engine
        if loop is None or engine is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(action, engine)

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            try:
                self._engine = self._factory(self._sink)
                self._task = loop.create_task(self._engine.run())
            except BaseException as error:
                self.exception = error
                return
            finally:
                self._ready.set()
            try:
                self.result = loop.run_until_complete(self._task)
            except asyncio.CancelledError:
                pass
            except BaseException as error:  # reported to the owner, never lost silently
                self.exception = error
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()


__all__ = ["EngineThread"]
