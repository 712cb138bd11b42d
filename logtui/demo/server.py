"""Run the demo app on uvicorn in a background thread, with its own event loop.

Tests, ``logtui demo`` and ``logtui demo-server`` all use :class:`DemoServer`: it binds a real
socket (port 0 picks a free one) before it returns from :meth:`DemoServer.start`, so a client
can connect at once, and :meth:`DemoServer.stop` ends every open stream cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from types import TracebackType
from typing import Any

import uvicorn

from logtui.core.errors import ConfigError
from logtui.demo.app import build_app
from logtui.demo.config import DemoConfig
from logtui.demo.faults import FaultBook
from logtui.demo.instant_logs_api import API_ROOT
from logtui.demo.proxy_api import PREFIX
from logtui.demo.sse import silence_cut_reports
from logtui.demo.state import Api, DemoState

_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 15.0


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, telling us when it is accepting connections, and stopping as soon as
    it is asked to rather than at its next tick (every test that starts a server stops it)."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready
        self._woken: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._ready.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (a tick every tenth of a second), which :meth:`wake` also ends."""
        woken = self._woken = asyncio.Event()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    def wake(self) -> None:
        """Have the loop look at ``should_exit`` now; call it on the server's own loop."""
        if self._woken is not None:
            self._woken.set()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's, without its pause for connections and requests to wind down when none
        is left."""
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        if not self.force_exit:
            await self.lifespan.shutdown()


class DemoServer:
    """An in-process demo server speaking the proxy-logs, NextDNS and Instant Logs APIs over
    real sockets.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. ``emit`` and
    ``entries`` may be called from any thread; ``faults`` scripts per-connection faults.
    """

    def __init__(self, config: DemoConfig | None = None) -> None:
        self.config = config or DemoConfig()
        self._state = DemoState(self.config)
        self.faults: FaultBook = self._state.faults
        """Script faults per connection: ``faults.script("proxy-stream", [Fault.cut(3)])``."""
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: _Uvicorn | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None
        self._host = self.config.host
        self._port = self.config.port

    # -- addresses -------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the real one once started, even when 0 was asked for)."""
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def proxy_url(self) -> str:
        """The proxy-logs API base: append ``/_logs``, ``/_logs/stats`` or ``/_logs/stream``."""
        return self.base_url + PREFIX

    @property
    def instant_logs_url(self) -> str:
        """The Cloudflare-style v4 API root: POST ``/zones/{zone}/logpush/edge/jobs``."""
        return self.base_url + API_ROOT

    @property
    def nextdns_url(self) -> str:
        """The NextDNS API base: append ``/profiles/{profile}/logs[/stream]``."""
        return self.base_url

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> DemoServer:
        """Bind, pre-fill history, and serve in a background thread; returns when listening."""
        if self._thread is not None:
            return self
        if self._ready.is_set():
            raise RuntimeError("a stopped DemoServer cannot be restarted; create a new one")
        self._socket = _bind(self.config.host, self.config.port)
        self._host, self._port = self._socket.getsockname()[:2]
        rate = self.config.rate
        spacing_ms = int(min(1000.0, max(10.0, 1000.0 / rate))) if rate > 0 else 250
        if self.config.history_seconds > 0 and self.config.history > 0:
            spacing_ms = max(1, int(self.config.history_seconds * 1000 / self.config.history))
        self._state.prefill(self.config.history, spacing_ms)
        silence_cut_reports()
        logging.getLogger("uvicorn").addHandler(logging.NullHandler())
        uvicorn_config = uvicorn.Config(
            build_app(self._state),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            ws="websockets-sansio",
            timeout_graceful_shutdown=3,
        )
        self._server = _Uvicorn(uvicorn_config, self._ready)
        self._thread = threading.Thread(target=self._run, name="logtui-demo-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT) or self._error is not None:
            self.stop()
            raise ConfigError(f"the demo server did not start: {self._error or 'timed out'}")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start(); the thread must not die loudly
            self._error = error
            self._ready.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        assert self._server is not None and self._socket is not None
        generator = asyncio.create_task(self._generate()) if self.config.rate > 0 else None
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            if generator is not None:
                generator.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await generator

    async def _generate(self) -> None:
        """Emit ``rate`` entries per second per API; a late tick catches up at most 1 s."""
        rate = self.config.rate
        loop = asyncio.get_running_loop()
        started = loop.time()
        emitted = 0
        while True:
            await asyncio.sleep(min(0.1, max(0.01, 1.0 / rate)))
            target = int((loop.time() - started) * rate)
            due = target - emitted
            if due > rate:
                emitted = target - int(rate)
                due = int(rate)
            if due > 0:
                self._state.emit(due, "all")
                emitted += due

    def stop(self) -> None:
        """End open streams, stop serving and join the thread. Safe to call twice."""
        thread, loop, server = self._thread, self._loop, self._server
        if thread is None:
            return
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._state.shutdown)
        if server is not None:
            server.should_exit = True
            if loop is not None and not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(server.wake)
        thread.join(_STOP_TIMEOUT)
        self._thread = None
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- test API --------------------------------------------------------------------------

    def emit(self, count: int, api: Api = "all") -> None:
        """Generate ``count`` entries for ``api`` now; they are stored (and streamed) when
        this returns. Safe from any thread."""
        loop = self._loop
        on_loop = threading.current_thread() is self._thread
        if loop is None or loop.is_closed() or not loop.is_running() or on_loop:
            self._state.emit(count, api)
            return

        async def emit_on_loop() -> None:
            self._state.emit(count, api)

        asyncio.run_coroutine_threadsafe(emit_on_loop(), loop).result(_START_TIMEOUT)

    def entries(self, api: Api, *, raw: bool = False, bodies: bool = False) -> list[dict[str, Any]]:
        """Every retained entry of ``api`` generated so far, oldest first, as fresh dicts.

        Proxy entries are as the stream serves them (no bodies unless ``bodies``); NextDNS
        entries are those a query without ``raw=1`` sees, unless ``raw``; Instant Logs records
        carry every field (a session sends only its job's fields).
        """
        import json

        if api == "proxy":
            rows = self._state.proxy.rows()
            if bodies:
                return [json.loads(json.dumps(row.entry)) for row in rows]
            return [json.loads(row.stream_json) for row in rows]
        if api == "nextdns":
            return [json.loads(row.served(raw)) for row in self._state.dns.rows()
                    if raw or not row.raw_only]
        if api == "instant-logs":
            return [json.loads(json.dumps(row.record)) for row in self._state.records.rows()]
        raise ValueError(f"entries() takes 'proxy', 'nextdns' or 'instant-logs', not {api!r}")


def _bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket for ``host:port``; ConfigError with the reason when it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as error:
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror or error}; "
            "choose another --port or --host"
        ) from None
    return sock
