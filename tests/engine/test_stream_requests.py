"""Every SSE source asks for its stream the way the SSE spec has clients ask: as an event
stream, past any cache. Recorded by a scripted server over loopback."""

from __future__ import annotations

import asyncio

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source

from .helpers import WaitingSink, fast_backoff
from .scripted_server import Reply, ScriptedServer

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("kind", "base", "stream_path"),
    [
        (SourceKind.PROXY, "/api/proxy-logs", "/api/proxy-logs/_logs/stream"),
        (SourceKind.NEXTDNS, "/profiles/abc123", "/profiles/abc123/logs/stream"),
        (SourceKind.SSE, "/events", "/events"),
    ],
)
async def test_stream_requests_ask_for_an_uncached_event_stream(
    kind: SourceKind, base: str, stream_path: str
) -> None:
    async with ScriptedServer() as server:
        server.script(stream_path, [Reply(404, JSON, [b"{}"])])
        config = SourceConfig(kind=kind, url=server.url(base), secret="secret-value")
        engine = Engine(build_source(config), WaitingSink(), backoff=fast_backoff())
        await asyncio.wait_for(engine.run(), 10)

    [request] = server.requests_to(stream_path)
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["cache-control"] == "no-cache"
