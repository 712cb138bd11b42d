"""``--since`` as people type it: durations ago, times of day in a zone, ISO times; anything
else one line naming what to write instead."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logtui.core.errors import ConfigError
from logtui.core.history import parse_since

NOW = dt.datetime(2024, 6, 12, 15, 30, 0, tzinfo=dt.UTC).timestamp()
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@given(amount=st.integers(min_value=0, max_value=2_000), unit=st.sampled_from(sorted(UNITS)),
       minus=st.booleans())
def test_a_duration_is_that_long_before_now_with_or_without_its_minus(
    amount: int, unit: str, minus: bool
) -> None:
    text = f"{'-' if minus else ''}{amount}{unit}"
    assert parse_since(text, NOW, "utc") == NOW - amount * UNITS[unit]
    assert parse_since(text, NOW, "local") == NOW - amount * UNITS[unit]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00", dt.datetime(2024, 6, 12, 14, 0, tzinfo=dt.UTC)),
        ("14:00:30", dt.datetime(2024, 6, 12, 14, 0, 30, tzinfo=dt.UTC)),
        ("15:45", dt.datetime(2024, 6, 11, 15, 45, tzinfo=dt.UTC)),  # still to come: yesterday
        ("2024-06-12T09:00:00Z", dt.datetime(2024, 6, 12, 9, 0, tzinfo=dt.UTC)),
        ("2024-06-12T09:00:00+02:00", dt.datetime(2024, 6, 12, 7, 0, tzinfo=dt.UTC)),
        ("2024-06-12T09:00", dt.datetime(2024, 6, 12, 9, 0, tzinfo=dt.UTC)),  # in the zone
        ("2024-06-11", dt.datetime(2024, 6, 11, tzinfo=dt.UTC)),
        ("90s", dt.datetime(2024, 6, 12, 15, 28, 30, tzinfo=dt.UTC)),
    ],
)
def test_times_are_read_in_the_zone_given(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, NOW, "utc") == expected.timestamp()


def test_a_time_of_day_without_an_offset_is_local_time_in_the_local_zone() -> None:
    local = dt.datetime.fromtimestamp(NOW).astimezone()
    earlier = (local - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    assert parse_since(earlier.strftime("%H:%M"), NOW, "local") == earlier.timestamp()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "needs a value"),
        ("soon", "not a duration"),
        ("+5m", "not a duration"),
        ("5 minutes", "not a duration"),
        ("25:00", "not a time of day"),
        ("14:61", "not a time of day"),
        ("2030-01-01T00:00Z", "in the future"),
        ("99999999w", "too far back"),
        ("\x1b[31mred", "not a duration"),
    ],
)
def test_anything_else_is_one_line_naming_what_to_write(text: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_since(text, NOW, "utc")
    message = str(raised.value)
    assert says in message
    assert "\n" not in message and "\x1b" not in message
    assert message.startswith("--since")
