"""``logtui sse`` against an SSE server nobody here wrote: sse-starlette under uvicorn.

sse-starlette frames events its own way (``\\r\\n`` line ends, ``: ping`` comments, ``retry:``
from the event), so this checks logtui's SSE reading against a second implementation of the
WHATWG format rather than against its own decoder's idea of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
from collections.abc import AsyncIterator

import pytest

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.hostile.harness import WatchingSink

sse_starlette = pytest.importorskip("sse_starlette")
uvicorn = pytest.importorskip("uvicorn")

TOTAL = 30
CUT_AFTER = 10


class Events:
    """A Starlette app: ``/events`` streams ``TOTAL`` numbered events; the first connection
    ends after ``CUT_AFTER``; a reconnect resumes after its ``Last-Event-ID``."""

    def __init__(self) -> None:
        self.last_event_ids: list[str | None] = []

    async def __call__(self, scope: dict[str, object], receive: object, send: object) -> None:
        from starlette.requests import Request

        request = Request(scope, receive)  # type: ignore[arg-type]
        resume = request.headers.get("last-event-id")
        self.last_event_ids.append(resume)
        first = int(resume) + 1 if resume is not None else 0
        cut = len(self.last_event_ids) == 1

        async def events() -> AsyncIterator[object]:
            yield sse_starlette.ServerSentEvent(retry=50, comment="hello")
            for n in range(first, TOTAL):
                if cut and n == CUT_AFTER:
                    return
                yield sse_starlette.ServerSentEvent(json.dumps({"n": n}), id=str(n))
                await asyncio.sleep(0.01)  # the server's pace
            await asyncio.sleep(3600)

        response = sse_starlette.EventSourceResponse(events(), ping=0.2)
        await response(scope, receive, send)


@contextlib.asynccontextmanager
async def _serving(app: Events) -> AsyncIterator[int]:
    """uvicorn on a socket bound here, so its port is known (and connectable) at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(app, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        server.force_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, 5)
        sock.close()


async def test_an_sse_starlette_stream_is_read_once_in_order_across_a_resume() -> None:
    app = Events()
    async with _serving(app) as port:
        sink = WatchingSink()
        config = SourceConfig(kind=SourceKind.SSE, url=f"http://127.0.0.1:{port}/events")
        engine = Engine(build_source(config), sink, idle_timeout=2.0,
                        backoff=Backoff(0.02, 0.2, random.Random(0)))
        run = asyncio.create_task(engine.run())
        try:
            async with asyncio.timeout(15):
                while sink.out.getvalue().count(b"\n") < TOTAL and not run.done():
                    sink.changed.clear()
                    await sink.changed.wait()
        finally:
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run
    numbers = [json.loads(line)["n"] for line in sink.out.getvalue().splitlines()]
    assert numbers == list(range(TOTAL))
    assert app.last_event_ids[:2] == [None, str(CUT_AFTER - 1)]
