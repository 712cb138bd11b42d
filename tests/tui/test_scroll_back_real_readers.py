"""Scroll-back through logtui's own history readers (``logtui.core.history``), over loopback
servers written from the API documents (``tests/history/doc_servers.py``): what the dashboard
holds at the end is the server's log, each entry once, in order, with live entries arriving
meanwhile. The readers page by event time, three or four entries sharing each millisecond."""

from __future__ import annotations

import json
from typing import Any

import pytest

from logtui.core.models import Entry, SourceKind
from logtui.core.sources import SourceConfig
from logtui.tui.history_loader import LoadState

from .conftest import AppMaker
from .helpers import frame
from .history_fakes import BASE_MS
from .test_scroll_back import _landed, _to_top

history = pytest.importorskip("logtui.core.history")
doc_servers = pytest.importorskip("tests.history.doc_servers")


async def _scroll_back_to_the_start(make_app: AppMaker, kind: SourceKind, server: Any,
                                    config: SourceConfig, live: list[Entry],
                                    later: list[Entry]) -> list[Entry]:
    reader = history.history_reader(config)
    assert reader is not None
    app, factory = make_app(kind, entries=live, history=reader)
    app.scroll_back.page_size = 30
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await _to_top(pilot)
        assert factory.source is not None
        factory.source.push(later)
        for _ in range(40):
            await pilot.press("home")
            await _landed(pilot)
            await frame(pilot)
            if app.scroll_back.state is not LoadState.IDLE:
                break
        assert app.scroll_back.state is LoadState.EXHAUSTED, app.scroll_back.problem
        assert app.store.evicted == 0
        return list(app.store.view)


async def test_proxy_logs_scroll_back_is_stitched_exactly_once(make_app: AppMaker) -> None:
    server = doc_servers.ProxyLog(page_cap=50)
    for n in range(300):
        server.add(BASE_MS + (n // 4) * 3, entry_id=10 + n)
    rows = [Entry(raw=json.dumps(e), data=e, key=str(e["id"])) for e in server.entries]
    async with server:
        config = SourceConfig(kind=SourceKind.PROXY, url=f"{server.base}/api/proxy-logs",
                              secret="token")
        view = await _scroll_back_to_the_start(make_app, SourceKind.PROXY, server, config,
                                               rows[250:290], rows[290:])
    assert [entry.data["id"] for entry in view] == list(range(10, 310))


async def test_nextdns_scroll_back_is_stitched_exactly_once(make_app: AppMaker) -> None:
    server = doc_servers.NextDNSLog()
    for n in range(200):
        server.add(BASE_MS + (n // 3) * 5, f"q{n}.example")
    async with server:
        config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.base}/profiles/p",
                              secret="k")
        page = await _first_page(config)
        rows = [Entry(raw=json.dumps(e.data), data=e.data) for e in page]
        view = await _scroll_back_to_the_start(make_app, SourceKind.NEXTDNS, server, config,
                                               rows[:30], rows[30:])
    assert [entry.data["domain"] for entry in view] == [f"q{n}.example" for n in range(200)]


async def _first_page(config: SourceConfig) -> list[Entry]:
    """The newest 50 entries as the server serves them (the dashboard's live part)."""
    async with history.history_reader(config) as reader:
        page = await reader.before(BASE_MS / 1000 + 10_000, limit=50)
    return list(page.entries)
