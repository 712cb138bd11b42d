"""Reconnect delays grow, jitter more as failures go on, stay capped, honour the server without
letting it shorten them, and start over after a healthy stream."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logtui.core.backoff import FIRST_JITTER, Backoff, parse_retry_after

NOW = 1_700_000_000.0


def delays(backoff: Backoff, count: int) -> list[float]:
    return [backoff.next_delay() for _ in range(count)]


def test_delays_double_from_the_initial_delay_up_to_the_cap() -> None:
    backoff = Backoff(initial=0.5, cap=30.0, rng=random.Random(1))
    got = delays(backoff, 200)
    assert 0.5 <= got[0] <= 0.5 * (1 + FIRST_JITTER)
    for n, delay in enumerate(got[1:7], start=1):
        assert 0.5 * 2 ** (n - 1) <= delay <= 0.5 * 2**n
    assert all(15.0 <= d <= 30.0 for d in got[7:])
    assert backoff.attempts == 200


def test_delays_are_jittered_so_clients_do_not_reconnect_in_step() -> None:
    firsts = {Backoff(rng=random.Random(seed)).next_delay() for seed in range(20)}
    assert len(firsts) == 20


def test_reset_after_a_good_event_starts_over_from_the_base() -> None:
    backoff = Backoff(initial=1.0, cap=60.0, rng=random.Random(3))
    delays(backoff, 20)
    backoff.reset()
    assert backoff.attempts == 0
    assert 1.0 <= backoff.next_delay() <= 1.0 * (1 + FIRST_JITTER)


@pytest.mark.parametrize("seed", range(20))
def test_the_first_delay_is_the_base_and_jitter_grows_only_with_failures(seed: int) -> None:
    backoff = Backoff(initial=2.0, cap=60.0, rng=random.Random(seed))
    first, second, third = delays(backoff, 3)
    assert 2.0 <= first <= 2.2
    assert 2.0 <= second <= 4.0
    assert 4.0 <= third <= 8.0


def test_a_server_retry_is_the_first_delay_within_ten_percent() -> None:
    for seed in range(20):
        backoff = Backoff(initial=0.5, cap=30.0, rng=random.Random(seed))
        backoff.set_server_retry(3000)
        assert 3.0 <= backoff.next_delay() <= 3.3


def test_server_retry_becomes_the_base_and_survives_reset() -> None:
    backoff = Backoff(initial=0.5, cap=30.0, rng=random.Random(5))
    backoff.set_server_retry(4000)
    backoff.reset()
    assert backoff.base == 4.0
    assert all(d >= 4.0 for d in delays(backoff, 30))


def test_server_retry_above_the_cap_is_still_honoured() -> None:
    backoff = Backoff(initial=0.5, cap=30.0, rng=random.Random(9))
    backoff.set_server_retry(120_000)
    assert delays(backoff, 5) == [120.0] * 5


def test_server_retry_of_zero_cannot_shorten_the_delays() -> None:
    backoff = Backoff(initial=0.5, rng=random.Random(2))
    backoff.set_server_retry(0)
    backoff.reset()
    got = delays(backoff, 15)
    assert backoff.base == 0.5
    assert min(got) >= 0.5
    assert got[-1] >= 15.0


def test_backoff_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="positive"):
        Backoff(initial=0)
    with pytest.raises(ValueError, match="cap"):
        Backoff(initial=5, cap=1)


@given(seed=st.integers(), steps=st.lists(st.sampled_from(["next", "reset", "retry"]), max_size=50))
def test_every_delay_stays_between_base_and_cap(seed: int, steps: list[str]) -> None:
    rng = random.Random(seed)
    backoff = Backoff(initial=0.25, cap=20.0, rng=rng)
    for step in steps:
        if step == "next":
            delay = backoff.next_delay()
            assert backoff.base <= delay <= max(20.0, backoff.base)
        elif step == "reset":
            backoff.reset()
        else:
            backoff.set_server_retry(rng.randrange(0, 60_000))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("  7 ", 7.0),
        ("007", 7.0),
        ("99999999999999999999", 1e9),
        ("86400", 86400.0),
        ("", None),
        ("   ", None),
        (None, None),
        ("1.5", None),
        ("-5", None),
        ("+5", None),
        ("\u0663", None),
        ("soon", None),
        ("Wed, 32 Oct 2015 07:28:00 GMT", None),
    ],
)
def test_retry_after_delta_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_http_date_is_seconds_from_now() -> None:
    date = format_datetime(datetime.fromtimestamp(NOW + 90, UTC), usegmt=True)
    assert parse_retry_after(date, now=NOW) == 90.0


def test_retry_after_obsolete_date_forms_are_read_as_gmt() -> None:
    target = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC).timestamp()
    assert parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now=target - 30) == 30.0
    assert parse_retry_after("Sun Nov  6 08:49:37 1994", now=target - 30) == 30.0


def test_retry_after_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=NOW) == 0.0
