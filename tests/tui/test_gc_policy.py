"""The dashboard's garbage-collection policy: what is stored is frozen step by step, so no
collection walks it while keys arrive, and nothing is lost for good."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from logtui.core.models import Entry
from logtui.tui.gc_policy import (
    FULL_PASS_THRESHOLD,
    GIVE_BACK_STEPS,
    IDLE_ALLOCATIONS,
    MIDDLE_THRESHOLD,
    QUIET_SECONDS,
    THAW_BUDGET,
    THAW_STEPS,
    GcPolicy,
)
from tests.heap_holes import GLIBC_ONLY, run_after_freeing

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame


class FakeClock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Node:
    """Something the collector tracks and a weak reference can watch."""

    partner: object = None


@pytest.fixture
def policy() -> Iterator[tuple[GcPolicy, FakeClock]]:
    clock = FakeClock()
    started = GcPolicy(clock)
    yield started, clock
    started.stop()


def test_start_freezes_what_is_alive_and_keeps_python_from_starting_full_passes(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, _ = policy
    before = gc.get_threshold()
    gc_policy.start()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (before[0], MIDDLE_THRESHOLD, FULL_PASS_THRESHOLD)
    gc_policy.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_each_step_freezes_what_was_stored_since_even_while_the_user_types(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    frozen = gc.get_freeze_count()
    stored = [{"n": [n]} for n in range(10_000)]  # tracked containers, like parsed entries
    clock.now += 1
    gc_policy.note_input()
    assert not gc_policy.tick()  # a step, not a thaw
    assert gc.get_freeze_count() >= frozen + 2 * len(stored)
    assert gc.get_count()[2] == 0  # nothing left for a full pass to walk but what comes next
    assert gc_policy.steps == 1


def test_an_object_frozen_by_a_step_is_still_freed_when_dropped(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, _ = policy
    gc_policy.start()
    alone = Node()
    watch = weakref.ref(alone)
    gc_policy.tick()
    del alone  # no cycle: reference counting frees it, frozen or not
    assert watch() is None


def test_a_cycle_frozen_alive_is_reclaimed_by_a_short_thaw_once_the_user_is_quiet() -> None:
    clock = FakeClock()
    gc_policy = GcPolicy(clock, budget=60.0)  # this process's frozen objects fit in a minute
    try:
        gc_policy.start()
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        watch = weakref.ref(first)
        arrived = [[n] for n in range(IDLE_ALLOCATIONS)]  # enough for a step to run
        gc_policy.tick()  # frozen while alive
        assert gc_policy.steps == 1
        del first, second, arrived
        for _ in range(THAW_STEPS - 2):
            clock.now += 1
            assert not gc_policy.tick()
        assert watch() is not None  # frozen garbage waits for the thaw
        gc_policy.note_input()
        clock.now += 1
        assert not gc_policy.tick()  # due, but a key was just pressed
        clock.now += QUIET_SECONDS
        assert gc_policy.tick()
        assert gc_policy.thaws == 1
        assert watch() is None
    finally:
        gc_policy.stop()


def test_a_thaw_longer_than_the_budget_never_runs_so_no_key_waits_for_it() -> None:
    clock = FakeClock()
    gc_policy = GcPolicy(clock, budget=THAW_BUDGET)
    try:
        gc_policy.start()
        held = [{"n": [n]} for n in range(50_000)]  # tracked containers, like stored entries
        gc_policy.tick()
        assert gc_policy.thaw_estimate() > THAW_BUDGET
        clock.now += QUIET_SECONDS
        for _ in range(3 * THAW_STEPS):
            assert not gc_policy.tick()  # quiet and due, again and again: steps only
        assert gc_policy.thaws == 0
        assert gc_policy.thaws_skipped == 3
        assert gc_policy.steps >= 1
        del held
    finally:
        gc_policy.stop()


def test_a_user_who_never_stops_typing_is_never_made_to_wait_for_a_thaw(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    for _ in range(4 * THAW_STEPS):
        clock.now += 1
        gc_policy.note_input()
        assert not gc_policy.tick()
    assert gc_policy.thaws == gc_policy.thaws_skipped == 0


def test_a_step_with_next_to_nothing_allocated_since_the_last_is_skipped(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    gc_policy.tick()
    steps = gc_policy.steps
    for _ in range(5):
        clock.now += 1
        gc_policy.tick()  # an idle dashboard: no walk, no freeze
    assert gc_policy.steps == steps
    stored = [{"n": [n]} for n in range(IDLE_ALLOCATIONS)]
    gc_policy.tick()
    assert gc_policy.steps == steps + 1
    del stored


POLICY_STARTED = """
    from logtui.tui.gc_policy import GcPolicy
    policy = GcPolicy()
    policy.start()
"""
STEPPED_AFTER_FREEING = """
    garbage = []
    for _ in range(int(sys.argv[1])):
        garbage.append([[n] for n in range(400)])  # a stream's worth of objects per step
        policy.tick()
    for _ in range(int(sys.argv[2])):
        policy.tick()  # the stream has ended: nothing allocated since
    print(freed - rss(), policy.steps)
"""


def given_back_after(steps: int, idle_ticks: int = 0) -> tuple[int, int]:
    returned, taken = run_after_freeing(STEPPED_AFTER_FREEING, str(steps), str(idle_ticks),
                                        setup=POLICY_STARTED)
    return int(returned), int(taken)


@GLIBC_ONLY
def test_memory_freed_in_the_heap_is_returned_to_the_kernel_every_few_seconds_of_steps() -> None:
    before, steps_before = given_back_after(GIVE_BACK_STEPS - 1)
    after, steps_after = given_back_after(GIVE_BACK_STEPS)
    assert (steps_before, steps_after) == (GIVE_BACK_STEPS - 1, GIVE_BACK_STEPS)
    assert before < 8 * 1024 * 1024  # collected and freed, yet still resident
    assert after > 48 * 1024 * 1024


@GLIBC_ONLY
def test_memory_freed_by_a_burst_is_returned_once_the_stream_goes_quiet() -> None:
    returned, steps = given_back_after(3, idle_ticks=2)
    assert steps == 3
    assert returned > 48 * 1024 * 1024


def test_a_stopped_policy_does_nothing(policy: tuple[GcPolicy, FakeClock]) -> None:
    gc_policy, clock = policy
    clock.now += 1
    assert not gc_policy.tick()
    assert not gc_policy.running
    assert gc_policy.steps == 0


async def test_entries_evicted_from_the_dashboard_hold_no_cycles_so_freezing_them_leaks_nothing(
    make_app: AppMaker,
) -> None:
    pool = proxy_entries(300)  # request/response pairs: 600 entries into a 100-entry buffer
    app, factory = make_app(buffer=100)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert factory.source is not None
        factory.source.push([_copy(entry) for entry in pool])  # held by the app alone
        while app.drain():
            await pilot.pause()
        await pilot.pause()
        assert app.store.evicted == len(pool) - 100
        gc.unfreeze()  # let the collector see everything, frozen or not
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            cyclic = [item for item in gc.garbage if isinstance(item, Entry)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert cyclic == []


def _copy(entry: Entry) -> Entry:
    return Entry(entry.raw, dict(entry.data), entry.origin, entry.event_id, entry.key,
                 entry.received_at)
