"""``logtui open NAME...`` as a user runs it: a real process, a config file, real sockets."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.core.eventtime import event_seconds
from logtui.demo import DemoConfig, DemoServer, Fault
from logtui.demo.instant_logs_api import DEMO_ZONE
from tests.cli.process import LogtuiProcess, run_logtui
from tests.engine.scripted_server import Reply, ScriptedServer

from .helpers import write_config

FORBIDDEN = Reply(status=403, headers={"Content-Type": "application/json"},
                  parts=[b'{"error":"forbidden"}'])


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=0)) as server:
        yield server


def config(home: Path, text: str) -> Path:
    return write_config(home / "config" / "logtui", text)


async def test_a_refused_source_is_named_and_the_other_streams_to_its_end_exit_3(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script("proxy-stream", [Fault.cut(after=4), Fault.scope_destroyed(after=6)])
    async with ScriptedServer() as refusing:
        for path in ("/api/proxy-logs/_logs/stream", "/api/proxy-logs/_logs"):
            refusing.script(path, [FORBIDDEN])
        config(tmp_path, f"""
[sources.good]
api = "proxy"
url = "{demo.proxy_url}"
token_env = "GOOD_TOKEN"

[sources.bad]
api = "proxy"
url = "{refusing.url('/api/proxy-logs')}"
token_env = "BAD_TOKEN"
""")
        env = {"GOOD_TOKEN": demo.config.token, "BAD_TOKEN": "bad-secret-value"}
        process = LogtuiProcess(["open", "good", "bad", "--output", "ndjson", "--tag-source",
                                 "-v", "--state-dir", str(tmp_path / "state")], tmp_path, env)
        try:
            await asyncio.to_thread(process.wait_for_stderr, "logtui: bad: failed")
            await asyncio.to_thread(process.wait_for_stderr, "logtui: good: live")
            await asyncio.to_thread(demo.emit, 10, "proxy")
            code = await asyncio.to_thread(process.finish, 30)
        finally:
            process.kill()

    assert code == 3, process.stderr
    lines = [json.loads(line) for line in process.stdout]
    assert {line["source"] for line in lines} == {"good"}
    # A proxy-logs payload has its own "source": the payload is wrapped, unchanged.
    assert [line["payload"] for line in lines] == demo.entries("proxy")
    failure = [line for line in process.stderr if "bad: failed" in line]
    assert len(failure) == 1 and "403" in failure[0]
    # Its token came from token_env: the refusal names that, not the proxy command's flag.
    assert failure[0].endswith("check $BAD_TOKEN, named by token_env in [sources.bad]")
    assert "LOGTUI_PROXY_TOKEN" not in "\n".join(process.stderr)
    assert "bad-secret-value" not in "\n".join(process.stderr)


def test_an_unknown_name_lists_the_configured_ones_and_exits_2(tmp_path: Path) -> None:
    config(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://example.invalid/api/proxy-logs"

[sources.dns]
api = "nextdns"
profile = "abc123"
""")
    result = run_logtui(["open", "prod", "staging", "--output", "ndjson"], tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "logtui: no source named 'staging' in the config file (known: dns, prod)"
    ]


def test_open_without_a_name_and_no_terminal_lists_the_names_and_exits_2(tmp_path: Path) -> None:
    config(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://example.invalid/api/proxy-logs"
""")
    result = run_logtui(["open"], tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "logtui: name the sources to open (configured: prod)"
    ]


@pytest.mark.parametrize(("api", "target", "key"), [
    ("proxy", 'url = "https://example.invalid/x"', "token"),
    ("nextdns", 'profile = "abc123"', "api_key"),
    ("instant-logs", 'zone = "z1"', "api_token"),
])
def test_a_secret_written_in_a_source_table_is_refused_in_one_line_without_its_value(
    tmp_path: Path, api: str, target: str, key: str
) -> None:
    config(tmp_path, f"""
[sources.prod]
api = "{api}"
{target}
{key} = "s3cret-inline-value"
""")
    result = run_logtui(["open", "prod", "--output", "ndjson"], tmp_path)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert f"{key} must not be written in the file" in lines[0]
    assert f"{key}_env" in lines[0] and "[sources.prod]" in lines[0]
    assert "s3cret-inline-value" not in result.stderr


def test_open_since_loads_each_history_keeping_source_from_then_and_the_rest_start_live(
    tmp_path: Path,
) -> None:
    started = time.time()
    with DemoServer(DemoConfig(seed=3, rate=20, history=2_400, history_seconds=130)) as server:
        config(tmp_path, f"""
[sources.web]
api = "proxy"
url = "{server.proxy_url}"
token_env = "WEB_TOKEN"

[sources.home]
api = "nextdns"
profile = "abc123"
api_url = "{server.nextdns_url}"
api_key_env = "HOME_KEY"

[sources.edge]
api = "instant-logs"
zone = "{DEMO_ZONE}"
api_url = "{server.instant_logs_url}"
api_token_env = "EDGE_TOKEN"
""")
        env = {"WEB_TOKEN": server.config.token, "HOME_KEY": server.config.api_key,
               "EDGE_TOKEN": server.config.token}
        process = LogtuiProcess(["open", "web", "home", "edge", "--since", "-1m",
                                 "--tag-source", "--output", "ndjson", "--no-resume",
                                 "--state-dir", str(tmp_path / "state")], tmp_path, env)
        try:
            process.wait_for_lines(2 * 1_200, timeout=60)
            process.interrupt()
            process.finish()
        finally:
            process.kill()
    assert any("edge: Instant Logs keeps no history; it starts live" in line
               for line in process.stderr), process.stderr
    lines = [json.loads(line) for line in process.stdout]
    web = [line["payload"] for line in lines if line["source"] == "web"]
    home = [line for line in lines if line["source"] == "home"]
    ids = [entry["id"] for entry in web]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # from then on, once, in order
    for entries in (web, home):
        first = event_seconds(entries[0]) or 0.0
        assert started - 65 <= first <= started - 55, (first - started, process.stderr[:5])


@pytest.mark.parametrize(("table", "path", "reference", "says"), [
    ('api = "nextdns"\nprofile = "p1"', "/profiles/p1/logs/stream",
     'api_key_file = "dns.key"', "check the file dns.key, named by api_key_file in [sources.x]"),
    ('api = "instant-logs"\nzone = "z1"', "/zones/z1/logpush/edge/jobs",
     'api_token_env = "X_TOKEN"', "check $X_TOKEN, named by api_token_env in [sources.x]"),
])
async def test_a_refusal_names_the_setting_its_credential_came_from(
    tmp_path: Path, table: str, path: str, reference: str, says: str
) -> None:
    async with ScriptedServer() as refusing:
        refusing.script(path, [FORBIDDEN])
        directory = tmp_path / "config" / "logtui"
        config(tmp_path, f'[sources.x]\n{table}\napi_url = "{refusing.url()}"\n{reference}\n')
        key = directory / "dns.key"
        key.write_text("file-secret-value\n")
        key.chmod(0o600)
        env = {"X_TOKEN": "env-secret-value"}
        result = await asyncio.to_thread(
            run_logtui, ["open", "x", "--output", "ndjson", "--state-dir",
                         str(tmp_path / "state")], tmp_path, env,
        )
    assert result.returncode == 3, result.stderr
    failure = [line for line in result.stderr.splitlines() if "x: failed" in line]
    assert len(failure) == 1 and "403" in failure[0] and failure[0].endswith(says)
    assert "secret-value" not in result.stderr and "NEXTDNS_API_KEY" not in result.stderr


@pytest.mark.parametrize(("api", "path", "advice"), [
    ("sse", "/events",
     "check the headers of [sources.feed]; a credential cannot be written there"
     " (run 'logtui sse URL -H ...' with it from the environment)"),
    ("proxy", "/api/proxy-logs",
     'set $LOGTUI_PROXY_TOKEN, or name one with token_env = "VAR" in [sources.feed]'),
])
async def test_a_named_source_refused_says_how_a_table_gets_credentials(
    tmp_path: Path, api: str, path: str, advice: str
) -> None:
    """A table has no -H or --token: the refusal says what a table can do instead."""
    async with ScriptedServer() as refusing:
        for route in (path, f"{path}/_logs/stream", f"{path}/_logs"):
            refusing.script(route, [FORBIDDEN])
        config(tmp_path, f"""
[sources.feed]
api = "{api}"
url = "{refusing.url(path)}"
""")
        result = await asyncio.to_thread(
            run_logtui, ["open", "feed", "--output", "ndjson", "--state-dir",
                         str(tmp_path / "state")], tmp_path, {"LOGTUI_PROXY_TOKEN": "t"})

    assert result.returncode == 3, result.stderr
    [failure] = [line for line in result.stderr.splitlines() if "feed: failed" in line]
    assert "403" in failure and failure.endswith(advice)
    assert "-H'" not in failure and "--token" not in failure
