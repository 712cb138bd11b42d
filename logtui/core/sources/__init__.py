"""Log sources: one module per API, all behind :class:`~logtui.core.sources.base.Source`.

:class:`SourceConfig` is what the command line (or the dashboard) knows about a source;
:func:`build_source` turns it into a source. This module imports nothing heavy at import time, so
the CLI and the dashboard can describe a source without loading httpx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from logtui.core.apis import profile_for
from logtui.core.constants import DEFAULT_MAX_EVENT_BYTES

if TYPE_CHECKING:
    from logtui.core.sources.base import Source

class SourceOptions:
    """The base of one kind of source's typed options (a frozen dataclass per API), which
    ``SourceConfig.options`` holds in place of a plain mapping."""

    __slots__ = ()


@dataclass(frozen=True)
class SourceConfig:
    """Everything needed to build a source; ``secret`` is never printed (it is not in repr)."""

    kind: str
    """The API's name (a :class:`~logtui.core.models.SourceKind` for the built-in ones)."""
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
    options: Mapping[str, object] | SourceOptions = field(default_factory=dict)
    """Settings only one kind of source has: that source's own typed value (Instant Logs:
    ``InstantLogsOptions``), or a mapping of its fields, which the source checks."""
    credential_hint: str | None = None
    """What a refusal of the credentials tells the user to do, in place of the API's own
    advice (its flag and variable) when the credentials came from elsewhere (a named source's
    ``token_env``); None: the API's own."""


def build_source(config: SourceConfig) -> Source:
    """The source for ``config``, built by the function its API's profile names
    (``ApiProfile.source``); :class:`ConfigError` for an unknown API."""
    module, _, function = profile_for(config.kind).source.partition(":")
    build: Callable[[SourceConfig], Source] = getattr(importlib.import_module(module), function)
    return build(config)


__all__ = ["SourceConfig", "SourceOptions", "build_source"]
