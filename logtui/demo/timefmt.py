"""Timestamp formatting shared by the generators: ISO 8601 in UTC with milliseconds and ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_ms(ms: int) -> str:
    """``1718201234000`` → ``"2024-06-12T14:33:54.000Z"``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
