"""``--since`` on NextDNS: ``/logs?from=`` newest first to the given time, then the stream from
the first page's ``meta.stream.id``: every entry from that time on, once, in order."""

from __future__ import annotations

import asyncio
import time

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff
from tests.history.doc_servers import NextDNSLog

NOW_MS = int(time.time() * 1000)


def _engine(server: NextDNSLog, sink: WaitingSink, since: float) -> Engine:
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.base}/profiles/p", secret="k")
    return Engine(build_source(config), sink, since=since, backoff=fast_backoff(),
                  idle_timeout=30)


def _domains(sink: WaitingSink) -> list[str]:
    return [e.data["domain"] for e in sink.entries]


async def test_since_loads_every_entry_from_that_time_then_goes_live_exactly_once() -> None:
    server = NextDNSLog()
    for n in range(2600):  # one an second, the last ten minutes ago
        server.add(NOW_MS - 600_000 - (2600 - n) * 1000, f"old{n}.example")
    written = [0]

    def traffic(log: NextDNSLog) -> None:  # three new queries while each page is read
        for _ in range(3):
            written[0] += 1
            log.add(NOW_MS - 1000 + written[0], f"during{written[0]}.example")

    server.during_pages = traffic
    since = (NOW_MS - 600_000 - 1500 * 1000) / 1000
    expected_old = [f"old{n}.example" for n in range(1100, 2600)]
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, since).run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= len(expected_old) + written[0])
            live = [f"live{n}.example" for n in range(5)]
            for n, domain in enumerate(live):
                server.add(NOW_MS + n, domain)
            await server.poke()
            total = len(expected_old) + written[0] + len(live)
            await sink.wait_for(lambda s: len(s.entries) >= total)
        finally:
            task.cancel()
    during = [f"during{n}.example" for n in range(1, written[0] + 1)]
    assert _domains(sink) == expected_old + during + live
    assert [e.origin for e in sink.entries[: len(expected_old)]] == ["history"] * 1500
    first = server.requests[0]
    assert first.path == "/profiles/p/logs" and "sort" not in first.query
    assert first.query["from"].endswith("Z")


async def test_since_older_than_the_server_keeps_says_where_history_starts() -> None:
    server = NextDNSLog()
    for n in range(20):
        server.add(NOW_MS - 60_000 + n * 1000, f"kept{n}.example")
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, (NOW_MS - 86_400_000) / 1000).run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= 20 and bool(s.notices))
        finally:
            task.cancel()
    assert _domains(sink) == [f"kept{n}.example" for n in range(20)]
    warnings = [n.message for n in sink.notices if n.level == "warning"]
    assert len(warnings) == 1
    assert "keeps nothing from before" in warnings[0]
    assert "history starts at" in warnings[0]


async def test_history_progress_is_published_page_by_page_then_cleared() -> None:
    server = NextDNSLog()
    for n in range(2500):
        server.add(NOW_MS - 100_000 + n * 10, f"q{n}.example")
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, (NOW_MS - 200_000) / 1000).run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= 2500)
            await sink.wait_for(lambda s: s.statuses[-1].history_progress is None)
        finally:
            task.cancel()
    shown = []
    for status in sink.statuses:
        if status.history_progress is not None and status.history_progress not in shown:
            shown.append(status.history_progress)
    assert [(p.entries, p.pages) for p in shown] == [(1000, 1), (2000, 2), (2500, 3)]
    assert shown[-1].describe() == "history: 2,500 entries, 3 pages"


async def test_a_load_cut_short_shows_no_progress_while_waiting_then_loads_again() -> None:
    server = NextDNSLog(unavailable={2})
    for n in range(1500):
        server.add(NOW_MS - 100_000 + n * 10, f"q{n}.example")
    sink = WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, sink, (NOW_MS - 200_000) / 1000).run())
        try:
            await sink.wait_for(lambda s: len(s.entries) >= 1500)
        finally:
            task.cancel()
    waiting = [s for s in sink.statuses if s.state in ("reconnecting", "rate-limited")]
    assert waiting and all(s.history_progress is None for s in waiting)
    assert _domains(sink) == [f"q{n}.example" for n in range(1500)]
