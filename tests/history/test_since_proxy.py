"""``--since`` on proxy-logs: a binary search over ids finds the first entry at or after the
time, ``afterId`` reads forward from it and the live stream is joined by id: every entry from
that time on, once, in id order."""

from __future__ import annotations

import asyncio
import time

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff
from tests.history.doc_servers import ProxyLog

NOW_MS = int(time.time() * 1000)


def _engine(server: ProxyLog, sink: WaitingSink, since: float) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=f"{server.base}/api/proxy-logs",
                          secret="token")
    return Engine(build_source(config), sink, since=since, backoff=fast_backoff(),
                  idle_timeout=30)


def _ids(sink: WaitingSink) -> list[int]:
    return [e.data["id"] for e in sink.entries]


async def test_since_reads_from_the_first_entry_at_that_time_then_live_exactly_once() -> None:
    server = ProxyLog(page_cap=400)
    for n in range(3000):  # ids 10, 13, 16, ... one a second, the last ten minutes ago
        server.add(NOW_MS - 600_000 - (3000 - n) * 1000, entry_id=10 + 3 * n)

    def traffic(log: ProxyLog) -> None:  # two new entries during every /_logs read
        for _ in range(2):
            log.add(NOW_MS - 500)

    server.during_pages = traffic
    since = (NOW_MS - 600_000 - 1200 * 1000 - 500) / 1000  # between two entries
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, since).run())
        try:
            await sink.wait_for(lambda s: bool(s.entries) and
                                s.entries[-1].data["id"] == server.entries[-1]["id"])
            for _ in range(5):
                server.add(NOW_MS)
            await server.poke()
            last = server.entries[-1]["id"]
            await sink.wait_for(lambda s: s.entries[-1].data["id"] == last)
        finally:
            task.cancel()
    expected = [e["id"] for e in server.entries if e["tsMs"] >= since * 1000]
    assert _ids(sink) == expected
    assert expected[0] == 10 + 3 * 1800
    assert all(e.origin == "history" for e in sink.entries[:1200])
    probes = [r for r in server.requests if r.query.get("limit") == "1"]
    assert len(probes) < 20  # a search, not a scan
    assert not any("offset" in r.query for r in server.requests)


async def test_since_older_than_the_server_keeps_starts_at_its_oldest_entry() -> None:
    server = ProxyLog()
    for n in range(50):
        server.add(NOW_MS - 50_000 + n * 1000)
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, (NOW_MS - 3_600_000) / 1000).run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= 50 and bool(s.notices))
        finally:
            task.cancel()
    assert _ids(sink) == list(range(1, 51))
    warnings = [n.message for n in sink.notices if n.level == "warning"]
    assert len(warnings) == 1 and "history starts at" in warnings[0]


async def test_since_after_the_newest_entry_loads_nothing_and_goes_live() -> None:
    server = ProxyLog()
    for n in range(30):
        server.add(NOW_MS - 100_000 + n * 1000)
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, (NOW_MS - 10_000) / 1000).run())
        try:
            await sink.wait_for(lambda s: any(st.state == "live" for st in s.statuses))
            await sink.wait_for(lambda s: s.statuses[-1].history_progress is None)
            server.add(NOW_MS)
            await server.poke()
            await sink.wait_for(lambda s: len(s.entries) >= 1)
        finally:
            task.cancel()
    assert _ids(sink) == [31]
