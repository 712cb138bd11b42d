"""The dashboard's garbage-collection policy: full passes only in quiet moments, never lost."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from logtui.tui.gc_policy import (
    COLLECT_EVERY_SECONDS,
    FORCE_AFTER_SECONDS,
    FULL_PASS_THRESHOLD,
    MIDDLE_THRESHOLD,
    QUIET_SECONDS,
    YOUNG_PASSES_PER_FULL,
    GcPolicy,
)


class FakeClock:
    """A settable monotonic clock, and a settable count of young collections."""

    def __init__(self) -> None:
        self.now = 100.0
        self.young_passes = 0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def policy() -> Iterator[tuple[GcPolicy, FakeClock]]:
    clock = FakeClock()
    started = GcPolicy(clock, lambda: clock.young_passes)
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


def test_a_full_collection_waits_until_it_is_due_and_the_user_is_quiet(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    clock.now += COLLECT_EVERY_SECONDS - 1
    assert not gc_policy.tick()  # not due yet
    clock.now += 1
    gc_policy.note_input()
    assert not gc_policy.tick()  # due, but a key was just pressed
    clock.now += QUIET_SECONDS
    assert gc_policy.tick()
    assert gc_policy.collections == 1
    assert not gc_policy.tick()  # and not again for a while


def test_a_busy_stream_makes_a_collection_due_sooner_than_a_quiet_one(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    clock.now += QUIET_SECONDS
    assert not gc_policy.tick()
    clock.young_passes = YOUNG_PASSES_PER_FULL  # a lot was allocated since the last pass
    assert gc_policy.tick()


def test_a_lot_allocated_while_the_user_types_forces_a_collection(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    clock.young_passes = 5 * YOUNG_PASSES_PER_FULL - 1
    gc_policy.note_input()
    assert not gc_policy.tick()
    clock.young_passes += 1
    assert gc_policy.tick()


def test_a_user_who_never_stops_typing_still_gets_a_collection_eventually(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()
    while clock.now < 100.0 + FORCE_AFTER_SECONDS - 1:
        clock.now += 1
        gc_policy.note_input()
        assert not gc_policy.tick()
    clock.now += 1
    gc_policy.note_input()
    assert gc_policy.tick()


def test_reference_cycles_are_reclaimed_by_the_policy_collection(
    policy: tuple[GcPolicy, FakeClock],
) -> None:
    gc_policy, clock = policy
    gc_policy.start()

    class Node:
        partner: object = None

    first, second = Node(), Node()
    first.partner, second.partner = second, first
    watch = weakref.ref(first)
    del first, second
    clock.now += COLLECT_EVERY_SECONDS + QUIET_SECONDS
    assert gc_policy.tick()
    assert watch() is None


def test_a_stopped_policy_does_nothing(policy: tuple[GcPolicy, FakeClock]) -> None:
    gc_policy, clock = policy
    clock.now += FORCE_AFTER_SECONDS
    assert not gc_policy.tick()
    assert not gc_policy.running
