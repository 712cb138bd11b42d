"""The HTTP client a source opens with itself and closes with itself.

Each source makes its client lazily (tests inject a factory) and must hand out the same one
until it is closed; this is that lifecycle, written once.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

__all__ = ["OwnedClient"]


class OwnedClient:
    """An ``httpx.AsyncClient`` made on :meth:`open` and closed on :meth:`aclose`."""

    __slots__ = ("_client", "_factory")

    def __init__(self, factory: Callable[[], httpx.AsyncClient]) -> None:
        self._factory = factory
        self._client: httpx.AsyncClient | None = None

    def open(self) -> None:
        """Make the client, once; opening an open holder does nothing."""
        if self._client is None:
            self._client = self._factory()

    async def aclose(self) -> None:
        """Close the client, if open; it can be opened again afterwards."""
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    @property
    def client(self) -> httpx.AsyncClient:
        """The open client; a source must be opened before it connects."""
        if self._client is None:
            raise RuntimeError("open the source (async with source) before connecting")
        return self._client
