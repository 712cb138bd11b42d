"""How long to wait before reconnecting: jittered exponential backoff and the server's wishes.

A fleet of clients that lost the same server must not come back in lock-step, and one client
must not hammer a server that keeps failing. ``Backoff`` doubles a ceiling from the base up to
the cap and draws each delay between half the ceiling and the ceiling ("equal jitter"). Two
other schemes were rejected: full jitter (0 to the ceiling) can wait almost nothing, so it
cannot honour the server's ``retry:`` as a minimum; decorrelated jitter (base to three times
the previous delay) keeps falling back to the base, about one attempt in nine still under two
seconds after twenty failures. ``parse_retry_after`` reads the ``Retry-After`` header of a 429
or 503, which the engine waits out instead of, or on top of, these delays.
"""

from __future__ import annotations

import random
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Final

__all__ = ["MAX_RETRY_AFTER", "MIN_SERVER_RETRY", "Backoff", "parse_retry_after"]

MAX_RETRY_AFTER: Final = 3600.0
"""The longest ``Retry-After`` honoured, in seconds; a larger value is read as this."""

MIN_SERVER_RETRY: Final = 0.1
"""The shortest base delay a server's ``retry:`` can set, so ``retry: 0`` cannot spin a loop."""

_MAX_DELTA_DIGITS: Final = 9
_MAX_DOUBLINGS: Final = 60


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    ``now`` is the current wall-clock time (``time.time()``), injected so tests are exact.
    A date in the past gives 0; a value over ``MAX_RETRY_AFTER`` gives ``MAX_RETRY_AFTER``;
    anything unparseable (``1.5``, ``-5``, ``soon``, missing) gives None.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        digits = value.lstrip("0")
        if len(digits) > _MAX_DELTA_DIGITS:
            return MAX_RETRY_AFTER
        return min(float(int(digits or "0")), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # the asctime form carries no zone; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER)


class Backoff:
    """Reconnect delays: jittered doubling from a base up to a cap, reset after a good event.

    ``next_delay`` is called once per failed or ended connection; ``reset`` when an event has
    been received, so a healthy stream that is cut reconnects quickly; ``set_server_retry``
    when the server sends ``retry:``, which becomes the base (and raises the cap if larger).
    """

    def __init__(
        self, initial: float = 0.5, cap: float = 30.0, rng: random.Random | None = None
    ) -> None:
        if initial <= 0:
            raise ValueError("initial backoff delay must be positive")
        if cap < initial:
            raise ValueError("backoff cap must not be below the initial delay")
        self._base = initial
        self._cap = cap
        self._rng = rng if rng is not None else random.Random()
        self.attempts = 0
        """Delays handed out since the last reset."""

    @property
    def base(self) -> float:
        """The shortest delay: the initial delay, or the server's ``retry:`` once it sent one."""
        return self._base

    def next_delay(self) -> float:
        """The delay in seconds before the next attempt: the n-th after a reset lies between
        ``base * 2**(n-1)`` and ``base * 2**n`` (n from 1), within ``[base, max(cap, base)]``."""
        cap = max(self._cap, self._base)
        ceiling = min(cap, self._base * 2.0 ** (min(self.attempts, _MAX_DOUBLINGS) + 1))
        self.attempts += 1
        return max(self._base, self._rng.uniform(ceiling / 2, ceiling))

    def reset(self) -> None:
        """Start over from the base: the connection delivered a good event."""
        self.attempts = 0

    def set_server_retry(self, retry_ms: int) -> None:
        """Adopt the server's SSE reconnection time (milliseconds) as the base delay."""
        self._base = max(retry_ms / 1000, MIN_SERVER_RETRY)
