"""The engine on its own thread (for the dashboard) and the NDJSON sink (for scripts)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, ConnectionState, Entry, SourceKind, SourceStatus
from logtui.core.runner import EngineThread
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from logtui.demo import DemoConfig, DemoServer
from logtui.headless import NdjsonSink

from .helpers import fast_backoff


class ThreadSink(CollectingSink):
    """Collects from the engine thread; tests wait on a condition."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        with self.changed:
            super().on_entries(entries)
            self.changed.notify_all()

    def on_status(self, status: SourceStatus) -> None:
        with self.changed:
            super().on_status(status)
            self.changed.notify_all()

    def wait(self, condition: object, timeout: float = 10) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout)  # type: ignore[arg-type]


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=9, history=0)) as server:
        yield server


def _factory(demo: DemoServer, store: StateStore | None = None):  # type: ignore[no-untyped-def]
    config = SourceConfig(kind=SourceKind.PROXY, url=demo.proxy_url, secret=demo.config.token)

    def build(sink: ThreadSink) -> Engine:
        return Engine(build_source(config), sink, backoff=fast_backoff(), state_store=store)

    return build


def test_engine_thread_streams_filters_and_saves_state_on_stop(
    demo: DemoServer, tmp_path: Path
) -> None:
    sink = ThreadSink()
    store = StateStore(tmp_path)
    thread = EngineThread(_factory(demo, store), sink)
    thread.start()
    try:
        sink.wait(lambda: ConnectionState.LIVE in [s.state for s in sink.statuses])
        demo.emit(10, "proxy")
        sink.wait(lambda: len(sink.entries) == 10)

        thread.set_server_filters({"kind": "request"})
        sink.wait(lambda: [s.state for s in sink.statuses][-1] is ConnectionState.LIVE
                  and sink.statuses[-1].reconnects >= 1)
        demo.emit(20, "proxy")
        requests = [e["id"] for e in demo.entries("proxy")[10:] if e["kind"] == "request"]
        sink.wait(lambda: len(sink.entries) == 10 + len(requests))
    finally:
        thread.stop()

    assert not thread.is_alive()
    assert thread.exception is None
    assert [e.data["id"] for e in sink.entries[10:]] == requests
    key = StateStore.key("proxy", demo.proxy_url, {"kind": "request"})
    saved = store.load(key)
    assert saved is not None and saved["last_key"] == str(requests[-1])


def test_reconnect_now_from_another_thread_reconnects(demo: DemoServer) -> None:
    sink = ThreadSink()
    thread = EngineThread(_factory(demo), sink)
    thread.start()
    try:
        sink.wait(lambda: ConnectionState.LIVE in [s.state for s in sink.statuses])
        thread.reconnect_now()
        sink.wait(lambda: sink.statuses[-1].reconnects == 1
                  and sink.statuses[-1].state is ConnectionState.LIVE)
        demo.emit(3, "proxy")
        sink.wait(lambda: len(sink.entries) == 3)
    finally:
        thread.stop()
    assert [e.data for e in sink.entries] == demo.entries("proxy")


class CountingBuffer(io.BytesIO):
    """Counts writes and flushes, to prove one of each per batch."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.flushes = 0

    def write(self, data: object) -> int:  # type: ignore[override]
        self.writes += 1
        return super().write(data)  # type: ignore[arg-type]

    def flush(self) -> None:
        self.flushes += 1


def test_ndjson_writes_a_batch_in_one_write_and_one_flush() -> None:
    out = CountingBuffer()
    sink = NdjsonSink(out, io.StringIO())
    entries = [
        Entry(raw='{"a":1}', data={"a": 1}),
        Entry(raw='{"b":\n2}', data={"b": 2}),
        Entry(raw="plain text", data={"message": "plain text"}, is_json=False),
        Entry(raw='{"u":"\u2028é"}', data={"u": "\u2028é"}),
    ]

    sink.on_entries(entries)

    assert (out.writes, out.flushes) == (1, 1)
    lines = out.getvalue().decode().split("\n")
    assert lines == ['{"a":1}', '{"b": 2}', '{"message": "plain text"}', '{"u":"\u2028é"}', ""]


def test_ndjson_keeps_diagnostics_off_stdout_and_sanitised() -> None:
    out, err = CountingBuffer(), io.StringIO()
    sink = NdjsonSink(out, err, verbose=True)

    sink.on_status(SourceStatus(kind=SourceKind.PROXY, description="proxy x",
                                state=ConnectionState.FAILED, detail="bad \x1b]0;title\x07"))

    assert out.getvalue() == b""
    assert "\x1b" not in err.getvalue() and "\x07" not in err.getvalue()
    assert err.getvalue().startswith("logtui: failed: bad ")
