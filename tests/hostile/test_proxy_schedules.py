"""proxy-logs against a hostile server, one fault at a time: each schedule here is the minimal
reproduction of one way a server written from the docs can treat a client."""

from __future__ import annotations

import pytest

from tests.hostile.faults import Fault, Kind, RetryAfter, Style
from tests.hostile.harness import play, problems
from tests.hostile.proxy_peer import ProxyPeer

SCHEDULES: dict[str, list[Fault]] = {
    "cut-mid-frame": [Fault(Kind.CUT, after=5, offset=9)],
    "cut-inside-id-line": [Fault(Kind.CUT, after=3, offset=3)],
    "tcp-reset": [Fault(Kind.TCP_RESET, after=4)],
    "stall-past-idle-timeout": [Fault(Kind.STALL, after=3, seconds=1.0)],
    "503-retry-after-1": [Fault(Kind.STATUS, status=503, retry_after=RetryAfter.ONE)],
    "429-retry-after-0": [Fault(Kind.STATUS, status=429, retry_after=RetryAfter.ZERO)],
    "429-retry-after-date-past": [Fault(Kind.STATUS, status=429,
                                        retry_after=RetryAfter.DATE_PAST)],
    "429-retry-after-date-future": [Fault(Kind.STATUS, status=429,
                                          retry_after=RetryAfter.DATE_FUTURE)],
    "503-retry-after-garbage": [Fault(Kind.STATUS, status=503, retry_after=RetryAfter.GARBAGE)],
    "retry-field-0": [Fault(Kind.PLAIN, after=3, style=Style(retry_ms=0))],
    "reset-event": [Fault(Kind.RESET_EVENT, after=4)],
    "crash-ringseq-lower": [Fault(Kind.RESTART, after=4)],
    "crash-ids-lower": [Fault(Kind.RESTART, after=4, ids_lower=True)],
    "unknown-event-name": [Fault(Kind.UNKNOWN_EVENT, after=3)],
    "unknown-event-name-hostile": [Fault(Kind.UNKNOWN_EVENT, after=3,
                                         style=Style(hostile_text=True))],
    "crlf": [Fault(Kind.CUT, after=4, offset=11, style=Style(line_ending="\r\n"))],
    "cr-only": [Fault(Kind.CUT, after=4, offset=11, style=Style(line_ending="\r"))],
    "ids-with-spaces-and-tabs": [Fault(Kind.CUT, after=4, offset=5, style=Style(id_padding=True))],
    "gzip-stream": [Fault(Kind.CUT, after=4, offset=20, style=Style(gzip=True))],
    "no-heartbeats-then-cut": [Fault(Kind.CUT, after=4, offset=2, style=Style(heartbeats=False))],
}


@pytest.mark.parametrize("name", list(SCHEDULES))
async def test_every_committed_entry_arrives_once_in_order_or_as_a_named_gap(name: str) -> None:
    async with ProxyPeer(SCHEDULES[name]) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


async def test_ring_overflow_during_an_outage_is_caught_up_from_the_log_store() -> None:
    """A ring of 5 and a 1 s outage: the replay cannot cover it, ``afterId`` must."""
    schedule = [Fault(Kind.CUT, after=3, offset=4),
                Fault(Kind.STATUS, status=503, retry_after=RetryAfter.ONE)]
    async with ProxyPeer(schedule, ring_size=5) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


async def test_slow_gzip_log_store_pages_capped_below_the_asked_limit_are_followed() -> None:
    """``/_logs`` pages capped at 7 entries, gzip, 0.2 s each, after a 1 s outage."""
    schedule = [Fault(Kind.CUT, after=3, offset=4),
                Fault(Kind.STATUS, status=503, retry_after=RetryAfter.ONE)]
    async with ProxyPeer(schedule, ring_size=5, page_cap=7, logs_delay=0.2,
                         logs_gzip=True) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


async def test_hostile_entry_text_never_reaches_stderr_raw() -> None:
    schedule = [Fault(Kind.UNKNOWN_EVENT, after=2, style=Style(hostile_text=True)),
                Fault(Kind.STATUS, status=429, retry_after=RetryAfter.GARBAGE)]
    async with ProxyPeer(schedule, hostile_entries=True) as peer:
        outcome = await play(peer)
    assert [p for p in problems(outcome) if "control" in p] == []


async def test_history_asks_for_every_entry_it_wants_despite_the_default_limit() -> None:
    """``last=500`` alone gets at most 200 (``limit`` defaults to 200, as documented)."""
    async with ProxyPeer() as peer:
        peer.commit(600)
        outcome = await play(peer, min_entries=0, history=500, min_delivered=500)
    assert len(outcome.delivered) == 500, f"{len(outcome.delivered)} entries for history 500"


async def test_scope_destroyed_ends_the_run_without_another_connection() -> None:
    async with ProxyPeer([Fault(Kind.SCOPE_DESTROYED, after=3)]) as peer:
        outcome = await play(peer)
    assert outcome.state == "ended"
    assert outcome.attempts == 1


@pytest.mark.parametrize("name", ["cut-mid-frame", "crash-ringseq-lower", "reset-event"])
async def test_server_side_filters_hold_on_the_stream_and_in_the_backfill(name: str) -> None:
    """``level=error`` on the stream and on ``/_logs``: only error entries, none missing."""
    async with ProxyPeer(SCHEDULES[name], ring_size=5) as peer:
        outcome = await play(peer, filters={"level": "error"})
    assert problems(outcome) == []
    assert all(ident % 4 == 3 for _, ident in outcome.delivered)
