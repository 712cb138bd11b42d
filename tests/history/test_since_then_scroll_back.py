"""``--since`` then scroll-back: the reader's page before the oldest loaded entry joins it
exactly, none lost and none repeated, even when several entries share the oldest loaded time."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from logtui.core.engine import Engine
from logtui.core.eventtime import entry_time
from logtui.core.history import history_reader
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff
from tests.history.doc_servers import LoopbackServer, NextDNSLog, ProxyLog

NOW_MS = int(time.time() * 1000)
SINCE_MS = NOW_MS - 50_000


def _stamps() -> list[int]:
    """Every 100 ms for a minute and a half, five entries at the ``--since`` time itself."""
    stamps = list(range(NOW_MS - 90_000, SINCE_MS, 100))
    return [*stamps, *[SINCE_MS] * 5, *range(SINCE_MS + 100, NOW_MS - 1000, 100)]


async def _since_then_back(
    server: LoopbackServer, kind: str, path: str, total: int
) -> Any:
    sink = WaitingSink()
    async with server:
        config = SourceConfig(kind=kind, url=f"{server.base}{path}", secret="k")
        engine = Engine(build_source(config), sink, since=SINCE_MS / 1000,
                        backoff=fast_backoff(), idle_timeout=30)
        task = asyncio.create_task(engine.run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= total)
        finally:
            task.cancel()
        async with history_reader(config) as reader:  # type: ignore[union-attr]
            page = await reader.before(entry_time(sink.entries[0]), limit=100)
    return page.entries + sink.entries


async def test_nextdns_since_and_scroll_back_meet_exactly_once() -> None:
    server = NextDNSLog()
    for n, ms in enumerate(_stamps()):
        server.add(ms, f"q{n}.example")
    loaded = sum(1 for e in server.entries if e["_ms"] >= SINCE_MS)
    joined = await _since_then_back(server, SourceKind.NEXTDNS, "/profiles/p", loaded)
    domains = [e.data["domain"] for e in joined]
    assert domains == [NextDNSLog.served(e)["domain"] for e in server.entries[-len(domains):]]
    assert len(domains) == loaded + 100


async def test_proxy_since_and_scroll_back_meet_exactly_once() -> None:
    server = ProxyLog(page_cap=300)
    for ms in _stamps():
        server.add(ms)
    loaded = sum(1 for e in server.entries if e["tsMs"] >= SINCE_MS)
    joined = await _since_then_back(server, SourceKind.PROXY, "/api/proxy-logs", loaded)
    ids = [e.data["id"] for e in joined]
    assert ids == [e["id"] for e in server.entries[-len(ids):]]
    assert len(ids) == loaded + 100
