"""Any Server-Sent Events stream: JSON data becomes an entry, other data a text entry."""

from __future__ import annotations

from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig
from logtui.core.sources.base import ConnectPlan
from logtui.core.sources.sse_source import SSESource


class GenericSSESource(SSESource):
    """A plain SSE endpoint, resumed with ``Last-Event-ID``; no history, no backfill."""

    kind: str = SourceKind.SSE
    CREDENTIAL_HINT = "check the headers given with -H"
    ENTRY_EVENTS = None
    ALLOW_TEXT = True

    def stream_request(self, plan: ConnectPlan) -> tuple[str, dict[str, str], dict[str, str]]:
        headers = self.auth_headers()
        if plan.resume_id:
            headers["Last-Event-ID"] = plan.resume_id
        return self._url, dict(self._filters), headers


def build(config: SourceConfig) -> GenericSSESource:
    """The source for ``config`` (what the API's profile names, ``ApiProfile.source``)."""
    return GenericSSESource(
        url=config.url, headers=config.headers,
        filters=config.filters, max_event_bytes=config.max_event_bytes,
    )


__all__ = ["GenericSSESource", "build"]
