"""Helpers for NextDNS tests: a quiet demo server in a chosen mode, and an engine on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from logtui.core.engine import Engine
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.nextdns import profile_url
from logtui.demo import DemoConfig, DemoServer
from tests.engine.helpers import WaitingSink, fast_backoff

API_KEY = "nextdns-test-key"
PROFILE = "abc123"


@contextmanager
def demo(modes: str = "", **overrides: Any) -> Iterator[DemoServer]:
    """A demo server with no background traffic, in the given ``--nextdns-modes``."""
    settings: dict[str, Any] = {
        "seed": 5, "rate": 0.0, "api_key": API_KEY, "history": 0, "nextdns_modes": modes,
    }
    settings.update(overrides)
    with DemoServer(DemoConfig(**settings)) as server:
        yield server


def source_config(
    server: DemoServer, *, key: str = API_KEY, filters: dict[str, str] | None = None,
    history: int = 0,
) -> SourceConfig:
    return SourceConfig(
        kind=SourceKind.NEXTDNS, url=profile_url(server.nextdns_url, PROFILE), secret=key,
        filters=filters or {}, history=history,
    )


def engine(config: SourceConfig, sink: WaitingSink) -> Engine:
    """An engine that reconnects fast and keeps no resume state."""
    return Engine(build_source(config), sink, resume=False, backoff=fast_backoff(),
                  history=config.history)
