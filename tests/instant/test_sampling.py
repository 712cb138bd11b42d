"""Sampling: ``sampleInterval`` becomes each entry's weight, and the status says how sampled.

The demo server samples a session server-side once it would send more than its rate cap per
second, and reports the factor in every record as ``sampleInterval``; the job's ``sample``
is the client's own one-in-N.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.stats import STATUS_CLASS, StatsTracker
from logtui.demo import DemoServer

from .helpers import WaitingSink, demo_config, emit, fast_backoff, make_source, running

RATE_CAP = 50.0


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(demo_config(instant_logs_rate_cap=RATE_CAP)) as running_server:
        yield running_server


def _weights(sink: WaitingSink) -> int:
    return sum(entry.weight for entry in sink.entries)


async def test_weights_sum_to_the_requests_the_server_sampled(server: DemoServer) -> None:
    sink = WaitingSink()
    async with running(Engine(make_source(server), sink, backoff=fast_backoff())):
        await sink.live()
        await emit(server, 1000)
        await sink.wait_for(lambda s: _weights(s) >= 1000 - 40)
    intervals = {entry.data["sampleInterval"] for entry in sink.entries}
    assert all(entry.weight == entry.data["sampleInterval"] for entry in sink.entries)
    assert max(intervals) > 1, "a burst over the cap is sampled by the server"
    assert len(sink.entries) < 1000 / 2
    assert 1000 - max(intervals) <= _weights(sink) <= 1000
    assert f"server 1 in {sink.entries[-1].weight}" in sink.statuses[-1].sampling
    stats = StatsTracker(SourceKind.INSTANT_LOGS, clock=lambda: 0.0)
    stats.add(sink.entries)
    snapshot = stats.snapshot()
    assert snapshot.entries == len(sink.entries)
    assert snapshot.total == _weights(sink), "stats count the sum of intervals"
    assert snapshot.sampled
    assert sum(count for _, count in snapshot.group(STATUS_CLASS)) == snapshot.total


async def test_client_sample_is_asked_for_and_shown_beside_the_server_interval(
    server: DemoServer,
) -> None:
    sink = WaitingSink()
    source = make_source(server, sample=10)
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        await sink.wait_for(lambda s: "1 in 10 asked" in s.statuses[-1].sampling)
        await emit(server, 2000)
        await sink.wait_for(lambda s: _weights(s) >= 2000 - 100)
    assert _weights(sink) <= 2000
    assert all(entry.weight == 10 * entry.data["sampleInterval"] for entry in sink.entries)
    note = sink.statuses[-1].sampling
    assert note.startswith("1 in 10 asked")
    assert "server 1 in" in note


async def test_a_record_of_a_one_in_ten_job_stands_for_ten_requests_in_the_stats() -> None:
    with DemoServer(demo_config(instant_logs_rate_cap=1e9)) as unsampled_server:
        sink = WaitingSink()
        source = make_source(unsampled_server, sample=10)
        async with running(Engine(source, sink, backoff=fast_backoff())):
            await sink.live()
            await emit(unsampled_server, 300)
            await sink.until_count(30)
    assert {entry.data["sampleInterval"] for entry in sink.entries} == {1}
    assert {entry.weight for entry in sink.entries} == {10}
    stats = StatsTracker(SourceKind.INSTANT_LOGS, clock=lambda: 0.0)
    stats.add(sink.entries)
    snapshot = stats.snapshot()
    assert (snapshot.entries, snapshot.total) == (30, 300)
    assert snapshot.sampled, "the stats pane marks the counts as estimated"


async def test_an_unsampled_stream_shows_no_sampling_note(server: DemoServer) -> None:
    sink = WaitingSink()
    async with running(Engine(make_source(server), sink, backoff=fast_backoff())):
        await sink.live()
        await emit(server, 20)
        await sink.until_count(20)
    assert {entry.weight for entry in sink.entries} == {1}
    assert sink.statuses[-1].sampling == ""
