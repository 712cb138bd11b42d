"""A frame's entries applied as one packed batch leave the store, its rows and the stats exactly
as applying them one entry at a time does."""

from __future__ import annotations

import json
from array import array
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core import rows as rows_module
from logtui.core.compact import NUMBER_PATHS, TIME, Packer
from logtui.core.coverage import Gap, gap_entry
from logtui.core.identity import identity_for, identity_is_unique, order_for
from logtui.core.models import Entry, Origin, SourceKind
from logtui.core.packed_entries import PackedEntries
from logtui.core.rows import Rows
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore, StoreDelta

BASE_MS = 1_700_000_000_000
NOW = BASE_MS / 1000 + 600


def _proxy(entry_id: int, origin: Origin, level: Any, ms: int | None, packable: bool) -> Entry:
    data: dict[str, Any] = {"id": entry_id, "level": level, "status": 200 + entry_id % 3,
                            "traceId": f"t{entry_id % 4}"}
    if ms is not None:
        data["tsMs"] = ms
    raw = json.dumps(data)
    # An entry whose data is not what its raw text parses to is kept as an object.
    return Entry(raw=raw, data=data if packable else {**data, "extra": 1}, origin=origin)


entry_args = st.tuples(
    st.integers(1, 40),
    st.sampled_from(["live", "live", "live", "history", "backfill"]),
    st.sampled_from(["info", "error", 5, None]),
    st.one_of(st.none(), st.integers(BASE_MS, BASE_MS + 100_000)),
    st.sampled_from([True, True, True, False]),
)
batches = st.lists(
    st.lists(st.one_of(entry_args, st.just("gap")), max_size=12), min_size=1, max_size=8)


def _make(spec: Any, n: int) -> Entry:
    if spec == "gap":
        return gap_entry(Gap(BASE_MS / 1000 + n % 90, BASE_MS / 1000 + n % 90 + 1, (), str(n % 7)))
    return _proxy(*spec)


def _state(store: EntryStore) -> dict[str, Any]:
    rows = store._rows
    head = rows.head
    columns = {
        name: getattr(rows, name)[head:].tolist()
        for name in ("places", "lengths", "received", "weights", "flags", "traces")
    }
    columns["ids"] = rows.ids[head:].tolist() if rows.ids is not None else None
    columns["codes"] = [column[head:].tolist() for column in rows.codes]
    columns["numbers"] = [[repr(v) for v in column[head:]] for column in rows.numbers]
    columns["spans"] = [column[head:].tolist() for column in rows.spans]
    return {
        "entries": [(e.raw, e.data, e.origin, e.seq, e.late) for e in store.entries()],
        "view": [e.seq for e in store.view],
        "counts": (len(store), store.received, store.evicted, store.refused, len(store._held)),
        "payloads": [bytes(rows.payload(i)) if rows.is_packed(i) else None
                     for i in range(head, len(rows.places))],
        "columns": columns,
    }


@pytest.mark.parametrize("filtered", [False, True])
@pytest.mark.parametrize("kind", [SourceKind.PROXY, SourceKind.NEXTDNS])
@settings(max_examples=60, deadline=None)
@given(specs=batches, capacity=st.integers(1, 30))
def test_a_batch_leaves_the_store_as_entry_by_entry(
    kind: SourceKind, filtered: bool, specs: list[list[Any]], capacity: int
) -> None:
    def store() -> EntryStore:
        made = EntryStore(capacity, identity=identity_for(kind),
                          unique=identity_is_unique(kind), order=order_for(kind))
        if filtered:
            made.set_filter(lambda e: e.data.get("level") == "error")
        return made

    whole, each = store(), store()
    held: list[list[Entry]] = []
    for number, batch in enumerate(specs):
        ours = [_make(spec, number * 100 + i) for i, spec in enumerate(batch)]
        theirs = [_make(spec, number * 100 + i) for i, spec in enumerate(batch)]
        delta: StoreDelta = whole.extend(ours)
        expected = each._extend_each(theirs, each.packer.pack_batch(theirs))
        assert delta == expected
        assert _state(whole) == _state(each)
        held.append(ours)
    # Entries still referenced (the batches above) read back as the very same objects.
    for batch_entries in held:
        for entry in batch_entries:
            if entry.seq >= whole.first_seq and whole.by_seq(entry.seq) is not None:
                assert whole.by_seq(entry.seq) is entry


@pytest.mark.parametrize("filtered", [False, True])
@pytest.mark.parametrize("kind", [SourceKind.PROXY, SourceKind.NEXTDNS])
@settings(max_examples=60, deadline=None)
@given(specs=batches, capacity=st.integers(1, 30))
def test_a_batch_handed_over_packed_only_leaves_the_store_as_with_its_entries(
    kind: SourceKind, filtered: bool, specs: list[list[Any]], capacity: int
) -> None:
    # The dashboard's queue drops each batch's parsed entries once packed: the store must end
    # the same, and the batch's entries read back as the stored ones.
    def store() -> EntryStore:
        made = EntryStore(capacity, identity=identity_for(kind),
                          unique=identity_is_unique(kind), order=order_for(kind))
        if filtered:
            made.set_filter(lambda e: e.data.get("level") == "error")
        return made

    lazy, given_entries = store(), store()
    for number, batch in enumerate(specs):
        theirs = [_make(spec, number * 100 + i) for i, spec in enumerate(batch)]
        packed = lazy.packer.pack_batch([_make(spec, number * 100 + i)
                                         for i, spec in enumerate(batch)])
        read = PackedEntries(packed, lazy.packer.names)
        before = [(e.raw, e.data, e.origin) for e in read]
        assert before == [(e.raw, e.data, e.origin) for e in theirs]
        delta = lazy.extend(read, packed)
        assert delta == given_entries.extend(theirs)
        assert _state(lazy) == _state(given_entries)
        assert [(e.raw, e.data, e.origin) for e in read] == before
        # Numbered as the given entries were (-1: refused), for the rate and the stats.
        assert [e.seq for e in read] == [e.seq for e in theirs]
        for entry in read:
            if entry.seq >= lazy.first_seq and entry.origin != "gap":
                assert lazy.by_seq(entry.seq) is entry


@settings(max_examples=80, deadline=None)
@given(
    chunks=st.lists(st.lists(st.one_of(st.integers(0, 90), st.just(-1)), max_size=15),
                    max_size=10),
    evictions=st.lists(st.integers(0, 20), max_size=10),
)
def test_rows_take_a_batch_where_row_by_row_appends_put_it(
    chunks: list[list[int]], evictions: list[int]
) -> None:
    # Small blocks, so batches fill several, leave some freed and overflow one alone.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows_module, "BLOCK", 64)
        _compare_rows(chunks, evictions)


def _compare_rows(chunks: list[list[int]], evictions: list[int]) -> None:
    packer = Packer()
    whole, each = Rows(True, len(packer.keys)), Rows(True, len(packer.keys))
    for number, sizes in enumerate(chunks):
        entries = [
            Entry(raw="x" * size, data={"message": "x" * size}, is_json=False) if size >= 0
            else Entry(raw="{}", data={"kept": True})
            for size in sizes
        ]
        batch = packer.pack_batch(entries)
        whole.extend(batch)
        for index in range(len(batch)):
            row, trace, key = batch.row(index)
            each.append(row, trace, key)
        for _ in range(min(evictions[number] if number < len(evictions) else 0, len(each))):
            each.pop_left()
        whole.pop_left_many(len(whole) - len(each))
        assert (whole.head, whole._fill, whole._live, whole._first_block) == (
            each.head, each._fill, each._live, each._first_block)
        assert [block is None for block in whole._blocks] == [b is None for b in each._blocks]
        assert whole.places == each.places and whole.lengths == each.lengths
        assert whole.kept == each.kept
        for index in range(whole.head, len(whole.places)):
            if whole.is_packed(index):
                assert whole.payload(index) == each.payload(index)


def _dns(n: int, status: Any, seconds: Any, weight: int) -> Entry:
    data: dict[str, Any] = {"status": status, "domain": f"d{n % 3}.example",
                            "device": {"id": f"dev{n % 2}", "name": f"Device {n % 2}"},
                            "reasons": [{"id": "x", "name": "X"}] if n % 4 == 0 else []}
    if seconds is not None:
        data["timestamp"] = seconds
    return Entry(raw=json.dumps(data), data=data, weight=weight, received_at=NOW - 1)


values = st.one_of(st.sampled_from(["info", "error", "warn", "", "1", "x" * 70]),
                   st.integers(0, 3), st.booleans(), st.sampled_from([1.0, 2.5]), st.none(),
                   st.just(["info", "warn"]), st.just({"a": 1}))
times = st.one_of(st.none(), st.integers(BASE_MS - 30_000_000, BASE_MS + 1_200_000),
                  st.just("not a time"))


@pytest.mark.parametrize("kind", [SourceKind.PROXY, SourceKind.NEXTDNS])
@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.lists(st.tuples(values, values, times, st.sampled_from([1, 1, 1, 0, 3])),
                              max_size=20), max_size=5))
def test_stats_from_a_batchs_columns_count_what_its_entries_count(
    kind: SourceKind, rows: list[list[tuple[Any, Any, Any, int]]]
) -> None:
    packer = Packer()
    by_columns = StatsTracker(kind, clock=lambda: NOW)
    by_entries = StatsTracker(kind, clock=lambda: NOW)
    blind = StatsTracker(kind, clock=lambda: NOW)
    """Given no entries at all where it says it needs none (the dashboard's queue drops
    them then)."""
    for number, batch in enumerate(rows):
        if kind == SourceKind.PROXY:
            entries = []
            for i, (level, status, ms, weight) in enumerate(batch):
                data = {"level": level, "status": status, "serviceName": level,
                        "projectId": status}
                if ms is not None:
                    data["tsMs"] = ms
                entries.append(Entry(raw=json.dumps(data), data=data, weight=weight,
                                     received_at=NOW - i))
        else:
            entries = [_dns(number * 50 + i, status, ms if ms is None or isinstance(ms, str)
                            else ms / 1000, weight)
                       for i, (_, status, ms, weight) in enumerate(batch)]
        packed = packer.pack_batch(entries)
        coded = {key: (column, known) for key, column, known
                 in zip(packer.keys, packed.codes, packer.values, strict=True)}
        by_columns.add_columns(entries, packed.numbers[NUMBER_PATHS.index(TIME)],
                               packed.weights, coded)
        by_entries.add(entries)
        if blind.counts_from_columns(packed, packer.keys):
            nothing: Any = [None] * len(entries)
            blind.add_columns(nothing, packed.numbers[NUMBER_PATHS.index(TIME)],
                              packed.weights, coded)
        else:
            blind.add(entries)
        assert by_columns.snapshot() == by_entries.snapshot() == blind.snapshot()
        assert list(by_columns.snapshot().by_second.items()) == list(
            by_entries.snapshot().by_second.items())
        assert [list(c.counts) for c in by_columns._counters] == [
            list(c.counts) for c in by_entries._counters]


def test_the_columns_path_counts_a_batch_without_reading_its_entries() -> None:
    # Every value is coded and every time is in the time column: no entry is read.
    packer = Packer()
    raw = json.dumps({"level": "info", "status": 200, "serviceName": "api", "projectId": "p",
                      "tsMs": BASE_MS})
    entries = [Entry(raw=raw, data=json.loads(raw)) for _ in range(3)]
    packed = packer.pack_batch(entries)
    coded = {key: (column, known) for key, column, known
             in zip(packer.keys, packed.codes, packer.values, strict=True)}
    stats = StatsTracker(SourceKind.PROXY, clock=lambda: NOW)
    blind: Any = [None] * len(entries)
    stats.add_columns(blind, packed.numbers[NUMBER_PATHS.index(TIME)],
                      array("I", [1, 1, 1]), coded)
    snapshot = stats.snapshot()
    assert snapshot.entries == 3
    assert snapshot.count("level", "info") == 3 and snapshot.count("status", "200") == 3


def test_an_entry_held_elsewhere_reads_back_as_itself_after_its_batch_settles() -> None:
    store = EntryStore(5_000, identity=identity_for(SourceKind.PROXY),
                       order=order_for(SourceKind.PROXY))
    batches = [[_proxy(n * 200 + i + 1, "live", "info", BASE_MS + n * 200 + i, True)
                for i in range(200)] for n in range(6)]
    marked = batches[0][10]  # far from the newest rows of its batch
    held_list = batches[1]  # a caller still holding a whole batch
    for batch in batches:
        store.extend(list(batch))
    del batches
    assert store.by_seq(marked.seq) is marked
    assert all(store.by_seq(entry.seq) is entry for entry in held_list)
    # What nobody holds is not kept: the cache stays about a screen of rows per batch.
    assert len(store._cache) < 1_024


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(["new", "all", "discard"]),
                                st.lists(st.integers(-3, 40), max_size=30)), max_size=30))
def test_held_ids_take_and_release_a_batch_of_ids_as_a_multiset(
    steps: list[tuple[str, list[int]]]
) -> None:
    from collections import Counter

    from logtui.core.held import HeldIds

    held, model = HeldIds(), Counter[int]()
    for action, keys in steps:
        present = [key for key in keys if key]
        if action == "new":
            fresh = len(set(present)) == len(present) and not any(model[k] for k in present)
            assert held.add_new(array("q", keys)) is fresh
            if fresh:
                model.update(present)
        elif action == "all":
            held.add_all(keys)
            model.update(present)
        else:
            held.discard_all(keys)
            for key in present:
                if model[key]:
                    model[key] -= 1
        assert len(held) == model.total()
        assert all(held.count(key) == model[key] for key in range(-3, 41) if key)
