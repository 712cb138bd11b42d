"""The store's table of identity hashes counts exactly what a Counter would."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.held import HeldIds, identity_hash

# Few distinct values in a small table: long clusters that wrap around its end.
_value = st.sampled_from([1, 2, 3, 1024, 2048, -1, 5, 1 << 40, -(1 << 62), 7 * 1024])
_step = st.tuples(st.sampled_from(["add", "discard"]), _value)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(_step, max_size=200))
def test_held_ids_count_what_a_counter_counts(steps: list[tuple[str, int]]) -> None:
    held = HeldIds()
    model: Counter[int] = Counter()
    for action, value in steps:
        if action == "add":
            held.add(value)
            model[value] += 1
        else:
            held.discard(value)
            if model[value]:
                model[value] -= 1
        assert len(held) == sum(model.values())
    for value in {value for _, value in steps}:
        assert held.count(value) == model[value]


def test_the_table_grows_and_keeps_every_value() -> None:
    held = HeldIds()
    for value in range(1, 5000):
        held.add(value * 977)
    assert len(held) == 4999
    assert all(held.count(value * 977) == 1 for value in range(1, 5000))
    assert held.count(3) == 0
    held.clear()
    assert len(held) == 0 and held.count(977) == 0


def test_an_identity_hash_is_never_zero_and_tells_small_ids_apart() -> None:
    assert identity_hash(0) != 0
    assert len({identity_hash(n) for n in range(-5, 100_000)}) == 100_005
    assert identity_hash(("home", 5)) != identity_hash(("work", 5))
