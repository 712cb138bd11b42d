"""NextDNS refusals over a real socket: a bad key stops with what to fix; 429 (with or
without ``Retry-After``) and 524 (an upstream timeout) are waited out and retried."""

from __future__ import annotations

import pytest

from logtui.core.models import ConnectionState
from tests.engine.helpers import WaitingSink, run_until, states_in_order

from .conftest import demo, engine, source_config


@pytest.mark.parametrize("history", [10, 0], ids=["logs", "stream"])
async def test_a_rejected_key_exits_3_naming_where_the_key_is_set(history: int) -> None:
    with demo() as server:
        sink = WaitingSink()
        running = engine(source_config(server, key="wrong-key-123", history=history), sink)
        await run_until(running, sink, lambda s: ConnectionState.FAILED in s.states())
    error = running.error
    assert error is not None and error.exit_code == 3
    assert "403" in str(error) and "NEXTDNS_API_KEY" in str(error)
    assert "wrong-key-123" not in str(error)
    assert sink.states().count(ConnectionState.CONNECTING) == 1


@pytest.mark.parametrize(
    ("modes", "waiting"),
    [("429=2", ConnectionState.RATE_LIMITED), ("timeout=2", ConnectionState.RECONNECTING)],
    ids=["429-without-retry-after", "524-upstream-timeout"],
)
@pytest.mark.parametrize("history", [10, 0], ids=["logs", "stream"])
async def test_a_refusal_worth_retrying_is_backed_off_then_the_stream_goes_live(
    modes: str, waiting: ConnectionState, history: int
) -> None:
    with demo(modes) as server:
        server.emit(20, "nextdns")
        sink = WaitingSink()
        running = engine(source_config(server, history=history), sink)
        await run_until(running, sink, lambda s: ConnectionState.LIVE in s.states())
    states = sink.states()
    assert states_in_order(states, ConnectionState.CONNECTING, waiting,
                           ConnectionState.CONNECTING, waiting, ConnectionState.LIVE)
    assert ConnectionState.FAILED not in states
    assert len(sink.entries) == history
