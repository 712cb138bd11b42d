"""Any Server-Sent Events stream: JSON data becomes an entry, other data a text entry."""

from __future__ import annotations

from collections.abc import Sequence

from logtui.core.apis.generic_sse import STREAM_SHAPES
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig
from logtui.core.sources.base import Chunk, ConnectPlan
from logtui.core.sources.sse_source import SSESource
from logtui.core.sse import Frame


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

    def _decode(self, frames: Sequence[Frame]) -> Chunk:
        """Decode as any SSE source, then keep each named event's name on its entry.

        Entries come out in frame order, some frames making none, so each entry is matched to
        the next frame with its text. The name is raw wire text: it is sanitised when drawn.
        """
        chunk = super()._decode(frames)
        if not any(name and name != "message" for _, _, name in frames):
            return chunk
        position = 0
        for entry in chunk.entries:
            while position < len(frames) and frames[position][1] != entry.raw:
                position += 1
            if position == len(frames):
                break
            name = frames[position][2]
            if name and name != "message":
                entry.event_name = name
            position += 1
        return chunk


def build(config: SourceConfig) -> GenericSSESource:
    """The source for ``config`` (what the API's profile names, ``ApiProfile.source``); a new
    stream decides its log shape afresh."""
    STREAM_SHAPES.reset()
    return GenericSSESource(
        url=config.url, headers=config.headers,
        filters=config.filters, max_event_bytes=config.max_event_bytes,
        credential_hint=config.credential_hint,
    )


__all__ = ["GenericSSESource", "build"]
