"""Fault schedules drawn at random from the whole space, against the invariant of
:func:`tests.hostile.harness.problems`.

By default a short, derandomised form (a few examples, no shrinking) keeps CI fast and its
results repeatable. ``LOGTUI_PROPERTY_MINUTES=30`` runs it for about that long with random
schedules and shrinks a failure to a minimal one (add ``--hypothesis-seed N`` to repeat a run).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.hostile.faults import Fault
from tests.hostile.harness import play, problems
from tests.hostile.nextdns_peer import NextDNSPeer
from tests.hostile.proxy_peer import ProxyPeer
from tests.hostile.strategies import schedules

SECONDS_PER_EXAMPLE = 4
"""A rough cost of one example, to turn minutes into a number of examples."""
_MINUTES = float(os.environ.get("LOGTUI_PROPERTY_MINUTES", "0") or 0)


def _settings() -> settings:
    common: dict[str, Any] = {
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow],
        "print_blob": True,
    }
    if _MINUTES > 0:
        # Half the time to each API's property.
        examples = max(1, int(_MINUTES * 60 / SECONDS_PER_EXAMPLE / 2))
        return settings(max_examples=examples, **common)
    return settings(max_examples=3, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], **common)


proxy_servers = st.fixed_dictionaries({
    "ring_size": st.sampled_from([3, 50, 5000]),
    # A page cap the client can outread: at 7 entries per 0.1 s page a backfill falls behind
    # the 100 entries/s committed, and only says so once its page bound is reached (20 s),
    # past the time a schedule may play.
    "page_cap": st.sampled_from([None, 25]),
    "logs_delay": st.sampled_from([0.0, 0.1]),
    "logs_gzip": st.booleans(),
    "hostile_entries": st.booleans(),
})
nextdns_servers = st.fixed_dictionaries({
    "buffer": st.sampled_from([5, 5000]),
    "unknown_id_as_400": st.booleans(),
    "hostile_entries": st.booleans(),
})


async def _run(peer: ProxyPeer | NextDNSPeer) -> list[str]:
    async with peer:
        return problems(await play(peer))


@_settings()
@given(schedule=schedules(proxy=True), server=proxy_servers)
def test_proxy_logs_delivers_every_committed_entry_whatever_the_server_does(
    schedule: list[Fault], server: dict[str, Any]
) -> None:
    found = asyncio.run(_run(ProxyPeer(schedule, **server)))
    assert found == [], f"schedule {[str(f) for f in schedule]} server {server}"


@_settings()
@given(schedule=schedules(proxy=False), server=nextdns_servers)
def test_nextdns_delivers_every_streamed_query_whatever_the_server_does(
    schedule: list[Fault], server: dict[str, Any]
) -> None:
    found = asyncio.run(_run(NextDNSPeer(schedule, **server)))
    assert found == [], f"schedule {[str(f) for f in schedule]} server {server}"
