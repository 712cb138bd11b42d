"""Field lookup: aliases, case-insensitive known names, dotted paths and pseudo-fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from logtui.core.fields import FieldResolver, epoch_seconds
from logtui.core.models import Entry, SourceKind


def _entry(data: dict[str, Any], *, received_at: float = 0.0) -> Entry:
    return Entry(raw=json.dumps(data), data=data, received_at=received_at)


PROXY = FieldResolver.for_kind(SourceKind.PROXY)
NEXTDNS = FieldResolver.for_kind(SourceKind.NEXTDNS)
INSTANT = FieldResolver.for_kind(SourceKind.INSTANT_LOGS)
SSE = FieldResolver.for_kind(SourceKind.SSE)


def test_aliases_and_known_names_resolve_in_any_case() -> None:
    assert PROXY.canonical("project") == "projectId"
    assert PROXY.canonical("PROJECTID") == "projectId"
    assert PROXY.canonical("traceid") == "traceId"
    assert INSTANT.canonical("edgeresponsestatus") == "EdgeResponseStatus"
    assert INSTANT.canonical("country") == "ClientCountry"
    assert NEXTDNS.canonical("reason") == "reasons"
    assert SSE.canonical("Whatever.Path") == "Whatever.Path"


def test_dotted_paths_walk_nested_objects_and_expand_a_leading_alias() -> None:
    entry = _entry({"device": {"id": "8TD1G", "name": "Phone"}, "data": {"durationMs": 102}})
    assert NEXTDNS.get(entry, "device.name") == "Phone"
    assert PROXY.get(entry, "data.durationMs") == 102
    assert PROXY.get(entry, "duration") == 102
    assert PROXY.get(entry, "data.durationMs.deeper") is None
    assert PROXY.get(entry, "missing") is None
    deep = _entry({"a": {"b": {"c": {"d": 1}}}})
    assert SSE.get(deep, "a.b.c.d") == 1
    assert SSE.get(deep, "a.b.x.d") is None


def test_time_is_the_sources_timestamp_in_seconds() -> None:
    assert PROXY.time_of(_entry({"tsMs": 1718201234000})) == 1718201234.0
    assert PROXY.time_of(_entry({"tsIso": "2024-06-12T14:33:54.000Z"})) == 1718202834.0
    assert NEXTDNS.time_of(_entry({"timestamp": "2021-03-16T04:40:30.344Z"})) == pytest.approx(
        1615869630.344
    )
    nanos = _entry({"EdgeStartTimestamp": 1718201234000000000})
    assert INSTANT.time_of(nanos) == 1718201234.0
    assert SSE.time_of(_entry({"time": "2024-06-12T14:33:54Z"})) == 1718202834.0


def test_time_falls_back_to_when_the_entry_was_received() -> None:
    assert PROXY.time_of(_entry({}, received_at=1700000000.5)) == 1700000000.5
    assert PROXY.time_of(_entry({"tsMs": "not a time"})) is None


def test_msg_reads_a_text_entry_or_a_json_message() -> None:
    text = Entry(raw="disk full", data={"message": "disk full"}, is_json=False)
    assert SSE.get(text, "msg") == "disk full"
    assert SSE.get(_entry({"msg": "hello"}), "text") == "hello"
    assert SSE.get(_entry({"other": 1}), "msg") is None


def test_instant_logs_path_falls_back_to_the_uri_without_its_query() -> None:
    assert INSTANT.get(_entry({"ClientRequestURI": "/static/a.js?v=2"}), "path") == "/static/a.js"
    both = _entry({"ClientRequestPath": "/x", "ClientRequestURI": "/y"})
    assert INSTANT.get(both, "path") == "/x"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (1718201234, 1718201234.0),
        (1718201234000, 1718201234.0),
        (1718201234000000, 1718201234.0),
        ("1718201234000", 1718201234.0),
        ("2024-06-12T14:33:54+00:00", 1718202834.0),
        ("2024-06-12T14:33:54", 1718202834.0),
        (True, None),
        ("soon", None),
        (None, None),
        (10**400, None),
        ("x" * 1000, None),
    ],
)
def test_epoch_seconds_reads_numbers_by_magnitude_and_iso_text(value: Any, seconds: Any) -> None:
    assert epoch_seconds(value) == seconds
