"""``/_logs/stream`` takes ``projectId`` on the admin port only: a 403 while that filter is in
use names it, instead of blaming the token alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from logtui.core.engine import Engine
from logtui.core.errors import AuthError
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from tests.engine.helpers import WaitingSink, fast_backoff
from tests.engine.scripted_server import Reply, ScriptedServer

from .fanout_server import PREFIX, Fanout, serve


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as running:
        yield running


async def _run(server: ScriptedServer, filters: dict[str, str]) -> Engine:
    config = SourceConfig(kind=SourceKind.PROXY, url=server.url(PREFIX), filters=filters)
    engine = Engine(build_source(config), WaitingSink(), backoff=fast_backoff())
    status = await asyncio.wait_for(engine.run(), 10)
    assert status.state is ConnectionState.FAILED
    return engine


async def test_a_403_with_a_project_filter_says_it_needs_the_admin_port(
    server: ScriptedServer,
) -> None:
    serve(server, Fanout(sni_port=True))
    engine = await _run(server, {"projectId": "proj_a1b2c3d4", "level": "error"})
    assert isinstance(engine.error, AuthError), "retrying cannot fix it: exit code 3"
    message = str(engine.error)
    assert "the stream's projectId filter needs the admin port; drop it or use the admin URL" \
        in message
    assert "LOGTUI_PROXY_TOKEN" in message, "a bad token is still possible on the admin URL"


async def test_a_403_without_a_project_filter_blames_the_credentials_only(
    server: ScriptedServer,
) -> None:
    body = b'{"statusCode":403,"error":"Forbidden","message":"Logs token missing or invalid"}'
    server.script(f"{PREFIX}/_logs/stream", [
        Reply(status=403, headers={"Content-Type": "application/json"}, parts=[body])])
    engine = await _run(server, {"level": "error"})
    assert isinstance(engine.error, AuthError)
    assert "projectId" not in str(engine.error)
    assert "LOGTUI_PROXY_TOKEN" in str(engine.error)
