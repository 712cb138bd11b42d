"""Any SSE stream: a named event (``event: audit``) keeps its name on its entry, so the
dashboard can show it as a column; unnamed events (``message``) have none."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff, run_until
from tests.engine.scripted_server import Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as running:
        yield running


async def test_named_events_keep_their_name_on_the_entry(server: ScriptedServer) -> None:
    server.script("/events", [Reply(200, SSE, [
        b'event: audit\ndata: {"msg":"a","level":30,"time":1718201234500}\n\n',
        b'data: {"msg":"b","level":40,"time":1718201234600}\n\n',
        b"event: ping\ndata: not json\n\n",
        b'event: message\ndata: {"msg":"c","level":50,"time":1718201234700}\n\n',
        b'event: audit\ndata: {"msg":"a","level":30,"time":1718201234500}\n\n',
    ], hold_open=True)])
    sink = WaitingSink()
    source = build_source(SourceConfig(kind=SourceKind.SSE, url=server.url("/events")))
    engine = Engine(source, sink, backoff=fast_backoff())
    await run_until(engine, sink, lambda s: len(s.entries) == 5, within=5)
    assert [entry.event_name for entry in sink.entries] == ["audit", None, "ping", None, "audit"]
