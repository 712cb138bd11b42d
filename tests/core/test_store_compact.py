"""The compact store: entries kept as bytes and columns, built again exactly when read."""

from __future__ import annotations

import gc
import json
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.buffered import BufferedEntries, EntriesBySeq
from logtui.core.coverage import Gap, gap_entry
from logtui.core.identity import identity_for, order_for
from logtui.core.models import Entry, SourceKind
from logtui.core.sources.sse_source import entry_from_text
from logtui.core.store import EntryStore

_CACHE_FLUSH = 3000
"""More reads than the store caches: afterwards an entry is built again from its bytes."""


def _flush(store: EntryStore) -> None:
    """Read enough other entries that nothing from before is still cached."""
    for _ in range(_CACHE_FLUSH // max(len(store), 1) + 1):
        for seq in range(store.first_seq, store.received):
            store.by_seq(seq)


def _fields(entry: Entry) -> tuple[Any, ...]:
    return (entry.raw, entry.data, entry.origin, entry.event_id, entry.key, entry.received_at,
            entry.weight, entry.is_json, entry.seq, entry.event_name, entry.source, entry.late)


def _text_entries() -> list[Entry]:
    texts = [
        '{"level":"info","msg":"caf\u00e9 \u2603 \U0001f600"}',
        '{"msg": "escaped \\u00e9 and \\ud800 lone"}',
        "[1, 2, 3]",
        "42",
        "plain text, not JSON: \u00e9",
        "text with a lone surrogate \udc80 and \ud83d",
        '{"big": 123456789012345678901234567890, "f": 1.5e300, "n": null}',
    ]
    built = [entry_from_text(text, origin="live", event_id=str(i), key_field="msg",
                             allow_text=True) for i, text in enumerate(texts)]
    return [entry for entry in built if entry is not None]


def test_a_read_after_the_cache_gives_the_exact_original_text_and_fields() -> None:
    originals = _text_entries()
    extra = [
        Entry(raw='{"a": 1}', data={"a": 1}, origin="history", source="edge", late=True,
              event_name="log", weight=7, received_at=1234.5678),
        Entry(raw='{"a": 2}', data={"a": 2}, origin="backfill", key="k\u00e9", event_id=""),
    ]
    raws = [entry.raw for entry in originals + extra]
    store = EntryStore(100)
    store.extend(originals + extra)
    expected = [_fields(entry) for entry in originals + extra]
    del originals, extra
    _flush(store)
    rebuilt = store.entries()
    assert [entry.raw for entry in rebuilt] == raws
    assert [_fields(entry) for entry in rebuilt] == expected
    assert [entry.raw.encode("utf-8", "surrogatepass") for entry in rebuilt] == [
        raw.encode("utf-8", "surrogatepass") for raw in raws
    ]


def test_entries_whose_data_is_not_their_raw_are_kept_as_they_are() -> None:
    odd = Entry(raw='{"a": 1}', data={"a": 2})
    gap = gap_entry(Gap(1.0, 13.0, ("level=error",), "2"))
    store = EntryStore(10)
    store.extend([odd, gap])
    _flush(store)
    assert store.by_seq(0) is odd
    assert store.by_seq(1) is gap


def test_an_entry_held_elsewhere_stays_the_same_object_across_many_reads() -> None:
    store = EntryStore(5000)
    store.extend([Entry(raw=json.dumps({"n": i}), data={"n": i}) for i in range(4000)])
    marked = store.by_seq(10)
    _flush(store)
    assert store.by_seq(10) is marked
    assert store.view[10] is marked


def test_buffered_entries_are_not_tracked_by_the_garbage_collector() -> None:
    store = EntryStore(50_000)
    gc.collect()
    before = len(gc.get_objects())
    for start in range(0, 20_000, 500):
        batch = [Entry(raw=json.dumps({"n": i, "tags": ["a", "b"], "o": {"k": i}}),
                       data={"n": i, "tags": ["a", "b"], "o": {"k": i}})
                 for i in range(start, start + 500)]
        store.extend(batch)
    del batch
    _flush(store)
    gc.collect()
    # The cache of recently read entries is all that is tracked: not 20,000 entries' trees.
    assert len(gc.get_objects()) - before < 6 * 1024
    # The payload blocks and the columns hold no objects for the collector to walk.
    for column in (*store._rows._blocks, store._rows.flags, store._rows.places):
        assert all(isinstance(referent, type) for referent in gc.get_referents(column))


def test_memory_stays_flat_while_evicting() -> None:
    store = EntryStore(5_000, identity=identity_for(SourceKind.PROXY),
                       order=order_for(SourceKind.PROXY))

    def feed(start: int, count: int) -> None:
        for offset in range(start, start + count, 500):
            batch = []
            for n in range(offset, offset + 500):
                data = {"id": n, "tsMs": 1_700_000_000_000 + n, "traceId": f"t{n // 2}",
                        "url": f"/v1/users/{n}"}
                batch.append(Entry(raw=json.dumps(data), data=data))
            store.extend(batch)

    feed(0, 10_000)
    tracemalloc.start()
    try:
        feed(10_000, 10_000)
        first, _ = tracemalloc.get_traced_memory()
        feed(20_000, 30_000)
        second, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(store) == 5_000
    assert second - first < 200_000  # bytes: a full buffer's turnover leaves nothing behind
    assert [e.data["id"] for e in store.trace("t24999")] == [49998, 49999]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner,
                                                                         max_size=3),
            max_leaves=8,
        ),
        min_size=1, max_size=8,
    ),
    texts=st.lists(st.text(), max_size=4),
)
def test_any_payload_round_trips_through_the_store(values: list[Any], texts: list[str]) -> None:
    entries = []
    for value in values:
        text = json.dumps(value, ensure_ascii=False)
        entry = entry_from_text(text, origin="live", event_id=None, key_field=None,
                                allow_text=True)
        assert entry is not None
        entries.append(entry)
    for text in texts:
        entry = entry_from_text(text, origin="live", event_id=None, key_field=None,
                                allow_text=True)
        if entry is not None:
            entries.append(entry)
    store = EntryStore(100)
    store.extend(entries)
    expected = [_fields(entry) for entry in entries]
    del entries
    _flush(store)
    assert [_fields(entry) for entry in store.entries()] == expected


def test_entries_held_elsewhere_stay_cached_and_the_rest_of_the_cache_stays_bounded() -> None:
    store = EntryStore(10_000)
    store.extend([Entry(raw=json.dumps({"n": i}), data={"n": i}) for i in range(8000)])
    held = [store.by_seq(seq) for seq in range(0, 6000, 2)]  # 3,000 marks, say
    store.extend([Entry(raw="{}", data={})])  # the next frame
    _flush(store)
    assert all(store.by_seq(entry.seq) is entry for entry in held)
    assert len(store._cache) <= len(held) + 1024 + 256


def test_reading_the_whole_buffer_leaves_the_cache_its_size_and_exact_entries() -> None:
    """A whole-buffer read (export, a recount, iterating the view) held by its caller must not
    fill the cache: every trim would walk the held entries (quadratic in the buffer), and
    they would stay cached after the caller let go."""
    store = EntryStore(20_000)
    texts = [json.dumps({"n": i}) for i in range(19_998)]
    for part in (texts[:10_000], texts[10_000:]):
        store.extend([Entry(raw=text, data=json.loads(text)) for text in part])
    for text in ('{"n": "a"}', '{"n": "b"}'):  # the batches above are settled, not "recent"
        store.extend([Entry(raw=text, data=json.loads(text))])
        texts.append(text)
    marked = store.by_seq(10)
    _flush(store)
    held = [store.entries(), list(store.view), store.view[:], BufferedEntries(store)[:],
            EntriesBySeq(store, range(store.first_seq, store.received))[:]]
    assert all([entry.raw for entry in read] == texts for read in held)
    assert len(store._cache) < len(store) // 10  # a screenful and the marked entry, not 20,000
    assert held[0][10] is marked and store.view[10] is marked


def test_reading_entries_by_seq_past_the_buffer_is_an_index_error() -> None:
    store = EntryStore(10)
    store.extend([Entry(raw=json.dumps({"n": i}), data={"n": i}) for i in range(20)])
    with pytest.raises(IndexError):
        EntriesBySeq(store, [5, 15])[:]  # seq 5 was evicted
    assert [entry.data["n"] for entry in EntriesBySeq(store, [12, 15])[:]] == [12, 15]
