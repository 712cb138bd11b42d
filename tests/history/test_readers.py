"""History readers page backwards exactly once: asking again with a page's oldest time returns
exactly the entries before it, even when entries with one time straddle a page boundary or
outnumber a page."""

from __future__ import annotations

import random
import time

import pytest

from logtui.core.eventtime import entry_time
from logtui.core.history import HistoryReader, history_reader
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig
from tests.history.doc_servers import NextDNSLog, ProxyLog

NOW_MS = int(time.time() * 1000)


def _times(seed: int, count: int) -> list[int]:
    """``count`` times oldest first, in runs of equal times (one run longer than a page)."""
    rng = random.Random(seed)
    times: list[int] = []
    moment = NOW_MS - 3_600_000
    while len(times) < count:
        run = 15 if len(times) == 40 else rng.choice((1, 1, 2, 3, 5, 7))
        times.extend([moment] * run)
        moment += rng.choice((1, 7, 1000))
    return times[:count]


async def _read_back(reader: HistoryReader, limit: int) -> list[list[int]]:
    """Every page from the newest back, each as its entries' times."""
    pages: list[list[int]] = []
    when = NOW_MS / 1000
    async with reader:
        while True:
            page = await reader.before(when, limit=limit)
            assert all(e.origin == "history" for e in page.entries)
            if page.entries:
                pages.append([round(entry_time(e) * 1000) for e in page.entries])
                when = entry_time(page.entries[0])
            if page.exhausted:
                return pages
            assert page.entries, "an empty page must say it is the last"


def _one_page_each(pages: list[list[int]], limit: int) -> None:
    for page in pages:
        assert page == sorted(page)
        assert len(page) <= limit or len(set(page)) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_nextdns_reader_returns_each_entry_once_across_equal_times(seed: int) -> None:
    server = NextDNSLog()
    times = _times(seed, 230)
    for n, ms in enumerate(times):
        server.add(ms, f"q{n}.example")
    async with server:
        config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.base}/profiles/p",
                              secret="k")
        reader = history_reader(config)
        assert reader is not None
        pages = await _read_back(reader, 10)
        domains: list[str] = []
        async with history_reader(config) as again:  # type: ignore[union-attr]
            first = await again.before(NOW_MS / 1000, limit=10)
            domains = [e.data["domain"] for e in first.entries]
    assert [ms for page in reversed(pages) for ms in page] == times
    _one_page_each(pages, 10)
    assert domains == [f"q{n}.example" for n in range(230 - len(domains), 230)]
    assert all("X-Api-Key".lower() in r.headers for r in server.requests)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_proxy_reader_returns_each_entry_once_across_equal_times(seed: int) -> None:
    server = ProxyLog(page_cap=50)
    times = _times(seed, 230)
    for n, ms in enumerate(times):
        server.add(ms, entry_id=100 + 7 * n)
    async with server:
        config = SourceConfig(kind=SourceKind.PROXY, url=f"{server.base}/api/proxy-logs",
                              secret="token")
        reader = history_reader(config)
        assert reader is not None
        pages = await _read_back(reader, 10)
        ids: list[int] = []
        async with history_reader(config) as again:  # type: ignore[union-attr]
            first = await again.before(NOW_MS / 1000, limit=10)
            ids = [e.data["id"] for e in first.entries]
    assert [ms for page in reversed(pages) for ms in page] == times
    _one_page_each(pages, 10)
    assert ids == [100 + 7 * n for n in range(230 - len(ids), 230)]
    assert all(r.headers.get("authorization") == "Bearer token" for r in server.requests)


def test_apis_without_stored_history_have_no_reader() -> None:
    for kind, url in ((SourceKind.SSE, "http://127.0.0.1:9/events"),
                      (SourceKind.INSTANT_LOGS, "zone")):
        assert history_reader(SourceConfig(kind=kind, url=url)) is None
