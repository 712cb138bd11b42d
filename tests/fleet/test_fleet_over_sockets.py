"""Several sources at once over real sockets: the demo server's three APIs (the proxy one cut
mid-stream), and an independent server refusing a fourth with 403."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.commands._named import build_members
from logtui.commands.demo import demo_members
from logtui.core.constants import DEFAULT_IDLE_TIMEOUT
from logtui.core.fields import FieldResolver
from logtui.core.fleet import Fleet, Member
from logtui.core.models import ConnectionState
from logtui.core.named_sources import configured_sources, pick
from logtui.core.sources import SourceConfig
from logtui.core.wiring import engine_factory
from logtui.demo import DemoConfig, DemoServer, Fault
from tests.engine.scripted_server import Reply, ScriptedServer

from .helpers import ThreadSink, write_config

FORBIDDEN = Reply(
    status=403, headers={"Content-Type": "application/json"},
    parts=[b'{"error":"forbidden \x1b[31mred\x1b[0m"}'],
)


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=40, rate=0.0, heartbeat=15.0)) as server:
        yield server


def refused_member(server: ScriptedServer) -> Member:
    for path in ("/api/proxy-logs/_logs/stream", "/api/proxy-logs/_logs"):
        server.script(path, [FORBIDDEN])
    config = SourceConfig(kind="proxy", url=server.url("/api/proxy-logs"), secret="wrong")
    options = {"state_store": None, "resume": False, "idle_timeout": DEFAULT_IDLE_TIMEOUT,
               "history": 0}
    return Member("refused", "proxy", config.url, engine_factory(config, options))


def live(sink: ThreadSink, *names: str) -> bool:
    return all(ConnectionState.LIVE in sink.states(name) for name in names)


async def test_three_sources_merge_in_event_time_order_while_a_refused_one_fails(
    demo: DemoServer,
) -> None:
    demo.faults.script("proxy-stream", [Fault.cut(after=3), Fault.cut(after=5), None])
    async with ScriptedServer() as refusing:
        members = demo_members(demo.base_url, demo.config, 10, "", for_dashboard=True)
        members.append(refused_member(refusing))
        sink = ThreadSink()
        fleet = Fleet(members, sink, window=0.3)
        fleet.start()
        try:
            await asyncio.to_thread(
                sink.wait_for,
                lambda s: ConnectionState.FAILED in s.states("refused")
                and live(s, "proxy", "nextdns", "instant-logs")
                and len(s.of("proxy")) >= 10 and len(s.of("nextdns")) >= 10,  # history
            )
            await asyncio.to_thread(demo.emit, 20)
            proxy_ids = [entry["id"] for entry in demo.entries("proxy")]
            dns = demo.entries("nextdns")
            await asyncio.to_thread(
                sink.wait_for,
                lambda s: [e.data["id"] for e in s.of("proxy")][-1:] == proxy_ids[-1:]
                and [e.data for e in s.of("nextdns")][-1:] == dns[-1:]
                and len(s.of("instant-logs")) >= 20,
            )
            assert fleet.thread("proxy").is_alive() and fleet.thread("nextdns").is_alive()
        finally:
            await asyncio.to_thread(fleet.stop)

    # The faulty proxy member: every entry once, in its order (10 of history, 20 live).
    got = [entry.data["id"] for entry in sink.of("proxy")]
    assert got == proxy_ids[-30:]
    assert [entry.data for entry in sink.of("nextdns")] == dns[-30:]
    # One view ordered by event time (a member's own order kept: an Instant Logs batch is not
    # sorted), except what came beyond the window, flagged late.
    newest: dict[str, float] = {}
    keys = []
    for entry in sink.entries:
        name = str(entry.source)
        seconds = FieldResolver.for_kind(fleet_kind(name)).time_of(entry) or 0.0
        newest[name] = max(newest.get(name, seconds), seconds)
        if not entry.late:
            keys.append(newest[name])
    assert len(keys) > 60 and keys == sorted(keys)
    # The refusal: named, sanitised, the member failed and no other stopped.
    failed = [s for s in sink.statuses if s.name == "refused" and s.state is ConnectionState.FAILED]
    assert failed and "403" in failed[0].detail and "\x1b" not in failed[0].detail
    assert not any(entry.source == "refused" for entry in sink.entries)


def fleet_kind(name: str) -> str:
    return {"refused": "proxy"}.get(name, name)


def test_each_named_source_resumes_from_its_own_point(
    demo: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_TOKEN", demo.config.token)
    path = write_config(tmp_path / "config", f"""
[sources.a]
api = "proxy"
url = "{demo.proxy_url}"
history = 5
token_env = "FLEET_TOKEN"

[sources.b]
api = "proxy"
url = "{demo.proxy_url}"
history = 5
token_env = "FLEET_TOKEN"
""")
    state = tmp_path / "state"
    chosen = pick(configured_sources(path), ["a", "b"])

    def run_until_newest(emit: int) -> ThreadSink:
        sink = ThreadSink()
        fleet = Fleet(build_members(chosen, for_dashboard=True, state_dir=state), sink)
        fleet.start()
        try:
            sink.wait_for(lambda s: live(s, "a", "b"))
            demo.emit(emit, "proxy")
            newest = demo.entries("proxy")[-1]["id"]
            sink.wait_for(lambda s: all(
                [e.data["id"] for e in s.of(name)][-1:] == [newest] for name in ("a", "b")
            ))
        finally:
            fleet.stop()
        return sink

    first = run_until_newest(emit=3)
    ids = [entry["id"] for entry in demo.entries("proxy")]
    for name in ("a", "b"):  # history 5, then live (the 3 may come as history or live)
        got = [e.data["id"] for e in first.of(name)]
        assert got == ids[-len(got):] and len(got) in (5, 8)
    assert len(list(state.glob("*.json"))) == 2  # one resume point per name, same URL

    demo.emit(4, "proxy")  # while nobody listens
    second = run_until_newest(emit=2)
    ids = [entry["id"] for entry in demo.entries("proxy")]
    # Each resumed where it stopped: no history again, nothing twice, nothing lost.
    assert [e.data["id"] for e in second.of("a")] == ids[-6:]
    assert [e.data["id"] for e in second.of("b")] == ids[-6:]
