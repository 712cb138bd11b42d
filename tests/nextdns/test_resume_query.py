"""NextDNS resumes with ``?id=`` in the query, rebuilt on every reconnect from the last event
id, with the filters kept; history gives the first id through ``meta.stream.id`` of the first
page of a newest-first query without ``to``. Checked byte for byte against a scripted server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff, run_until
from tests.engine.scripted_server import Reply, ScriptedServer

SSE = {"Content-Type": "text/event-stream"}
JSON = {"Content-Type": "application/json"}
STREAM = "/profiles/abc123/logs/stream"
LOGS = "/profiles/abc123/logs"


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as running:
        yield running


def _engine(server: ScriptedServer, sink: WaitingSink, history: int = 0) -> Engine:
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=server.url("/profiles/abc123"),
                          secret="k3y-value", filters={"status": "blocked"}, history=history)
    return Engine(build_source(config), sink, resume=False, backoff=fast_backoff(),
                  history=history)


async def test_every_reconnect_resumes_with_the_last_id_in_the_query(
    server: ScriptedServer,
) -> None:
    server.script(STREAM, [
        Reply(200, SSE, [b'id: aaa\ndata: {"n":1}\n\nid: bbb\ndata: {"n":2}\n\n']),
        Reply(200, SSE, [b'id: ccc\ndata: {"n":3}\n\n']),
        Reply(200, SSE, [b'id: ddd\ndata: {"n":4}\n\n'], hold_open=True),
    ])
    sink = WaitingSink()
    await run_until(_engine(server, sink), sink, lambda s: len(s.entries) == 4)
    requests = server.requests_to(STREAM)
    assert [r.query.get("id") for r in requests] == [None, "bbb", "ccc"]
    assert all(r.query["status"] == "blocked" for r in requests)
    assert all("last-event-id" not in r.headers for r in requests)
    assert all(r.headers["x-api-key"] == "k3y-value" for r in requests)


async def test_history_takes_the_stream_id_from_the_first_newest_first_page(
    server: ScriptedServer,
) -> None:
    first = (b'{"data":[{"n":4},{"n":3}],"meta":{"pagination":{"cursor":"c2"},'
             b'"stream":{"id":"newest"}}}')
    second = (b'{"data":[{"n":2},{"n":1}],"meta":{"pagination":{"cursor":null},'
              b'"stream":{"id":"not-this-one"}}}')
    server.script(LOGS, [Reply(200, JSON, [first]), Reply(200, JSON, [second])])
    server.script(STREAM, [Reply(200, SSE, [b'id: e5\ndata: {"n":5}\n\n'], hold_open=True)])
    sink = WaitingSink()
    await run_until(_engine(server, sink, history=12), sink, lambda s: len(s.entries) == 5)
    assert [e.data["n"] for e in sink.entries] == [1, 2, 3, 4, 5]
    pages = server.requests_to(LOGS)
    assert [p.query.get("cursor") for p in pages] == [None, "c2"]
    assert all("to" not in p.query and p.query.get("sort", "desc") == "desc" for p in pages)
    assert server.requests_to(STREAM)[0].query["id"] == "newest"
