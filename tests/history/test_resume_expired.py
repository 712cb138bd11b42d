"""A restarted run whose saved position the server no longer knows reloads from the newest event
time the last run handed on: what it writes follows on from the last run's output, nothing
twice, nothing lost (an NDJSON file appended to by both runs stays whole)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from pathlib import Path

import pytest

from logtui.core.engine import Engine
from logtui.core.identity import identity_for
from logtui.core.models import Entry, SourceKind
from logtui.core.newest import NewestSeen
from logtui.core.sources import SourceConfig, build_source
from logtui.core.state_store import StateStore
from tests.cli.process import LogtuiProcess
from tests.engine.helpers import WaitingSink, fast_backoff
from tests.history.doc_servers import NextDNSLog, ProxyLog, in_thread

NOW_MS = int(time.time() * 1000)
RELOADING = re.compile(r"^the saved position expired; reloading from \d\d:\d\d:\d\d")


def _engine(server: NextDNSLog, sink: WaitingSink, store: StateStore, history: int) -> Engine:
    config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.base}/profiles/p", secret="k")
    return Engine(build_source(config), sink, state_store=store, history=history,
                  backoff=fast_backoff(), idle_timeout=30)


def _domains(sink: WaitingSink) -> list[str]:
    return [e.data["domain"] for e in sink.entries]


async def _stop(task: asyncio.Task[object]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.mark.parametrize(("dead_id", "history"), [("event", 10), ("400", 0)])
async def test_a_restart_on_an_expired_id_writes_only_what_the_last_run_did_not(
    tmp_path: Path, dead_id: str, history: int
) -> None:
    server = NextDNSLog(dead_id=dead_id)
    for n in range(30):
        server.add(NOW_MS - 600_000 + n * 1000, f"old{n}.example")
    boundary = NOW_MS - 300_000
    store = StateStore(tmp_path)
    first, second = WaitingSink(), WaitingSink()
    async with server:
        task = asyncio.create_task(_engine(server, first, store, history).run())
        await first.wait_for(lambda s: len(s.entries) >= history and "live" in s.states())
        server.add(boundary - 1000, "live0.example")
        server.add(boundary, "live1.example")
        server.add(boundary, "twin.example")  # the same millisecond as the one before
        await server.poke()
        await first.wait_for(lambda s: "twin.example" in _domains(s))
        await _stop(task)

        server.add(boundary, "same-ms.example")  # that millisecond again, after run 1 stopped
        new = [f"new{n}.example" for n in range(25)]  # more than --history 10
        for n, domain in enumerate(new):
            server.add(boundary + 1000 + n * 1000, domain)
        server.forget_ids()

        task = asyncio.create_task(_engine(server, second, store, history).run())
        await second.wait_for(lambda s: "new24.example" in _domains(s))
        server.add(NOW_MS, "after.example")
        await server.poke()
        await second.wait_for(lambda s: "after.example" in _domains(s))
        await _stop(task)

    assert _domains(first) == [f"old{n}.example" for n in range(30 - history, 30)] + [
        "live0.example", "live1.example", "twin.example"]
    assert _domains(second) == ["same-ms.example", *new, "after.example"]
    said = [n.message for n in second.notices if "reloading from" in n.message]
    assert len(said) == 1 and RELOADING.match(said[0]), second.notices
    resumed = [r.query.get("id") for r in server.requests if r.path.endswith("/stream")]
    assert resumed[-2:] == ["0.33", "1.59"]


async def test_a_restart_after_the_proxy_numbered_its_entries_anew_loses_none_of_them(
    tmp_path: Path,
) -> None:
    server = ProxyLog()
    for n in range(30):
        server.add(NOW_MS - 600_000 + n * 1000)
    store = StateStore(tmp_path)
    first, second = WaitingSink(), WaitingSink()
    async with server:
        config = SourceConfig(kind=SourceKind.PROXY, url=f"{server.base}/api/proxy-logs",
                              secret="k")

        def engine(sink: WaitingSink) -> Engine:
            return Engine(build_source(config), sink, state_store=store, history=10,
                          backoff=fast_backoff(), idle_timeout=30)

        task = asyncio.create_task(engine(first).run())
        await first.wait_for(lambda s: len(s.entries) >= 10 and "live" in s.states())
        await _stop(task)
        server.entries.clear()  # restarted: its ring starts again from id 1
        for n in range(25):  # more than --history 10, every id below the saved one
            server.add(NOW_MS - 300_000 + n * 1000)
        task = asyncio.create_task(engine(second).run())
        await second.wait_for(lambda s: any(e.data["id"] == 25 for e in s.entries))
        await _stop(task)
    assert [e.data["id"] for e in first.entries] == list(range(21, 31))
    assert [e.data["id"] for e in second.entries] == list(range(1, 26))
    said = [n.message for n in second.notices if "reloading from" in n.message]
    assert len(said) == 1 and RELOADING.match(said[0]), second.notices


def test_headless_runs_appending_to_one_file_write_no_entry_twice_across_an_expired_id(
    tmp_path: Path,
) -> None:
    server = NextDNSLog()
    for n in range(20):
        server.add(NOW_MS - 600_000 + n * 1000, f"old{n}.example")
    args = ["nextdns", "p", "--api-url", "", "--history", "5", "--output", "ndjson", "-v",
            "--state-dir", str(tmp_path / "state")]
    written: list[str] = []
    stderr: list[str] = []
    with in_thread(server) as loop:
        args[3] = server.base

        def change(*domains: str, at: int, forget: bool = False) -> None:
            def apply() -> None:
                for n, domain in enumerate(domains):
                    server.add(at + n * 1000, domain)
                if forget:
                    server.forget_ids()

            loop.call_soon_threadsafe(apply)
            asyncio.run_coroutine_threadsafe(server.poke(), loop).result(10)

        for run, wanted in ((1, 7), (2, 6)):
            process = LogtuiProcess(args, tmp_path, {"NEXTDNS_API_KEY": "key-for-tests"})
            try:
                if run == 1:
                    process.wait_for_lines(5)
                    process.wait_for_stderr("live")
                    change("live0.example", "live1.example", at=NOW_MS - 300_000)
                else:
                    process.wait_for_stderr("the saved position expired; reloading from")
                process.wait_for_lines(wanted)
                process.interrupt()
                assert process.finish() == 130
            finally:
                process.kill()
            written += process.stdout
            stderr += process.stderr
            if run == 1:
                change(*(f"new{n}.example" for n in range(6)), at=NOW_MS - 200_000,
                       forget=True)
    domains = [json.loads(line)["domain"] for line in written]
    assert domains == [f"old{n}.example" for n in range(15, 20)] + [
        "live0.example", "live1.example"] + [f"new{n}.example" for n in range(6)]
    assert not any("\x1b" in line for line in stderr)


async def test_a_run_that_stopped_before_its_reload_leaves_the_next_one_to_reload(
    tmp_path: Path,
) -> None:
    server = NextDNSLog()
    for n in range(30):
        server.add(NOW_MS - 600_000 + n * 1000, f"q{n}.example")
    store = StateStore(tmp_path)
    async with server:
        config = SourceConfig(kind=SourceKind.NEXTDNS, url=f"{server.base}/profiles/p",
                              secret="k")
        source = build_source(config)
        handed = NewestSeen(identity_for(SourceKind.NEXTDNS))
        handed.note([Entry(raw="", data=server.served(server.entries[19]))])
        state = {"last_event_id": None, "last_key": None, **handed.state()}
        store.save(store.key(source.kind, source.url, source.filters), state)
        sink = WaitingSink()
        task = asyncio.create_task(_engine(server, sink, store, 5).run())
        await sink.wait_for(lambda s: "q29.example" in _domains(s))
        await _stop(task)
    assert _domains(sink) == [f"q{n}.example" for n in range(20, 30)]
    assert any("no position left; reloading from" in n.message for n in sink.notices)
