"""Ways the demo NextDNS API can behave that the documented default does not show.

The default follows the public API documents: a user's mistake (a bad ``limit``, ``from``,
``status`` ...) is answered with HTTP 200 and an ``errors`` body, a malformed ``cursor`` or
``id`` with 400, ``raw=1`` adds ``type`` and ``dnssec``, ``?id=`` or ``Last-Event-ID`` resumes.
``--nextdns-modes`` switches on what a client must also survive; standard library only, so
``--help`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MODES_HELP: Final[str] = """\
NextDNS modes (--nextdns-modes): comma-separated items:
  user-errors=200|400  status of a user's mistake (bad limit, from, to, sort,
                       status, raw), always with an {"errors": [...]} body
                       (default 200, as documented; a bad cursor or id is 400)
  unidentified=P       a share P (0..1) of queries come from no identified
                       device: no 'device' and no 'client' field
  timeout=K            the first K requests (/logs or /logs/stream) answer 524,
                       an upstream timeout
  429=K                the first K requests answer 429 with no Retry-After
example: --nextdns-modes user-errors=400,unidentified=0.2,timeout=2
"""


@dataclass(frozen=True, slots=True)
class NextDnsModes:
    """The parsed ``--nextdns-modes``; ``NextDnsModes()`` is the documented behaviour."""

    user_error_status: int = 200
    """The HTTP status of a user's mistake (its body is the ``errors`` document either way)."""
    unidentified: float = 0.0
    """The share of queries with no ``device`` and no ``client``."""
    timeouts: int = 0
    """How many first requests answer 524."""
    bare_429: int = 0
    """How many first requests (after the timeouts) answer 429 without ``Retry-After``."""

    @classmethod
    def parse(cls, spec: str) -> NextDnsModes:
        """Parse a specification; ValueError with a message naming the bad item."""
        user_error_status, unidentified, timeouts, bare_429 = 200, 0.0, 0, 0
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            name, _, value = item.partition("=")
            if name == "user-errors" and value in ("200", "400"):
                user_error_status = int(value)
            elif name == "unidentified" and _is_share(value):
                unidentified = float(value)
            elif name in ("timeout", "429") and value.isdigit() and value.isascii():
                if name == "timeout":
                    timeouts = int(value)
                else:
                    bare_429 = int(value)
            else:
                raise ValueError(
                    f"--nextdns-modes: cannot read {item!r}; see 'logtui demo-server --help'"
                )
        return cls(user_error_status, unidentified, timeouts, bare_429)


def _is_share(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return 0.0 <= value <= 1.0


__all__ = ["MODES_HELP", "NextDnsModes"]
