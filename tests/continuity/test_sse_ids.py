"""Any SSE stream: an id that an HTTP header cannot carry is dropped with a warning, never sent
(which fails locally, on every reconnect, before a byte leaves)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.sse_source import fits_in_header
from tests.engine.helpers import WaitingSink, fast_backoff, run_until
from tests.engine.scripted_server import Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as running:
        yield running


@pytest.mark.parametrize("wire_id", [b"  7", b"7 ", b"\t7", b"7\x01", b"7\x1f"])
async def test_an_unsendable_id_is_dropped_and_the_stream_goes_on(
    server: ScriptedServer, wire_id: bytes
) -> None:
    server.script("/events", [
        Reply(200, SSE, [b"id:" + wire_id + b'\ndata: {"n":1}\n\n']),
        Reply(200, SSE, [b'id: 8\ndata: {"n":2}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    source = build_source(SourceConfig(kind=SourceKind.SSE, url=server.url("/events")))
    engine = Engine(source, sink, backoff=fast_backoff())
    await run_until(engine, sink, lambda s: len(s.entries) == 2, within=5)
    assert sink.datas() == [{"n": 1}, {"n": 2}]
    second = server.requests_to("/events")[1]
    assert "last-event-id" not in second.headers
    warnings = [n.message for n in sink.notices if n.level == "warning"]
    assert any("cannot be sent" in w and "may be missing" in w for w in warnings)


def test_header_values_follow_the_http_field_grammar() -> None:
    assert fits_in_header("64v32d9r6rwkcctg6cu38e9g60")
    assert fits_in_header("a b\tc") and fits_in_header("é")
    for bad in ("", " a", "a ", "\ta", "a\x00b", "a\x01", "a\x7f", "a\nb"):
        assert not fits_in_header(bad), repr(bad)
