"""How long to wait before reconnecting: jittered exponential backoff and the server's wishes.

A fleet of clients that lost the same server must not come back in lock-step, and one client
must not hammer a server that keeps failing. ``Backoff`` waits about the base after the first
failure (a cut healthy stream comes back quickly, and a server's ``retry:`` is honoured closely),
then doubles a ceiling up to the cap and draws each delay between half the ceiling and the
ceiling ("equal jitter"): the spread grows with consecutive failures, never before. Two
other schemes were rejected: full jitter (0 to the ceiling) can wait almost nothing, so it
cannot honour the server's ``retry:`` as a minimum; decorrelated jitter (base to three times
the previous delay) keeps falling back to the base, about one attempt in nine still under two
seconds after twenty failures. A server's hints (``retry:``, ``Retry-After``) may lengthen a
wait but never shorten it below these delays, so no server can make a client storm it.
``parse_retry_after`` reads the ``Retry-After`` header of a 429 or 503 as the server meant it;
the engine applies its own maximum (``MAX_RETRY_AFTER``) and says so.
"""

from __future__ import annotations

import random
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Final

__all__ = ["FIRST_JITTER", "MAX_RETRY_AFTER", "Backoff", "parse_retry_after"]

MAX_RETRY_AFTER: Final = 3600.0
"""The longest wait the engine honours, in seconds, whatever the server asks for."""

FIRST_JITTER: Final = 0.1
"""The first delay after a reset lies within this fraction above the base."""

_MAX_DELTA_DIGITS: Final = 9
_HUGE_DELTA: Final = 10.0**_MAX_DELTA_DIGITS
"""What a ``Retry-After`` of more digits than ``_MAX_DELTA_DIGITS`` is read as."""
_MAX_DOUBLINGS: Final = 60


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    ``now`` is the current wall-clock time (``time.time()``), injected so tests are exact.
    A date in the past gives 0; a value is not capped here (the engine caps it and says what
    the server asked for), except that more than nine digits read as ``10**9``; anything
    unparseable (``1.5``, ``-5``, ``soon``, missing) gives None.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        digits = value.lstrip("0")
        if len(digits) > _MAX_DELTA_DIGITS:
            return _HUGE_DELTA
        return float(int(digits or "0"))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # the asctime form carries no zone; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return min(max(when.timestamp() - now, 0.0), _HUGE_DELTA)


class Backoff:
    """Reconnect delays: jittered doubling from a base up to a cap, reset after a healthy stream.

    ``next_delay`` is called once per failed or ended connection; ``reset`` once a connection
    proved healthy (the engine decides: it stayed up for a while), so a healthy stream that is
    cut reconnects quickly; ``set_server_retry`` when the server sends ``retry:``, which becomes
    the base when longer than the initial delay (and raises the cap if larger).
    """

    def __init__(
        self, initial: float = 0.5, cap: float = 30.0, rng: random.Random | None = None
    ) -> None:
        if initial <= 0:
            raise ValueError("initial backoff delay must be positive")
        if cap < initial:
            raise ValueError("backoff cap must not be below the initial delay")
        self._initial = initial
        self._base = initial
        self._cap = cap
        self._rng = rng if rng is not None else random.Random()
        self.attempts = 0
        """Delays handed out since the last reset."""

    @property
    def base(self) -> float:
        """The shortest delay: the initial delay, or the server's longer ``retry:``."""
        return self._base

    def next_delay(self) -> float:
        """The delay in seconds before the next attempt, within ``[base, max(cap, base)]``.

        The first after a reset lies within ``FIRST_JITTER`` above the base; the n-th after
        that (n from 1) between ``base * 2**(n-1)`` and ``base * 2**n``.
        """
        cap = max(self._cap, self._base)
        doublings = min(self.attempts, _MAX_DOUBLINGS)
        self.attempts += 1
        if doublings == 0:
            return min(cap, self._base * self._rng.uniform(1.0, 1.0 + FIRST_JITTER))
        ceiling = min(cap, self._base * 2.0**doublings)
        return max(self._base, self._rng.uniform(ceiling / 2, ceiling))

    def reset(self) -> None:
        """Start over from the base: the connection proved healthy."""
        self.attempts = 0

    def set_server_retry(self, retry_ms: int) -> None:
        """Adopt the server's SSE reconnection time (milliseconds) as the base delay.

        Never below the initial delay: ``retry: 0`` must not turn reconnects into a loop.
        """
        self._base = max(retry_ms / 1000, self._initial)
