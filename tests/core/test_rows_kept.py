"""The rows kept as objects, held in a map by row, read as a list with one slot per row would."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core import rows as rows_module
from logtui.core.compact import Packer
from logtui.core.models import Entry
from logtui.core.rows import Rows

sizes = st.lists(st.one_of(st.integers(0, 40), st.just(-1)), max_size=12)
operations = st.lists(st.one_of(
    st.tuples(st.just("extend"), sizes),
    st.tuples(st.just("append"), sizes),
    st.tuples(st.just("pop_left"), st.integers(0, 3)),
    st.tuples(st.just("pop_left_many"), st.integers(0, 15)),
    st.tuples(st.just("move"), st.integers(0, 10)),
    st.tuples(st.just("compact"), st.integers(0, 10)),
), max_size=30)


def _entries(sizes: list[int], number: int) -> list[Entry]:
    # -1: an entry whose data is not its parsed raw, kept as the object it is.
    return [Entry(raw="x" * size, data={"message": "x" * size}, is_json=False) if size >= 0
            else Entry(raw="{}", data={"kept": number + position})
            for position, size in enumerate(sizes)]


@settings(max_examples=150, deadline=None)
@given(steps=operations)
def test_kept_rows_read_as_a_dense_list_of_rows_through_appends_evictions_and_moves(
    steps: list[tuple[str, Any]]
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows_module, "BLOCK", 64)  # small blocks: batches fill and free several
        _check(steps)


def _check(steps: list[tuple[str, Any]]) -> None:
    packer = Packer()
    rows = Rows(True, len(packer.keys))
    dense: list[Entry | None] = []
    """One slot per live row: its kept entry or None, as the rows were once stored."""
    number = 0
    for operation, argument in steps:
        if operation in ("extend", "append"):
            entries = _entries(argument, number)
            number += len(entries)
            batch = packer.pack_batch(entries)
            if operation == "extend":
                rows.extend(batch)
            else:
                for index in range(len(batch)):
                    rows.append(*batch.row(index))
            dense += [entry if entry.data.get("kept") is not None else None for entry in entries]
        elif operation == "pop_left":
            for _ in range(min(argument, len(dense))):
                rows.pop_left()
                dense.pop(0)
        elif operation == "pop_left_many":
            count = min(argument, len(dense))
            rows.pop_left_many(count)
            del dense[:count]
        elif operation == "compact":
            rows._truncate_left(min(rows.head, argument))
        else:  # as a merge moves them: the last rows taken off and put back reversed
            count = min(argument, len(dense))
            start = rows.head + len(dense) - count
            moved = [rows.row(index) for index in range(start, start + count)]
            rows.truncate_right(start)
            for row in reversed(moved):
                rows.put(row)
            dense[len(dense) - count :] = reversed(dense[len(dense) - count :])
        assert len(rows) == len(dense)
        for offset, expected in enumerate(dense):
            index = rows.head + offset
            assert rows.kept.get(index) is expected
            assert rows.is_packed(index) == (expected is None)
            assert rows.row(index)[0] is expected
        # Evicted rows hold no entry: nothing keeps them alive.
        assert all(rows.head <= index < rows.head + len(dense) for index in rows.kept)
