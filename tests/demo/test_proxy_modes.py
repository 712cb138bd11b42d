"""The demo's proxy-logs modes over a real socket: the admin fan-out's NDJSON ``/_logs`` with
signed cursors and expiring snapshots, a per-project port's stream refusing ``projectId``, and
the default left as the document shows it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from logtui.core.engine import Engine
from logtui.core.models import ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.demo import DemoServer
from tests.engine.helpers import WaitingSink, fast_backoff, run_until

from .conftest import TOKEN, make_config

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def fanout() -> Iterator[DemoServer]:
    with DemoServer(make_config(proxy_modes=frozenset({"admin-fanout"}))) as running:
        yield running


def _lines(response: httpx.Response) -> tuple[list[dict[str, object]], dict[str, object]]:
    values = [json.loads(line) for line in response.text.splitlines()]
    return values[:-1], values[-1]


def test_the_default_ignores_a_cursor_and_answers_json(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(5, "proxy")
    response = proxy.get("/_logs", params={"cursor": "anything", "limit": 2})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["entries"] == server.entries("proxy")[::-1][:2]


def test_fanout_pages_are_ndjson_with_a_trailer_and_the_cursor_walks_the_selection(
    fanout: DemoServer,
) -> None:
    fanout.emit(25, "proxy")
    seen: list[dict[str, object]] = []
    params: dict[str, object] = {"afterId": 0, "limit": 10}
    with httpx.Client(base_url=fanout.proxy_url, headers=AUTH, timeout=5) as client:
        for _ in range(5):
            response = client.get("/_logs", params=params)
            assert response.headers["content-type"].startswith("application/x-ndjson")
            entries, trailer = _lines(response)
            assert trailer["__trailer"] is True
            seen += entries
            if not trailer.get("cursor"):
                break
            params = {**params, "cursor": trailer["cursor"]}
    assert seen == fanout.entries("proxy")
    assert trailer["stoppedReason"] == "exhausted"


def test_an_expired_snapshot_answers_the_410_trailer() -> None:
    config = make_config(proxy_modes=frozenset({"admin-fanout"}), fanout_snapshot_ttl=0.0)
    with DemoServer(config) as server, httpx.Client(
        base_url=server.proxy_url, headers=AUTH, timeout=5
    ) as client:
        server.emit(5, "proxy")
        _, trailer = _lines(client.get("/_logs", params={"afterId": 0, "limit": 2}))
        answer = client.get("/_logs", params={"afterId": 0, "limit": 2,
                                              "cursor": trailer["cursor"]})
        assert answer.status_code == 200
        assert _lines(answer) == ([], {"__trailer": True, "error": "snapshot_expired",
                                       "status": 410})


def test_a_cursor_the_server_did_not_sign_is_a_400(fanout: DemoServer) -> None:
    with httpx.Client(base_url=fanout.proxy_url, headers=AUTH, timeout=5) as client:
        response = client.get("/_logs", params={"cursor": "MTo1.0000"})
    assert response.status_code == 400 and "cursor" in response.json()["message"]


def test_the_sni_port_refuses_a_project_filter_on_the_stream_only() -> None:
    with DemoServer(make_config(proxy_modes=frozenset({"sni-port"}))) as server, httpx.Client(
        base_url=server.proxy_url, headers=AUTH, timeout=5
    ) as client:
        refused = client.get("/_logs/stream", params={"projectId": "proj_a1b2c3d4"})
        assert refused.status_code == 403
        assert client.get("/_logs", params={"projectId": "proj_a1b2c3d4"}).status_code == 200
        with client.stream("GET", "/_logs/stream", params={"level": "error"}) as response:
            assert response.status_code == 200


async def test_logtui_reads_history_through_the_fanout_cursor() -> None:
    with DemoServer(make_config(proxy_modes=frozenset({"admin-fanout"}))) as server:
        server.emit(1600, "proxy")
        config = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url, secret=TOKEN)
        sink = WaitingSink()
        engine = Engine(build_source(config), sink, history=1500, backoff=fast_backoff())
        await run_until(engine, sink, lambda s: len(s.entries) >= 1500, within=20)
        assert [e.data["id"] for e in sink.entries] == [
            e["id"] for e in server.entries("proxy")[-1500:]]


async def test_logtui_reads_on_from_the_last_id_when_every_snapshot_expires() -> None:
    config = make_config(proxy_modes=frozenset({"admin-fanout"}), fanout_snapshot_ttl=0.0)
    with DemoServer(config) as server:
        server.emit(3500, "proxy")
        source = SourceConfig(kind=SourceKind.PROXY, url=server.proxy_url, secret=TOKEN)
        sink = WaitingSink()
        engine = Engine(build_source(source), sink, history=3000, backoff=fast_backoff())
        await run_until(engine, sink, lambda s: len(s.entries) >= 3000, within=20)
        assert [e.data["id"] for e in sink.entries] == [
            e["id"] for e in server.entries("proxy")[-3000:]]
    assert ConnectionState.FAILED not in sink.states()


def test_demo_server_help_lists_every_proxy_logs_mode() -> None:
    from logtui.demo.proxy_modes import MODES

    result = subprocess.run(
        [sys.executable, "-m", "logtui", "demo-server", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0
    assert "--proxy-mode MODE" in result.stdout
    assert all(f"  {name} " in result.stdout for name in MODES)
