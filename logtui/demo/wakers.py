"""Wake-ups for open streams: a store change or server shutdown wakes every waiting stream.

Every method must run on the server's event loop thread (asyncio events are not thread-safe);
the server routes calls from other threads through ``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio


class Wakers:
    """A set of per-connection events that one call sets all at once."""

    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def add(self) -> asyncio.Event:
        """A new event for one connection; pass it to :meth:`remove` when the stream ends."""
        event = asyncio.Event()
        self._events.add(event)
        return event

    def remove(self, event: asyncio.Event) -> None:
        """Forget a connection's event."""
        self._events.discard(event)

    def wake_all(self) -> None:
        """Set every registered event."""
        for event in self._events:
            event.set()
