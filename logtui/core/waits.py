"""How a wait before the next connection is put into words, the same on stderr and on screen.

A wait the user is not told about looks like a hang. Every wait longer than
:data:`WAIT_SAID_AFTER` is said with its cause and its end on the wall clock, and a wait the
engine shortened to its maximum says what the server asked for.
"""

from __future__ import annotations

import time
from typing import Final

__all__ = ["WAIT_SAID_AFTER", "capped_note", "clock_time", "in_seconds", "span", "wait_message"]

WAIT_SAID_AFTER: Final = 5.0
"""Seconds from which a wait is announced (shorter ones show only as a countdown)."""


def clock_time(when: float) -> str:
    """Local wall-clock time of ``when`` (a ``time.time()`` value) as ``HH:MM:SS``."""
    return time.strftime("%H:%M:%S", time.localtime(when))


def in_seconds(seconds: float) -> str:
    """``0.4 s`` below ten seconds, whole seconds above: precise where it matters."""
    seconds = max(0.0, seconds)
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


def span(seconds: float) -> str:
    """A round duration in the largest unit it fills: ``1 h``, ``30 min``, ``45 s``."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:.0f} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def capped_note(asked: float, maximum: float) -> str:
    """What to say when the server asked for longer than ``maximum`` seconds."""
    return f"the server asked for {asked:.0f} s; waiting the {span(maximum)} maximum"


def wait_message(cause: str, until: float, seconds: float) -> str:
    """``<cause>; retrying at 14:05:10 (in 42 s)``."""
    return f"{cause}; retrying at {clock_time(until)} (in {in_seconds(seconds)})"
