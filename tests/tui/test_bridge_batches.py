"""The sink hands over the engine's packed batches cut and joined at any frame limit, and what
the store receives is what packing the drained entries at once gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.compact import PackedBatch
from logtui.core.identity import identity_for
from logtui.core.models import Entry, SourceKind
from logtui.core.store import EntryStore
from logtui.tui import bridge
from logtui.tui.bridge import PACK_PIECE, QueueSink


def _entry(n: int, origin: Any, packable: bool) -> Entry:
    data = {"id": n, "level": "info", "traceId": f"t{n % 3}", "tsMs": 1_700_000_000_000 + n}
    raw = json.dumps(data)
    return Entry(raw=raw, data=data if packable else {**data, "x": 1}, origin=origin)


def _columns(batch: PackedBatch) -> tuple[Any, ...]:
    return (batch.payload, batch.starts, batch.kept, batch.live,
            *[column.tobytes() for column in batch._columns()])


@settings(max_examples=80, deadline=None)
@given(
    handed=st.lists(st.lists(st.tuples(st.sampled_from(["live", "live", "history"]),
                                       st.sampled_from([True, True, False])), max_size=9),
                    max_size=8),
    limits=st.lists(st.one_of(st.none(), st.integers(1, 12)), min_size=1, max_size=12),
)
def test_drained_batches_are_the_drained_entries_packed(
    handed: list[list[tuple[str, bool]]], limits: list[int | None]
) -> None:
    store = EntryStore(1_000, identity=identity_for(SourceKind.PROXY))
    sink = QueueSink(packer=store.packer)
    number = 0
    for batch in handed:
        entries = []
        for origin, packable in batch:
            entries.append(_entry(number, origin, packable))
            number += 1
        sink.on_entries(entries)
    drained_entries = 0
    for limit in [*limits, None]:
        drained = sink.drain(limit)
        if not drained.entries:
            continue
        drained_entries += len(drained.entries)
        assert drained.packed is not None
        assert _columns(drained.packed) == _columns(store.packer.pack_batch(drained.entries))
    assert drained_entries == number


def test_entries_the_store_lets_go_are_freed_on_the_engines_thread() -> None:
    import threading

    from logtui.core.stats import StatsTracker
    from logtui.tui.ingest import Ingest, SeenValues
    from logtui.tui.rate import RateMeter

    freed_on: list[int] = []

    class Traced(str):
        __slots__ = ()

        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    store = EntryStore(10_000, identity=identity_for(SourceKind.PROXY))
    sink = QueueSink(packer=store.packer)
    ingest = Ingest(sink, store, StatsTracker(SourceKind.PROXY, clock=lambda: 0.0),
                    RateMeter(lambda: 0.0), SeenValues(SourceKind.PROXY), limit=200)
    engines: set[int | None] = set()

    def hand_over(entries: list[Entry]) -> None:  # as the engine does, from its own thread
        engine = threading.Thread(target=sink.on_entries, args=(entries,))
        engine.start()
        engine.join()
        engines.add(engine.ident)

    for frame in range(4):
        batch = []
        for n in range(frame * 200, frame * 200 + 200):
            entry = _entry(n, "live", True)
            entry.raw = Traced(entry.raw)
            batch.append(entry)
        hand_over(batch)
        del batch, entry
        assert ingest.frame() is not None
    hand_over([])
    # The first two frames settled: their entries nobody holds were freed by the engine.
    assert len(freed_on) >= 2 * (200 - 64)
    assert set(freed_on) <= engines
    assert store.view[0].data["id"] == 0  # built again from its bytes


@settings(max_examples=60, deadline=None)
@given(
    handed=st.lists(st.lists(st.tuples(st.sampled_from(["live", "live", "history"]),
                                       st.sampled_from([True, True, False])), max_size=9),
                    max_size=8),
    limits=st.lists(st.one_of(st.none(), st.integers(1, 12)), min_size=1, max_size=12),
    drops=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_a_sink_that_drops_entries_drains_them_as_one_that_keeps_them(
    handed: list[list[tuple[str, bool]]], limits: list[int | None], drops: list[bool]
) -> None:
    # Any batches dropped, any not (the stats may need a batch's entries, or not).
    store = EntryStore(1_000, identity=identity_for(SourceKind.PROXY))
    keeping = QueueSink(packer=store.packer)
    asked = iter(drops)
    dropping = QueueSink(packer=store.packer, drop=lambda batch: next(asked))
    number = 0
    for batch in handed:
        made = [(number + i, origin, packable) for i, (origin, packable) in enumerate(batch)]
        number += len(batch)
        keeping.on_entries([_entry(*spec) for spec in made])
        dropping.on_entries([_entry(*spec) for spec in made])
    for limit in [*limits, None]:
        kept, dropped = keeping.drain(limit), dropping.drain(limit)
        assert dropping.queued == keeping.queued
        assert [(e.raw, e.data, e.origin) for e in dropped.entries] == [
            (e.raw, e.data, e.origin) for e in kept.entries]
        if kept.packed is not None:
            assert dropped.packed is not None
            assert _columns(dropped.packed) == _columns(kept.packed)


def test_a_sink_that_drops_entries_frees_them_once_packed_on_the_engines_thread() -> None:
    import threading

    freed_on: list[int] = []

    class Traced(str):
        __slots__ = ()

        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    store = EntryStore(10_000, identity=identity_for(SourceKind.PROXY))
    sink = QueueSink(packer=store.packer, drop=lambda batch: True)
    batch = []
    for n in range(300):
        entry = _entry(n, "live", True)
        entry.raw = Traced(entry.raw)
        batch.append(entry)
    del entry
    engine = threading.Thread(target=sink.on_entries, args=(batch,))
    del batch  # the engine's thread holds the only reference now
    engine.start()
    engine.join()
    # Every parsed entry is gone before the UI drained anything: the queue holds bytes only.
    assert len(freed_on) == 300 and set(freed_on) == {engine.ident}
    assert sink.queued == 300
    drained = sink.drain()
    assert [e.data["id"] for e in drained.entries] == list(range(300))


def test_a_frame_of_dropped_entries_is_searched_for_a_trace_by_its_trace_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logtui.core import packed_entries
    from logtui.tui.ingest import has_trace

    store = EntryStore(1_000, identity=identity_for(SourceKind.PROXY))
    sink = QueueSink(packer=store.packer, drop=lambda batch: True)
    sink.on_entries([_entry(n, "live", True) for n in range(30)])  # traces t0, t1, t2
    frame = sink.drain().entries
    built: list[int] = []
    unpack = packed_entries.unpack

    def counted(*args: Any) -> Entry:
        built.append(1)
        return unpack(*args)

    monkeypatch.setattr(packed_entries, "unpack", counted)
    assert not has_trace(frame, "t7")
    assert built == []  # not one entry built for a trace the frame does not have
    assert has_trace(frame, "t1")
    assert len(built) <= 10  # at most the rows whose trace hash matched
    assert has_trace([_entry(1, "live", True)], "t1") and not has_trace([], "t1")


def test_a_large_batch_is_queued_piece_by_piece_letting_other_threads_run_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Packing a 5,000-entry replay at once held the interpreter in 5 ms turns against the UI
    # thread; between pieces the handing thread now sleeps, so a waiting UI thread runs.
    store = EntryStore(10_000, identity=identity_for(SourceKind.PROXY))
    sink = QueueSink(packer=store.packer, drop=lambda packed: True)
    queued_at_each_yield: list[int] = []
    monkeypatch.setattr(bridge.time, "sleep", lambda _seconds: queued_at_each_yield.append(
        sink.queued))
    entries = [_entry(n, "live", True) for n in range(1_000)]
    sink.on_entries(entries)
    assert queued_at_each_yield == list(range(PACK_PIECE, 1_000, PACK_PIECE))
    drained = sink.drain()
    assert [entry.data["id"] for entry in drained.entries] == list(range(1_000))
    assert drained.packed is not None
    assert _columns(drained.packed) == _columns(store.packer.pack_batch(entries))
