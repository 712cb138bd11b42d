"""A new filter applied a chunk at a time: the same view as one pass, newest matches first."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.identity import identity_for, order_for
from logtui.core.models import Entry, Origin, SourceKind
from logtui.core.store import EntryStore


def _proxy(entry_id: int, origin: Origin = "live") -> Entry:
    data: dict[str, Any] = {"id": entry_id, "level": "error" if entry_id % 3 == 0 else "info"}
    return Entry(raw=json.dumps(data), data=data, origin=origin)


def _is_error(entry: Entry) -> bool:
    return entry.data.get("level") == "error"


def _store(capacity: int) -> EntryStore:
    kind = SourceKind.PROXY
    return EntryStore(capacity, identity=identity_for(kind), order=order_for(kind))


def test_the_first_step_finds_the_newest_matches_and_the_last_completes_the_view() -> None:
    store = _store(1000)
    store.extend([_proxy(n) for n in range(1000)])
    job = store.start_filter(_is_error)
    assert len(store.view) == 0
    job.step(100)
    assert [e.data["id"] for e in store.view] == [n for n in range(900, 1000) if n % 3 == 0]
    assert 0.05 < job.progress < 0.2
    while not job.done:
        job.step(100)
    assert [e.data["id"] for e in store.view] == [n for n in range(1000) if n % 3 == 0]
    assert job.progress == 1.0


def test_matches_held_back_by_steps_reach_the_view_when_shown() -> None:
    """The dashboard redraws less often than it steps: the view it drew stays as it was."""
    store = _store(1000)
    store.extend([_proxy(n) for n in range(1000)])
    job = store.start_filter(_is_error)
    job.step(100)
    shown = [e.data["id"] for e in store.view]
    assert job.step(300, show=False) == 100
    assert [e.data["id"] for e in store.view] == shown
    assert [store.by_seq(seq).data["id"] for seq in job.found] == [  # type: ignore[union-attr]
        n for n in range(600, 900) if n % 3 == 0]
    job.show()
    assert [e.data["id"] for e in store.view] == [n for n in range(600, 1000) if n % 3 == 0]
    while not job.done:
        job.step(250, show=False)
    assert [e.data["id"] for e in store.view] == [n for n in range(1000) if n % 3 == 0]


def test_a_newer_filter_supersedes_a_job_in_progress() -> None:
    store = _store(1000)
    store.extend([_proxy(n) for n in range(1000)])
    old = store.start_filter(_is_error)
    old.step(100)
    new = store.start_filter(None)
    assert old.done and not new.done
    assert old.step(100) == 0
    assert new.step(600) == 600
    new.finish()
    assert len(store.view) == 1000


@settings(max_examples=100, deadline=None)
@given(
    capacity=st.integers(5, 60),
    start=st.integers(0, 80),
    actions=st.lists(
        st.one_of(
            st.tuples(st.just("step"), st.integers(1, 30)),
            st.tuples(st.just("hold"), st.integers(1, 30)),
            st.tuples(st.just("show"), st.just(0)),
            st.tuples(st.just("live"), st.integers(1, 20)),
            st.tuples(st.just("reload"), st.lists(st.integers(0, 200), max_size=8)),
        ),
        max_size=12,
    ),
)
def test_a_job_interleaved_with_arrivals_evictions_and_reloads_ends_as_one_pass(
    capacity: int, start: int, actions: list[tuple[str, Any]]
) -> None:
    store = _store(capacity)
    next_id = 1000
    store.extend([_proxy(n + 1000) for n in range(start)])
    next_id += start
    job = store.start_filter(_is_error)
    for action, argument in actions:
        if action == "step":
            job.step(argument)
        elif action == "hold":
            before = [e.seq for e in store.view]
            job.step(argument, show=False)
            if not job.done:
                assert [e.seq for e in store.view] == before
        elif action == "show":
            job.show()
        elif action == "live":
            store.extend([_proxy(next_id + n) for n in range(argument)])
            next_id += argument
        else:
            store.extend([_proxy(n, "history") for n in argument])
        seqs = [e.seq for e in store.view]
        assert seqs == sorted(set(seqs))
    job.finish()
    got = [e.seq for e in store.view]
    store.set_filter(_is_error)
    assert got == [e.seq for e in store.view]
