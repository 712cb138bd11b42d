"""A fault schedule: what a hostile server does to each stream connection, in order.

Written from the API docs, the WHATWG SSE spec and RFC 9110, not from logtui's demo server, so
a misreading shared by logtui and its demo cannot hide here. Each stream connection takes the
next :class:`Fault` of the schedule; once it is used up, connections are served plainly and kept
open. A fault is data (it prints as a minimal reproduction in a failing test's output).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    """What happens to one stream connection."""

    PLAIN = "plain"
    """Send ``after`` frames, then close cleanly between frames."""
    CUT = "cut"
    """Send ``after`` frames, then ``offset`` bytes of the next one, then close (FIN)."""
    TCP_RESET = "tcp-reset"
    """Send ``after`` frames, then reset the connection (RST)."""
    STALL = "stall"
    """Send ``after`` frames, then go silent for ``seconds`` before closing."""
    STATUS = "status"
    """Answer ``status`` (429/503) with ``retry_after`` and a hostile reason phrase."""
    RESET_EVENT = "reset-event"
    """Send ``after`` frames, then ``event: reset``; the server restarts (ring emptied, ringSeq
    moves on by 10,000 as the docs promise)."""
    RESTART = "restart"
    """Send ``after`` frames, then die: the ring is emptied and ringSeq starts again LOWER,
    with no ``reset`` event (a crash); with ``ids_lower`` the entry ids start lower too."""
    UNKNOWN_EVENT = "unknown-event"
    """Send ``after`` frames, then one entry under an unknown ``event:`` name, then close."""
    SCOPE_DESTROYED = "scope-destroyed"
    """Send ``after`` frames, then ``event: scope-destroyed``, then close: the client ends."""
    BAD_RESUME = "bad-resume"
    """NextDNS only: answer as if the ``?id=`` were unknown (``event: error`` or 400)."""


class RetryAfter(enum.StrEnum):
    """The forms of ``Retry-After`` (RFC 9110 §10.2.3) a 429/503 carries."""

    NONE = "none"
    ZERO = "0"
    ONE = "1"
    DATE_PAST = "date-past"
    DATE_FUTURE = "date-future"
    """An HTTP-date about one second ahead."""
    GARBAGE = "garbage"


@dataclass(frozen=True)
class Style:
    """How a connection's bytes are dressed: none of it changes what they mean."""

    line_ending: str = "\n"
    """``\\n``, ``\\r\\n`` or ``\\r`` (all three are line ends in SSE)."""
    id_padding: bool = False
    """Ids written ``id:\\t 12 `` style: SSE keeps everything after one optional space."""
    gzip: bool = False
    """``Content-Encoding: gzip`` on the stream body."""
    heartbeats: bool = True
    """``:`` comment lines between frames."""
    retry_ms: int | None = None
    """A ``retry:`` field sent first (0 included)."""
    hostile_text: bool = False
    """Escape sequences, BEL, C1 and bidi controls inside entries."""


@dataclass(frozen=True)
class Fault:
    """One stream connection's fate."""

    kind: Kind = Kind.PLAIN
    after: int = 0
    offset: int = 0
    seconds: float = 0.0
    status: int = 503
    retry_after: RetryAfter = RetryAfter.NONE
    ids_lower: bool = False
    bad_resume_as_400: bool = False
    style: Style = field(default_factory=Style)

    def __str__(self) -> str:
        parts = [self.kind.value, f"after={self.after}"]
        if self.kind is Kind.CUT:
            parts.append(f"offset={self.offset}")
        if self.kind is Kind.STALL:
            parts.append(f"seconds={self.seconds}")
        if self.kind is Kind.STATUS:
            parts.append(f"status={self.status} retry_after={self.retry_after.value}")
        if self.kind is Kind.RESTART and self.ids_lower:
            parts.append("ids_lower")
        if self.kind is Kind.BAD_RESUME:
            parts.append("as 400" if self.bad_resume_as_400 else "as event: error")
        if self.style != Style():
            parts.append(repr(self.style))
        return " ".join(parts)


HOSTILE_TEXT = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b1m\u202egnp.exe\x07\x00\x85end"
"""Terminal takeover attempts: OSC title, clear screen, SGR, C1 CSI, bidi override, NUL, NEL."""

HOSTILE_REASON = "Slow \x1b[2J\x1b]0;pwn\x07Down\x9b31m"
"""A reason phrase (RFC 9110 lets it be any visible text; these bytes are not)."""


def retry_after_value(form: RetryAfter, now: float) -> str | None:
    """The header value for ``form`` at wall-clock time ``now``."""
    from email.utils import formatdate

    if form is RetryAfter.NONE:
        return None
    if form is RetryAfter.DATE_PAST:
        return formatdate(now - 3600, usegmt=True)
    if form is RetryAfter.DATE_FUTURE:
        return formatdate(now + 1.5, usegmt=True)
    if form is RetryAfter.GARBAGE:
        return "soon\x1b[2J"
    return form.value


__all__ = ["HOSTILE_REASON", "HOSTILE_TEXT", "Fault", "Kind", "RetryAfter", "Style",
           "retry_after_value"]
