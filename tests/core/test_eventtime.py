"""Reading event time from wire data: every unit and format the APIs use, and never a raise."""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.eventtime import (
    TIME_KEYS,
    day_start,
    entry_seconds,
    epoch_seconds,
    event_seconds,
    field_seconds,
    file_stamp,
    format_clock,
    time_text,
    wall_clock,
)
from logtui.core.models import Entry

SECONDS = 1718201234.0
"""2024-06-12 14:07:14 UTC."""


def _entry(data: dict[str, Any], *, received_at: float = 0.0) -> Entry:
    return Entry(raw=json.dumps(data, default=str), data=data, received_at=received_at)


@pytest.mark.parametrize(
    "value",
    [
        1718201234,
        1718201234.0,
        1718201234000,
        1718201234000000,
        1718201234000000000,
        "1718201234",
        "1718201234000",
        " 1718201234000000 ",
        "1718201234000000000",
        "2024-06-12T14:07:14Z",
        "2024-06-12T14:07:14z",
        "2024-06-12T14:07:14.000Z",
        "2024-06-12T14:07:14.000000000Z",
        "2024-06-12T16:07:14+02:00",
        "2024-06-12T14:07:14",
        "2024-06-12 14:07:14+00:00",
    ],
)
def test_seconds_ms_us_ns_and_iso_text_all_read_as_the_same_moment(value: Any) -> None:
    assert epoch_seconds(value) == pytest.approx(SECONDS)


@pytest.mark.parametrize(
    "value",
    [
        None, True, False, math.nan, math.inf, -math.inf, -1, -1718201234000, 10**400,
        1e300, 3e20, "soon", "", "nan", "inf", "-5", "99999-01-01T00:00:00Z",
        "2024-13-01T00:00:00Z", "x" * 1000, "1" * 70, [], {}, [1718201234], {"ms": 1},
    ],
)
def test_anything_else_is_not_a_time(value: Any) -> None:
    assert epoch_seconds(value) is None


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=8,
    )
)
@settings(max_examples=300, deadline=None)
def test_reading_any_json_value_never_raises(value: Any) -> None:
    seconds = epoch_seconds(value)
    assert seconds is None or 0 <= seconds < 253_402_300_800
    for key in TIME_KEYS:
        entry = _entry({key: value, "traceId": "t"}, received_at=SECONDS)
        assert isinstance(time_text(entry), str)
        assert entry_seconds(entry) is not None


@given(st.text(max_size=80) | st.integers() | st.floats())
def test_any_scalar_as_a_timestamp_field_shows_as_text(value: Any) -> None:
    assert isinstance(time_text(_entry({"timestamp": value})), str)


def test_each_api_field_is_read() -> None:
    assert entry_seconds(_entry({"tsMs": 1718201234000})) == SECONDS
    assert entry_seconds(_entry({"tsIso": "2024-06-12T14:07:14.000Z"})) == SECONDS
    assert entry_seconds(_entry({"timestamp": "2024-06-12T14:07:14.000Z"})) == SECONDS
    assert entry_seconds(_entry({"EdgeStartTimestamp": 1718201234000000000})) == SECONDS
    assert entry_seconds(_entry({"EdgeStartTimestamp": "2024-06-12T14:07:14Z"})) == SECONDS
    for key in ("@timestamp", "time", "ts"):
        assert entry_seconds(_entry({key: SECONDS})) == SECONDS


def test_an_unreadable_field_gives_way_to_a_readable_one_then_to_arrival() -> None:
    assert entry_seconds(_entry({"tsMs": "later", "tsIso": "2024-06-12T14:07:14Z"})) == SECONDS
    assert entry_seconds(_entry({"timestamp": math.nan}, received_at=5.0)) == 5.0
    assert entry_seconds(_entry({})) is None


def test_the_time_column_shows_a_clock_or_the_raw_text_it_could_not_read() -> None:
    assert time_text(_entry({"timestamp": 1718201234123456})) == "14:07:14.123"
    assert time_text(_entry({"timestamp": "99999-01-01T00:00:00Z"})) == "99999-01-01T00:00:00Z"
    assert time_text(_entry({"timestamp": math.nan})) == "nan"
    assert time_text(_entry({"timestamp": True})) == "true"
    assert time_text(_entry({"timestamp": -5})) == "-5"
    assert time_text(_entry({"timestamp": {"s": 1}})) == "{…}"
    assert time_text(_entry({"time": "x" * 500})) == "x" * 64
    assert time_text(_entry({}, received_at=SECONDS)) == "14:07:14.000"


def test_format_clock_shows_an_impossible_time_as_its_number() -> None:
    assert format_clock(SECONDS) == "14:07:14.000"
    assert format_clock(1718201234000000.0) == "1.7182e+15"
    assert format_clock(math.inf) == "inf"
    assert format_clock(-1.0) == "-1"


def test_times_are_formatted_in_the_zone_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Etc/GMT+5")  # five hours west of UTC
    time.tzset()
    try:
        moment = 1_718_201_300.25  # 2024-06-12 14:08:20.250 UTC
        assert format_clock(moment) == "14:08:20.250"
        assert format_clock(moment, "local") == "09:08:20.250"
        assert wall_clock(moment, "local") == "09:08:20"
        assert file_stamp(moment, "utc") == "20240612-140820Z"
        assert file_stamp(moment, "local") == "20240612-090820"
        assert day_start(moment, "utc") == 1_718_150_400.0  # 2024-06-12 00:00 UTC
        assert day_start(moment, "local") == 1_718_150_400.0 + 5 * 3600
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("key", ["timeUnixNano", "observedTimeUnixNano"])
@pytest.mark.parametrize("value", ["1718201234000000000", 1718201234000000000])
def test_opentelemetry_nanosecond_times_are_read_as_text_or_number(key: str, value: Any) -> None:
    assert entry_seconds(_entry({key: value, "body": "hi"})) == SECONDS
    assert time_text(_entry({key: value})) == "14:07:14.000"


@pytest.mark.parametrize("zero", ["0", 0, " 0 "])
def test_an_opentelemetry_zero_time_is_no_time_and_gives_way_to_the_observed_time(
    zero: Any,
) -> None:
    observed = {"timeUnixNano": zero, "observedTimeUnixNano": "1718201234000000000"}
    assert entry_seconds(_entry(observed)) == SECONDS
    assert time_text(_entry(observed)) == "14:07:14.000"
    unknown = {"timeUnixNano": zero, "observedTimeUnixNano": zero}
    assert entry_seconds(_entry(unknown, received_at=5.0)) == 5.0
    assert entry_seconds(_entry(unknown)) is None
    assert time_text(_entry(unknown, received_at=SECONDS)) == "14:07:14.000"


def test_zero_still_means_the_epoch_in_fields_that_are_not_opentelemetry() -> None:
    assert entry_seconds(_entry({"time": 0}, received_at=5.0)) == 0.0


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(TIME_KEYS),
    value=st.one_of(
        st.integers(min_value=10**11 - 10, max_value=10**14 + 10),
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.none(),
        st.text(max_size=20),
    ),
    later=st.one_of(st.none(), st.integers(min_value=0, max_value=10**18)),
)
def test_the_short_path_for_whole_milliseconds_reads_what_each_field_reads(
    key: str, value: Any, later: Any
) -> None:
    # The merge and the stats read every entry's time; their short path must change nothing.
    data = {key: value, TIME_KEYS[-1]: later}
    expected = next(
        (s for k in TIME_KEYS if (s := field_seconds(k, data.get(k))) is not None), None
    )
    assert event_seconds(data) == expected
