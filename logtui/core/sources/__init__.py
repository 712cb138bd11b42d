"""Log sources: one module per API, all behind :class:`~logtui.core.sources.base.Source`.

:class:`SourceConfig` is what the command line (or the dashboard) knows about a source;
:func:`build_source` turns it into a source. This module imports nothing heavy at import time, so
the CLI and the dashboard can describe a source without loading httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from logtui.core.constants import DEFAULT_MAX_EVENT_BYTES
from logtui.core.errors import ConfigError
from logtui.core.models import SourceKind

if TYPE_CHECKING:
    from logtui.core.sources.base import Source

@dataclass(frozen=True)
class SourceConfig:
    """Everything needed to build a source; ``secret`` is never printed (it is not in repr)."""

    kind: SourceKind
    url: str
    """proxy: the API base (``https://host/api/proxy-logs``); nextdns: the profile's API URL
    (``https://api.nextdns.io/profiles/abc123``); sse: the stream URL."""
    secret: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Extra request headers (``-H``); may hold credentials, so never printed either."""
    filters: Mapping[str, str] = field(default_factory=dict)
    """Server-side query parameters (``projectId``, ``level``, ``device``, ...)."""
    history: int = 0
    """Entries of recent history to load before live."""
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    options: Mapping[str, object] = field(default_factory=dict)
    """Settings only one kind of source has (Instant Logs: ``fields``, ``sample``...)."""


def build_source(config: SourceConfig) -> Source:
    """The source for ``config``; raises :class:`ConfigError` for a kind without a source."""
    if config.kind is SourceKind.PROXY:
        from logtui.core.sources.proxy import ProxySource

        return ProxySource(
            secret=config.secret, url=config.url, headers=config.headers,
            filters=config.filters, max_event_bytes=config.max_event_bytes,
        )
    if config.kind is SourceKind.NEXTDNS:
        from logtui.core.sources.nextdns import NextDNSSource

        return NextDNSSource(
            secret=config.secret, url=config.url, headers=config.headers,
            filters=config.filters, max_event_bytes=config.max_event_bytes,
        )
    if config.kind is SourceKind.SSE:
        from logtui.core.sources.generic import GenericSSESource

        return GenericSSESource(
            url=config.url, headers=config.headers,
            filters=config.filters, max_event_bytes=config.max_event_bytes,
        )
    if config.kind is SourceKind.INSTANT_LOGS:
        from logtui.core.sources.instant_logs import instant_logs_source

        return instant_logs_source(config)
    raise ConfigError(f"no stream source for {config.kind.value!r} yet")


__all__ = ["SourceConfig", "build_source"]
