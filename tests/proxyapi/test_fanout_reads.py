"""History and backfill against an admin fan-out ``/_logs``: NDJSON with a trailer, cursors
followed, expired snapshots read again, a body without its trailer treated as cut."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from tests.engine.helpers import WaitingSink, fast_backoff, run_until
from tests.engine.scripted_server import Recorded, ScriptedServer

from .fanout_server import PREFIX, Fanout, serve

LOGS = f"{PREFIX}/_logs"


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as running:
        yield running


def _engine(server: ScriptedServer, sink: WaitingSink, history: int,
            filters: dict[str, str] | None = None) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url(PREFIX), filters=filters or {})
    return Engine(build_source(config), sink, history=history, backoff=fast_backoff())


def _ids(sink: WaitingSink) -> list[int]:
    return [entry.data["id"] for entry in sink.entries]


def _all_of(fanout: Fanout):  # type: ignore[no-untyped-def]
    return lambda sink: _ids(sink)[-1:] == fanout.ids[-1:]


async def test_history_reads_ndjson_pages_and_follows_the_cursor(server: ScriptedServer) -> None:
    fanout = Fanout()
    serve(server, fanout)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=10), sink, _all_of(fanout), within=10)
    assert _ids(sink) == fanout.ids
    asks = server.requests_to(LOGS)
    assert [r.query.get("cursor") is not None for r in asks[:4]] == [False, True, True, True]
    assert all(r.query.get("last") == "10" for r in asks[:4]), "a cursor goes with its request"


async def test_a_backfill_from_the_saved_id_follows_cursors_to_the_end(
    server: ScriptedServer, tmp_path: Path
) -> None:
    fanout = Fanout(ids=list(range(500, 520)), page=4)
    serve(server, fanout)
    store = StateStore(tmp_path)
    source = build_source(SourceConfig(kind=SourceKind.PROXY, url=server.url(PREFIX)))
    store.save(store.key(source.kind, source.url, source.filters),
               {"last_event_id": "7", "last_key": "505"})
    sink = WaitingSink()
    engine = Engine(source, sink, state_store=store, backoff=fast_backoff())
    await run_until(engine, sink, _all_of(fanout), within=10)
    assert _ids(sink) == fanout.ids[6:]
    cursors = [r for r in server.requests_to(LOGS) if "cursor" in r.query]
    assert len(cursors) == 3 and all(r.query.get("afterId") == "505" for r in cursors)


async def test_a_410_trailer_starts_the_page_again_without_duplicates(
    server: ScriptedServer,
) -> None:
    expired: list[Recorded] = []

    def expire_once(request: Recorded) -> bool:
        if "cursor" in request.query and not expired:
            expired.append(request)
            return True
        return False

    fanout = Fanout(expire=expire_once)
    serve(server, fanout)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=10), sink, _all_of(fanout), within=10)
    assert _ids(sink) == fanout.ids, "the expired page's partial entries were dropped"
    after = server.requests_to(LOGS)[server.requests_to(LOGS).index(expired[0]) + 1]
    assert "cursor" not in after.query
    assert after.query.get("afterId") == str(fanout.ids[2]), "again from the last id delivered"


async def test_a_first_read_that_expires_up_to_the_bound_is_still_read(
    server: ScriptedServer,
) -> None:
    seen: list[Recorded] = []

    def expire_three(request: Recorded) -> bool:
        seen.append(request)
        return len(seen) <= 3

    fanout = Fanout(expire=expire_three)
    serve(server, fanout)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=10), sink, _all_of(fanout), within=10)
    assert _ids(sink) == fanout.ids
    assert ConnectionState.FAILED not in sink.states()


async def test_snapshots_that_keep_expiring_end_in_a_clear_error(server: ScriptedServer) -> None:
    fanout = Fanout(expire=lambda request: True)
    serve(server, fanout)
    sink = WaitingSink()
    status = await asyncio.wait_for(_engine(server, sink, history=10).run(), 10)
    assert status.state is ConnectionState.FAILED
    assert "snapshot_expired" in status.detail and "times in a row" in status.detail
    assert len(server.requests_to(LOGS)) <= 5, "bounded retries, not a storm"


async def test_a_fanout_answer_without_its_trailer_is_a_cut_and_retried(
    server: ScriptedServer,
) -> None:
    cut: list[Recorded] = []

    def cut_first(request: Recorded) -> bool:
        if not cut:
            cut.append(request)
            return True
        return False

    fanout = Fanout(cut=cut_first)
    serve(server, fanout)
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=10), sink, _all_of(fanout), within=10)
    assert _ids(sink) == fanout.ids, "nothing from the cut body was taken as a short page"
    assert ConnectionState.RECONNECTING in sink.states()
    assert len(server.requests_to(f"{PREFIX}/_logs/stream")) >= 2
