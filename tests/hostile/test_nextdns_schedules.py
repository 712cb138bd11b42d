"""NextDNS logs against a hostile server, one fault at a time (each a minimal reproduction)."""

from __future__ import annotations

import pytest

from tests.hostile.faults import Fault, Kind, RetryAfter, Style
from tests.hostile.harness import play, problems
from tests.hostile.nextdns_peer import NextDNSPeer

SCHEDULES: dict[str, list[Fault]] = {
    "cut-mid-frame": [Fault(Kind.CUT, after=5, offset=9)],
    "tcp-reset": [Fault(Kind.TCP_RESET, after=4)],
    "stall-past-idle-timeout": [Fault(Kind.STALL, after=3, seconds=1.0)],
    "429-retry-after-0": [Fault(Kind.STATUS, status=429, retry_after=RetryAfter.ZERO)],
    "503-retry-after-date-future": [Fault(Kind.STATUS, status=503,
                                          retry_after=RetryAfter.DATE_FUTURE)],
    "retry-field-0": [Fault(Kind.PLAIN, after=3, style=Style(retry_ms=0))],
    "crlf-gzip": [Fault(Kind.CUT, after=4, offset=30, style=Style(line_ending="\r\n",
                                                                  gzip=True))],
    "cr-only": [Fault(Kind.CUT, after=4, offset=11, style=Style(line_ending="\r"))],
    "ids-with-spaces-and-tabs": [Fault(Kind.CUT, after=4, offset=5, style=Style(id_padding=True))],
    "unknown-event-name": [Fault(Kind.UNKNOWN_EVENT, after=3, style=Style(hostile_text=True))],
}


@pytest.mark.parametrize("name", list(SCHEDULES))
async def test_every_streamed_query_arrives_once_in_order_or_as_a_named_gap(name: str) -> None:
    async with NextDNSPeer(SCHEDULES[name]) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


@pytest.mark.parametrize("as_400", [False, True], ids=["event-error", "http-400"])
async def test_a_resume_id_the_server_forgot_is_reported_and_the_stream_goes_on(
    as_400: bool,
) -> None:
    """The server refuses the ``?id=`` after a cut: entries it held meanwhile are a gap."""
    schedule = [Fault(Kind.CUT, after=4, offset=7),
                Fault(Kind.BAD_RESUME, bad_resume_as_400=as_400)]
    async with NextDNSPeer(schedule) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


@pytest.mark.parametrize("as_400", [False, True], ids=["event-error", "http-400"])
async def test_a_resume_id_that_fell_out_of_the_buffer_is_given_up_with_a_gap_notice(
    as_400: bool,
) -> None:
    """A buffer of 5 and a 1 s outage: the server will never know the ``?id=`` again."""
    schedule = [Fault(Kind.CUT, after=4, offset=7),
                Fault(Kind.STATUS, status=503, retry_after=RetryAfter.ONE)]
    async with NextDNSPeer(schedule, buffer=5, unknown_id_as_400=as_400) as peer:
        outcome = await play(peer)
    assert problems(outcome) == []


async def test_history_stitches_to_the_stream_at_meta_stream_id() -> None:
    """``/logs`` newest first over several cursor pages, then ``?id=`` from ``meta.stream.id``:
    the history's oldest-first order runs straight into the stream's entries."""
    async with NextDNSPeer() as peer:
        peer.commit(250)
        outcome = await play(peer, min_entries=30, history=120)
    seqs = [ident for _, ident in outcome.delivered]
    assert seqs == list(range(130, 250 + len(outcome.committed))), seqs[:5]
    assert problems(outcome) == []


async def test_hostile_query_names_never_reach_stderr_raw() -> None:
    schedule = [Fault(Kind.UNKNOWN_EVENT, after=2, style=Style(hostile_text=True)),
                Fault(Kind.STATUS, status=503, retry_after=RetryAfter.GARBAGE)]
    async with NextDNSPeer(schedule, hostile_entries=True) as peer:
        outcome = await play(peer)
    assert [p for p in problems(outcome) if "control" in p] == []
