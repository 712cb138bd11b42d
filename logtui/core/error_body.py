"""An API's ``{"errors": [...]}`` body as one line a person can act on.

NextDNS answers a user's mistake with HTTP **200** and ``{"errors": [{code, detail, source:
{parameter | pointer}}]}`` (a client's mistake with 400 and the same body), so a 200 is no proof
of success: a document with ``errors`` is an error whatever its status. Every piece comes from
the server and is sanitised here, before it can reach a message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from logtui.core.errors import FatalSourceError, TransientSourceError
from logtui.core.sanitize import safe_line

TRANSIENT_CODES: Final = frozenset(
    {"tooManyRequests", "rateLimited", "unavailable", "timeout", "internalError"}
)
"""Error codes that say "later", not "fix something": such a document is retried."""
PIECE_LIMIT: Final = 120
"""Characters kept of each server-chosen piece (code, detail, parameter)."""


@dataclass(frozen=True, slots=True)
class ApiError:
    """One entry of an ``errors`` array, every piece sanitised and bounded."""

    code: str
    detail: str
    parameter: str
    """The query parameter (``source.parameter``) or JSON pointer (``source.pointer``) at
    fault; ``""`` when the server names none."""

    def __str__(self) -> str:
        text = self.code or "error"
        if self.detail and self.detail != self.code:
            text += f": {self.detail}"
        if self.parameter:
            text += f" (parameter {self.parameter})"
        return text


def _piece(value: object) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return safe_line(" ".join(str(value).split()))[:PIECE_LIMIT]


def api_errors(document: object) -> list[ApiError]:
    """The errors a JSON document reports; empty when it reports none (or is not that shape)."""
    if not isinstance(document, Mapping):
        return []
    errors = document.get("errors")
    if not isinstance(errors, Sequence) or isinstance(errors, str):
        return []
    found: list[ApiError] = []
    for item in errors:
        if not isinstance(item, Mapping):
            if item is not None:
                found.append(ApiError("", _piece(item), ""))
            continue
        source = item.get("source")
        parameter = ""
        if isinstance(source, Mapping):
            parameter = _piece(source.get("parameter")) or _piece(source.get("pointer"))
        detail = _piece(item.get("detail")) or _piece(item.get("message"))
        found.append(ApiError(_piece(item.get("code")), detail, parameter))
    return found


def errors_line(document: object) -> str | None:
    """The first error of a document described in one line (and how many more), or None."""
    errors = api_errors(document)
    if not errors:
        return None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{errors[0]}{more}"


def raise_for_errors(document: object, what: str) -> None:
    """Raise when ``document`` reports errors: transient codes are retried, the rest are fatal.

    ``what`` names the request without secrets (a redacted URL).
    """
    errors = api_errors(document)
    if not errors:
        return
    line = errors_line(document)
    if all(error.code in TRANSIENT_CODES for error in errors):
        raise TransientSourceError(f"{what} answered with an error ({line})")
    fix = "fix that parameter" if errors[0].parameter else "fix the request"
    raise FatalSourceError(f"{what} answered with an error ({line}); {fix}")


__all__ = ["TRANSIENT_CODES", "ApiError", "api_errors", "errors_line", "raise_for_errors"]
