"""Any Server-Sent Events stream: JSON data becomes an entry, other data a text entry."""

from __future__ import annotations

from logtui.core.models import SourceKind
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


__all__ = ["GenericSSESource"]
