"""Packing what a source parsed: an entry whose ``data`` is still the object its source parsed
``raw`` into is packed without parsing ``raw`` again; any other entry is checked against its
``raw`` and kept as an object when they differ (its text would rebuild the wrong fields)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

import logtui.core.compact as compact
from logtui.core.compact import ABSENT, UNSURE, UNSURE_SPAN, Packer, unpack
from logtui.core.eventtime import epoch_seconds, event_seconds
from logtui.core.models import Entry
from logtui.core.sources.generic import GenericSSESource
from logtui.core.sources.proxy import ProxySource
from logtui.core.sources.sse_source import entry_from_text
from logtui.core.store import EntryStore

PAYLOADS = [
    '{"id":1,"level":"info","url":"/v1/users","data":{"durationMs":12}}',
    '{"id":2,"level":"error","message":"caf\\u00e9 \u2603","duration":1.5}',
    '{"id":3,"big":123456789012345678901234567890}',
]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the packer parses."""
    seen: list[str] = []
    real = compact.parse_json

    def counting(text: str | bytes) -> Any:
        seen.append(text if isinstance(text, str) else text.decode())
        return real(text)

    monkeypatch.setattr(compact, "parse_json", counting)
    return seen


def _decoded(payloads: list[str]) -> list[Entry]:
    source = ProxySource(secret=None, url="http://127.0.0.1:9", headers={}, filters={})
    chunk = source._decode([(str(n), text, "") for n, text in enumerate(payloads)])
    return list(chunk.entries)


def _rebuilt(packer: Packer, entry: Entry) -> Entry:
    payload, received, weight, flags, *_ = packer.pack(entry)
    assert isinstance(payload, bytes)
    return unpack(payload, received, weight, flags, packer.names)


def test_entries_the_stream_parsed_are_packed_without_parsing_their_text_again(
    parses: list[str],
) -> None:
    entries = _decoded(PAYLOADS)
    entries.append(entry_from_text(PAYLOADS[0], origin="history", event_id=None,
                                   key_field="id", allow_text=False) or entries[0])
    packer = Packer()
    batch = packer.pack_batch(entries)
    assert parses == []
    assert batch.kept == {}
    for entry in entries:
        assert _rebuilt(packer, entry) == entry


def test_an_entry_whose_data_was_changed_after_parsing_is_kept_as_an_object() -> None:
    changed = []
    for entry in _decoded(PAYLOADS[:2]):
        entry.data = {**entry.data, "level": "changed"}
        changed.append(entry)
    parsed = _decoded(PAYLOADS[:1])[0]
    changed.append(dataclasses.replace(parsed, data={"id": 1}))
    packer = Packer()
    batch = packer.pack_batch(changed)
    assert sorted(batch.kept) == [0, 1, 2]
    for entry in changed:
        assert packer.pack(entry)[0] is entry
        assert entry.parsed is None  # the object parsed before the change is let go
    store = EntryStore(100)
    store.extend(changed)
    for seq, entry in enumerate(changed):
        assert store.by_seq(seq).data == entry.data


def test_a_wrapped_value_or_text_from_the_stream_still_packs_exactly(parses: list[str]) -> None:
    source = GenericSSESource(url="http://127.0.0.1:9", headers={}, filters={})
    chunk = source._decode([("1", "[1, 2]", ""), ("2", "not json", ""), ("3", "{}", "")])
    packer = Packer()
    batch = packer.pack_batch(chunk.entries)
    assert parses == ["[1, 2]"]  # a wrapped value is checked against its text
    assert batch.kept == {}
    for entry in chunk.entries:
        assert _rebuilt(packer, entry) == entry


def test_the_parsed_object_is_not_part_of_an_entrys_equality_or_repr() -> None:
    entry = _decoded(PAYLOADS[:1])[0]
    assert entry.parsed is entry.data
    made = Entry(raw=entry.raw, data=json.loads(entry.raw), event_id="0", key="1")
    assert made == entry
    assert repr(made) == repr(entry)


@pytest.mark.parametrize("stamp", [
    "2024-06-12T14:07:14.123Z", "5138-11-16T09:46:39Z", "5138-11-16T09:46:40Z",
    "6000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", 99_999_999_999.5, 1e11, "soon",
])
def test_a_time_is_kept_in_its_column_only_where_it_reads_back_as_itself(stamp: Any) -> None:
    seconds = event_seconds({"time": stamp})
    expected = UNSURE if seconds is None or epoch_seconds(seconds) != seconds else seconds
    assert Packer._numbers({"time": stamp})[0] == expected


def test_a_batch_codes_each_value_as_packing_it_alone_does() -> None:
    values: list[Any] = [1, 1.0, True, "1", None, 200, "info", "x" * 65, {"a": 1}, [1], False,
                         0, 0.0, "", 2**70, 1.5, "info", 200, True]
    batches = [
        [{"level": value, "status": values[-1 - n]} for n, value in enumerate(values)],
        [{"level": "info", "status": status} for status in (200, 404, None, 200, 1)],
        [{"level": "info", "status": status} for status in (200, 1.0, True, 404, 500)],
        [{"level": text} for text in ("a", "b", None, "a", 1)],
        [{"level": text, "status": 200} for text in ("a", "b", "info")],
    ]
    alone, batched = Packer(), Packer()
    for datas in batches:
        entries = [Entry(raw=json.dumps(data), data=data) for data in datas]
        expected = [alone.pack(entry)[4] for entry in entries]
        batch = batched.pack_batch(entries)
        codes = [tuple(column[row] for column in batch.codes) for row in range(len(entries))]
        assert codes == expected
    assert batched.values == alone.values


def test_a_batch_packs_each_entry_as_packing_it_alone_does() -> None:
    datas: list[Any] = [
        {"time": 1718201234.5, "data": {"durationMs": 12}, "duration": 1.5, "url": "/v1/a"},
        {"tsMs": 1718201234015, "data": {"durationMs": 2**60}, "duration": "slow",
         "message": "caf\u00e9", "domain": None},
        {"data": None, "duration": None, "url": 5, "message": "x" * 70_000},
        {"data": [1], "timestamp": "6000-01-01T00:00:00Z", "domain": "a.example"},
        {"data": {"durationMs": float("inf")}, "duration": True},
        {},
    ]
    entries = [Entry(raw=json.dumps(data), data=data) for data in datas]
    entries.append(Entry(raw='{"url": "/kept"}', data={"url": "/changed"}))
    entries.append(Entry(raw="text", data={"message": "text"}, is_json=False))
    for chosen in (entries, entries[:1], entries[2:3], entries[-2:], []):
        alone, batched = Packer(), Packer()
        batch = batched.pack_batch(chosen)
        rows = [batch.row(index)[0] for index in range(len(chosen))]
        assert repr(rows) == repr([alone.pack(entry) for entry in chosen])
        for index in batch.kept:  # blank columns, as a filter expects of a kept row
            assert {column[index] for column in batch.codes} == {ABSENT}
            assert {column[index] for column in batch.numbers} == {UNSURE}
            assert {column[index] for column in batch.spans} == {UNSURE_SPAN}
