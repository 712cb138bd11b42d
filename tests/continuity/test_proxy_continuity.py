"""proxy-logs continuity against an independent server: every committed entry arrives once, in
order, across history, a late-joining stream, restarts, unknown events and unsendable ids."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.proxy import ProxySource
from logtui.core.state_store import StateStore
from tests.engine.helpers import WaitingSink, fast_backoff, run_until

from .log_server import Behaviour, LogServer, Stored


@pytest.fixture
async def server() -> AsyncIterator[LogServer]:
    async with LogServer() as running:
        yield running


def _engine(server: LogServer, sink: WaitingSink, **options: object) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url("/api/proxy-logs"))
    options.setdefault("backoff", fast_backoff())
    return Engine(build_source(config), sink, **options)  # type: ignore[arg-type]


def _ids(sink: WaitingSink) -> list[int]:
    return [entry.data["id"] for entry in sink.entries]


def _has(count: int):  # type: ignore[no-untyped-def]
    return lambda sink: len(sink.entries) >= count


async def test_history_joins_a_stream_that_starts_late_without_a_gap(server: LogServer) -> None:
    server.behaviour = Behaviour(refuse_streams=1, retry_after="0", join_late=asyncio.Event())
    await server.write(500)
    sink = WaitingSink()
    engine = _engine(server, sink, history=400)

    async def traffic() -> None:
        await server.wait_request(lambda r: "afterId" in r.query)
        await server.write(60)  # after every read of /_logs, before the stream joins
        assert server.behaviour.join_late is not None
        server.behaviour.join_late.set()
        await server.joined.wait()
        await server.write(40)

    writer = asyncio.create_task(traffic())
    await run_until(engine, sink, lambda s: bool(s.entries) and _ids(s)[-1] == server.next_id - 1
                    and writer.done(), within=10)
    assert _ids(sink) == server.committed()[-500:]


async def test_history_above_the_default_page_is_asked_with_limit_and_paged(
    server: LogServer,
) -> None:
    await server.write(3000)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=2500), sink, _has(2500), within=10)
    assert _ids(sink) == server.committed()[-2500:]
    tails = server.requests_to("/_logs")
    assert all("limit" in r.query for r in tails), "limit defaults to 200 without it"


async def test_history_of_500_is_not_cut_to_the_default_200(server: LogServer) -> None:
    await server.write(600)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=500), sink, _has(500), within=5)
    assert _ids(sink) == server.committed()[-500:]


async def test_a_restart_with_lower_ids_is_noticed_and_history_re_read(
    server: LogServer, tmp_path: Path
) -> None:
    store = StateStore(tmp_path)
    source = build_source(SourceConfig(kind=SourceKind.PROXY,
                                       url=server.url("/api/proxy-logs")))
    key = store.key(source.kind, source.url, source.filters)
    store.save(key, {"last_event_id": "7000", "last_key": "90000"})
    await server.write(120)  # the restarted server: ids from 1000, ringSeq from 1
    sink = WaitingSink()
    engine = _engine(server, sink, state_store=store)
    task = asyncio.create_task(run_until(engine, sink, _has(150), within=5))
    await sink.wait_for(_has(120), within=5)
    await server.write(30)
    await task
    assert _ids(sink) == server.committed()
    assert any("restarted" in n.message for n in sink.notices)


async def test_events_with_an_unknown_name_are_entries_and_reported(server: LogServer) -> None:
    def name(stored: Stored) -> str | None:
        return "log" if stored.id % 3 == 0 else None

    server.behaviour = Behaviour(event_name=name)
    sink = WaitingSink()
    engine = _engine(server, sink)
    task = asyncio.create_task(run_until(engine, sink, _has(90), within=5))
    await server.wait_request(lambda r: r.path.endswith("/stream"))
    await server.joined.wait()
    await server.write(90)
    await task
    assert _ids(sink) == server.committed()
    assert any("'log'" in n.message for n in sink.notices)


@pytest.mark.parametrize("frame_id", ["  {}", "{} ", "\t{}", "{}\x01", "{}\x7f"])
async def test_an_id_no_header_can_carry_is_dropped_not_wedged(
    server: LogServer, frame_id: str
) -> None:
    server.behaviour = Behaviour(frame_id=lambda stored: frame_id.format(stored.seq))
    sink = WaitingSink()
    engine = _engine(server, sink)
    task = asyncio.create_task(run_until(engine, sink, _has(100), within=5))
    await server.wait_request(lambda r: r.path.endswith("/stream"))
    await server.joined.wait()
    await server.write(50)
    await sink.wait_for(_has(50))
    server.cut()
    await server.write(50)
    await task
    assert _ids(sink) == server.committed()
    streams = server.requests_to("/_logs/stream")
    assert len(streams) >= 2 and "last-event-id" not in streams[-1].headers
    assert any("cannot be sent" in n.message for n in sink.notices)


async def test_a_saved_id_no_header_can_carry_does_not_wedge_a_restart(
    server: LogServer, tmp_path: Path
) -> None:
    await server.write(20)
    store = StateStore(tmp_path)
    source = build_source(SourceConfig(kind=SourceKind.PROXY,
                                       url=server.url("/api/proxy-logs")))
    key = store.key(source.kind, source.url, source.filters)
    store.save(key, {"last_event_id": " 5\t", "last_key": str(server.committed()[4])})
    sink = WaitingSink()
    await run_until(_engine(server, sink, state_store=store), sink, _has(15), within=5)
    assert _ids(sink) == server.committed()[5:]


async def test_a_ring_restarted_without_reset_is_noticed_from_the_log_store(
    server: LogServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ProxySource, "SILENCE_CHECK", 0.2)
    await server.write(30)  # a restarted ring: ringSeq 1..30, entry ids carried on
    store = StateStore(tmp_path)
    source = build_source(SourceConfig(kind=SourceKind.PROXY,
                                       url=server.url("/api/proxy-logs")))
    key = store.key(source.kind, source.url, source.filters)
    store.save(key, {"last_event_id": "900", "last_key": str(server.committed()[19])})
    sink = WaitingSink()
    engine = _engine(server, sink, state_store=store)
    task = asyncio.create_task(run_until(engine, sink, _has(30), within=5))
    await sink.wait_for(_has(10), within=5)  # the backfill; the stream skips seq <= 900
    await server.write(20)
    await task
    assert _ids(sink) == server.committed()[20:]
    assert any("sends nothing" in n.message for n in sink.notices)
