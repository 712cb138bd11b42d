"""The merge window: event-time order across members, each member's own order kept, late
entries flagged, nothing lost or repeated, nothing held past the window."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.models import CollectingSink, ConnectionState, Entry, SourceStatus
from logtui.core.reorder import ReorderWindow


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def entry(source: str, at: float, n: int = 0) -> Entry:
    return Entry(raw="{}", data={"time": at, "n": n}, source=source)


def times(entries: Sequence[Entry]) -> list[tuple[str | None, float]]:
    return [(e.source, e.data["time"]) for e in entries]


def window(sink: CollectingSink, clock: Clock, names: Sequence[str] = ("a", "b"),
           **options: float) -> ReorderWindow:
    reader = lambda e: float(e.data["time"])  # noqa: E731
    return ReorderWindow(sink, {name: reader for name in names}, clock=clock,
                         **options)  # type: ignore[arg-type]


def test_entries_from_two_members_come_out_in_event_time_order() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("a", 10), entry("a", 12)])
    merge.on_entries([entry("b", 11), entry("b", 13)])
    # Every live member reached 12: what is at or before it is out, 13 waits for "a".
    assert times(sink.entries) == [("a", 10), ("b", 11), ("a", 12)]
    merge.close()
    assert times(sink.entries)[-1] == ("b", 13)
    assert not any(e.late for e in sink.entries)


def test_a_quiet_member_holds_the_others_no_longer_than_the_window() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock, window=1.0)
    merge.on_entries([entry("a", 10)])
    clock.now = 0.9
    merge.flush()
    assert sink.entries == []
    clock.now = 1.0
    merge.flush()
    assert times(sink.entries) == [("a", 10)]


def test_an_entry_older_than_one_released_is_flagged_late_and_released_at_once() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock, window=1.0)
    merge.on_entries([entry("a", 10)])
    clock.now = 1.5
    merge.flush()
    merge.on_entries([entry("b", 5)])
    assert times(sink.entries) == [("a", 10), ("b", 5)]
    assert [e.late for e in sink.entries] == [False, True]
    assert merge.late == 1


def test_a_gap_row_is_released_where_it_arrives_but_never_flagged_late() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock, window=1.0)
    merge.on_entries([entry("a", 10)])
    clock.now = 1.5
    merge.flush()
    gap = entry("b", 5)
    gap.origin = "gap"
    merge.on_entries([gap])
    assert times(sink.entries) == [("a", 10), ("b", 5)]
    assert not gap.late and merge.late == 0


def test_a_member_that_ended_no_longer_holds_the_others() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("a", 10)])
    assert sink.entries == []
    merge.on_status(SourceStatus(kind="proxy", description="", state=ConnectionState.FAILED,
                                 name="b"))
    assert times(sink.entries) == [("a", 10)]
    assert sink.statuses[-1].name == "b"


def test_a_member_whose_times_step_back_keeps_its_own_order() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("a", 10, 1), entry("a", 8, 2), entry("a", 12, 3)])
    merge.on_entries([entry("b", 9), entry("b", 20)])
    merge.close()
    assert [e.data["n"] for e in sink.entries if e.source == "a"] == [1, 2, 3]
    assert times(sink.entries)[0] == ("b", 9)


def test_over_the_cap_the_oldest_go_out_early() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock, cap=3)
    merge.on_entries([entry("a", t) for t in (1, 2, 3, 4, 5)])
    assert times(sink.entries) == [("a", 1), ("a", 2)]
    assert merge.held == 3


def test_the_flusher_thread_releases_held_entries_when_their_time_is_up() -> None:
    released = threading.Event()

    class Signalling(CollectingSink):
        def on_entries(self, entries: Sequence[Entry]) -> None:
            super().on_entries(entries)
            released.set()

    sink = Signalling()
    merge = ReorderWindow(sink, {"a": lambda e: 1.0, "b": lambda e: 1.0}, window=0.05)
    merge.start()
    try:
        merge.on_entries([entry("a", 1)])
        assert released.wait(5.0)
        assert len(sink.entries) == 1
    finally:
        merge.close()


def test_a_zero_window_passes_entries_straight_through() -> None:
    sink, clock = CollectingSink(), Clock()
    merge = window(sink, clock, window=0.0)
    merge.on_entries([entry("a", 10)])
    assert times(sink.entries) == [("a", 10)]


streams = st.lists(st.lists(st.integers(0, 40), max_size=12), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(streams=streams, data=st.data())
def test_any_interleaving_keeps_each_members_order_and_sorts_all_but_late_entries(
    streams: list[list[int]], data: st.DataObject
) -> None:
    sink, clock = CollectingSink(), Clock()
    names = [f"m{i}" for i in range(len(streams))]
    merge = window(sink, clock, names, window=1.0, cap=data.draw(st.integers(1, 30)))
    pending = {name: sorted(stream) for name, stream in zip(names, streams, strict=True)}
    sent: list[Entry] = []
    while any(pending.values()):
        name = data.draw(st.sampled_from([n for n in names if pending[n]]))
        size = data.draw(st.integers(1, len(pending[name])))
        batch = [entry(name, t, len(sent) + i) for i, t in enumerate(pending[name][:size])]
        pending[name] = pending[name][size:]
        sent.extend(batch)
        merge.on_entries(batch)
        clock.now += data.draw(st.sampled_from([0.0, 0.3, 1.0, 2.5]))
        if data.draw(st.booleans()):
            merge.flush()
        if data.draw(st.integers(0, 9)) == 0:
            merge.on_status(SourceStatus(kind="x", description="", name=name,
                                         state=ConnectionState.ENDED))
    merge.close()
    out = sink.entries
    assert sorted(e.data["n"] for e in out) == sorted(e.data["n"] for e in sent)
    assert len({id(e) for e in out}) == len(sent)
    for name in names:
        assert [e.data["n"] for e in out if e.source == name] == \
            [e.data["n"] for e in sent if e.source == name]
    on_time = [e.data["time"] for e in out if not e.late]
    assert on_time == sorted(on_time)
    newest = float("-inf")
    for e in out:  # a late entry is older than something released before it
        if e.late:
            assert e.data["time"] < newest
        newest = max(newest, e.data["time"])


def test_a_member_never_waits_while_another_hands_a_release_to_a_slow_target() -> None:
    # The dashboard's queue slims every entry it is given: a member whose entries are due
    # must not stand still (its stream unread) while another member's release is handed over.
    entered, go_on = threading.Event(), threading.Event()

    class Slow(CollectingSink):
        def on_entries(self, entries: Sequence[Entry]) -> None:
            if not entered.is_set():
                entered.set()
                assert go_on.wait(10.0)
            super().on_entries(entries)

    sink, clock = Slow(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("b", 10)])
    first = threading.Thread(target=merge.on_entries, args=([entry("a", 10)],))
    first.start()
    try:
        assert entered.wait(5.0)  # the first release is in the target's hands
        returned = threading.Event()
        second = threading.Thread(
            target=lambda: (merge.on_entries([entry("b", 11)]),
                            merge.on_entries([entry("a", 12)]), returned.set()),
        )
        second.start()
        assert returned.wait(5.0), "a member waited for another's hand-over"
    finally:
        go_on.set()
        first.join(5.0)
    second.join(5.0)
    merge.close()
    assert times(sink.entries) == [("b", 10), ("a", 10), ("b", 11), ("a", 12)]


def test_close_returns_once_the_target_has_everything_another_thread_was_handing_over() -> None:
    entered, go_on = threading.Event(), threading.Event()

    class Slow(CollectingSink):
        def on_entries(self, entries: Sequence[Entry]) -> None:
            if not entered.is_set():
                entered.set()
                assert go_on.wait(10.0)
            super().on_entries(entries)

    sink, clock = Slow(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("b", 10)])
    first = threading.Thread(target=merge.on_entries, args=([entry("a", 10), entry("a", 11)],))
    first.start()
    assert entered.wait(5.0)
    threading.Timer(0.2, go_on.set).start()
    merge.close()
    assert times(sink.entries) == [("b", 10), ("a", 10), ("a", 11)]
    first.join(5.0)


def test_close_delivers_what_is_left_when_another_threads_hand_over_raised() -> None:
    entered, go_on = threading.Event(), threading.Event()

    class Failing(CollectingSink):
        def on_entries(self, entries: Sequence[Entry]) -> None:
            if not entered.is_set():
                entered.set()
                assert go_on.wait(10.0)
                raise BrokenPipeError("the reader went away")
            super().on_entries(entries)

    def quietly(call: object) -> None:
        with contextlib.suppress(BrokenPipeError):
            call()  # type: ignore[operator]

    sink, clock = Failing(), Clock()
    merge = window(sink, clock)
    merge.on_entries([entry("b", 10)])
    first = threading.Thread(target=quietly, args=(lambda: merge.on_entries([entry("a", 10)]),))
    first.start()
    assert entered.wait(5.0)
    merge.on_entries([entry("b", 11)])
    merge.on_entries([entry("a", 12)])  # releases b 11 while the first thread hands over
    threading.Timer(0.2, go_on.set).start()
    merge.close()
    first.join(5.0)
    assert times(sink.entries) == [("b", 11), ("a", 12)]
