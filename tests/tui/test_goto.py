"""Reading the time typed after ``T`` (go to a time), and finding its row."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from logtui.core.errors import ConfigError
from logtui.core.fields import FieldResolver
from logtui.tui.goto import first_at_or_after, goto_time

from .conftest import NOW
from .history_fakes import BASE_MS, log


@pytest.mark.parametrize(("text", "ago"), [
    ("-15m", 900.0), ("15m", 900.0), ("2h", 7200.0), ("14:00", 500.0),
    ("2024-06-12T14:00:00Z", 500.0), ("14:08:20", 0.0),
])
def test_goto_reads_the_times_since_takes(text: str, ago: float) -> None:
    assert goto_time(text, NOW, "utc") == NOW - ago


def test_a_time_of_day_still_to_come_is_yesterdays() -> None:
    # 23:00 is still to come at 14:08:20: the one of the day before, 15 h 8 min 20 s ago.
    assert goto_time("23:00", NOW, "utc") == NOW - (15 * 3600 + 8 * 60 + 20)


@pytest.mark.parametrize("text", ["soon", "1718201234", "14:99", "", "14:00 15:00"])
def test_what_is_not_a_time_is_one_line_saying_what_is_expected(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        goto_time(text, NOW, "utc")
    message = str(caught.value)
    assert message.startswith("goto") and "\n" not in message
    assert "14:00" in message or "HH:MM" in message  # what it expects


def test_the_first_row_at_or_after_a_time_is_found_among_equal_times() -> None:
    rows = [log(n + 1, BASE_MS + (n // 3) * 1000) for n in range(30)]
    time_of = FieldResolver.for_kind("proxy").time_of
    assert first_at_or_after(rows, BASE_MS / 1000 + 4, time_of) == 12
    assert first_at_or_after(rows, BASE_MS / 1000 + 4.5, time_of) == 15
    assert first_at_or_after(rows, BASE_MS / 1000 + 99, time_of) == 30


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local zone is Paris (UTC+2 in June)."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_without_a_zone_is_read_in_the_zone_shown(paris: None) -> None:
    assert goto_time("2024-06-12T14:00", NOW, "utc") == NOW - 500
    assert goto_time("2024-06-12T16:00", NOW, "local") == NOW - 500
    assert goto_time("16:00", NOW, "local") == NOW - 500
    assert goto_time("14:00", NOW, "utc") == NOW - 500
