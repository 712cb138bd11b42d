"""The dashboard over several real sources: the demo server's APIs over loopback, and one
source on a server of the test's own that refuses every request with a 403."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from textual.pilot import Pilot

from logtui.core.apis import profile_for
from logtui.core.fleet import Member
from logtui.core.models import ConnectionState
from logtui.core.sources import SourceConfig
from logtui.core.wiring import engine_factory
from logtui.demo import DemoConfig, DemoServer
from logtui.tui.run import build_fleet_dashboard

from .helpers import screen_text

TOKEN = "fleet-test-token"


class Refusing(BaseHTTPRequestHandler):
    """Answers every request 403, as a server refusing the credentials."""

    def do_GET(self) -> None:
        body = b'{"error":"forbidden"}'
        self.send_response(403, "Forbidden")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the dashboard, not the server's log."""


@pytest.fixture
def refusing() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, rate=0.0, token=TOKEN, history=30)) as running:
        yield running


def _member(name: str, kind: str, url: str, secret: str | None,
            options: Any = None, history: int = 10) -> Member:
    config = SourceConfig(kind=kind, url=url, secret=secret, history=history,
                          options=options or {})
    engine = {"state_store": None, "resume": False, "history": history}
    return Member(name, kind, f"{kind} {url}", engine_factory(config, engine))


def _demo_member(name: str, kind: str, server: DemoServer, config: DemoConfig) -> Member:
    target = importlib.import_module(str(profile_for(kind).demo)).demo_target(
        server.base_url, config, 10)
    return _member(name, kind, target.url, target.secret, target.options)


async def _until(pilot: Pilot[Any], ready: Callable[[], bool], limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        assert time.monotonic() < deadline, "the dashboard never reached the expected state"
        await pilot.pause(0.05)


def _count(app: Any, name: str) -> int:
    return sum(1 for entry in app.store.view if entry.source == name)


async def test_one_source_refused_shows_failed_while_the_others_stream(
    demo: DemoServer, refusing: str,
) -> None:
    config = DemoConfig(seed=5, rate=0.0, token=TOKEN, history=30)
    members = [
        _demo_member("web", "proxy", demo, config),
        _demo_member("dns", "nextdns", demo, config),
        _member("locked", "proxy", refusing + "/api/proxy-logs", "not-the-token"),
    ]
    app, fleet_of = build_fleet_dashboard(members)
    async with app.run_test(size=(120, 40)) as pilot:
        dots = app.source_dots
        assert dots is not None
        # Statuses pass at once; entries wait up to the merge's window for the other sources.
        await _until(pilot, lambda: dots.statuses["locked"].state is ConnectionState.FAILED
                     and dots.statuses["web"].state is ConnectionState.LIVE
                     and dots.statuses["dns"].state is ConnectionState.LIVE
                     and _count(app, "web") >= 10 and _count(app, "dns") >= 10)
        before = (_count(app, "web"), _count(app, "dns"))
        demo.emit(5, "proxy")
        demo.emit(5, "nextdns")
        await _until(pilot, lambda: _count(app, "web") >= before[0] + 5
                     and _count(app, "dns") >= before[1] + 5)
        app.refresh_status()
        await pilot.pause()
        text = screen_text(app)
        status_line = next(line for line in text.splitlines() if "● locked failed" in line)
        assert status_line.index("locked") < status_line.index("web")
        assert "not-the-token" not in text and TOKEN not in text
        assert fleet_of() is not None and fleet_of().is_alive()  # type: ignore[union-attr]
        await pilot.press("q")
    assert app.return_value == 0
    fleet = fleet_of()
    assert fleet is not None and not fleet.is_alive()


async def test_a_filter_reconnects_only_the_source_whose_server_part_changed(
    demo: DemoServer,
) -> None:
    config = DemoConfig(seed=5, rate=0.0, token=TOKEN, history=30)
    members = [
        _demo_member("web", "proxy", demo, config),
        _demo_member("dns", "nextdns", demo, config),
    ]
    app, fleet_of = build_fleet_dashboard(members)
    async with app.run_test(size=(120, 40)) as pilot:
        dots = app.source_dots
        assert dots is not None
        await _until(pilot, lambda: all(s.state is ConnectionState.LIVE
                                        for s in dots.statuses.values()))
        fleet = fleet_of()
        assert fleet is not None
        engines = fleet.engines()
        dns_connections = dots.statuses["dns"].reconnects
        app.apply_filter("level=error")
        await _until(pilot, lambda: dots.statuses["web"].reconnects > 0)
        def buffered() -> int:  # whatever the filter shows (NextDNS entries have no level)
            return sum(1 for entry in app.store.entries() if entry.source == "dns")

        held = buffered()
        demo.emit(3, "nextdns")
        # The buffer, not the status: an engine publishes its counters at most twice a second.
        await _until(pilot, lambda: buffered() >= held + 3)
        assert dots.statuses["dns"].reconnects == dns_connections
        assert fleet.engines() == engines
        await pilot.press("q")
