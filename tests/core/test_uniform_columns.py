"""A store column that holds one value in every row reads as the array it stands for."""

from __future__ import annotations

import math
from array import array
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.compact import NO_SPAN, Packer
from logtui.core.models import Entry
from logtui.core.rows import Rows, _append, _extend
from logtui.core.uniform import Column, Uniform

FILLS: dict[str, Any] = {"H": 0, "d": math.nan, "I": NO_SPAN}
VALUES: dict[str, Any] = {
    "H": st.sampled_from([0, 0, 0, 1, 7]),
    "d": st.sampled_from([math.nan, math.nan, -math.inf, 0.0, 2.5]),
    "I": st.sampled_from([NO_SPAN, NO_SPAN, 0xFFFFFFFE, 3 << 16 | 4]),
}


def _operations(typecode: str) -> st.SearchStrategy[list[tuple[str, Any]]]:
    values = VALUES[typecode]
    return st.lists(st.one_of(
        st.tuples(st.just("append"), values),
        st.tuples(st.just("extend"), st.lists(values, max_size=6)),
        st.tuples(st.just("drop_left"), st.integers(0, 5)),
        st.tuples(st.just("drop_right"), st.integers(0, 5)),
    ), max_size=25)


def _same(ours: Column, dense: array[Any]) -> None:
    assert len(ours) == len(dense)
    assert ours.tobytes() == dense.tobytes()  # bytes: a NaN equals itself
    assert array(dense.typecode, list(ours)).tobytes() == dense.tobytes()
    for index in range(-len(dense), len(dense)):
        assert array(dense.typecode, [ours[index]]).tobytes() == \
            array(dense.typecode, [dense[index]]).tobytes()
    for start in range(len(dense) + 1):
        assert ours[start:].tobytes() == dense[start:].tobytes()
        assert ours[:start].tobytes() == dense[:start].tobytes()


@settings(max_examples=150, deadline=None)
@given(data=st.data(), typecode=st.sampled_from(sorted(FILLS)))
def test_a_uniform_column_reads_as_the_dense_array_through_any_appends_and_drops(
    data: st.DataObject, typecode: str
) -> None:
    columns: list[Column] = [Uniform(typecode, FILLS[typecode])]
    dense: array[Any] = array(typecode)
    for operation, argument in data.draw(_operations(typecode)):
        if operation == "append":
            _append(columns, [argument])
            dense.append(argument)
        elif operation == "extend":
            _extend(columns, [array(typecode, argument)])
            dense.extend(array(typecode, argument))
        elif operation == "drop_left":
            del columns[0][:argument]
            del dense[:argument]
        else:
            del columns[0][len(dense) - min(argument, len(dense)):]
            del dense[len(dense) - min(argument, len(dense)):]
        _same(columns[0], dense)
    # It stays uniform exactly while every row holds the value of an absent field.
    fill = array(typecode, [FILLS[typecode]]).tobytes()
    if isinstance(columns[0], Uniform):
        assert dense.tobytes() == fill * len(dense)


def test_rows_keep_no_memory_for_keys_no_entry_has() -> None:
    packer = Packer()
    rows = Rows(False, len(packer.keys))
    entries = [Entry(raw=f'{{"level":"info","url":"/{n}"}}', data={"level": "info", "url": f"/{n}"})
               for n in range(50)]
    rows.extend(packer.pack_batch(entries))
    filled = {key for key, column in zip(packer.keys, rows.codes, strict=True)
              if not isinstance(column, Uniform)}
    assert filled == {"level"}
    assert [isinstance(column, Uniform) for column in rows.spans] == [False, True, True]
    assert isinstance(rows.weights, Uniform)  # every entry counts once
    # One entry with a status makes its column real, every earlier row absent; a sampled
    # one makes the weights real.
    late = Entry(raw='{"status":500}', data={"status": 500}, weight=3)
    row, trace, key = packer.pack_batch([late]).row(0)
    rows.append(row, trace, key)
    status = rows.codes[packer.keys.index("status")]
    assert isinstance(status, array)
    assert status[:50].tolist() == [0] * 50 and status[50] > 1
    assert isinstance(rows.weights, array) and rows.weights.tolist() == [1] * 50 + [3]
