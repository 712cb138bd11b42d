"""Numbers several modules share, defined once so the command line, the core and the dashboard
cannot drift apart. Standard library only: the ``--help`` path imports it.

A number only one module uses stays in that module.
"""

from __future__ import annotations

from typing import Final

DEFAULT_IDLE_TIMEOUT: Final = 45.0
"""Seconds without a byte (heartbeats count) before a live stream is stale and reconnected:
three missed 15-second heartbeats. The engine's default and ``--idle-timeout``'s."""
DEFAULT_BUFFER: Final = 100_000
"""Entries the dashboard keeps: the store's default capacity and ``--buffer``'s."""
DEFAULT_MAX_EVENT_BYTES: Final = 32 * 1024 * 1024
"""The largest event a source keeps and the SSE decoder accepts; log entries are far smaller,
a runaway line is not."""

__all__ = ["DEFAULT_BUFFER", "DEFAULT_IDLE_TIMEOUT", "DEFAULT_MAX_EVENT_BYTES"]
