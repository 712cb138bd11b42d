"""Secrets never leave: not on stdout or stderr, not in state or exported files, not in an
exception or a URL, whatever goes wrong. The real CLI runs with known credentials against the
demo server (and against nothing at all) in several failure modes; then everything it wrote is
searched for them. Config files holding secrets must be private."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.errors import AuthError
from logtui.core.models import CollectingSink, ConnectionState, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.demo import DemoConfig, DemoServer, Fault

from .runner import CliProcess, Outcome, files_written, run_cli

TOKEN = "s3cr3t-Tok3n-9f8e7d"
API_KEY = "k3y-S3cret-1a2b3c"
WRONG = "wr0ng-Tok3n-5a6b7c"
PROXY_STREAM = "proxy-stream"


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    config = DemoConfig(seed=11, rate=40.0, history=50, token=TOKEN, api_key=API_KEY,
                        heartbeat=0.5)
    with DemoServer(config) as server:
        yield server


def _assert_nowhere(secret: str, outcome: Outcome, home: Path) -> None:
    """``secret`` (and its percent-encoded form) is in no output and in no file under home
    except the user's own config file."""
    forms = {secret, secret.replace("-", "%2D")}
    for form in forms:
        assert form not in outcome.stdout, "secret on stdout"
        assert form not in outcome.stderr, f"secret on stderr: {outcome.stderr[-400:]}"
        for path, content in files_written(home).items():
            if path.name == "config.toml":
                continue
            assert form.encode() not in content, f"secret in {path}"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_rejected_token_or_key_is_named_but_never_shown(
    demo: DemoServer, tmp_path: Path
) -> None:
    proxy = run_cli(["proxy", demo.proxy_url, "--token", WRONG, "--output", "ndjson", "-v"],
                    tmp_path)
    nextdns = run_cli(["nextdns", "p1", "--api-url", demo.nextdns_url, "--api-key", WRONG,
                       "--output", "ndjson", "-v"], tmp_path)

    assert proxy.code == 3 and "LOGTUI_PROXY_TOKEN" in proxy.stderr
    assert nextdns.code == 3 and "NEXTDNS_API_KEY" in nextdns.stderr
    for outcome in (proxy, nextdns):
        _assert_nowhere(WRONG, outcome, tmp_path)
        assert "Traceback" not in outcome.stderr


def test_a_run_through_refusals_cuts_garbage_and_a_reset_writes_no_token(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script(PROXY_STREAM, [
        Fault.rate_limited(retry_after=0), Fault.unavailable(retry_after=0), Fault.cut(after=3),
        Fault.garbage(after=1) + Fault.end(after=4), Fault.reset(after=2),
        Fault.scope_destroyed(after=5),
    ])
    outcome = run_cli(["proxy", demo.proxy_url, "--token", TOKEN, "--history", "5",
                       "--output", "ndjson", "-v", "--idle-timeout", "2"], tmp_path)

    assert outcome.code == 0, outcome.stderr
    assert len(outcome.stdout.splitlines()) >= 5
    assert "rate-limited" in outcome.stderr and "not JSON" in outcome.stderr
    _assert_nowhere(TOKEN, outcome, tmp_path)
    state_files = list((tmp_path / "state").rglob("*.json"))
    assert state_files, "no resume point was saved"
    for path in state_files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_interrupted_while_retrying_an_unreachable_host_writes_no_token(
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/proxy-logs"
    process = CliProcess(["proxy", url, "--output", "ndjson", "-v"], tmp_path,
                         env={"LOGTUI_PROXY_TOKEN": TOKEN})
    try:
        process.wait_until(lambda p: "reconnecting" in p.stderr)
        process.signal(signal.SIGINT)
        outcome = process.finish()
    finally:
        process.kill()

    assert outcome.code == 130
    _assert_nowhere(TOKEN, outcome, tmp_path)


def test_nextdns_key_from_the_environment_stays_out_of_a_terminated_run(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script("nextdns-stream", [Fault.cut(after=2), Fault.unavailable(retry_after=0)])
    process = CliProcess(["nextdns", "p1", "--api-url", demo.nextdns_url, "--history", "10",
                          "--output", "ndjson", "-v"], tmp_path,
                         env={"NEXTDNS_API_KEY": API_KEY})
    try:
        process.wait_until(lambda p: len(p.stdout.splitlines()) >= 14)
        process.signal(signal.SIGTERM)
        outcome = process.finish()
    finally:
        process.kill()

    assert outcome.code == 143
    _assert_nowhere(API_KEY, outcome, tmp_path)


def test_credentials_inside_a_url_are_refused_without_echoing_them(tmp_path: Path) -> None:
    outcome = run_cli(["sse", f"http://user:{TOKEN}@127.0.0.1:9/stream", "--output", "ndjson"],
                      tmp_path)

    assert outcome.code == 2
    assert "credentials" in outcome.stderr
    _assert_nowhere(TOKEN, outcome, tmp_path)


def test_a_header_credential_stays_out_of_failure_messages(
    demo: DemoServer, tmp_path: Path
) -> None:
    outcome = run_cli(["sse", f"{demo.proxy_url}/_logs/stream", "-H",
                       f"Authorization: Bearer {WRONG}", "-H", f"X-Api-Key: {WRONG}",
                       "--output", "ndjson", "-v"], tmp_path)

    assert outcome.code == 3
    _assert_nowhere(WRONG, outcome, tmp_path)


def test_a_token_in_the_url_query_is_not_printed(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/stream?access_token={TOKEN}"
    process = CliProcess(["sse", url, "--output", "ndjson", "-v"], tmp_path)
    try:
        process.wait_until(lambda p: "reconnecting" in p.stderr)
        process.signal(signal.SIGINT)
        outcome = process.finish()
    finally:
        process.kill()

    assert outcome.code == 130
    _assert_nowhere(TOKEN, outcome, tmp_path)


# --- config files ---------------------------------------------------------------------------


def _config(home: Path, mode: int) -> Path:
    path = home / "config" / "logtui" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'[proxy]\ntoken = "{TOKEN}"\n\n[nextdns]\napi_key = "{API_KEY}"\n')
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_a_config_file_others_can_read_or_write_is_refused_with_the_fix(
    demo: DemoServer, tmp_path: Path, mode: int
) -> None:
    path = _config(tmp_path, mode)

    outcome = run_cli(["proxy", demo.proxy_url, "--output", "ndjson"], tmp_path)

    assert outcome.code == 2
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    assert str(path) in lines[0] and f"chmod 600 {path}" in lines[0]
    _assert_nowhere(TOKEN, outcome, tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == mode, "the file was changed behind the user"


def test_a_private_config_file_is_used_and_never_echoed(
    demo: DemoServer, tmp_path: Path
) -> None:
    _config(tmp_path, 0o600)
    demo.faults.script(PROXY_STREAM, [Fault.scope_destroyed(after=3)])

    outcome = run_cli(["proxy", demo.proxy_url, "--output", "ndjson", "-v"], tmp_path)

    assert outcome.code == 0, outcome.stderr
    assert len(outcome.stdout.splitlines()) == 3
    _assert_nowhere(TOKEN, outcome, tmp_path)


# --- exceptions -----------------------------------------------------------------------------


async def test_an_auth_failure_carries_no_secret_in_its_exception_chain(
    demo: DemoServer,
) -> None:
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=WRONG,
                          headers={"X-Api-Key": WRONG})
    engine = Engine(build_source(config), CollectingSink())

    status = await asyncio.wait_for(engine.run(), 10)

    assert status.state is ConnectionState.FAILED
    error = engine.error
    assert isinstance(error, AuthError)
    told = "".join(traceback.format_exception(error)) + repr(error) + repr(config) + repr(status)
    assert WRONG not in told


def test_state_files_are_private_even_with_a_permissive_umask(
    demo: DemoServer, tmp_path: Path
) -> None:
    demo.faults.script(PROXY_STREAM, [Fault.scope_destroyed(after=2)])
    old = os.umask(0)
    try:
        outcome = run_cli(["proxy", demo.proxy_url, "--token", TOKEN, "--output", "ndjson",
                           "--state-dir", str(tmp_path / "resume")], tmp_path)
    finally:
        os.umask(old)

    assert outcome.code == 0
    files = list((tmp_path / "resume").iterdir())
    assert files
    for path in [tmp_path / "resume", *files]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


async def test_the_dashboard_on_a_real_source_exports_and_shows_no_token(
    demo: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard with the real engine thread and the server-stats fetcher: the exported
    view, the screen and the engine's state hold the entries, never the token."""
    from logtui.core.state_store import StateStore
    from logtui.tui.run import build_dashboard

    monkeypatch.chdir(tmp_path)  # where the export goes by default
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=TOKEN, history=20)
    app, engine_thread = build_dashboard(
        config, engine_options={"state_store": StateStore(tmp_path / "state")})
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if len(app.store) >= 20 and app.server_stats_data is not None:
                break
        assert len(app.store) >= 20
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.export_screenshot()
        await pilot.press("q")
    thread = engine_thread()
    assert thread is not None
    thread.stop()

    written = files_written(tmp_path)
    exports = [content for path, content in written.items() if path.suffix == ".ndjson"]
    assert len(exports) == 1 and exports[0].count(b"\n") >= 20
    assert "total" in str(app.server_stats_data)
    assert TOKEN not in screen
    for path, content in written.items():
        assert TOKEN.encode() not in content, f"token in {path}"
