"""Instant Logs (Cloudflare, IBM CIS): a job (:mod:`.jobs`, its answer in :mod:`.envelope`), then
a WebSocket session (:mod:`.socket`) renewed before its limit (:mod:`.stream`), all behind one
source (:mod:`.source`); :mod:`.query` splits ``--filter`` between the job and the client.

Importing this package loads nothing heavy: the command line reads :mod:`.defaults` on the
``--help`` path, and the source (httpx, websockets, pydantic) is imported only when built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logtui.core.sources import SourceConfig
    from logtui.core.sources.instant_logs.source import InstantLogsSource


def instant_logs_source(config: SourceConfig) -> InstantLogsSource:
    """The source for ``config`` (see :func:`.source.instant_logs_source`)."""
    from logtui.core.sources.instant_logs.source import instant_logs_source as build

    return build(config)


__all__ = ["instant_logs_source"]
