"""logtui's error hierarchy. Each message is one line a person can act on.

    LogtuiError
    ├── ConfigError          bad arguments, filter expressions, config files (exit 2)
    │   └── FilterSyntaxError    with the position of the problem
    ├── FatalSourceError     the server said no in a way retrying cannot fix (exit 3):
    │   │                    401/403/404/204, wrong content type, a refused session
    │   └── AuthError            names the flag or env var that holds the credential
    ├── TransientSourceError a cut, a stall, a 5xx: the engine reconnects
    │   └── RateLimited          429/503, carries the server's Retry-After
    └── StreamEnded          the server ended the stream on purpose (scope-destroyed; exit 0)

Messages never contain a secret; callers pass only redacted URLs.
"""

from __future__ import annotations


class LogtuiError(Exception):
    """Base class for every error logtui raises on purpose."""

    exit_code: int = 1


class ConfigError(LogtuiError):
    """The user's input is wrong: an argument, a config file, a filter expression."""

    exit_code = 2


class FilterSyntaxError(ConfigError):
    """A filter expression that does not parse, with the 0-based column of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class FatalSourceError(LogtuiError):
    """The server refused in a way that retrying cannot fix; stop at once, no retry loop."""

    exit_code = 3


class AuthError(FatalSourceError):
    """Credentials missing or rejected; the message names where to set them."""


class TransientSourceError(LogtuiError):
    """The connection failed in a way worth retrying (cut, stall, 5xx, network)."""

    exit_code = 4

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(TransientSourceError):
    """429 or 503: wait ``retry_after`` seconds (from the server) before the next attempt."""


class StreamEnded(LogtuiError):
    """The server ended the stream deliberately (``scope-destroyed``); a clean exit."""

    exit_code = 0
