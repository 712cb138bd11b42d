"""Headless start-up stays light: ``logtui proxy ... --output ndjson`` never imports the
dashboard (Textual, Rich), the config schema (pydantic) or httpx's command-line client
(click), and still writes every entry. Start-up is a visible share of a short run."""

from __future__ import annotations

import json
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from logtui.demo import DemoConfig, DemoServer, Fault

from .process import LogtuiProcess, run_logtui
from .raw_server import RawServer

HEAVY = ("textual", "rich", "pydantic", "click")
"""httpx's command-line client is rich and click: httpx._main itself is left as an empty stub."""


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=11, history=0)) as server:
        yield server


def _headless_run_imports(demo: DemoServer, tmp_path: Path) -> set[str]:
    """Every module in ``sys.modules`` when a headless ``logtui proxy`` run (in a subprocess,
    against a real server) exits, after checking that it wrote every entry."""
    demo.faults.script("proxy-stream", [Fault.scope_destroyed(after=3)])
    modules = tmp_path / "modules.json"
    argv = ["logtui", "proxy", demo.proxy_url, "--output", "ndjson",
            "--state-dir", str(tmp_path / "resume"), "-v"]
    code = (
        "import atexit, json, runpy, sys\n"
        f"atexit.register(lambda: open({str(modules)!r}, 'w')"
        ".write(json.dumps(list(sys.modules))))\n"
        f"sys.argv = {argv!r}\n"
        "runpy.run_module('logtui', run_name='__main__', alter_sys=True)\n"
    )
    process = LogtuiProcess([sys.executable, "-c", code], tmp_path,
                            {"LOGTUI_PROXY_TOKEN": demo.config.token}, shell=True)
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(3, "proxy")
        exit_code = process.finish(30)
    finally:
        process.kill()

    assert exit_code == 0, process.stderr[-5:]
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")
    return set(json.loads(modules.read_text()))


def _under(imported: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in imported if any(name == p or name.startswith(p + ".") for p in packages)
    )


def test_headless_proxy_imports_nothing_heavy_and_writes_every_entry(
    demo: DemoServer, tmp_path: Path
) -> None:
    imported = _headless_run_imports(demo, tmp_path)

    assert "httpx" in imported
    assert _under(imported, HEAVY) == []


def test_a_headless_run_imports_only_its_own_command_and_no_dashboard_setup(
    demo: DemoServer, tmp_path: Path
) -> None:
    """The command line builds only the parser of the command it runs, and NDJSON output
    keeps no dashboard setup: no other command's module, no demo, no saved views; with no
    filter, none of the filter language beyond what the API's profile declares."""
    imported = _headless_run_imports(demo, tmp_path)

    assert "logtui.commands.proxy" in imported
    others = [name for name in _under(imported, ("logtui.commands",))
              if name not in ("logtui.commands", "logtui.commands.proxy",
                              "logtui.commands._stream_options")]
    assert others == []
    assert _under(imported, ("logtui.tui", "logtui.demo", "logtui.core.views")) == []
    filters = ("evaluate", "plan", "screen", "session", "multi")
    assert _under(imported, tuple(f"logtui.core.filters.{name}" for name in filters)) == []


def test_an_http_source_streams_without_reading_the_tls_trust_store(
    demo: DemoServer, tmp_path: Path
) -> None:
    """Plain ``http://`` never reads the CA bundle: a trust store that cannot be read (here
    ``SSL_CERT_FILE`` naming no file) changes nothing, so none was loaded at start-up."""
    demo.faults.script("proxy-stream", [Fault.scope_destroyed(after=2)])
    process = LogtuiProcess(
        ["proxy", demo.proxy_url, "--output", "ndjson", "--state-dir", str(tmp_path / "resume"),
         "-v"],
        tmp_path,
        {"LOGTUI_PROXY_TOKEN": demo.config.token, "SSL_CERT_FILE": str(tmp_path / "none.pem")},
    )
    try:
        process.wait_for_stderr("logtui: live")
        demo.emit(2, "proxy")
        code = process.finish(30)
    finally:
        process.kill()

    assert code == 0, process.stderr[-5:]
    assert [json.loads(line) for line in process.stdout] == demo.entries("proxy")


def test_an_unreadable_trust_store_stops_an_https_source_with_one_line(tmp_path: Path) -> None:
    """``https://`` still verifies: a trust store that cannot be read is a clear refusal
    (exit 3, one line naming what to fix), never a traceback or a connection without it."""
    result = run_logtui(
        ["proxy", "https://127.0.0.1:9/api/proxy-logs", "--output", "ndjson",
         "--state-dir", str(tmp_path / "resume")],
        tmp_path,
        {"LOGTUI_PROXY_TOKEN": "t", "SSL_CERT_FILE": str(tmp_path / "none.pem")},
        timeout=30,
    )

    assert result.returncode == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "TLS trust store" in lines[0] and "SSL_CERT_FILE" in lines[0]


TLS = Path(__file__).parent / "tls"
"""A self-signed certificate for 127.0.0.1 (and its key), valid for a century."""


def _sse_over_tls(head: bytes) -> Iterator[bytes]:
    yield (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
           b'id: 1\ndata: {"n": 1}\n\nid: 2\ndata: {"n": 2}\n\n')


def test_an_https_source_verifies_against_the_trust_store_it_is_given(tmp_path: Path) -> None:
    """The trust store read on the first ``https://`` request is the one ``SSL_CERT_FILE``
    names: a server whose certificate it holds streams, over a TLS socket logtui did not
    set up for itself."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(TLS / "loopback.pem", TLS / "loopback.key")
    with RawServer(_sse_over_tls, tls) as server:
        result = run_logtui(
            ["sh", "-c", f"{sys.executable} -m logtui sse {server.url('/events')}"
             " --output ndjson --no-resume | head -n 2"],
            tmp_path, {"SSL_CERT_FILE": str(TLS / "loopback.pem")}, timeout=30, shell=True,
        )

    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"n": 1}, {"n": 2}]
