"""De-duplication memory across its amortised trim (the batch that arrives as the oldest keys
are forgotten must still be remembered, or a replay of it is handed on twice), and the
counters it feeds, exact whenever they are read."""

from __future__ import annotations

from logtui.core.dedupe import RecentKeys
from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, Entry
from logtui.core.sources.base import Chunk
from logtui.core.sources.proxy import ProxySource


def keyed(*keys: int) -> Chunk:
    return Chunk(entries=[Entry(raw=f'{{"id":{k}}}', data={"id": k}, event_id=str(k),
                                key=str(k)) for k in keys])


def test_keys_of_the_batch_that_triggers_a_trim_are_still_duplicates_later() -> None:
    sink = CollectingSink()
    source = ProxySource(secret=None, url="http://127.0.0.1:9", headers={}, filters={})
    engine = Engine(source, sink)
    engine._seen = RecentKeys(capacity=2)
    engine._handle(keyed(1, 2, 3, 4, 5))
    engine._handle(keyed(6, 7))  # arrives as the memory is trimmed to its newest keys
    engine._handle(keyed(7, 6, 8))  # a replay overlapping it

    assert [entry.key for entry in sink.entries] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert engine.status.duplicates == 2


def test_counters_are_exact_between_status_publications() -> None:
    """Counters change every chunk but are published at most once a second; reading
    ``engine.status`` in between still gives exact figures, and the next publication too."""
    now = [1000.0]
    sink = CollectingSink()
    source = ProxySource(secret=None, url="http://127.0.0.1:9", headers={}, filters={})
    engine = Engine(source, sink, clock=lambda: now[0])
    engine._handle(keyed(1, 2))  # the first chunk publishes (none was published before)
    published = len(sink.statuses)
    engine._handle(keyed(3, 4, 5))
    engine._handle(keyed(5, 6))
    assert len(sink.statuses) == published
    assert (engine.status.received, engine.status.duplicates) == (6, 1)
    now[0] += 2
    engine._handle(keyed(7))
    assert (sink.statuses[-1].received, sink.statuses[-1].duplicates) == (7, 1)
    assert engine.status == sink.statuses[-1]


def test_a_trim_keeps_the_newest_keys_in_the_same_set_and_list() -> None:
    """In place: fresh containers of 50,000 keys would be young objects every garbage
    collection pass walks whole while a stream runs."""
    seen = RecentKeys(capacity=3)
    keys, order = seen.keys, seen.order
    for key in "abcdefg":
        assert seen.add(key)
    assert (seen.keys, seen.order) == ({"e", "f", "g"}, ["e", "f", "g"])
    assert seen.keys is keys and seen.order is order
    assert not seen.add("f") and seen.add("a")
