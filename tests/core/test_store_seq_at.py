"""The view's ``seq_at``: a row's number without building its entry (the stream pane keys its
drawn rows by it)."""

from __future__ import annotations

import json

import pytest

from logtui.core.models import Entry
from logtui.core.store import EntryStore


def _entry(level: str) -> Entry:
    data = {"level": level}
    return Entry(raw=json.dumps(data), data=data)


def test_seq_at_gives_the_seq_of_each_row_of_a_filtered_evicting_view() -> None:
    store = EntryStore(capacity=4)
    store.extend([_entry(level) for level in ("error", "info", "error", "info", "error")])
    store.set_filter(lambda entry: entry.data.get("level") == "error")
    view = store.view
    assert [view.seq_at(i) for i in range(len(view))] == [entry.seq for entry in view] == [2, 4]


def test_seq_at_refuses_an_index_outside_the_view() -> None:
    store = EntryStore(capacity=4)
    store.extend([_entry("info")])
    with pytest.raises(IndexError):
        store.view.seq_at(1)
    with pytest.raises(IndexError):
        store.view.seq_at(-1)
