"""The demo server's settings, in one frozen value that tests and the command line both build."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
"""Wall-clock seconds since the epoch; injected so generated timestamps are reproducible."""

RING_SIZE = 5_000
"""Entries kept for SSE replay on the proxy-logs stream, as the API document states."""


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """How a :class:`~logtui.demo.DemoServer` behaves: where it listens, what it generates.

    The defaults make a quiet server for tests: no background traffic (``rate=0``), a short
    history, the documented 15 s heartbeat. ``logtui demo-server`` overrides them from flags.
    """

    seed: int = 1
    """Seeds every random choice; the same seed (and clock) gives the same entries."""
    rate: float = 0.0
    """Entries generated per second for each API by a background task; 0 means only on
    :meth:`~logtui.demo.DemoServer.emit`."""
    token: str = "demo-token"  # noqa: S105 (a public demo credential)
    """The proxy-logs Bearer token the server accepts."""
    api_key: str = "demo-key"
    """The NextDNS ``X-Api-Key`` the server accepts."""
    heartbeat: float = 15.0
    """Seconds without a byte before an SSE stream sends a ``:`` heartbeat."""
    faults: str = ""
    """A ``--faults`` specification applied to connections that no test script covers."""
    fault_endpoints: frozenset[str] = frozenset()
    """The endpoints (:class:`~logtui.demo.faults.Endpoint` names) ``faults`` applies to;
    empty: all of them (``logtui demo --source all`` faults the proxy-logs ones only)."""
    nextdns_modes: str = ""
    """A ``--nextdns-modes`` specification (see :mod:`logtui.demo.nextdns_modes`); empty is
    the documented behaviour."""
    history: int = 200
    """Entries generated for each API before the server starts, so history has content."""
    history_seconds: float = 0.0
    """How far back those entries reach (spread evenly up to now); 0: as far as ``rate``
    spaces them (``logtui demo --since`` asks for enough to cover its time)."""
    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free ephemeral port."""
    clock: Clock = field(default=time.time)
    """Source of entry timestamps."""
    retention: int = 200_000
    """At most this many entries per API are kept for ``/_logs``, ``/logs`` and ``entries()``;
    older ones are dropped, as a real server's retention would."""
    auth_email: str = "demo@example.com"
    """The ``X-Auth-Email`` accepted (with ``api_key`` as ``X-Auth-Key``) by the Instant Logs
    job API; ``token`` is accepted there as a Bearer token too."""
    session_max: float = 3600.0
    """Instant Logs: a WebSocket session ends after this many seconds (60 minutes)."""
    session_idle: float = 300.0
    """Instant Logs: a job whose socket is not read for this long is ended (5 minutes)."""
    session_renew_window: float = 300.0
    """Instant Logs: in its last this-many seconds a session no longer blocks a new job for
    its zone, so a client can renew with an overlap instead of a gap."""
    instant_logs_rate_cap: float = 1000.0
    """Instant Logs: above this many records per second a session samples server-side and
    reports the factor as ``sampleInterval``."""
    proxy_modes: frozenset[str] = frozenset()
    """proxy-logs: other documented setups switched on (:mod:`.proxy_modes`); empty means the
    admin port with scoped JSON reads."""
    fanout_snapshot_ttl: float = 30.0
    """proxy-logs ``admin-fanout``: seconds a read's snapshot (and so its cursor) stays valid."""
    instant_modes: frozenset[str] = frozenset()
    """Instant Logs: behaviours of the real service switched on (:mod:`.instant_modes`);
    empty means as documented."""


@dataclass(frozen=True, slots=True)
class DemoTarget:
    """What ``logtui demo --source API`` watches: an API's demo module says (``demo_target``)."""

    url: str
    secret: str | None
    history: int = 0
    options: dict[str, object] = field(default_factory=dict)
    """Settings only that API's source has (Instant Logs: ``fields``)."""
