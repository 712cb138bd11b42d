"""The bounded entry buffer: numbering, eviction, the filtered view and the trace index."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.errors import ConfigError
from logtui.core.models import Entry
from logtui.core.store import EntryStore, StoreDelta, share_strings


def _entry(level: str = "info", trace: str | None = None, **extra: Any) -> Entry:
    data: dict[str, Any] = {"level": level, **extra}
    if trace is not None:
        data["traceId"] = trace
    return Entry(raw=json.dumps(data), data=data)


def _levels(entries: Any) -> list[str]:
    return [e.data["level"] for e in entries]


def _is_error(entry: Entry) -> bool:
    return bool(entry.data.get("level") == "error")


def test_extend_numbers_entries_in_arrival_order() -> None:
    store = EntryStore(capacity=10)
    first = [_entry(), _entry()]
    second = [_entry()]
    store.extend(first)
    store.extend(second)
    assert [e.seq for e in first + second] == [0, 1, 2]
    assert store.received == 3
    assert len(store) == 3


def test_oldest_entries_are_evicted_and_counted() -> None:
    store = EntryStore(capacity=3)
    entries = [_entry(n=i) for i in range(5)]
    delta = store.extend(entries)
    assert delta == StoreDelta(added=5, evicted=2, matched_added=3, evicted_from_view=0)
    assert [e.data["n"] for e in store.view] == [2, 3, 4]
    assert store.evicted == 2
    assert store.by_seq(1) is None
    assert store.by_seq(2) is entries[2]
    assert store.by_seq(5) is None


def test_delta_reports_rows_leaving_the_start_of_the_view() -> None:
    store = EntryStore(capacity=4)
    store.extend([_entry("error"), _entry("info"), _entry("error"), _entry("info")])
    store.set_filter(_is_error)
    assert len(store.view) == 2
    delta = store.extend([_entry("error"), _entry("info")])
    # The two oldest (error, info) were evicted; one of them was in the view.
    assert delta == StoreDelta(added=2, evicted=2, matched_added=1, evicted_from_view=1)
    assert [e.seq for e in store.view] == [2, 4]


def test_delta_does_not_count_batch_rows_that_never_reached_the_view() -> None:
    store = EntryStore(capacity=2)
    store.extend([_entry("error")])
    delta = store.extend([_entry("error") for _ in range(4)])
    assert delta.matched_added == 2
    assert delta.evicted_from_view == 1
    assert delta.evicted == 3
    assert [e.seq for e in store.view] == [3, 4]


def test_set_filter_recomputes_the_view_and_none_shows_everything() -> None:
    store = EntryStore()
    store.extend([_entry("info"), _entry("error"), _entry("warn"), _entry("error")])
    store.set_filter(_is_error)
    assert _levels(store.view) == ["error", "error"]
    assert store.view[-1].seq == 3
    store.extend([_entry("error"), _entry("debug")])
    assert _levels(store.view) == ["error", "error", "error"]
    store.set_filter(None)
    assert len(store.view) == 6
    assert store.predicate is None


def test_view_supports_indexing_slicing_and_seq_lookup() -> None:
    store = EntryStore(capacity=5)
    store.extend([_entry("error" if i % 2 else "info") for i in range(8)])
    store.set_filter(_is_error)
    view = store.view
    assert [e.seq for e in view] == [3, 5, 7]
    assert view[0].seq == 3
    assert view[-1].seq == 7
    assert [e.seq for e in view[1:]] == [5, 7]
    assert view.index_of_seq(5) == 1
    assert view.index_of_seq(4) is None
    with pytest.raises(IndexError):
        view[3]


def test_view_object_stays_valid_across_filter_changes() -> None:
    store = EntryStore()
    view = store.view
    store.extend([_entry("info"), _entry("error")])
    store.set_filter(_is_error)
    assert len(view) == 1
    store.set_filter(None)
    assert len(view) == 2


def test_long_run_keeps_exactly_capacity_entries_in_order() -> None:
    store = EntryStore(capacity=1000)
    for batch in range(50):
        store.extend([_entry("error" if i % 3 == 0 else "info") for i in range(97)])
        if batch == 10:
            store.set_filter(_is_error)
    assert len(store) == 1000
    assert store.evicted == 50 * 97 - 1000
    assert store.first_seq == 50 * 97 - 1000
    seqs = [e.seq for e in store.view]
    assert seqs == sorted(seqs)
    assert seqs[0] >= store.first_seq
    assert all(_is_error(e) for e in store.view)
    assert len(seqs) == sum(1 for e in store.entries() if _is_error(e))


def test_trace_returns_request_and_response_and_forgets_evicted_ones() -> None:
    store = EntryStore(capacity=3)
    request = _entry(trace="t1", kind="request")
    response = _entry(trace="t1", kind="response")
    store.extend([request, _entry(trace="t2"), response])
    assert store.trace("t1") == [request, response]
    store.extend([_entry()])
    assert store.trace("t1") == [response]
    store.extend([_entry(), _entry()])
    assert store.trace("t1") == []
    assert store.trace("unknown") == []


def test_trace_ignores_non_string_trace_ids_and_text_entries() -> None:
    store = EntryStore()
    odd = Entry(raw='{"traceId": 5}', data={"traceId": 5})
    text = Entry(raw="plain", data={"message": "plain"}, is_json=False)
    store.extend([odd, text])
    assert store.trace("5") == []


def test_clear_drops_everything_but_keeps_numbering() -> None:
    store = EntryStore()
    store.extend([_entry(trace="t"), _entry()])
    store.clear()
    assert len(store) == 0
    assert len(store.view) == 0
    assert store.trace("t") == []
    entry = _entry()
    store.extend([entry])
    assert entry.seq == 2
    assert store.by_seq(2) is entry


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        EntryStore(capacity=0)


def test_evicted_entries_are_released_at_once() -> None:
    store = EntryStore(capacity=2)
    oldest = _entry()
    baseline = sys.getrefcount(oldest)
    store.extend([oldest])
    assert sys.getrefcount(oldest) > baseline
    store.extend([_entry(), _entry()])
    assert sys.getrefcount(oldest) == baseline


def test_stored_entries_share_keys_and_short_strings_but_keep_their_content() -> None:
    store = EntryStore()
    first = Entry(raw="", data=json.loads('{"level": "info", "deep": [{"kind": "request"}]}'))
    second = Entry(raw="", data=json.loads('{"level": "info", "deep": [{"kind": "request"}]}'))
    store.extend([first, second])
    assert first.data == second.data == {"level": "info", "deep": [{"kind": "request"}]}
    first_key = next(iter(first.data))
    second_key = next(iter(second.data))
    assert first_key is second_key
    assert first.data["level"] is second.data["level"]
    assert first.data["deep"][0]["kind"] is second.data["deep"][0]["kind"]


def test_sharing_keeps_very_deep_values_intact() -> None:
    deep: Any = "leaf"
    for _ in range(50):
        deep = {"k": [deep]}
    assert share_strings(deep) == deep


def test_view_indexes_stay_right_after_rows_left_its_start() -> None:
    store = EntryStore(capacity=4)
    store.extend([_entry(n=i) for i in range(4)])
    store.extend([_entry(n=i) for i in range(4, 7)])  # three evicted from the view's start
    view = store.view
    assert len(view) == 4
    assert [view[i].data["n"] for i in range(4)] == [3, 4, 5, 6]
    assert view[-1].data["n"] == 6
    assert [e.data["n"] for e in view[1:3]] == [4, 5]
    assert [e.data["n"] for e in view[::-1]] == [6, 5, 4, 3]
    assert [e.data["n"] for e in view[-2:]] == [5, 6]
    assert [e.data["n"] for e in view] == [3, 4, 5, 6]
    assert view.index_of_seq(6) == 3
    with pytest.raises(IndexError):
        view[4]


def test_a_trace_id_repeated_on_every_entry_stays_cheap_and_correct() -> None:
    store = EntryStore(capacity=100)
    for _ in range(50):
        store.extend([_entry(trace="same", n=i) for i in range(40)])
    group = store.trace("same")
    assert len(group) == 100
    assert [e.seq for e in group] == list(range(1900, 2000))
    assert len(store._traces["same"]) <= 200


@settings(max_examples=150, deadline=None)
@given(
    capacity=st.integers(1, 12),
    steps=st.lists(
        st.one_of(
            st.lists(st.booleans(), max_size=20).map(lambda flags: ("extend", flags)),
            st.sampled_from([("filter", True), ("filter", False)]),
        ),
        max_size=25,
    ),
)
def test_store_matches_a_plain_list_model(capacity: int, steps: list[tuple[str, Any]]) -> None:
    """Buffer, view, deltas and lookups agree with the obvious list-based implementation."""
    store = EntryStore(capacity=capacity)
    model: list[Entry] = []
    filtered = False

    def visible() -> list[Entry]:
        kept = model[-capacity:]
        return [e for e in kept if _is_error(e)] if filtered else kept

    for action, arg in steps:
        if action == "filter":
            filtered = arg
            store.set_filter(_is_error if filtered else None)
            continue
        before = visible()
        batch = [_entry("error" if flag else "info") for flag in arg]
        model.extend(batch)
        delta = store.extend(batch)
        after = visible()
        survivors = [e for e in before if any(e is a for a in after)]
        assert delta.added == len(batch)
        assert delta.matched_added == len(after) - len(survivors)
        assert delta.evicted_from_view == len(before) - len(survivors)
    assert list(store.view) == visible()
    assert [store.view[i] for i in range(len(store.view))] == visible()
    assert store.entries() == model[-capacity:]
    assert store.evicted == max(len(model) - capacity, 0)
    for position, entry in enumerate(model):
        assert store.by_seq(position) is (entry if position >= len(model) - capacity else None)


def test_a_store_without_sharing_keeps_each_entry_data_as_given() -> None:
    store = EntryStore(share=False)
    data = json.loads('{"level": "info"}')
    entry = Entry(raw="", data=data)
    store.extend([entry])
    assert store.view[0].data is data
