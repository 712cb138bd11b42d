"""Everything one demo server knows, shared by its APIs: stores, generators, faults, clock.

The state is mutated only on the server's event loop thread; :class:`~logtui.demo.DemoServer`
hops there for calls made from other threads.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from logtui.demo.config import DemoConfig
from logtui.demo.dns_store import DnsStore
from logtui.demo.dns_traffic import DnsTraffic
from logtui.demo.fault_spec import FaultSpec
from logtui.demo.faults import Endpoint, FaultBook
from logtui.demo.http_traffic import HttpTraffic
from logtui.demo.nextdns_modes import NextDnsModes
from logtui.demo.proxy_store import ProxyStore
from logtui.demo.proxy_traffic import ProxyTraffic
from logtui.demo.record_store import RecordStore

Api = Literal["proxy", "nextdns", "instant-logs", "all"]
"""Which API's traffic an ``emit`` generates; ``all`` means each of them."""


class DemoState:
    """The shared, mutable heart of one demo server."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.faults = FaultBook(
            FaultSpec.parse(config.faults), seed=config.seed,
            only=frozenset(Endpoint(name) for name in config.fault_endpoints),
        )
        self.proxy = ProxyStore(retention=config.retention)
        self.dns = DnsStore(retention=config.retention)
        self.nextdns_modes = _nextdns_modes(config.nextdns_modes)
        """How the NextDNS API departs from its documented default (``--nextdns-modes``)."""
        self._proxy_traffic = ProxyTraffic(config.seed)
        self._dns_traffic = DnsTraffic(config.seed, unidentified=self.nextdns_modes.unidentified)
        self.records = RecordStore(retention=config.retention)
        """Instant Logs HTTP request records."""
        self._http_traffic = HttpTraffic(config.seed)
        self.stopping = asyncio.Event()
        """Set when the server shuts down; every open stream ends cleanly."""

    def now_ms(self) -> int:
        """The injected clock, in whole milliseconds."""
        return int(self.config.clock() * 1000)

    def emit(self, count: int, api: Api = "all", *, now_ms: int | None = None) -> None:
        """Generate ``count`` entries for ``api`` now (or at ``now_ms``) and wake streams."""
        stamp = self.now_ms() if now_ms is None else now_ms
        if api in ("proxy", "all"):
            for _ in range(count):
                self.proxy.append(self._proxy_traffic.next(stamp))
            self.proxy.wakers.wake_all()
        if api in ("nextdns", "all"):
            for _ in range(count):
                self.dns.append(self._dns_traffic.next(stamp), stamp)
            self.dns.wakers.wake_all()
        if api in ("instant-logs", "all"):
            for _ in range(count):
                self.records.append(self._http_traffic.next(stamp))
            self.records.wakers.wake_all()

    def prefill(self, count: int, spacing_ms: int) -> None:
        """Generate ``count`` entries per API stamped over the recent past, ``spacing_ms``
        apart, so history loading has something to load."""
        now = self.now_ms()
        for index in range(count):
            stamp = now - (count - index) * spacing_ms
            self.emit(1, "proxy", now_ms=stamp)
            self.emit(1, "nextdns", now_ms=stamp)

    def shutdown(self) -> None:
        """End every open stream."""
        self.stopping.set()
        self.proxy.wakers.wake_all()
        self.dns.wakers.wake_all()
        self.records.wakers.wake_all()


def _nextdns_modes(spec: str) -> NextDnsModes:
    from logtui.core.errors import ConfigError

    try:
        return NextDnsModes.parse(spec)
    except ValueError as error:
        raise ConfigError(str(error)) from None
