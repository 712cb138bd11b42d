"""Start-up pauses the cyclic collector around its imports and must always turn it back on:
a process left without it leaks every reference cycle for as long as it streams."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from logtui.core.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


def test_collection_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_the_block_allocated_is_frozen_so_no_later_pass_walks_it() -> None:
    gc.enable()
    gc.unfreeze()
    with paused_gc():
        kept = [[] for _ in range(1000)]
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_count()[0] < 700  # nothing young left to start a collection with


def test_an_error_inside_still_turns_collection_back_on() -> None:
    gc.enable()
    with pytest.raises(ImportError), paused_gc():
        raise ImportError("a module failed to import")
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off() -> None:
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()
