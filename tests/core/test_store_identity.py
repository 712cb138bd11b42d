"""The buffer across a server-side filter change: each entry once, in order, gaps in view."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.coverage import Gap, gap_entry
from logtui.core.identity import identity_for, identity_is_unique, order_for
from logtui.core.models import Entry, Origin, SourceKind
from logtui.core.store import EntryStore, entries_only

PROXY = SourceKind.PROXY


def _proxy(entry_id: int, origin: Origin = "live", level: str = "info", **extra: Any) -> Entry:
    data: dict[str, Any] = {"id": entry_id, "tsMs": 1_700_000_000_000 + entry_id, "level": level}
    data.update(extra)
    return Entry(raw=json.dumps(data), data=data, origin=origin)


def _store(capacity: int = 100, kind: SourceKind = PROXY) -> EntryStore:
    return EntryStore(capacity, identity=identity_for(kind), order=order_for(kind))


def _ids(store: EntryStore) -> list[int]:
    return [e.data["id"] for e in entries_only(store.entries())]


def test_an_identity_already_buffered_is_refused() -> None:
    store = _store()
    store.extend([_proxy(1), _proxy(2)])
    delta = store.extend([_proxy(2, "history"), _proxy(3)])
    assert _ids(store) == [1, 2, 3]
    assert (delta.added, delta.refused, store.refused) == (1, 1, 1)


def test_an_evicted_identity_can_come_back() -> None:
    store = _store(capacity=2)
    store.extend([_proxy(1), _proxy(2), _proxy(3)])
    store.extend([_proxy(1, "history")])
    assert _ids(store) == [1, 3] or _ids(store) == [2, 3]
    assert store.refused == 0


def test_reloaded_history_is_placed_in_order_and_renumbered() -> None:
    store = _store()
    store.extend([_proxy(i, traceId=f"t{i % 3}") for i in (10, 11, 14, 15)])
    delta = store.extend([_proxy(i, "history", traceId=f"t{i % 3}") for i in (9, 12, 13)])
    assert delta.reordered
    assert _ids(store) == [9, 10, 11, 12, 13, 14, 15]
    assert [e.seq for e in store.entries()] == list(range(store.first_seq, store.received))
    assert all(store.by_seq(e.seq) is e for e in store.entries())
    assert [e.data["id"] for e in store.trace("t0")] == [9, 12, 15]
    store.extend([_proxy(16)])  # live entries are appended again
    assert _ids(store)[-1] == 16


def test_a_reload_keeps_the_filtered_view_in_step() -> None:
    store = _store()
    store.set_filter(lambda e: e.data.get("level") == "warn")
    store.extend([_proxy(1, level="warn"), _proxy(5, level="warn")])
    store.extend([_proxy(3, "history", level="warn"), _proxy(4, "history")])
    assert [e.data["id"] for e in store.view] == [1, 3, 5]
    assert store.view.index_of_seq(store.view[1].seq) == 1


def test_a_gap_row_is_shown_whatever_the_filter_and_is_not_an_entry() -> None:
    store = _store()
    store.set_filter(lambda e: e.data.get("level") == "error")
    store.extend([_proxy(1), _proxy(2, level="error"), _proxy(5, level="error")])
    store.extend([gap_entry(Gap(1.0, 13.0, ("level=error",), "2"))])
    rows = list(store.view)
    assert [r.origin for r in rows] == ["live", "gap", "live"]
    assert "12 s not loaded" in rows[1].data["message"]
    assert entries_only(rows) == [rows[0], rows[2]]
    store.set_filter(None)
    assert [r.origin for r in store.view] == ["live", "live", "gap", "live"]


def test_nextdns_entries_are_told_apart_by_their_content() -> None:
    store = _store(kind=SourceKind.NEXTDNS)

    def dns(ms: int, domain: str, origin: Origin = "live") -> Entry:
        data = {"timestamp": f"2024-01-01T00:00:{ms // 1000:02d}.{ms % 1000:03d}Z",
                "domain": domain, "device": {"id": "A1"}}
        return Entry(raw=json.dumps(data), data=data, origin=origin)

    store.extend([dns(1000, "a.example"), dns(3000, "c.example")])
    store.extend([dns(1000, "a.example", "history"), dns(2000, "b.example", "history")])
    assert [e.data["domain"] for e in store.entries()] == ["a.example", "b.example", "c.example"]


@settings(max_examples=80, deadline=None)
@given(
    live=st.lists(st.integers(0, 200), unique=True, max_size=40),
    reloads=st.lists(st.lists(st.integers(0, 200), max_size=30), max_size=4),
    capacity=st.integers(5, 300),
)
def test_any_reload_leaves_each_id_once_in_order_with_every_index_in_step(
    live: list[int], reloads: list[list[int]], capacity: int
) -> None:
    store = _store(capacity=capacity)
    store.set_filter(lambda e: e.data["id"] % 3 != 0)

    def entry(i: int, origin: Origin) -> Entry:
        return _proxy(i, origin, traceId=f"t{i % 7}")

    next_live = 201
    store.extend([entry(i, "live") for i in sorted(live)])
    for reload in reloads:
        batch = [entry(i, "history") for i in sorted(set(reload))]
        store.extend([*batch, entry(next_live, "live")])
        next_live += 1
    rows = store.entries()
    ids = _ids(store)
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert len(rows) == min(capacity, len(set(live).union(*map(set, reloads))) + len(reloads))
    assert [e.seq for e in rows] == list(range(store.first_seq, store.received))
    assert list(store.view) == [e for e in rows if e.data["id"] % 3 != 0]
    for trace in {e.data["traceId"] for e in rows}:
        assert store.trace(trace) == [e for e in rows if e.data["traceId"] == trace]


def test_a_nextdns_query_is_the_same_in_logs_and_in_the_stream() -> None:
    identity = identity_for(SourceKind.NEXTDNS)
    assert identity is not None
    stream = {"timestamp": "2024-01-01T00:00:01.000Z", "domain": "a.example", "status": "default",
              "device": {"id": "A1", "name": "Phone"}, "reasons": []}
    logs = {**stream, "device": {"id": "A1", "name": "Renamed phone"}, "reasons": [{"id": "x"}]}
    other = {**stream, "type": "AAAA"}
    assert identity(Entry(raw="", data=stream)) == identity(Entry(raw="", data=logs))
    assert identity(Entry(raw="", data=stream)) != identity(Entry(raw="", data=other))
    assert identity(Entry(raw="", data={"domain": "no-time.example"})) is None


def _query(origin: Origin = "live") -> Entry:
    data = {"timestamp": "2024-06-12T14:33:54.000Z", "domain": "example.com", "status": "default"}
    return Entry(raw=json.dumps(data), data=data, origin=origin)


def _dns_store(capacity: int = 100) -> EntryStore:
    kind = SourceKind.NEXTDNS
    return EntryStore(capacity, identity=identity_for(kind), unique=identity_is_unique(kind),
                      order=order_for(kind))


def test_nextdns_queries_alike_in_every_field_are_all_kept_when_live() -> None:
    store = _dns_store()
    delta = store.extend([_query(), _query(), _query()])
    assert (delta.added, delta.refused) == (3, 0)


def test_a_nextdns_reload_adds_only_the_copies_beyond_those_held() -> None:
    store = _dns_store()
    store.extend([_query(), _query()])
    assert store.extend([_query("history"), _query("history")]).refused == 2
    delta = store.extend([_query("history"), _query("history"), _query("history")])
    assert (delta.added, delta.refused, len(store.entries())) == (1, 2, 3)


def test_an_evicted_nextdns_copy_is_counted_out() -> None:
    store = _dns_store(capacity=2)
    store.extend([_query(), _query(), _query()])
    assert len(store.entries()) == 2
    assert store.extend([_query("history"), _query("history"), _query("history")]).added == 1


def test_nextdns_history_alike_within_itself_is_kept_whole() -> None:
    store = _dns_store()
    assert store.extend([_query("history"), _query("history")]).added == 2
