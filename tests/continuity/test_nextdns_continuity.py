"""NextDNS continuity against an independent server: an id it no longer knows, whether refused
with 400 or answered with ``event: error``, costs neither entries nor repeats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.nextdns import NextDNSSource
from logtui.core.state_store import StateStore
from tests.engine.helpers import WaitingSink, fast_backoff, run_until

from .log_server import Behaviour, LogServer


@pytest.fixture
async def server() -> AsyncIterator[LogServer]:
    async with LogServer() as running:
        yield running


def _config(server: LogServer) -> SourceConfig:
    return SourceConfig(kind=SourceKind.NEXTDNS, url=server.url("/profiles/p"))


def _engine(server: LogServer, sink: WaitingSink, **options: object) -> Engine:
    options.setdefault("backoff", fast_backoff())
    return Engine(build_source(_config(server)), sink, **options)  # type: ignore[arg-type]


def _ids(sink: WaitingSink) -> list[int]:
    return [entry.data["id"] for entry in sink.entries]


def _has(count: int):  # type: ignore[no-untyped-def]
    return lambda sink: len(sink.entries) >= count


def _save_dead_id(server: LogServer, directory: Path) -> StateStore:
    store = StateStore(directory)
    source = build_source(_config(server))
    store.save(store.key(source.kind, source.url, source.filters), {"last_event_id": "s999"})
    return store


async def test_an_error_event_for_a_dead_id_re_reads_history(
    server: LogServer, tmp_path: Path
) -> None:
    server.behaviour = Behaviour(unknown_id="event")
    await server.write(150)
    sink = WaitingSink()
    engine = _engine(server, sink, state_store=_save_dead_id(server, tmp_path))
    task = asyncio.create_task(run_until(engine, sink, _has(170), within=5))
    await sink.wait_for(_has(150), within=5)
    await server.write(20)
    await task
    assert _ids(sink) == server.committed()
    assert any("invalidId" in n.message for n in sink.notices)
    resumed = [r.query.get("id") for r in server.requests_to("/logs/stream")]
    assert resumed[0] == "s999" and resumed[-1] != "s999"


async def test_a_400_for_a_dead_id_mid_run_re_reads_history_without_repeats(
    server: LogServer,
) -> None:
    server.behaviour = Behaviour(unknown_id="400")
    await server.write(10)
    sink = WaitingSink()
    engine = _engine(server, sink)
    task = asyncio.create_task(run_until(engine, sink, _has(80), within=5))
    await server.wait_request(lambda r: r.path.endswith("/stream"))
    await server.joined.wait()
    await server.write(40)
    await sink.wait_for(_has(40))
    server.issued.clear()  # the server forgets every id it handed out
    server.cut()
    await server.write(40)  # committed while logtui is away
    await task
    assert _ids(sink) == server.committed()[10:]
    assert any("refused the saved position" in n.message for n in sink.notices)


async def test_a_dead_id_answered_with_heartbeats_alone_is_noticed(
    server: LogServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NextDNSSource, "SILENCE_CHECK", 0.2)
    server.behaviour = Behaviour(unknown_id="ignore")
    await server.write(50)
    sink = WaitingSink()
    engine = _engine(server, sink, state_store=_save_dead_id(server, tmp_path))
    task = asyncio.create_task(run_until(engine, sink, _has(60), within=5))
    await sink.wait_for(_has(50), within=5)
    await server.write(10)
    await task
    assert _ids(sink) == server.committed()
    assert any("no longer knows that id" in n.message for n in sink.notices)


async def test_a_history_page_slower_than_the_idle_timeout_is_progress_not_silence(
    server: LogServer,
) -> None:
    server.behaviour = Behaviour(logs_delay=0.6)
    await server.write(30)
    sink = WaitingSink()
    engine = _engine(server, sink, history=30, idle_timeout=0.3)
    task = asyncio.create_task(run_until(engine, sink, _has(40), within=10))
    async with asyncio.timeout(10):
        await server.wait_request(lambda r: r.path.endswith("/stream"))
        await server.joined.wait()
    await server.write(10)
    await task
    assert _ids(sink) == server.committed()
    assert len(server.requests_to("/logs")) == 1
