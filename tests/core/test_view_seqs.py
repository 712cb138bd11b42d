"""The store's view, held as a run while its seqs are consecutive, reads as the plain list."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.models import Entry
from logtui.core.store import EntryStore, _Seqs

steps = st.lists(st.one_of(
    st.tuples(st.just("run"), st.integers(0, 6), st.integers(0, 8)),
    st.tuples(st.just("some"), st.integers(0, 6), st.lists(st.booleans(), max_size=8)),
    st.tuples(st.just("append"), st.integers(0, 3), st.none()),
    st.tuples(st.just("pop"), st.integers(0, 5), st.none()),
    st.tuples(st.just("rebuild"), st.integers(0, 0), st.none()),
), max_size=40)


@settings(max_examples=200, deadline=None)
@given(steps=steps, start=st.integers(0, 5))
def test_the_view_reads_as_a_list_of_its_seqs_through_any_appends_and_evictions(
    steps: list[tuple[str, int, Any]], start: int
) -> None:
    view = _Seqs()
    model: list[int] = []
    nxt = start
    for kind, gap, argument in steps:
        nxt += gap  # the next seq: after every one held, with or without a gap
        if kind == "run":
            view.extend(range(nxt, nxt + argument))
            model += range(nxt, nxt + argument)
            nxt += argument
        elif kind == "some":
            picked = [nxt + offset for offset, keep in enumerate(argument) if keep]
            view.extend(array("q", picked))
            model += picked
            nxt += len(argument)
        elif kind == "append":
            view.append(nxt)
            model.append(nxt)
            nxt += 1
        elif kind == "pop":
            count = min(gap, len(model))
            view.pop_left(count)
            del model[:count]
        else:  # a filter job or a merge builds a new view from an array
            view = _Seqs(view.live())
        assert len(view) == len(model)
        assert view.live().tolist() == model
        assert [view.at(position) for position in range(len(model))] == model
        if model:
            assert view.first() == model[0]
        for seq in range(start - 1, nxt + 2):
            assert view.bisect(seq) == bisect_left(model, seq)


def test_an_unfiltered_view_holds_no_memory_per_row() -> None:
    store = EntryStore(1_000)
    for batch in range(5):
        store.extend([Entry(raw=f'{{"n":{n}}}', data={"n": n})
                      for n in range(batch * 400, batch * 400 + 400)])
    assert store._view.items is None  # a run: its first seq and its length
    assert [store.view.seq_at(i) for i in (0, 999)] == [1_000, 1_999]
    assert store.view.index_of_seq(1_500) == 500 and store.view.index_of_seq(999) is None
    store.set_filter(lambda entry: entry.data["n"] % 2 == 0)
    assert len(store.view) == 500 and store.view.seq_at(1) == 1_002
