"""The newest event time kept for a reload after a lost position, and what the reload drops."""

from __future__ import annotations

from logtui.core.identity import identity_for
from logtui.core.models import Entry, SourceKind
from logtui.core.newest import NewestSeen


def _query(ms: int, domain: str) -> Entry:
    stamp = f"2024-06-12T14:00:{ms // 1000:02d}.{ms % 1000:03d}Z"
    return Entry(raw="", data={"timestamp": stamp, "domain": domain}, origin="history")


def _newest() -> NewestSeen:
    return NewestSeen(identity_for(SourceKind.NEXTDNS))


def test_it_keeps_the_newest_time_and_every_entry_at_it_across_batches() -> None:
    newest = _newest()
    assert newest.note([_query(1000, "a"), _query(2000, "b")])
    assert newest.note([_query(2000, "c")])
    assert not newest.note([_query(1500, "late")])  # older than the newest: nothing changes
    assert len(newest.keys) == 2
    again = _newest()
    again.restore(newest.state())
    assert (again.time, again.keys) == (newest.time, newest.keys)


def test_a_reload_drops_each_entry_handed_on_once_and_keeps_the_rest_as_backfill() -> None:
    newest = _newest()
    newest.note([_query(2000, "twin"), _query(2000, "twin")])
    reload = newest.reload()
    assert reload is not None
    loaded = [_query(2000, "twin"), _query(2000, "twin"), _query(2000, "twin"),
              _query(2000, "other"), _query(3000, "twin")]
    kept, dropped = reload.fresh(loaded)
    assert dropped == 2
    assert [e.data["domain"] for e in kept] == ["twin", "other", "twin"]
    assert {e.origin for e in kept} == {"backfill"}


def test_a_malformed_saved_time_is_ignored() -> None:
    for state in ({"newest_time": "soon"}, {"newest_time": float("nan")},
                  {"newest_time": True}, {"newest_time": -1}):
        newest = _newest()
        newest.restore(state)
        assert newest.time is None and newest.reload() is None


def test_the_newest_time_of_a_batch_of_columns_is_read_without_building_the_batch() -> None:
    from logtui.core.batch import EntryBatch
    from logtui.core.newest import NewestSeen

    texts = [f'{{"id":{n},"tsMs":{1_700_000_000_000 + n // 2}}}' for n in range(6)]
    batch = EntryBatch(texts, [str(n) for n in range(6)], [str(n) for n in range(6)])
    newest = NewestSeen(None)
    assert newest.note(batch)
    assert newest.time == 1_700_000_000.002
    assert batch.untouched  # the headless path still writes the texts as they are
