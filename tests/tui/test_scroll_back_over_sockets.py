"""Scroll-back over a real socket: a loopback server pages proxy-logs ``/_logs`` by ``afterId``
(the API document's ascending cursor), and a reader written here, from the document, turns it
into history pages. What the dashboard holds at the end is the server's log, each entry once,
in order, whatever the page boundaries cut.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from logtui.core.models import Entry
from logtui.tui.history_loader import LoadState
from tests.engine.scripted_server import Recorded, Reply, ScriptedServer

from .conftest import AppMaker
from .helpers import frame
from .history_fakes import BASE_MS, Page
from .test_scroll_back import _landed, _to_top

LOGS = "/api/proxy-logs/_logs"
SERVER_PAGE = 25
"""The most entries the server returns per request, whatever ``limit`` asks."""


def _log(count: int) -> list[dict[str, Any]]:
    """The server's log: three entries share each millisecond, ids ascending."""
    return [{"id": n + 1, "tsMs": BASE_MS + (n // 3) * 7, "kind": "event", "level": "info",
             "message": f"row {n + 1}"} for n in range(count)]


def _route(log: list[dict[str, Any]], failures: list[int]) -> Any:
    def answer(request: Recorded) -> Reply:
        if failures:
            return Reply(status=failures.pop(0), headers={"Content-Type": "application/json"},
                         parts=[b'{"message":"try later \\u001b[2J"}'])
        after = int(request.query.get("afterId", "0"))
        limit = min(int(request.query.get("limit", "200")), SERVER_PAGE)
        rows = [row for row in log if row["id"] > after][:limit]
        body = json.dumps({"entries": rows, "total": len(log), "limit": limit, "offset": 0})
        return Reply(headers={"Content-Type": "application/json"}, parts=[body.encode()])

    return answer


class AfterIdReader:
    """A history reader for the test: reads ``/_logs`` by ``afterId`` from the start and keeps
    the newest ``limit`` entries before the time asked (small logs only)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> AfterIdReader:
        self._client = httpx.AsyncClient(timeout=10)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._client is not None
        await self._client.aclose()
        self._client = None

    async def before(self, when: float, *, limit: int) -> Page:
        assert self._client is not None
        older: list[dict[str, Any]] = []
        after = 0
        while True:
            response = await self._client.get(self.url, params={"afterId": after, "limit": 100})
            response.raise_for_status()
            rows = response.json()["entries"]
            if not rows:
                break
            older.extend(row for row in rows if row["tsMs"] / 1000 < when)
            after = rows[-1]["id"]
        page = older[-limit:]
        entries = [Entry(raw=json.dumps(row), data=row, origin="history", key=str(row["id"]))
                   for row in page]
        return Page(entries, exhausted=len(page) == len(older))


async def test_scroll_back_is_stitched_exactly_once_over_a_socket(make_app: AppMaker) -> None:
    log = _log(240)
    async with ScriptedServer() as server:
        server.script(LOGS, [_route(log, failures=[503])])
        live = [Entry(raw=json.dumps(row), data=row, key=str(row["id"])) for row in log[180:230]]
        reader = AfterIdReader(server.url(LOGS))
        app, factory = make_app(entries=live, history=reader)
        app.scroll_back.page_size = 40
        async with app.run_test(size=(120, 40)) as pilot:
            await frame(pilot)
            await _to_top(pilot)
            await pilot.press("up")
            await _landed(pilot)
            assert app.scroll_back.state is LoadState.FAILED  # the 503, said and kept
            assert "older pages failed" in app.stream.border_title
            assert factory.source is not None
            factory.source.push(  # live entries go on arriving while older ones load
                Entry(raw=json.dumps(row), data=row, key=str(row["id"])) for row in log[230:]
            )
            for _ in range(20):
                await frame(pilot)
                await pilot.press("home")
                await _landed(pilot)
                if app.scroll_back.state is LoadState.EXHAUSTED:
                    break
            assert app.scroll_back.state is LoadState.EXHAUSTED
            assert [entry.data["id"] for entry in app.store.view] == list(range(1, 241))
            assert app.scroll_back.loaded == 180
            assert app.store.evicted == 0
            toasts = [toast.message for toast in app._notifications]
            assert not any("\x1b" in message for message in toasts)
            assert len(server.requests_to(LOGS)) > app.scroll_back.pages
