"""One ``async with`` protocol for everything that holds a connection's resources.

Sources, history readers and the merged history each open something (an HTTP client, several
readers) before use and must release it however the block ends: each says how in
:meth:`AsyncResource.open` and :meth:`AsyncResource.aclose`, and the block's entry and exit
are written once, here.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncResource"]


class AsyncResource:
    """``async with`` calls :meth:`open` on entry and :meth:`aclose` on exit."""

    async def open(self) -> None:
        """Acquire what the object needs; called once, before use."""
        return None

    async def aclose(self) -> None:
        """Release what :meth:`open` acquired; safe to call when nothing was."""
        return None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
