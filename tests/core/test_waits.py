"""A wait is put into words with its cause, its end on the wall clock and any cap."""

from __future__ import annotations

import time

import pytest

from logtui.core.waits import capped_note, clock_time, in_seconds, span, wait_message

NOW = 1_718_201_300.0


def test_a_wait_says_its_cause_and_when_it_ends() -> None:
    message = wait_message("rate limited by the server", NOW + 42, 42)
    expected = time.strftime("%H:%M:%S", time.localtime(NOW + 42))
    assert message == f"rate limited by the server; retrying at {expected} (in 42 s)"
    assert clock_time(NOW + 42) == expected


@pytest.mark.parametrize(
    ("seconds", "said"), [(0.44, "0.4 s"), (9.96, "10.0 s"), (42.4, "42 s"), (-1, "0.0 s")]
)
def test_seconds_are_precise_only_where_it_matters(seconds: float, said: str) -> None:
    assert in_seconds(seconds) == said


@pytest.mark.parametrize(
    ("seconds", "said"), [(3600, "1 h"), (7200, "2 h"), (1800, "30 min"), (45, "45 s"),
                          (90, "90 s")]
)
def test_a_maximum_is_said_in_its_largest_round_unit(seconds: float, said: str) -> None:
    assert span(seconds) == said


def test_a_capped_wait_says_what_the_server_asked_for() -> None:
    assert capped_note(86400, 3600) == "the server asked for 86400 s; waiting the 1 h maximum"
