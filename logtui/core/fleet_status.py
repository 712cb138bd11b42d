"""Several sources' statuses read together: the worst first, and one status standing for all.

The dashboard over several sources shows one dot per source, the worst state first, and keeps
one combined :class:`~logtui.core.models.SourceStatus` for what reads a single status (the
counters line, the exit code). Each source's own status stays whole for its detail screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from logtui.core.models import ConnectionState, SourceStatus

__all__ = ["STATE_RANK", "all_failed", "combined_status", "worst_first"]

STATE_RANK: Final[dict[ConnectionState, int]] = {
    ConnectionState.FAILED: 0,
    ConnectionState.RATE_LIMITED: 1,
    ConnectionState.RECONNECTING: 2,
    ConnectionState.STALE: 3,
    ConnectionState.ENDED: 4,
    ConnectionState.CONNECTING: 5,
    ConnectionState.LIVE: 6,
}
"""How bad each state is, worst first: a source that needs the user before one that waits,
one that waits before one that works."""


def worst_first(statuses: Iterable[SourceStatus]) -> list[SourceStatus]:
    """The statuses ordered worst state first (the given order among equals)."""
    return sorted(statuses, key=lambda status: STATE_RANK[status.state])


def all_failed(statuses: Sequence[SourceStatus]) -> bool:
    """Whether every source failed (nothing is left streaming)."""
    return bool(statuses) and all(s.state is ConnectionState.FAILED for s in statuses)


def combined_status(statuses: Sequence[SourceStatus], *, kind: str,
                    description: str) -> SourceStatus:
    """One status for all: the worst state (with its source's reason and retry time), the
    counters summed; no event id (each source resumes from its own)."""
    if not statuses:
        return SourceStatus(kind=kind, description=description)
    worst = worst_first(statuses)[0]
    detail = f"{worst.name}: {worst.detail}" if worst.detail else ""
    return SourceStatus(
        kind=kind,
        description=description,
        state=worst.state,
        detail=detail,
        retry_at=worst.retry_at,
        reconnects=sum(s.reconnects for s in statuses),
        received=sum(s.received for s in statuses),
        malformed=sum(s.malformed for s in statuses),
        oversized=sum(s.oversized for s in statuses),
        duplicates=sum(s.duplicates for s in statuses),
        backfilled=sum(s.backfilled for s in statuses),
        history=sum(s.history for s in statuses),
    )
